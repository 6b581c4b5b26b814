import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { z } from "zod";
import { credentialChecks } from "./credentialChecks";
import { type CredentialConfig, credentialSchema } from "./credentialSchema";
import { crossCheck, type Indexed, type IndexedTenant } from "./crossChecks";
import { guardrailChecks, resolveGuardrails } from "./guardrailChecks";
import { guardrailsSchema } from "./guardrailsSchema";
import { platformChecks } from "./platformChecks";
import { ConfigError, type ConfigProblem, PrerequisiteError } from "./errors";
import { parseWith, unknownKey } from "./messages";
import { defaultLabBin } from "../../lab/binaries";
import { LAB_COMPONENTS } from "./defaults";
import { kubernetesObjectName } from "./patterns";
import { type ClusterConfig, type FluxConfig, stackConfigShape, syncSchema, tenantSchema } from "./schema";
import type { ResolvedCluster, StackConfig, Sync } from "./stackConfig";

type Key = keyof typeof stackConfigShape;
const KEYS = Object.keys(stackConfigShape) as Key[];
/** The list keys, checked entry by entry so that the good entries still get the cross-entry checks. */
const LIST_ENTRY = { tenants: tenantSchema, syncs: syncSchema } as const;

export interface LoadOptions {
    /** Folder that local chart directories are relative to; default the working directory. */
    projectDir?: string;
    /** The stack's name: a lab's default name (and so its directory). */
    stack?: string;
    /** For the default kubeconfig path ($KUBECONFIG). */
    env?: NodeJS.ProcessEnv;
    homeDir?: string;
    /**
     * Checks the machine for what the cluster source needs (tools, credentials, the kubeconfig context), run
     * whenever the cluster key itself is valid: its problems are reported with the config's, in one error.
     */
    checkMachine?: (stack: { project: string; cluster: ResolvedCluster }) => ConfigProblem[];
    /**
     * Whether a config key holds a secret value (`pulumi config set --secret`), as the engine tells the program;
     * unset when not known. Credentials whose key holds no secret are refused: their tokens are in plain text.
     */
    isSecret?: (key: string) => boolean;
}

/**
 * Reads and validates the whole stack config. `raw` is the engine's config map (`pulumi.runtime.allConfig()`):
 * keys `<project>:<key>`, values as strings (objects and arrays as JSON). Keys of other namespaces
 * (`kubernetes:`, `aws:`) are left alone. Throws one ConfigError listing every problem (and, with
 * `checkMachine`, the machine's too), or a PrerequisiteError when only the machine has problems.
 */
export function loadStackConfig(
    raw: Readonly<Record<string, string>>,
    project: string,
    options: LoadOptions = {},
): StackConfig {
    const prefix = `${project}:`;
    const present = Object.keys(raw)
        .filter((key) => key.startsWith(prefix))
        .map((key) => key.slice(prefix.length));
    const unknown = present.filter((key) => !KEYS.includes(key as Key));
    const unknownKeys = unknown.map((key) => ({ key, ...unknownKey(key, KEYS, present) }));
    const problems: ConfigProblem[] = unknownKeys.map(({ key, message }) => ({ key: `${prefix}${key}`, message }));
    const values = readValues(raw, prefix, problems);
    // A misspelt key (`tenant:` for `tenants:`) is reported once, as unknown: the key it stands for is then left
    // unread (null, as for a value already reported), so it is neither "required" nor taken as its default.
    for (const { meant } of unknownKeys) if (meant !== undefined) values.set(meant as Key, null);

    const cluster = parseKey("cluster", values, prefix, problems);
    const flux = labDefaults(cluster, parseKey("flux", values, prefix, problems), values.get("flux"));
    const guardrails = parseKey("guardrails", values, prefix, problems);
    // A tenant's guardrails start from the platform's; when those are wrong (reported), from the defaults.
    const platformGuardrails = guardrails ?? guardrailsSchema.parse({});
    const parsedTenants = parseList("tenants", values, prefix, problems);
    const tenants = parsedTenants?.map(({ index, value: t }): IndexedTenant => {
        const { guardrails: own, ...rest } = t;
        return {
            index,
            value: {
                ...rest,
                namespace: t.namespace ?? t.name,
                serviceAccount: t.serviceAccount ?? t.name,
                // A cluster the stack keeps holds data worth a confirmation; a throwaway one does not.
                protect: t.protect ?? (cluster?.source === "eks" || cluster?.source === "existing"),
                guardrails: resolveGuardrails(platformGuardrails, own),
            },
            namespaceFrom: t.namespace === undefined ? "name" : "namespace",
        };
    });
    const syncs = parseList("syncs", values, prefix, problems)?.map(({ index, value: s }): Indexed<Sync> => ({
        index,
        value: { ...s, source: { ...s.source, name: s.source.name ?? s.name } },
    }));

    // References are checked on the raw lists, so a sync is checked against every tenant the config names, even
    // where that tenant or the sync has problems of its own. No `tenants` key means no tenants (the default), so a
    // sync then names an unknown one; a list that is not one, or an entry without a name, leaves them unknown.
    const rawTenants = values.has("tenants") ? values.get("tenants") : [];
    const tenantNames = Array.isArray(rawTenants) ? rawTenants.map((t) => stringField(t, "name")) : undefined;
    const declaredTenants = tenantNames?.every((n) => n !== undefined) ? tenantNames : undefined;
    const rawSyncs = Array.isArray(values.get("syncs")) ? (values.get("syncs") as unknown[]) : [];
    const syncTenants = rawSyncs.flatMap((s, index) => {
        const tenant = stringField(s, "tenant");
        return tenant === undefined ? [] : [{ index, value: tenant }];
    });
    const confirmTenantDeletion = parseKey("confirmTenantDeletion", values, prefix, problems);
    problems.push(...crossCheck(project, flux?.namespace, tenants, syncs, declaredTenants, syncTenants));
    (confirmTenantDeletion ?? []).forEach((name, i) => {
        if (declaredTenants?.includes(name)) {
            problems.push({
                key: `${prefix}confirmTenantDeletion[${i}]`,
                message: `confirms deleting "${name}", which is still in fluxstack:tenants: take it out of one of them`,
            });
        }
    });
    const credentials = parseCredentials(values, prefix, problems);
    const rawCredentials = values.get("credentials");
    problems.push(
        ...credentialChecks({
            project,
            credentials,
            declaredCredentials: isRecord(rawCredentials) ? Object.keys(rawCredentials) : [],
            tenants,
            syncs,
            declaredTenants,
            credentialsKeyIsSecret: options.isSecret?.(`${prefix}credentials`),
        }),
    );
    problems.push(...platformChecks(project, cluster, flux, syncs));
    problems.push(
        ...guardrailChecks(
            project,
            guardrails,
            (parsedTenants ?? []).map(({ index, value: t }) => ({
                index,
                value: {
                    name: t.name,
                    clusterRole: t.clusterRole,
                    own: t.guardrails,
                    guardrails: resolveGuardrails(platformGuardrails, t.guardrails),
                },
            })),
        ),
    );
    if (flux?.charts.source === "local")
        problems.push(...checkLocalCharts(flux.charts.directory, options.projectDir, prefix));

    const resolvedCluster = resolveCluster(cluster, options);
    const missing = resolvedCluster ? (options.checkMachine?.({ project, cluster: resolvedCluster }) ?? []) : [];

    if (problems.length > 0 || !resolvedCluster || !flux || !guardrails || !tenants || !syncs || !confirmTenantDeletion)
        throw new ConfigError(problems, missing);
    if (missing.length > 0) throw new PrerequisiteError(missing);
    const clusterType = flux.instance.clusterType ?? (resolvedCluster.source === "eks" ? "aws" : "kubernetes");
    return deepFreeze({
        project,
        cluster: resolvedCluster,
        flux: {
            ...flux,
            instance: { ...flux.instance, clusterType },
            waitForSyncs: flux.waitForSyncs ?? resolvedCluster.source === "lab",
        },
        guardrails,
        tenants: tenants.map((t) => t.value),
        syncs: syncs.map((s) => s.value),
        confirmTenantDeletion,
        credentials: Object.fromEntries(credentials),
    });
}

/** The defaults that follow from the cluster source: an existing cluster's kubeconfig, a lab's name and paths. */
function resolveCluster(cluster: ClusterConfig | undefined, options: LoadOptions): ResolvedCluster | undefined {
    switch (cluster?.source) {
        case "existing":
            return {
                ...cluster,
                kubeconfig: cluster.kubeconfig ?? defaultKubeconfigPath(options.env, options.homeDir),
            };
        case "lab": {
            const name = cluster.name ?? options.stack ?? "lab";
            return {
                ...cluster,
                name,
                dir: cluster.dir ?? path.join(".lab", name),
                bin: cluster.bin ?? defaultLabBin(options.env, options.homeDir),
            };
        }
        default:
            return cluster;
    }
}

/**
 * A lab's FluxInstance asks for the controllers the lab runs, from the manifests embedded in the operator it runs
 * (reproducible, and no network needed), unless the config says otherwise (the checks then say why it cannot).
 */
function labDefaults(
    cluster: ClusterConfig | undefined,
    flux: FluxConfig | undefined,
    raw: unknown,
): FluxConfig | undefined {
    if (cluster?.source !== "lab" || !flux) return flux;
    const instance = (raw as { instance?: { components?: unknown; distribution?: { artifact?: unknown } } } | undefined)
        ?.instance;
    return {
        ...flux,
        instance: {
            ...flux.instance,
            components: instance?.components === undefined ? [...LAB_COMPONENTS] : flux.instance.components,
            distribution: {
                ...flux.instance.distribution,
                artifact: instance?.distribution?.artifact === undefined ? "" : flux.instance.distribution.artifact,
            },
        },
    };
}

/** Each known key's value, JSON-decoded; a value that is not JSON (a plain string) is a problem. */
function readValues(
    raw: Readonly<Record<string, string>>,
    prefix: string,
    problems: ConfigProblem[],
): Map<Key, unknown> {
    const values = new Map<Key, unknown>();
    for (const name of KEYS) {
        const text = raw[`${prefix}${name}`];
        if (text === undefined) continue;
        try {
            values.set(name, JSON.parse(text));
        } catch {
            problems.push({
                key: `${prefix}${name}`,
                message: `must be a YAML object or list, got the plain string ${JSON.stringify(text)}`,
            });
            values.set(name, null); // reported: keep it out of the defaults
        }
    }
    return values;
}

function parseKey<K extends Key>(
    name: K,
    values: Map<Key, unknown>,
    prefix: string,
    problems: ConfigProblem[],
): z.output<(typeof stackConfigShape)[K]> | undefined {
    if (values.get(name) === null) return undefined;
    const result = parseWith(stackConfigShape[name], values.get(name), `${prefix}${name}`);
    if (result.ok) return result.data as z.output<(typeof stackConfigShape)[K]>;
    problems.push(...result.problems);
    return undefined;
}

/** A list key, entry by entry: the entries that pass, with their places in the list. */
function parseList<K extends keyof typeof LIST_ENTRY>(
    name: K,
    values: Map<Key, unknown>,
    prefix: string,
    problems: ConfigProblem[],
): Indexed<z.output<(typeof LIST_ENTRY)[K]>>[] | undefined {
    const value = values.get(name);
    if (!Array.isArray(value)) {
        const whole = parseKey(name, values, prefix, problems); // absent (the default) or not a list (an error)
        return (whole as z.output<(typeof LIST_ENTRY)[K]>[] | undefined)?.map((v, index) => ({ index, value: v }));
    }
    const good: Indexed<z.output<(typeof LIST_ENTRY)[K]>>[] = [];
    value.forEach((entry, index) => {
        const result = parseWith(LIST_ENTRY[name], entry, `${prefix}${name}[${index}]`);
        if (result.ok) good.push({ index, value: result.data as z.output<(typeof LIST_ENTRY)[K]> });
        else problems.push(...result.problems);
    });
    return good;
}

/**
 * `credentials`, entry by entry: a map of name -> credential, each checked alone so that one bad credential does
 * not hide the others' problems (or make every sync that names a good one look wrong).
 */
function parseCredentials(
    values: Map<Key, unknown>,
    prefix: string,
    problems: ConfigProblem[],
): Map<string, CredentialConfig> {
    const good = new Map<string, CredentialConfig>();
    const value = values.get("credentials");
    if (value === undefined || value === null) return good;
    if (!isRecord(value)) {
        parseKey("credentials", values, prefix, problems); // reports what it is instead of a map
        return good;
    }
    for (const [name, entry] of Object.entries(value)) {
        const base = `${prefix}credentials.${name}`;
        const named = parseWith(kubernetesObjectName, name, base);
        if (!named.ok) {
            problems.push(
                ...named.problems.map((p) => ({ key: p.key, message: `the name ${p.message} (it is the Secret's)` })),
            );
            continue;
        }
        const result = parseWith(credentialSchema, entry, base);
        if (result.ok) good.set(name, result.data);
        else problems.push(...result.problems);
    }
    return good;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

function stringField(entry: unknown, field: string): string | undefined {
    const value = (entry as Record<string, unknown> | null)?.[field];
    return typeof value === "string" ? value : undefined;
}

function checkLocalCharts(directory: string, projectDir = process.cwd(), prefix: string): ConfigProblem[] {
    return ["flux-operator", "flux-instance"]
        .map((chart) => path.resolve(projectDir, directory, chart, "Chart.yaml"))
        .filter((file) => !fs.existsSync(file))
        .map((file) => ({ key: `${prefix}flux.charts.directory`, message: `no chart at ${file}` }));
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
