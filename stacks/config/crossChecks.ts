import type { ConfigProblem } from "./errors";
import type { Sync, Tenant } from "./stackConfig";

/** A list entry that passed its own checks, with its place in the config list. */
export interface Indexed<T> {
    index: number;
    value: T;
}

/** A tenant, and the key its namespace came from: `namespace`, or `name` when namespace is unset. */
export interface IndexedTenant extends Indexed<Tenant> {
    namespaceFrom: "namespace" | "name";
}

/**
 * The cluster's own namespaces: a tenant bound to a role there (even `edit`) could change the cluster's workloads
 * (kube-system), the public cluster-info (kube-public), node heartbeats (kube-node-lease) or whatever runs
 * unnamespaced by default (default).
 */
export const RESERVED_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "default"] as const;

/**
 * Checks that span entries: unique tenants and namespaces, namespaces a tenant may have, syncs that name a known
 * tenant, unique sync and source names within a tenant. One mistake gives one line: an entry that repeats another
 * is reported as the repeat, not also for the namespace or source it repeats with it. Pure; returns every problem.
 *
 * `declaredTenants` and `syncTenants` come from the raw lists, so that a sync is checked against every tenant
 * the config names, even where that tenant or the sync itself has problems of its own; `declaredTenants` is
 * undefined when the tenants cannot be known (the list is not a list, or an entry has no name), and then no
 * sync is said to name an unknown one.
 */
export function crossCheck(
    project: string,
    fluxNamespace: string | undefined,
    tenants: readonly IndexedTenant[] | undefined,
    syncs: readonly Indexed<Sync>[] | undefined,
    declaredTenants: readonly string[] | undefined,
    syncTenants: readonly Indexed<string>[],
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const tenantKey = (i: number, field: string) => `${project}:tenants[${i}].${field}`;
    const syncKey = (i: number, field: string) => `${project}:syncs[${i}].${field}`;

    const tenantByName = new Map<string, number>();
    const tenantByNamespace = new Map<string, number>();
    for (const { index: i, value: t, namespaceFrom } of tenants ?? []) {
        const sameName = tenantByName.get(t.name);
        if (sameName !== undefined) {
            problems.push({
                key: tenantKey(i, "name"),
                message: `duplicate tenant "${t.name}" (also tenants[${sameName}])`,
            });
            continue;
        }
        tenantByName.set(t.name, i);
        const namespace =
            namespaceFrom === "namespace"
                ? `namespace "${t.namespace}"`
                : `namespace "${t.namespace}" (the tenant's name, as namespace is unset)`;
        const problem = (message: string) => problems.push({ key: tenantKey(i, namespaceFrom), message });
        const sameNamespace = tenantByNamespace.get(t.namespace);
        if (sameNamespace !== undefined) {
            problem(`${namespace} is already used by tenants[${sameNamespace}]`);
        } else if (t.namespace === fluxNamespace) {
            problem(`${namespace} is the Flux namespace (${project}:flux.namespace); a tenant needs its own`);
        } else if ((RESERVED_NAMESPACES as readonly string[]).includes(t.namespace)) {
            problem(
                `${namespace} is reserved for the cluster itself (${RESERVED_NAMESPACES.join(", ")}): a tenant bound to ${t.clusterRole} there could change the cluster's own workloads`,
            );
        }
        if (sameNamespace === undefined) tenantByNamespace.set(t.namespace, i);
    }

    if (declaredTenants !== undefined) {
        const known = [...new Set(declaredTenants)].join(", ");
        for (const { index, value: tenant } of syncTenants) {
            if (!declaredTenants.includes(tenant)) {
                problems.push({
                    key: syncKey(index, "tenant"),
                    message: known
                        ? `unknown tenant "${tenant}" (tenants: ${known})`
                        : `unknown tenant "${tenant}" (${project}:tenants lists none)`,
                });
            }
        }
    }

    const syncNames = new Map<string, number>();
    const sourceNames = new Map<string, number>();
    for (const { index: i, value: s } of syncs ?? []) {
        const syncId = `${s.tenant}/${s.name}`;
        const sameSync = syncNames.get(syncId);
        if (sameSync !== undefined) {
            problems.push({
                key: syncKey(i, "name"),
                message: `duplicate sync "${s.name}" for tenant "${s.tenant}" (also syncs[${sameSync}])`,
            });
            continue;
        }
        syncNames.set(syncId, i);
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
    }
    return problems;
}
