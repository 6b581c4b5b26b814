// `npm run lab`: the lab stack in one command, with nothing set up beforehand. See LAB_USAGE.
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { defaultLabBin, LAB_TOOLCHAIN_STEPS, missingBinaries } from "../lab/binaries";
import { readLog } from "../lab/cli";
import { labHealth } from "../lab/lab";
import type { Io } from "./cli";
import { classify, DriverError, EXIT, type ExitCode } from "./exitCodes";
import { deploy, destroy, outputs, type RunOptions } from "./operations";
import { allReady, formatTable, kubectlReader, readStatus, type StatusRow } from "./status";
import { formatSummary } from "./summary";
import { onPath, PROJECT_DIR } from "./workspace";

export const LAB_USAGE = `usage: npm run lab [-- <up|down|status|logs NAME>] [--stack NAME] [-c KEY=VALUE ...]

  up (default)   build what the lab lacks (first run only), then \`pulumi up\` the lab stack and print its status,
                 the kubeconfig, and the Git URLs to clone and push to
  down           \`pulumi destroy\`: stops every process of the lab and removes its directory
  status         the status table, and the lab's processes
  logs NAME      the last lines of a Flux controller's log (source-controller, kustomize-controller,
                 flux-operator) or a lab process's (kube-apiserver, etcd, registry, daemon, ...); --lines N

  --stack, -s NAME        the lab stack (default lab; a second lab needs only another name)
  --config, -c KEY=VALUE  config override for this run, as with npm run stack

Binaries: built from Go modules into ~/.cache/fluxstack-toolchain (FLUXSTACK_TOOLCHAIN_DIR), or taken from
FLUXSTACK_LAB_BIN (a directory of prebuilt ones). State: .pulumi-state/ unless PULUMI_BACKEND_URL says otherwise.
Secrets: PULUMI_CONFIG_PASSPHRASE(_FILE) if set, else a passphrase generated once into .lab/passphrase.`;

const stdio: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export async function labMain(
    argv: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
    io: Io = stdio,
    projectDir = PROJECT_DIR,
): Promise<ExitCode> {
    let parsed;
    try {
        parsed = parseArgs({
            args: [...argv],
            allowPositionals: true,
            options: {
                stack: { type: "string", short: "s", default: "lab" },
                config: { type: "string", short: "c", multiple: true, default: [] },
                lines: { type: "string", default: "100" },
                help: { type: "boolean", short: "h" },
            },
        });
    } catch (e) {
        io.err(`${(e as Error).message}\n\n${LAB_USAGE}\n`);
        return EXIT.usage;
    }
    const [command = "up", ...rest] = parsed.positionals;
    if (parsed.values.help) {
        io.out(`${LAB_USAGE}\n`);
        return EXIT.ok;
    }
    const stack = parsed.values.stack;
    try {
        const config = Object.fromEntries(
            parsed.values.config.map((pair) => {
                const at = pair.indexOf("=");
                if (at <= 0) throw new DriverError(EXIT.usage, `--config: expected KEY=VALUE, got "${pair}"`);
                const key = pair.slice(0, at);
                return [key.includes(":") ? key : `fluxstack:${key}`, pair.slice(at + 1)];
            }),
        );
        switch (command) {
            case "up":
                return await up(stack, config, labEnv(env, projectDir, io), io, projectDir);
            case "down": {
                const run = {
                    stack,
                    projectDir,
                    env: labEnv(env, projectDir, io, false),
                    config,
                    onOutput: (t: string) => io.out(t),
                };
                const { summary } = await destroy(run);
                io.out(
                    `\n${formatSummary("destroy", summary)}\nThe lab's processes are stopped and its directory is gone.\n`,
                );
                return EXIT.ok;
            }
            case "status":
                return await status(stack, config, labEnv(env, projectDir, io, false), io, projectDir);
            case "logs": {
                const name = rest[0];
                if (!name) throw new DriverError(EXIT.usage, "logs needs a NAME, e.g. kustomize-controller");
                const dir = await labDir(stack, config, labEnv(env, projectDir, io, false), projectDir);
                io.out(`${readLog(dir, name, Number(parsed.values.lines))}\n`);
                return EXIT.ok;
            }
            default:
                throw new DriverError(EXIT.usage, `unknown command "${command}": use up, down, status or logs`);
        }
    } catch (e) {
        const { code, message } = classify(e);
        io.err(`error: ${message}\n`);
        return code;
    }
}

async function up(stack: string, config: Record<string, string>, env: NodeJS.ProcessEnv, io: Io, projectDir: string) {
    const run: RunOptions = { stack, projectDir, env, config, onOutput: (t) => io.out(t) };
    const started = Date.now();
    const { summary } = await deploy(run);
    io.out(`\n${formatSummary("up", summary)} in ${((Date.now() - started) / 1000).toFixed(1)}s\n\n`);
    const code = await status(stack, config, env, io, projectDir, 120);
    const values = await outputs({ ...run, onOutput: undefined });
    const lab = values.lab as { kubeconfigPath: string; repositories: Record<string, string>; dir: string } | undefined;
    if (lab) {
        const [first] = Object.entries(lab.repositories);
        io.out(
            [
                "",
                `kubeconfig:   export KUBECONFIG=${lab.kubeconfigPath}`,
                ...Object.entries(lab.repositories).map(([name, url]) => `git:          ${url}   (${name})`),
                "",
                "Try the GitOps loop:",
                `  git clone ${first?.[1] ?? "<url>"} && cd ${first?.[0] ?? "<repo>"}`,
                "  # change replicas: in dev/app.yaml, then: git commit -am 'more replicas' && git push",
                `  kubectl --kubeconfig ${lab.kubeconfigPath} -n fluxdemo-dev get deploy kcheck -w`,
                `Logs: npm run lab -- logs kustomize-controller${stack === "lab" ? "" : ` -s ${stack}`}`,
                `Tear down: npm run lab -- down${stack === "lab" ? "" : ` -s ${stack}`}`,
                "",
            ].join("\n"),
        );
    }
    return code;
}

/** The status table, the lab's processes (and which versions they are), and where to look when a sync fails. */
async function status(
    stack: string,
    config: Record<string, string>,
    env: NodeJS.ProcessEnv,
    io: Io,
    projectDir: string,
    /** After an up: how long to give Flux to settle (a repaired lab's controllers reconcile everything anew). */
    settleSeconds = 0,
) {
    const values = await outputs({ stack, projectDir, env, config, showSecrets: true });
    if (typeof values.kubeconfig !== "string")
        throw new DriverError(EXIT.failed, "the lab has no kubeconfig: run npm run lab first");
    const dir = (values.lab as { dir?: string } | undefined)?.dir;
    if (dir) {
        // Its processes gone (a reboot, a killed run): there is nothing to ask. `npm run lab` repairs it.
        const health = await labHealth(dir);
        if (!health.healthy) {
            const again = stack === "lab" ? "npm run lab" : `npm run lab -- -s ${stack}`;
            io.out(`The lab (${dir}) is not running: ${health.problems.join("; ")}.\nRepair it: ${again}\n`);
            return EXIT.notReady;
        }
    }
    const kubectl = path.join(binOf(env), "kubectl");
    const read = () =>
        readStatus(
            kubectlReader(values.kubeconfig as string, fs.existsSync(kubectl) ? kubectl : "kubectl"),
            typeof values.fluxNamespace === "string" ? values.fluxNamespace : "flux-system",
            (values.tenants ?? {}) as Record<string, { namespace: string; syncs: string[] }>,
        );
    let rows: StatusRow[] = await read();
    for (const deadline = Date.now() + settleSeconds * 1000; !allReady(rows) && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 2_000));
        rows = await read();
    }
    io.out(`${formatTable(rows)}\n`);
    const lab = values.lab as { dir: string } | undefined;
    if (lab) {
        const health = await labHealth(lab.dir);
        io.out(
            `\nThe lab (${lab.dir}): ${health.healthy ? "running" : `not running: ${health.problems.join("; ")}`}\n`,
        );
        for (const p of Object.values(health.state?.pods ?? {})) {
            const tag =
                p.image
                    .replace(/@sha256:.*$/, "")
                    .split(":")
                    .pop() ?? "";
            const differs = tag.replace(/^v/, "") !== p.version.replace(/^v/, "");
            io.out(
                `  ${p.pod.padEnd(48)} PID ${String(p.pid).padEnd(7)} ${p.binary} ${p.version}` +
                    (differs ? ` (the pod asks for ${p.image}; the lab runs the ${p.version} it could build)` : "") +
                    "\n",
            );
        }
    }
    if (!allReady(rows)) {
        io.out(
            `\nNot Ready: ${rows
                .filter((r) => r.ready !== "True")
                .map((r) => `${r.kind} ${r.namespace}/${r.name}`)
                .join(", ")}. The controllers' logs: npm run lab -- logs source-controller | kustomize-controller\n`,
        );
        return EXIT.notReady;
    }
    return EXIT.ok;
}

async function labDir(stack: string, config: Record<string, string>, env: NodeJS.ProcessEnv, projectDir: string) {
    const values: Record<string, unknown> = await outputs({ stack, projectDir, env, config }).catch(() => ({}));
    const lab = values.lab as { dir?: string } | undefined;
    return lab?.dir ?? path.join(projectDir, ".lab", stack);
}

function binOf(env: NodeJS.ProcessEnv): string {
    return defaultLabBin(env);
}

/**
 * The environment a lab run needs: its binaries (built if missing, with a line per step), the Pulumi CLI and
 * plugins on PATH, a local backend and a passphrase (generated once into .lab/passphrase) unless the user chose
 * theirs.
 */
function labEnv(env: NodeJS.ProcessEnv, projectDir: string, io: Io, build = true): NodeJS.ProcessEnv {
    const bin = binOf(env);
    if (build) ensureBinaries(env, bin, projectDir, io);
    const out: NodeJS.ProcessEnv = {
        ...env,
        // The toolchain's pulumi (if there is no other) and its Kubernetes provider plugin.
        PATH: [env.PATH, bin].filter(Boolean).join(path.delimiter),
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    if (out.PULUMI_CONFIG_PASSPHRASE === undefined && !out.PULUMI_CONFIG_PASSPHRASE_FILE) {
        const file = path.join(projectDir, ".lab", "passphrase");
        if (!fs.existsSync(file)) {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, crypto.randomBytes(24).toString("hex"), { mode: 0o600 });
            io.out(`The lab's state secrets are encrypted with a passphrase kept in ${file}.\n`);
        }
        out.PULUMI_CONFIG_PASSPHRASE_FILE = file;
    }
    return out;
}

/** Builds the lab's missing binaries with lab/toolchain.sh, or says plainly what is missing and how to provide it. */
function ensureBinaries(env: NodeJS.ProcessEnv, bin: string, projectDir: string, io: Io): void {
    const needPulumi = !onPath("pulumi", env);
    const missing = [
        ...missingBinaries(bin),
        ...(fs.existsSync(path.join(bin, "pulumi-resource-kubernetes")) ? [] : ["pulumi-resource-kubernetes"]),
        ...(needPulumi && !fs.existsSync(path.join(bin, "pulumi")) ? ["pulumi"] : []),
    ];
    if (missing.length === 0) return;
    if (env.FLUXSTACK_LAB_BIN) {
        throw new DriverError(EXIT.prerequisites, `FLUXSTACK_LAB_BIN=${bin} lacks the lab's ${missing.join(", ")}`);
    }
    const tools = ["go", "jq", "git"].filter((t) => !onPath(t, env));
    if (tools.length > 0) {
        throw new DriverError(
            EXIT.prerequisites,
            `the lab needs ${missing.join(", ")}, which it builds from Go modules, but ${tools.join(", ")} ${tools.length > 1 ? "are" : "is"} not on PATH. ` +
                "Install Go (https://go.dev/dl/; it needs the Go module proxy) and jq, or set FLUXSTACK_LAB_BIN to a directory " +
                "holding prebuilt binaries of those names (see README: Try it).",
        );
    }
    const steps = [...LAB_TOOLCHAIN_STEPS, "k8s-provider", ...(needPulumi ? ["pulumi"] : [])];
    io.out(`Building the lab's binaries (once; tens of minutes on a small machine): ${steps.join(" ")}\n`);
    const build = spawnSync("bash", [path.join(projectDir, "lab", "toolchain.sh"), ...steps], {
        stdio: ["ignore", "inherit", "inherit"],
        env,
    });
    if (build.status !== 0) {
        throw new DriverError(
            EXIT.prerequisites,
            "building the lab's binaries failed (see the step's log above; no route to the Go module proxy?). " +
                "Or set FLUXSTACK_LAB_BIN to a directory of prebuilt binaries.",
        );
    }
}

if (require.main === module) {
    void labMain(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
