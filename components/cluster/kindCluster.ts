import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KindClusterConfig } from "../../stacks/config";
import type { ClusterScope } from "./clusterScope";
import { renderKindConfig } from "./kindConfig";
import { KindClusterResource } from "./kindProvider";

/** A local Kind cluster and the provider built from its kubeconfig. */
export class KindCluster extends pulumi.ComponentResource implements ClusterScope {
    public readonly cluster: KindClusterResource;
    public readonly provider: k8s.Provider;
    public readonly clusterName: pulumi.Output<string>;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly deletedWith: pulumi.Resource;

    constructor(name: string, cfg: KindClusterConfig, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:cluster:KindCluster", name, {}, opts);
        this.cluster = new KindClusterResource(
            `${name}-kind`,
            {
                name: cfg.name,
                config: renderKindConfig(cfg),
                kindBinary: cfg.kindBinary,
            },
            { parent: this },
        );
        this.deletedWith = this.cluster;
        this.clusterName = this.cluster.name;
        this.kubeconfig = pulumi.secret(this.cluster.kubeconfig);
        this.provider = new k8s.Provider(`${name}-provider`, { kubeconfig: this.kubeconfig }, { parent: this });
        this.registerOutputs({ clusterName: this.clusterName });
    }
}
