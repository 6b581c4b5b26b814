import * as pulumi from "@pulumi/pulumi";
import { kindCommandLines } from "./kindConfig";

/** Inputs of the KindClusterResource. A new name or config replaces the cluster; a new kindBinary updates in place. */
export interface KindClusterInputs {
    name: string;
    /** The rendered Kind config file. */
    config: string;
    /** The kind executable that creates, reads and deletes the cluster. */
    kindBinary: string;
}

interface KindClusterState extends KindClusterInputs {
    kubeconfig: string;
}

// The provider's methods are serialized into the state by Pulumi, so they load Node's modules themselves, and the
// interface wants promises even where the work is synchronous.
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/require-await */
/**
 * Drives the `kind` CLI. A dynamic provider rather than @pulumi/command's local.Command because it can `read`:
 * `pulumi refresh` asks `kind get clusters` and drops a cluster that was deleted by hand, where a Command
 * would keep believing in it.
 */
export const kindProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: KindClusterInputs) {
        const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
        const fs = require("node:fs") as typeof import("node:fs");
        const os = require("node:os") as typeof import("node:os");
        const path = require("node:path") as typeof import("node:path");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kind-"));
        const configFile = path.join(dir, "kind.yaml");
        fs.writeFileSync(configFile, inputs.config);
        const commands = kindCommandLines(inputs.name, configFile);
        try {
            execFileSync(inputs.kindBinary, commands.create, { stdio: ["ignore", "pipe", "pipe"] });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        let kubeconfig: string;
        try {
            kubeconfig = execFileSync(inputs.kindBinary, commands.kubeconfig, { encoding: "utf8" });
        } catch (e) {
            // Not recorded in the state unless create returns: delete what was made, or the next up meets it.
            execFileSync(inputs.kindBinary, commands.delete, { stdio: "ignore" });
            throw e;
        }
        const outs: KindClusterState = { ...inputs, kubeconfig };
        return { id: inputs.name, outs };
    },

    async read(id: string, props: KindClusterState) {
        const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
        const commands = kindCommandLines(id, "");
        const clusters = execFileSync(props.kindBinary, commands.list, { encoding: "utf8" }).split("\n");
        if (!clusters.map((c) => c.trim()).includes(id)) {
            return { id: "", props: {} }; // deleted out of band: the engine drops it from state
        }
        const kubeconfig = execFileSync(props.kindBinary, commands.kubeconfig, { encoding: "utf8" });
        return { id, props: { ...props, kubeconfig } };
    },

    async diff(_id: string, olds: KindClusterState, news: KindClusterInputs) {
        const replaces = (["name", "config"] as const).filter((k) => olds[k] !== news[k]);
        const changes = replaces.length > 0 || olds.kindBinary !== news.kindBinary;
        return { changes, replaces, deleteBeforeReplace: true };
    },

    async update(_id: string, olds: KindClusterState, news: KindClusterInputs) {
        // Only the binary's path can change in place.
        return { outs: { ...olds, kindBinary: news.kindBinary } };
    },

    async delete(id: string, props: KindClusterState) {
        const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
        execFileSync(props.kindBinary, kindCommandLines(id, "").delete, { stdio: ["ignore", "pipe", "pipe"] });
    },
};

/** One Kind cluster, as a Pulumi resource. */
export class KindClusterResource extends pulumi.dynamic.Resource {
    // `declare`: a class field would overwrite the outputs the base constructor sets (useDefineForClassFields).

    declare public readonly kubeconfig: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;

    constructor(
        name: string,
        inputs: { [K in keyof KindClusterInputs]: pulumi.Input<KindClusterInputs[K]> },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(
            kindProvider,
            name,
            { ...inputs, kubeconfig: undefined },
            {
                ...opts,
                additionalSecretOutputs: ["kubeconfig"],
            },
            "fluxstack",
            "KindCluster",
        );
    }
}
