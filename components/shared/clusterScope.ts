import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** What every in-cluster resource needs: the one provider of its cluster, and what it is deleted with. */
export interface ClusterScope {
    /** The Kubernetes provider made from this cluster's kubeconfig; nothing uses the ambient one. */
    provider: k8s.Provider;
    /**
     * The resource that owns the cluster (Kind or EKS). When the whole stack is destroyed, in-cluster objects
     * are not deleted one by one: the cluster goes and takes them along. Unset for an existing cluster.
     */
    deletedWith?: pulumi.Resource;
}

/** Options for an in-cluster child of `parent`, with the cluster's provider and deletedWith. */
export function inCluster(
    scope: ClusterScope,
    parent: pulumi.Resource,
    extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
    return { ...extra, parent, provider: scope.provider, deletedWith: scope.deletedWith };
}

/**
 * Settings every cluster's Kubernetes provider gets. `enableSecretMutable`: a Secret whose data changes (a rotated
 * token) is updated in place. Without it the provider replaces the Secret, and a Secret with a fixed name is then
 * deleted before it is made again: the sources that read it would find none for a moment, and each rotation would
 * show as a replacement. `enableConfigMapMutable`, the same for ConfigMaps: the tenant guard's list changes with
 * the tenants, and the guard is protected, so a replacement would be refused.
 */
export const PROVIDER_SETTINGS = { enableSecretMutable: true, enableConfigMapMutable: true } as const;
