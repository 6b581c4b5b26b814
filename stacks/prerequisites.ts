import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import type { ConfigProblem, StackConfig } from "./config";

/** What the checks read of the stack: the cluster's source and settings, keyed under the project's namespace. */
export type PrerequisiteScope = Pick<StackConfig, "project" | "cluster">;

/** What the checks may ask of the machine; tests pass a fake one. */
export interface Machine {
    env: NodeJS.ProcessEnv;
    homeDir: string;
    /** The path of an executable on PATH (or the path itself if it is one), else undefined. */
    which(binary: string): string | undefined;
    /** Whether a command exits 0 within a few seconds. */
    succeeds(binary: string, args: string[]): boolean;
    readFile(file: string): string | undefined;
}

export const CONTAINER_ENGINES = ["docker", "podman", "nerdctl"] as const;

/**
 * Checks, before anything is created, that the tools and credentials the chosen cluster source needs are here:
 * a readable kubeconfig with the context (existing), kind plus a running container engine (kind), AWS
 * credentials (eks). Returns every problem, keyed by the config key that leads to it. The loader runs it (its
 * `checkMachine` option) so that these problems are reported with the config's, in one error.
 */
export function checkPrerequisites(config: PrerequisiteScope, machine: Machine = localMachine()): ConfigProblem[] {
    const key = (k: string) => `${config.project}:cluster.${k}`;
    const cluster = config.cluster;
    switch (cluster.source) {
        case "existing": {
            const file = cluster.kubeconfig ?? "";
            const text = machine.readFile(file);
            if (text === undefined) {
                return [
                    {
                        key: key("kubeconfig"),
                        message: `no kubeconfig at ${file} (set cluster.kubeconfig or KUBECONFIG)`,
                    },
                ];
            }
            const doc = (yaml.load(text) ?? {}) as { contexts?: { name: string }[]; "current-context"?: string };
            const contexts = (doc.contexts ?? []).map((c) => c.name);
            if (cluster.context !== undefined && !contexts.includes(cluster.context)) {
                return [
                    {
                        key: key("context"),
                        message: `no context "${cluster.context}" in ${file} (contexts: ${contexts.join(", ") || "none"})`,
                    },
                ];
            }
            if (cluster.context === undefined && !doc["current-context"]) {
                return [{ key: key("context"), message: `${file} has no current-context: name one` }];
            }
            return [];
        }
        case "kind": {
            const problems: ConfigProblem[] = [];
            if (!machine.which(cluster.kindBinary)) {
                problems.push({
                    key: key("kindBinary"),
                    message: `"${cluster.kindBinary}" is not on PATH: install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)`,
                });
            }
            // kind uses Docker unless KIND_EXPERIMENTAL_PROVIDER names podman or nerdctl.
            const wanted = machine.env.KIND_EXPERIMENTAL_PROVIDER;
            const engine = wanted ?? CONTAINER_ENGINES.find((e) => machine.which(e));
            if (!engine || !machine.which(engine)) {
                problems.push({
                    key: key("source"),
                    message: `kind needs a container engine (${wanted ?? CONTAINER_ENGINES.join(", ")}) and none is on PATH`,
                });
            } else if (!machine.succeeds(engine, ["info"])) {
                problems.push({
                    key: key("source"),
                    message: `kind needs a running container engine: \`${engine} info\` failed`,
                });
            }
            return problems;
        }
        case "eks": {
            const { env } = machine;
            const fromEnv = [
                "AWS_ACCESS_KEY_ID",
                "AWS_PROFILE",
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            ].some((v) => env[v]);
            const fromFile = ["credentials", "config"].some(
                (f) => machine.readFile(path.join(machine.homeDir, ".aws", f)) !== undefined,
            );
            const problems: ConfigProblem[] =
                fromEnv || fromFile
                    ? []
                    : [
                          {
                              key: key("source"),
                              message:
                                  "eks needs AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws configure`",
                          },
                      ];
            // The cluster's kubeconfig runs `aws eks get-token`: without the CLI the provider fails after the cluster exists.
            if (!machine.which("aws")) {
                problems.push({
                    key: key("source"),
                    message: "eks needs the AWS CLI on PATH (the kubeconfig runs `aws eks get-token`)",
                });
            }
            return problems;
        }
        default: {
            const unreachable: never = cluster;
            throw new Error(`unknown cluster source ${JSON.stringify(unreachable)}`);
        }
    }
}

/** The machine this process runs on, with `env` as its environment (PATH included). */
export function localMachine(env: NodeJS.ProcessEnv = process.env): Machine {
    return {
        env,
        homeDir: os.homedir(),
        which(binary) {
            const candidates = binary.includes(path.sep)
                ? [binary]
                : (env.PATH ?? "")
                      .split(path.delimiter)
                      .filter(Boolean)
                      .map((dir) => path.join(dir, binary));
            return candidates.find((file) => {
                try {
                    fs.accessSync(file, fs.constants.X_OK);
                    return fs.statSync(file).isFile();
                } catch {
                    return false;
                }
            });
        },
        succeeds(binary, args) {
            return spawnSync(binary, args, { stdio: "ignore", timeout: 15_000 }).status === 0;
        },
        readFile(file) {
            try {
                return fs.readFileSync(file, "utf8");
            } catch {
                return undefined;
            }
        },
    };
}
