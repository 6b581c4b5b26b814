import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ClusterScope, inCluster } from "../shared";
import { type SyncOptions, syncManifests } from "./syncManifests";
import type { Tenant } from "./tenant";

export interface FluxSyncArgs extends SyncOptions {
    /**
     * The tenant the sync belongs to: it lives in the tenant's namespace, runs as its service account, and waits
     * for that account and its RoleBinding. Required.
     */
    tenant: Tenant;
    /** The cluster, the tenant's. Required. */
    cluster: ClusterScope;
    /** The Flux instance: its controllers install the source and Kustomization CRDs. Required. */
    fluxInstance: pulumi.Resource;
}

/** One sync: a GitRepository or OCIRepository and the Kustomization that applies it as the tenant. */
export class FluxSync extends pulumi.ComponentResource {
    public readonly source: k8s.apiextensions.CustomResource;
    public readonly kustomization: k8s.apiextensions.CustomResource;

    constructor(name: string, args: FluxSyncArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:tenant:FluxSync", name, {}, opts);
        const { cluster, tenant } = args;
        const manifests = syncManifests(args, tenant.spec);

        this.source = new k8s.apiextensions.CustomResource(
            `${name}-source`,
            {
                ...manifests.source,
                metadata: { ...manifests.source.metadata, namespace: tenant.namespaceName },
            },
            inCluster(cluster, this, {
                // The CRD exists once the instance is ready; the namespace edge comes with the data.
                dependsOn: [args.fluxInstance],
            }),
        );

        this.kustomization = new k8s.apiextensions.CustomResource(
            `${name}-kustomization`,
            {
                ...manifests.kustomization,
                metadata: { ...manifests.kustomization.metadata, namespace: tenant.namespaceName },
            },
            inCluster(cluster, this, {
                // It runs as the tenant's account: the account and its binding must exist first, and on destroy must
                // outlive it, because the controller prunes the synced objects as that account. It reads the source.
                dependsOn: [args.fluxInstance, this.source, tenant.serviceAccount, tenant.roleBinding],
            }),
        );

        this.registerOutputs({ source: this.source, kustomization: this.kustomization });
    }
}
