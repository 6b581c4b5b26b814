import type { ConfigProblem } from "./errors";
import type { Sync, Tenant } from "./stackConfig";

/**
 * Checks that span entries: unique tenants and namespaces, syncs that name a known tenant, unique sync and
 * source names within a tenant. Pure; returns every problem found.
 */
/** A list entry that passed its own checks, with its place in the config list. */
export interface Indexed<T> {
    index: number;
    value: T;
}

/**
 * `declaredTenants` and `syncTenants` come from the raw lists, so that a sync is checked against every tenant
 * the config names, even where that tenant or the sync itself has problems of its own.
 */
export function crossCheck(
    project: string,
    fluxNamespace: string | undefined,
    tenants: readonly Indexed<Tenant>[] | undefined,
    syncs: readonly Indexed<Sync>[] | undefined,
    declaredTenants: readonly string[] | undefined,
    syncTenants: readonly Indexed<string>[],
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const tenantKey = (i: number, field: string) => `${project}:tenants[${i}].${field}`;
    const syncKey = (i: number, field: string) => `${project}:syncs[${i}].${field}`;

    const tenantByName = new Map<string, number>();
    const tenantByNamespace = new Map<string, number>();
    (tenants ?? []).forEach(({ index: i, value: t }) => {
        const sameName = tenantByName.get(t.name);
        if (sameName !== undefined) {
            problems.push({
                key: tenantKey(i, "name"),
                message: `duplicate tenant "${t.name}" (also tenants[${sameName}])`,
            });
        } else {
            tenantByName.set(t.name, i);
        }
        const sameNamespace = tenantByNamespace.get(t.namespace);
        if (sameNamespace !== undefined) {
            problems.push({
                key: tenantKey(i, "namespace"),
                message: `namespace "${t.namespace}" is already used by tenants[${sameNamespace}]`,
            });
        } else {
            tenantByNamespace.set(t.namespace, i);
        }
        if (t.namespace === fluxNamespace) {
            problems.push({
                key: tenantKey(i, "namespace"),
                message: `"${t.namespace}" is the Flux namespace (${project}:flux.namespace); a tenant needs its own`,
            });
        }
    });

    if (declaredTenants !== undefined) {
        const known = [...new Set(declaredTenants)].join(", ") || "none";
        for (const { index, value: tenant } of syncTenants) {
            if (!declaredTenants.includes(tenant)) {
                problems.push({
                    key: syncKey(index, "tenant"),
                    message: `unknown tenant "${tenant}" (tenants: ${known})`,
                });
            }
        }
    }

    const syncNames = new Map<string, number>();
    const sourceNames = new Map<string, number>();
    (syncs ?? []).forEach(({ index: i, value: s }) => {
        const syncId = `${s.tenant}/${s.name}`;
        const sameSync = syncNames.get(syncId);
        if (sameSync !== undefined) {
            problems.push({
                key: syncKey(i, "name"),
                message: `duplicate sync "${s.name}" for tenant "${s.tenant}" (also syncs[${sameSync}])`,
            });
        } else {
            syncNames.set(syncId, i);
        }
        const sourceId = `${s.tenant}/${s.source.kind}/${s.source.name}`;
        const sameSource = sourceNames.get(sourceId);
        if (sameSource !== undefined) {
            problems.push({
                key: syncKey(i, "source.name"),
                message: `${s.source.kind} "${s.source.name}" is already defined for tenant "${s.tenant}" by syncs[${sameSource}]`,
            });
        } else {
            sourceNames.set(sourceId, i);
        }
    });
    return problems;
}
