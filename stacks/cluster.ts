import * as pulumi from "@pulumi/pulumi";
import { type ClusterScope, EksCluster, ExistingCluster, KindCluster } from "../components/cluster";
import type { KustomizePatch } from "../components/flux";
import type { StackConfig } from "./config";

/** What the rest of the stack needs from a cluster, whichever of the three sources made it. */
export interface ClusterHandle extends ClusterScope {
    clusterName: pulumi.Output<string>;
    kubeconfig: pulumi.Output<string>;
    /** Kustomize patches the FluxInstance needs on this cluster (workload identity), else empty. */
    fluxPatches: pulumi.Output<KustomizePatch[]>;
}

/** Makes (or, for `existing`, adopts) the stack's cluster. */
export function createCluster(config: StackConfig): ClusterHandle {
    const cluster = config.cluster;
    switch (cluster.source) {
        case "existing": {
            const existing = new ExistingCluster("cluster", {
                kubeconfigPath: cluster.kubeconfig ?? "",
                context: cluster.context,
            });
            return { ...pick(existing), fluxPatches: pulumi.output([]) };
        }
        case "kind": {
            const kind = new KindCluster("cluster", cluster);
            return { ...pick(kind), deletedWith: kind.deletedWith, fluxPatches: pulumi.output([]) };
        }
        case "eks": {
            const eksCluster = new EksCluster("cluster", { config: cluster, fluxNamespace: config.flux.namespace });
            return { ...pick(eksCluster), deletedWith: eksCluster.deletedWith, fluxPatches: eksCluster.fluxPatches };
        }
        default: {
            const unreachable: never = cluster;
            throw new Error(`unknown cluster source ${JSON.stringify(unreachable)}`);
        }
    }
}

function pick(c: {
    provider: ClusterScope["provider"];
    clusterName: pulumi.Output<string>;
    kubeconfig: pulumi.Output<string>;
}) {
    return { provider: c.provider, clusterName: c.clusterName, kubeconfig: c.kubeconfig };
}
