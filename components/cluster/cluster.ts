import type * as pulumi from "@pulumi/pulumi";
import type { ClusterScope, KustomizePatch } from "../shared";

/**
 * What the platform needs from a cluster, whichever component made it: ExistingCluster, KindCluster and EksCluster
 * implement it, so the Flux tier and the tenants take any of them.
 */
export interface Cluster extends ClusterScope {
    /** The cluster's name (for an existing cluster, its kubeconfig context's). */
    clusterName: pulumi.Output<string>;
    /** A kubeconfig for the cluster, secret; the provider is made from it. */
    kubeconfig: pulumi.Output<string>;
    /** Kustomize patches the Flux instance needs on this cluster (the controllers' AWS identity on EKS), else none. */
    fluxPatches: pulumi.Output<KustomizePatch[]>;
}
