import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type KustomizePatch, PROVIDER_SETTINGS } from "../shared";
import type { Cluster } from "./cluster";
import { LabClusterResource } from "./labProvider";

export interface LabClusterArgs {
    /** The lab's name (its kubeconfig context). */
    name: string;
    /** The lab's directory; relative paths are relative to the project. */
    dir: string;
    /** The Flux namespace: its Flux pods run as local processes. */
    fluxNamespace: string;
    /** The directory with the lab's binaries (the toolchain's bin, or prebuilt ones). */
    bin: string;
    /** Pinned ports on 127.0.0.1; default: chosen free on the first start and kept. */
    ports?: { apiServer?: number; git?: number; registry?: number };
    /** Git repositories to create on the first start: name -> directory holding its first commit. Default none. */
    repositories?: Record<string, string>;
    /** OCI artifacts to push on the first start: `repository:tag` -> directory. Default none. */
    artifacts?: Record<string, string>;
}

/** The project's root, where lab/cli.ts and node_modules (tsx) are. */
const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/**
 * A lab on this machine, no container engine needed: a Kubernetes control plane on loopback whose Flux pods run
 * as local processes (everything else is simulated by kwok), a Git server and an OCI registry; and the
 * provider built from its kubeconfig.
 */
export class LabCluster extends pulumi.ComponentResource implements Cluster {
    public readonly lab: LabClusterResource;
    public readonly provider: k8s.Provider;
    public readonly clusterName: pulumi.Output<string>;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly deletedWith: pulumi.Resource;
    /** None: the lab's controllers need no cloud identity. */
    public readonly fluxPatches: pulumi.Output<KustomizePatch[]> = pulumi.output([]);
    /** `http://127.0.0.1:PORT`: the lab's Git repositories are `${gitUrl}/<name>`. */
    public readonly gitUrl: pulumi.Output<string>;
    /** `127.0.0.1:PORT`: the lab's OCI artifacts are `oci://${registry}/<repository>`. */
    public readonly registry: pulumi.Output<string>;
    /** The lab's directory, absolute. */
    public readonly dir: string;
    /** The Git repositories it serves. */
    public readonly repositoryNames: string[];

    constructor(name: string, args: LabClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:cluster:LabCluster", name, {}, opts);
        const abs = (p: string) => path.resolve(PROJECT_DIR, p);
        this.dir = abs(args.dir);
        this.repositoryNames = Object.keys(args.repositories ?? {});
        this.lab = new LabClusterResource(
            `${name}-lab`,
            {
                name: args.name,
                dir: abs(args.dir),
                fluxNamespace: args.fluxNamespace,
                bin: abs(args.bin),
                ports: args.ports ?? {},
                repositories: Object.fromEntries(Object.entries(args.repositories ?? {}).map(([k, v]) => [k, abs(v)])),
                artifacts: Object.fromEntries(Object.entries(args.artifacts ?? {}).map(([k, v]) => [k, abs(v)])),
                cli: path.join(PROJECT_DIR, "lab", "cli.ts"),
                projectDir: PROJECT_DIR,
            },
            { parent: this },
        );
        this.deletedWith = this.lab;
        this.clusterName = this.lab.name;
        this.kubeconfig = pulumi.secret(this.lab.kubeconfig);
        this.gitUrl = this.lab.gitUrl;
        this.registry = this.lab.registry;
        this.provider = new k8s.Provider(
            `${name}-provider`,
            { kubeconfig: this.kubeconfig, ...PROVIDER_SETTINGS },
            { parent: this },
        );
        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            gitUrl: this.gitUrl,
            registry: this.registry,
            dir: this.dir,
            repositoryNames: this.repositoryNames,
        });
    }
}
