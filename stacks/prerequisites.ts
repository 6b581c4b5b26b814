import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { missingBinaries } from "../lab/binaries";
import type { ConfigProblem, ResolvedLabCluster, StackConfig } from "./config";

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
    exists(file: string): boolean;
    /** Whether `dir` (or, if it does not exist yet, the nearest folder above it) is writable. */
    writable(dir: string): boolean;
    /** Whether something listens on TCP `port` (any address). */
    listening(port: number): boolean;
    /** Whether the lab in `dir` runs (its daemon is alive): the ports it pinned are its own. */
    labRunning(dir: string): boolean;
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
            const file = cluster.kubeconfig;
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
        case "lab":
            return labProblems(cluster, machine, key);
        default: {
            const unreachable: never = cluster;
            throw new Error(`unknown cluster source ${JSON.stringify(unreachable)}`);
        }
    }
}

/**
 * A lab needs its binaries, git (its Git server runs `git http-backend`), a writable directory, and the ports it is
 * told to pin free, unless it is this lab that holds them.
 */
function labProblems(cluster: ResolvedLabCluster, machine: Machine, key: (k: string) => string): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const missing = missingBinaries(cluster.bin, (f) => machine.exists(f));
    if (missing.length > 0) {
        problems.push({
            key: key("bin"),
            message:
                `${cluster.bin} lacks the lab's ${missing.join(", ")}: \`npm run lab\` builds them (Go and the Go ` +
                "module proxy needed; or `bash lab/toolchain.sh`), or set FLUXSTACK_LAB_BIN to a directory of prebuilt ones",
        });
    }
    if (!machine.which("git")) {
        problems.push({
            key: key("source"),
            message: "the lab's Git server needs git on PATH (it runs git http-backend)",
        });
    }
    if (!machine.writable(cluster.dir)) {
        problems.push({
            key: key("dir"),
            message: `${cluster.dir} is not writable: the lab keeps its data and logs there`,
        });
    }
    const running = machine.labRunning(cluster.dir);
    for (const [name, port] of Object.entries(cluster.ports)) {
        if (port !== undefined && !running && machine.listening(port)) {
            problems.push({ key: key(`ports.${name}`), message: `${port} is in use on 127.0.0.1 by another process` });
        }
    }
    return problems;
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
        exists: (file) => fs.existsSync(file),
        writable(dir) {
            let at = path.resolve(dir);
            while (!fs.existsSync(at)) at = path.dirname(at);
            try {
                fs.accessSync(at, fs.constants.W_OK);
                return fs.statSync(at).isDirectory(); // a file where a folder should go: nothing can be made there
            } catch {
                return false;
            }
        },
        listening: (port) => listeningPorts().has(port),
        labRunning(dir) {
            try {
                const state = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")) as {
                    daemonPid?: number;
                };
                return state.daemonPid !== undefined && fs.existsSync(`/proc/${state.daemonPid}`);
            } catch {
                return false;
            }
        },
    };
}

/** The TCP ports something listens on, from the kernel's socket tables (Linux /proc/net/tcp and tcp6). */
function listeningPorts(): Set<number> {
    const ports = new Set<number>();
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
        let text: string;
        try {
            text = fs.readFileSync(table, "utf8");
        } catch {
            continue;
        }
        for (const line of text.split("\n").slice(1)) {
            const [, local, , state] = line.trim().split(/\s+/);
            if (state === "0A" && local) ports.add(parseInt(local.split(":")[1], 16)); // 0A: LISTEN
        }
    }
    return ports;
}
