import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { crossCheck, type Indexed } from "./crossChecks";
import { ConfigError, type ConfigProblem, problemsFromIssues } from "./errors";
import { stackConfigShape, syncSchema, tenantSchema } from "./schema";
import type { StackConfig, Sync, Tenant } from "./stackConfig";

const KEYS = Object.keys(stackConfigShape) as (keyof typeof stackConfigShape)[];

/**
 * Reads and validates the whole stack config. `raw` is the engine's config map (`pulumi.runtime.allConfig()`):
 * keys `<project>:<key>`, values as strings (objects and arrays as JSON). Keys of other namespaces
 * (`kubernetes:`, `aws:`) are left alone. Throws one ConfigError listing every problem.
 */
export function loadStackConfig(raw: Readonly<Record<string, string>>, project: string,
    options: { projectDir?: string; env?: NodeJS.ProcessEnv; homeDir?: string } = {}): StackConfig {
    const projectDir = options.projectDir ?? process.cwd();
    const problems: ConfigProblem[] = [];
    const prefix = `${project}:`;
    for (const key of Object.keys(raw)) {
        if (key.startsWith(prefix) && !KEYS.includes(key.slice(prefix.length) as never)) {
            problems.push({ key, message: `unknown key (known keys: ${KEYS.join(", ")})` });
        }
    }

    const parsed: Partial<{ [K in keyof typeof stackConfigShape]: z.output<(typeof stackConfigShape)[K]> }> = {};
    const entries: { tenants?: Indexed<z.output<typeof tenantSchema>>[]; syncs?: Indexed<z.output<typeof syncSchema>>[] } = {};
    for (const name of KEYS) {
        const key = `${prefix}${name}`;
        const text = raw[key];
        let value: unknown;
        if (text !== undefined) {
            try {
                value = JSON.parse(text);
            } catch {
                problems.push({ key, message: `must be a YAML object or list, got the plain string ${JSON.stringify(text)}` });
                continue;
            }
        }
        if ((name === "tenants" || name === "syncs") && Array.isArray(value)) {
            // Entry by entry, so that the good entries still get the cross-entry checks below.
            const schema = name === "tenants" ? tenantSchema : syncSchema;
            const good: Indexed<any>[] = [];
            value.forEach((entry, index) => {
                const result = schema.safeParse(entry, { reportInput: true });
                if (result.success) good.push({ index, value: result.data });
                else problems.push(...problemsFromIssues(`${key}[${index}]`, result.error.issues));
            });
            entries[name] = good;
            continue;
        }
        const result = stackConfigShape[name].safeParse(value, { reportInput: true });
        if (result.success) {
            (parsed as Record<string, unknown>)[name] = result.data;
        } else {
            problems.push(...problemsFromIssues(key, result.error.issues));
        }
    }
    entries.tenants ??= parsed.tenants?.map((value, index) => ({ index, value }));
    entries.syncs ??= parsed.syncs?.map((value, index) => ({ index, value }));

    const tenants = entries.tenants?.map(({ index, value: t }): Indexed<Tenant> => ({
        index,
        value: { ...t, namespace: t.namespace ?? t.name, serviceAccount: t.serviceAccount ?? t.name },
    }));
    const syncs = entries.syncs?.map(({ index, value: s }): Indexed<Sync> => ({
        index,
        value: { ...s, source: { ...s.source, name: s.source.name ?? s.name } },
    }));
    const rawList = (name: string): unknown[] | undefined => {
        try {
            const value = JSON.parse(raw[`${prefix}${name}`] ?? "[]");
            return Array.isArray(value) ? value : undefined;
        } catch {
            return undefined;
        }
    };
    const nameIn = (entry: unknown, field: string): string | undefined => {
        const value = (entry as Record<string, unknown> | null)?.[field];
        return typeof value === "string" ? value : undefined;
    };
    const declaredTenants = rawList("tenants")?.map((t) => nameIn(t, "name")).filter((n): n is string => n !== undefined);
    const syncTenants = (rawList("syncs") ?? []).flatMap((s, index) => {
        const tenant = nameIn(s, "tenant");
        return tenant === undefined ? [] : [{ index, value: tenant }];
    });
    problems.push(...crossCheck(project, parsed.flux?.namespace, tenants, syncs, declaredTenants, syncTenants));

    const charts = parsed.flux?.charts;
    if (charts?.source === "local") {
        for (const chart of ["flux-operator", "flux-instance"]) {
            const file = path.resolve(projectDir, charts.directory, chart, "Chart.yaml");
            if (!fs.existsSync(file)) {
                problems.push({ key: `${prefix}flux.charts.directory`, message: `no chart at ${file}` });
            }
        }
    }

    if (problems.length > 0 || !parsed.cluster || !parsed.flux || !tenants || !syncs) {
        throw new ConfigError(problems);
    }
    const cluster = parsed.cluster.source === "existing"
        ? { ...parsed.cluster, kubeconfig: parsed.cluster.kubeconfig ?? defaultKubeconfigPath(options.env, options.homeDir) }
        : parsed.cluster;
    const clusterType = parsed.flux.instance.clusterType ?? (parsed.cluster.source === "eks" ? "aws" : "kubernetes");
    return deepFreeze({
        project,
        cluster,
        flux: { ...parsed.flux, instance: { ...parsed.flux.instance, clusterType } },
        tenants: tenants.map((t) => t.value),
        syncs: syncs.map((s) => s.value),
    });
}

/** kubectl's rule: the first file in $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env, homeDir = os.homedir()): string {
    const first = env.KUBECONFIG?.split(path.delimiter).find((p) => p.length > 0);
    return first ?? path.join(homeDir, ".kube", "config");
}

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object") {
        Object.values(value).forEach(deepFreeze);
        Object.freeze(value);
    }
    return value;
}
