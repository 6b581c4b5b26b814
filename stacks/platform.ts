import * as pulumi from "@pulumi/pulumi";
import { FluxSystem } from "../components/flux";
import { FluxSync, Tenant } from "../components/tenant";
import { type ClusterHandle, createCluster } from "./cluster";
import type { StackConfig } from "./config";

/** The stack outputs. */
export interface PlatformOutputs {
    clusterName: pulumi.Output<string>;
    kubeconfig: pulumi.Output<string>;
    fluxNamespace: pulumi.Output<string>;
    tenants: Record<string, { namespace: pulumi.Output<string>; syncs: string[] }>;
}

/**
 * The whole platform, in order: cluster, then the Flux tier (namespace, probe policy, operator, instance), then
 * each tenant, then each tenant's syncs. Destroy runs the same order backwards.
 */
export function buildPlatform(
    config: StackConfig,
    options: { projectDir?: string; cluster?: ClusterHandle } = {},
): PlatformOutputs {
    const cluster = options.cluster ?? createCluster(config);

    const flux = new FluxSystem("flux", {
        flux: config.flux,
        cluster,
        patches: cluster.fluxPatches,
        projectDir: options.projectDir,
    });

    const tenants = new Map(
        config.tenants.map((t) => [
            t.name,
            {
                config: t,
                component: new Tenant(`tenant-${t.name}`, { tenant: t, cluster, fluxInstance: flux.instance }),
            },
        ]),
    );

    for (const sync of config.syncs) {
        const tenant = tenants.get(sync.tenant);
        if (!tenant) throw new Error(`sync ${sync.name} names unknown tenant ${sync.tenant}`); // the loader rules this out
        // Keyed by tenant and name: adding a sync or tenant never renames another.
        new FluxSync(`sync-${sync.tenant}/${sync.name}`, {
            sync,
            tenantConfig: tenant.config,
            tenant: tenant.component,
            cluster,
            fluxInstance: flux.instance,
        });
    }

    return {
        clusterName: cluster.clusterName,
        kubeconfig: pulumi.secret(cluster.kubeconfig),
        fluxNamespace: flux.namespaceName,
        tenants: Object.fromEntries(
            [...tenants.values()].map(({ config: t, component }) => [
                t.name,
                {
                    namespace: component.namespaceName,
                    syncs: config.syncs.filter((s) => s.tenant === t.name).map((s) => s.name),
                },
            ]),
        ),
    };
}
