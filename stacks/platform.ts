import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { type Cluster, LabCluster } from "../components/cluster";
import { FluxSystem } from "../components/flux";
import {
    caSecretName,
    FluxSync,
    type GuardrailsOptions,
    ownerPrefix,
    registryHost,
    SourceCredential,
    Tenant,
} from "../components/tenant";
import { boundedDeletes, ownerMarker, stackOwner } from "./ownership";
import { tenantDeletionGuard } from "./protection";
import { createCluster } from "./cluster";
import type { StackConfig, Sync, Tenant as TenantConfig } from "./config";
import { credentialSpec } from "./credentials";

/** The stack outputs. */
export interface PlatformOutputs {
    clusterName: pulumi.Output<string>;
    /** Secret. */
    kubeconfig: pulumi.Output<string>;
    fluxNamespace: pulumi.Output<string>;
    /** Per tenant: its namespace, its syncs, and whether deleting it needs a confirmation (`protected`). */
    tenants: Record<string, { namespace: pulumi.Output<string>; syncs: string[]; protected: boolean }>;
    /** A lab's own servers and files (only on a lab): where to clone from and push to, its kubeconfig and logs. */
    lab?: {
        dir: string;
        kubeconfigPath: string;
        gitUrl: pulumi.Output<string>;
        repositories: Record<string, pulumi.Output<string>>;
        registry: pulumi.Output<string>;
    };
}

/**
 * The whole platform, in order: cluster, then the Flux tier (namespace, probe policy, operator, instance), then
 * each tenant (namespace, guardrails, account, binding), then each tenant's syncs. Destroy runs the same order
 * backwards. `projectDir`: the folder local chart directories are relative to.
 */
export function buildPlatform(config: StackConfig, options: { projectDir?: string } = {}): PlatformOutputs {
    const cluster = createCluster(config);
    const { flux } = config;

    // Every object the program makes carries the stack's owner annotation: what an interrupted run left behind is
    // taken over by the next one only if it is this stack's.
    const owned = { transformations: [ownerMarker(stackOwner()), boundedDeletes(flux.deleteTimeoutSeconds)] };
    const fluxSystem = new FluxSystem(
        "flux",
        {
            cluster,
            namespace: flux.namespace,
            charts: flux.charts,
            projectDir: options.projectDir,
            operator: flux.operator,
            instance: flux.instance,
            probePolicy: flux.probePolicy,
            // The cluster's own patches first (the IRSA annotation), then the stack's.
            patches: cluster.fluxPatches.apply((own) => [...own, ...flux.instance.kustomizePatches]),
        },
        owned,
    );

    // Each tenant, then its syncs (the loader has checked that every sync names a tenant).
    const tenants = config.tenants.map((t) => {
        const syncs = config.syncs.filter((s) => s.tenant === t.name);
        const given = Object.entries(config.credentials).filter(([, c]) => c.tenants.includes(t.name));
        const tenant = new Tenant(
            `tenant-${t.name}`,
            {
                name: t.name,
                namespace: t.namespace,
                serviceAccount: t.serviceAccount,
                clusterRole: t.clusterRole,
                tokenSecretName: t.tokenSecretName,
                cluster,
                fluxInstance: fluxSystem.instance,
                guardrails: guardrailsOf(t, syncs, cluster),
                // The Secrets of its credentials (below), held by the lockdown like the rest of the program's.
                programSecrets: given.flatMap(([name, c]) =>
                    c.type === "registry" && c.caCert !== undefined ? [name, caSecretName(name)] : [name],
                ),
            },
            owned,
        );
        // Each credential given to the tenant: its own copy, in its own namespace, keyed by tenant and name.
        const credentials = new Map(
            given.map(([name, c]) => {
                // A registry login is for the hosts of the OCI sources that name it.
                const registries = config.syncs
                    .filter((s) => s.source.kind === "OCIRepository" && s.source.credential === name)
                    .map((s) => pulumi.output(sourceUrl(s, cluster)).apply(registryHost));
                const credential = new SourceCredential(
                    `credential-${t.name}/${name}`,
                    {
                        name,
                        credential: credentialSpec(c, registries),
                        tenant,
                        cluster,
                    },
                    owned,
                );
                return [name, credential] as const;
            }),
        );
        for (const sync of syncs) {
            const { credential, ...source } = sync.source;
            // Keyed by tenant and name: adding a sync or tenant never renames another.
            new FluxSync(
                `sync-${t.name}/${sync.name}`,
                {
                    name: sync.name,
                    source,
                    path: sync.path,
                    prune: sync.prune,
                    interval: sync.interval,
                    timeout: sync.timeout,
                    wait: sync.wait,
                    tenant,
                    cluster,
                    fluxInstance: fluxSystem.instance,
                    // The loader has checked that the credential is given to this tenant, and of the source's kind.
                    credential: credential === undefined ? undefined : credentials.get(credential),
                    sourceUrl: resolveLabUrl(sync.source.url, cluster),
                    waitForReady: flux.waitForSyncs ? { timeoutSeconds: flux.syncTimeoutSeconds } : undefined,
                },
                owned,
            );
        }
        return [
            t.name,
            { namespace: tenant.namespaceName, syncs: syncs.map((s) => s.name), protected: t.protect },
        ] as const;
    });

    tenantDeletionGuard(config, cluster, fluxSystem.namespace, owned);

    return {
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        fluxNamespace: fluxSystem.namespaceName,
        tenants: Object.fromEntries(tenants),
        lab: cluster instanceof LabCluster ? labOutputs(cluster) : undefined,
    };
}

/** A tenant's guardrails as the component takes them: the ones switched on, with the stack's defaults filled in. */
function guardrailsOf(t: TenantConfig, syncs: readonly Sync[], cluster: Cluster): GuardrailsOptions {
    const g = t.guardrails;
    // By default a tenant may add sources under the owners of its own syncs (lab:// URLs once the lab resolves them).
    const ownerPrefixes = pulumi
        .all(syncs.map((s) => sourceUrl(s, cluster)))
        .apply((urls) => [...new Set(urls.map(ownerPrefix))]);
    return {
        isolation: g.isolation.enabled ? { allowFrom: g.isolation.allowFrom } : undefined,
        lockdown: g.lockdown.enabled ? {} : undefined,
        quota: g.quota.enabled
            ? { hard: g.quota.hard, defaultRequest: g.quota.defaultRequest, defaultLimit: g.quota.defaultLimit }
            : undefined,
        podSecurity: g.podSecurity.enabled
            ? { enforce: g.podSecurity.enforce, warn: g.podSecurity.warn, audit: g.podSecurity.audit }
            : undefined,
        sources: g.sources.enabled ? { allowedPrefixes: g.sources.allowedPrefixes ?? ownerPrefixes } : undefined,
    };
}

function labOutputs(lab: LabCluster): NonNullable<PlatformOutputs["lab"]> {
    return {
        dir: lab.dir,
        kubeconfigPath: path.join(lab.dir, "kubeconfig"),
        gitUrl: lab.gitUrl,
        repositories: Object.fromEntries(lab.repositoryNames.map((r) => [r, pulumi.interpolate`${lab.gitUrl}/${r}`])),
        registry: lab.registry,
    };
}

/** A sync's source URL as Flux gets it. */
function sourceUrl(sync: Sync, cluster: Cluster): pulumi.Input<string> {
    return resolveLabUrl(sync.source.url, cluster) ?? sync.source.url;
}

/** `lab://git/<repo>` and `lab://oci/<repository>` become the lab's own Git and registry URLs (checked by the loader). */
function resolveLabUrl(url: string, cluster: Cluster): pulumi.Input<string> | undefined {
    if (!url.startsWith("lab://") || !(cluster instanceof LabCluster)) return undefined;
    const [server, ...rest] = url.slice("lab://".length).split("/");
    const name = rest.join("/");
    return server === "git"
        ? pulumi.interpolate`${cluster.gitUrl}/${name}`
        : pulumi.interpolate`oci://${cluster.registry}/${name}`;
}
