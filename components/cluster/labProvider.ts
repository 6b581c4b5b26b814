import * as pulumi from "@pulumi/pulumi";

/** Inputs of the LabClusterResource. */
export interface LabClusterInputs {
    name: string;
    /** The lab's directory (absolute): its data, logs and state. */
    dir: string;
    /** The namespace whose Flux pods the lab runs as processes. */
    fluxNamespace: string;
    /** The directory with the lab's binaries. */
    bin: string;
    /** Pinned ports; the rest are chosen free once and kept. */
    ports: { apiServer?: number; git?: number; registry?: number };
    /** Git repositories made on first start: name -> directory of its first commit. */
    repositories: Record<string, string>;
    /** OCI artifacts pushed on first start: `repository:tag` -> directory. */
    artifacts: Record<string, string>;
    /** The lab runtime's command line (lab/cli.ts), run with Node and tsx from `projectDir`. */
    cli: string;
    projectDir: string;
}

interface LabClusterOutputs extends LabClusterInputs {
    kubeconfig: string;
    apiServer: string;
    gitUrl: string;
    registry: string;
    /** Whether the lab's processes ran when last looked at (refresh sets it false for a dead lab). */
    running: boolean;
}

/** Changing one of these makes another lab: the old one is destroyed first. */
const REPLACING = ["name", "dir", "fluxNamespace"] as const;

// The provider's methods are serialized into the state by Pulumi, so they load Node's modules themselves, and the
// interface wants promises even where the work is synchronous.
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/require-await */
/**
 * Drives the lab runtime (lab/cli.ts) as the Kind cluster's provider drives `kind`: create starts a lab, delete
 * stops it and removes its directory. It also repairs: `diff` looks at the lab's processes itself (a plain `up`
 * never calls `read`), and a lab whose processes died (a reboot, a killed run) is updated, i.e. started again
 * from its directory with the same ports, data and credentials, so nothing that depends on it changes.
 */
export const labProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: LabClusterInputs) {
        const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
        const lab = (args: string[]) =>
            execFileSync(process.execPath, ["--import", "tsx", inputs.cli, ...args], {
                cwd: inputs.projectDir,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
                maxBuffer: 16 * 1024 * 1024,
            });
        const start = JSON.stringify({
            dir: inputs.dir,
            name: inputs.name,
            fluxNamespace: inputs.fluxNamespace,
            bin: inputs.bin,
            ports: inputs.ports,
            repositories: inputs.repositories,
            artifacts: inputs.artifacts,
        });
        let out: string;
        try {
            out = lab(["start", start]);
        } catch (e) {
            const err = e as { stderr?: string; message: string };
            throw new Error(`the lab did not start: ${(err.stderr ?? "").trim() || err.message}`, { cause: e });
        }
        const info = JSON.parse(out) as { kubeconfig: string; apiServer: string; gitUrl: string; registry: string };
        const outs: LabClusterOutputs = {
            ...inputs,
            kubeconfig: info.kubeconfig,
            apiServer: info.apiServer,
            gitUrl: info.gitUrl,
            registry: info.registry,
            running: true,
        };
        return { id: inputs.dir, outs };
    },

    async read(id: string, props: LabClusterOutputs) {
        const fs = require("node:fs") as typeof import("node:fs");
        const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
        if (!fs.existsSync(id)) return { id: "", props: {} }; // deleted by hand: the engine drops it from state
        const health = spawnSync(process.execPath, ["--import", "tsx", props.cli, "health", id], {
            cwd: props.projectDir,
            encoding: "utf8",
        });
        return { id, props: { ...props, running: health.status === 0 } };
    },

    async diff(id: string, olds: LabClusterOutputs, news: LabClusterInputs) {
        const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
        const replaces = REPLACING.filter((k) => olds[k] !== news[k]);
        const changed = (["bin", "ports", "repositories", "artifacts"] as const).filter(
            (k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
        );
        // Not from the state: the processes themselves. A dead lab is an update (a repair), not a replacement.
        const health = spawnSync(process.execPath, ["--import", "tsx", news.cli, "health", id], {
            cwd: news.projectDir,
            encoding: "utf8",
        });
        const dead = health.status !== 0 ? ["running"] : [];
        const diffs = [...replaces, ...changed, ...dead];
        return { changes: diffs.length > 0, replaces, diffs, deleteBeforeReplace: true };
    },

    async update(id: string, olds: LabClusterOutputs, news: LabClusterInputs) {
        const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
        const lab = (args: string[]) =>
            execFileSync(process.execPath, ["--import", "tsx", news.cli, ...args], {
                cwd: news.projectDir,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
                maxBuffer: 16 * 1024 * 1024,
            });
        // New binaries or ports need a restart; a repair starts what is dead. Data and credentials stay.
        if (
            JSON.stringify(olds.bin) !== JSON.stringify(news.bin) ||
            JSON.stringify(olds.ports) !== JSON.stringify(news.ports)
        ) {
            lab(["stop", id]);
        }
        const start = JSON.stringify({
            dir: id,
            name: news.name,
            fluxNamespace: news.fluxNamespace,
            bin: news.bin,
            ports: news.ports,
            repositories: news.repositories,
            artifacts: news.artifacts,
        });
        let out: string;
        try {
            out = lab(["start", start]);
        } catch (e) {
            const err = e as { stderr?: string; message: string };
            throw new Error(`the lab did not start: ${(err.stderr ?? "").trim() || err.message}`, { cause: e });
        }
        const info = JSON.parse(out) as { kubeconfig: string; apiServer: string; gitUrl: string; registry: string };
        const outs: LabClusterOutputs = {
            ...news,
            kubeconfig: info.kubeconfig,
            apiServer: info.apiServer,
            gitUrl: info.gitUrl,
            registry: info.registry,
            running: true,
        };
        return { outs };
    },

    async delete(id: string, props: LabClusterOutputs) {
        const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
        execFileSync(process.execPath, ["--import", "tsx", props.cli, "stop", id, "--remove"], {
            cwd: props.projectDir,
            stdio: ["ignore", "pipe", "pipe"],
        });
    },
};

/** One lab, as a Pulumi resource. */
export class LabClusterResource extends pulumi.dynamic.Resource {
    // `declare`: a class field would overwrite the outputs the base constructor sets (useDefineForClassFields).
    declare public readonly kubeconfig: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly gitUrl: pulumi.Output<string>;
    declare public readonly registry: pulumi.Output<string>;
    declare public readonly apiServer: pulumi.Output<string>;

    constructor(
        name: string,
        inputs: { [K in keyof LabClusterInputs]: pulumi.Input<LabClusterInputs[K]> },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(
            labProvider,
            name,
            {
                ...inputs,
                kubeconfig: undefined,
                apiServer: undefined,
                gitUrl: undefined,
                registry: undefined,
                running: undefined,
            },
            { ...opts, additionalSecretOutputs: ["kubeconfig"] },
            "fluxstack",
            "LabCluster",
        );
    }
}
