import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type KustomizePatch, PROVIDER_SETTINGS } from "../shared";
import type { Cluster } from "./cluster";
import { type KindLayout, renderKindConfig } from "./kindConfig";
import { KindClusterResource } from "./kindProvider";

export interface KindClusterArgs extends KindLayout {
    /** The kind executable; a new path updates the cluster in place. Default `kind` on PATH. */
    kindBinary?: string;
}

/** A local Kind cluster and the provider built from its kubeconfig. */
export class KindCluster extends pulumi.ComponentResource implements Cluster {
    public readonly cluster: KindClusterResource;
    public readonly provider: k8s.Provider;
    public readonly clusterName: pulumi.Output<string>;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly deletedWith: pulumi.Resource;
    /** Always empty: nothing on a Kind cluster needs patching into Flux. */
    public readonly fluxPatches: pulumi.Output<KustomizePatch[]>;

    constructor(name: string, args: KindClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:cluster:KindCluster", name, {}, opts);
        this.cluster = new KindClusterResource(
            `${name}-kind`,
            {
                name: args.name,
                config: renderKindConfig(args),
                kindBinary: args.kindBinary ?? "kind",
            },
            { parent: this },
        );
        this.deletedWith = this.cluster;
        this.clusterName = this.cluster.name;
        this.kubeconfig = pulumi.secret(this.cluster.kubeconfig);
        this.provider = new k8s.Provider(
            `${name}-provider`,
            { kubeconfig: this.kubeconfig, ...PROVIDER_SETTINGS },
            { parent: this },
        );
        this.fluxPatches = pulumi.output([]);
        this.registerOutputs({
            cluster: this.cluster,
            provider: this.provider,
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            deletedWith: this.deletedWith,
            fluxPatches: this.fluxPatches,
        });
    }
}
