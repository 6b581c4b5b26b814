import * as fs from "node:fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type KustomizePatch, PROVIDER_SETTINGS } from "../shared";
import type { Cluster } from "./cluster";
import { minifyKubeconfig } from "./minifyKubeconfig";

export interface ExistingClusterArgs {
    /** The kubeconfig file. Required (the component reads no ambient kubeconfig). */
    kubeconfigPath: string;
    /** The context to use. Default the file's current context. */
    context?: string;
}

/** A cluster this program does not own: it only builds a provider from the given kubeconfig's one context. */
export class ExistingCluster extends pulumi.ComponentResource implements Cluster {
    public readonly provider: k8s.Provider;
    /** The context's name, which stands for the cluster's name. */
    public readonly clusterName: pulumi.Output<string>;
    public readonly kubeconfig: pulumi.Output<string>;
    /** Always empty: this component sets up no workload identity on a cluster it does not own. */
    public readonly fluxPatches: pulumi.Output<KustomizePatch[]>;

    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:cluster:ExistingCluster", name, {}, opts);
        const { kubeconfig, context } = minifyKubeconfig(fs.readFileSync(args.kubeconfigPath, "utf8"), args.context);
        this.kubeconfig = pulumi.secret(kubeconfig);
        this.clusterName = pulumi.output(context);
        this.provider = new k8s.Provider(
            `${name}-provider`,
            { kubeconfig: this.kubeconfig, ...PROVIDER_SETTINGS },
            { parent: this },
        );
        this.fluxPatches = pulumi.output([]);
        this.registerOutputs({
            provider: this.provider,
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            fluxPatches: this.fluxPatches,
        });
    }
}
