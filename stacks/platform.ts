import type * as pulumi from "@pulumi/pulumi";
import { FluxSystem } from "../components/flux";
import { FluxSync, Tenant } from "../components/tenant";
import { createCluster } from "./cluster";
import type { StackConfig } from "./config";

/** The stack outputs. */
export interface PlatformOutputs {
    clusterName: pulumi.Output<string>;
    /** Secret. */
    kubeconfig: pulumi.Output<string>;
    fluxNamespace: pulumi.Output<string>;
    tenants: Record<string, { namespace: pulumi.Output<string>; syncs: string[] }>;
}

/**
 * The whole platform, in order: cluster, then the Flux tier (namespace, probe policy, operator, instance), then
 * each tenant, then each tenant's syncs. Destroy runs the same order backwards. `projectDir`: the folder local
 * chart directories are relative to.
 */
export function buildPlatform(config: StackConfig, options: { projectDir?: string } = {}): PlatformOutputs {
    const cluster = createCluster(config);
    const { flux } = config;

    const fluxSystem = new FluxSystem("flux", {
        cluster,
        namespace: flux.namespace,
        charts: flux.charts,
        projectDir: options.projectDir,
        operator: flux.operator,
        instance: flux.instance,
        probePolicy: flux.probePolicy,
        patches: cluster.fluxPatches,
    });

    // Each tenant, then its syncs (the loader has checked that every sync names a tenant).
    const tenants = config.tenants.map((t) => {
        const tenant = new Tenant(`tenant-${t.name}`, {
            name: t.name,
            namespace: t.namespace,
            serviceAccount: t.serviceAccount,
            clusterRole: t.clusterRole,
            tokenSecretName: t.tokenSecretName,
            cluster,
            fluxInstance: fluxSystem.instance,
        });
        const syncs = config.syncs.filter((s) => s.tenant === t.name);
        for (const sync of syncs) {
            // Keyed by tenant and name: adding a sync or tenant never renames another.
            new FluxSync(`sync-${t.name}/${sync.name}`, {
                name: sync.name,
                source: sync.source,
                path: sync.path,
                prune: sync.prune,
                interval: sync.interval,
                timeout: sync.timeout,
                wait: sync.wait,
                tenant,
                cluster,
                fluxInstance: fluxSystem.instance,
            });
        }
        return [t.name, { namespace: tenant.namespaceName, syncs: syncs.map((s) => s.name) }] as const;
    });

    return {
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        fluxNamespace: fluxSystem.namespaceName,
        tenants: Object.fromEntries(tenants),
    };
}
