import * as fs from "node:fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import type { ClusterScope } from "./clusterScope";

export interface ExistingClusterArgs {
    /** Path of the kubeconfig file (resolved by the config loader). */
    kubeconfigPath: string;
    /** Context to use; default the file's current context. */
    context?: string;
}

/** A cluster this program does not own: it only builds a provider from the given kubeconfig. */
export class ExistingCluster extends pulumi.ComponentResource implements ClusterScope {
    public readonly provider: k8s.Provider;
    /** The context's name, which stands for the cluster's name. */
    public readonly clusterName: pulumi.Output<string>;
    public readonly kubeconfig: pulumi.Output<string>;

    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:cluster:ExistingCluster", name, {}, opts);
        const text = fs.readFileSync(args.kubeconfigPath, "utf8");
        const context = args.context ?? currentContext(text, args.kubeconfigPath);
        this.kubeconfig = pulumi.secret(text);
        this.clusterName = pulumi.output(context);
        this.provider = new k8s.Provider(`${name}-provider`, {
            kubeconfig: this.kubeconfig,
            context,
        }, { parent: this });
        this.registerOutputs({ clusterName: this.clusterName });
    }
}

function currentContext(kubeconfig: string, file: string): string {
    const doc = yaml.load(kubeconfig) as { "current-context"?: string } | undefined;
    const context = doc?.["current-context"];
    if (!context) {
        throw new Error(`${file} has no current-context; set cluster.context in the stack config`);
    }
    return context;
}
