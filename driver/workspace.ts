import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { DriverError, EXIT } from "./exitCodes";
import { repairCheckpoint } from "./recovery";

/** Where the project (Pulumi.yaml) lives. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** The state backend: PULUMI_BACKEND_URL, else a file backend inside the project (no account needed). */
export function backendUrl(projectDir: string, env: NodeJS.ProcessEnv): string {
    return env.PULUMI_BACKEND_URL || `file://${path.join(projectDir, ".pulumi-state")}`;
}

/**
 * Whether the stack's secrets are passphrase-encrypted: on a self-managed backend (file, s3, azblob, gs) by
 * default, and wherever the stack file carries an `encryptionsalt`. Pulumi Cloud manages its own keys.
 */
export function needsPassphrase(backend: string, stackFile: string | undefined): boolean {
    if (stackFile !== undefined && /^encryptionsalt:/m.test(stackFile)) return true;
    if (stackFile !== undefined && /^secretsprovider:/m.test(stackFile)) return false;
    return !/^https?:\/\//.test(backend);
}

/** Fails early, with the fix, when the stack needs a passphrase and none is set (an empty one counts as set). */
export function checkPassphrase(backend: string, stackFile: string | undefined, env: NodeJS.ProcessEnv): void {
    if (!needsPassphrase(backend, stackFile)) return;
    if (env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE) return;
    throw new DriverError(
        EXIT.prerequisites,
        "this stack's secrets are passphrase-encrypted: set PULUMI_CONFIG_PASSPHRASE (may be empty for a lab) or PULUMI_CONFIG_PASSPHRASE_FILE",
    );
}

export interface OpenStackOptions {
    stack: string;
    projectDir?: string;
    env?: NodeJS.ProcessEnv;
    /** Config overrides as `project:key.path` -> value; applied with path semantics before the operation. */
    config?: Record<string, string>;
    /** Create the stack if it does not exist (up, and a preview that is no drift gate); otherwise it must exist. */
    create: boolean;
    /** Told what was repaired in a state an interrupted run left half-written. */
    onRepair?: (line: string) => void;
}

/** An open stack; with overrides, the config file that holds them for this run, and how to clean it up. */
export interface OpenedStack {
    stack: Stack;
    /** The stack's config with this run's overrides (pass as `configFile` to the operation); unset without any. */
    configFile?: string;
    /** Removes the run's config file. The stack file itself is never written with an override. */
    cleanup: () => void;
    /** Runs `pulumi <args> --stack <stack>` in the project with the run's environment; resolves with stdout. */
    cli: (args: string[]) => Promise<string>;
    /** The environment the CLI runs with (PATH, backend, passphrase, …). */
    env: NodeJS.ProcessEnv;
}

/**
 * Selects (or creates) the stack on the project's program, with backend, passphrase and overrides in place.
 * Overrides go into a copy of the stack file in a temporary folder (the CLI's `--config-file`), never into the
 * checked-in Pulumi.<stack>.yaml: whatever ends the run (Ctrl-C, a killed CI job), no override outlives it there.
 */
export async function openStack(options: OpenStackOptions): Promise<OpenedStack> {
    const projectDir = options.projectDir ?? PROJECT_DIR;
    const env = options.env ?? process.env;
    if (!onPath("pulumi", env)) {
        throw new DriverError(
            EXIT.prerequisites,
            "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/)",
        );
    }
    const backend = backendUrl(projectDir, env);
    if (backend.startsWith("file://")) fs.mkdirSync(backend.slice("file://".length), { recursive: true });
    const stackFilePath = path.join(projectDir, `Pulumi.${options.stack}.yaml`);
    checkPassphrase(backend, readIfExists(stackFilePath), env);

    const args = { stackName: options.stack, workDir: projectDir };
    // The CLI, its plugins and the program run with `env` (PATH included: where the plugins are), not with this
    // process's environment; and the CLI is the one on `env`'s PATH.
    const vars = Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined);
    // The dynamic providers' host (the kind and lab clusters) ships with the Pulumi CLI, and with @pulumi/pulumi:
    // appended, so a CLI's own copy wins.
    const pluginPath = [env.PATH, path.join(projectDir, "node_modules", "@pulumi", "pulumi")]
        .filter(Boolean)
        .join(path.delimiter);
    const envVars = {
        ...Object.fromEntries(vars),
        PATH: pluginPath,
        PULUMI_BACKEND_URL: backend,
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    const opts = { envVars, pulumiCommand: await pulumiCommandOn(env) };
    const select = () =>
        options.create ? LocalWorkspace.createOrSelectStack(args, opts) : LocalWorkspace.selectStack(args, opts);
    const stack = await select().catch((e: Error) => {
        // A checkpoint a killed run left half-written: repaired once (driver/recovery.ts), then selected again.
        const repaired = /failed to load checkpoint/.test(e.message)
            ? repairCheckpoint(backend, "fluxstack", options.stack)
            : [];
        if (repaired.length === 0) throw e;
        options.onRepair?.(`the stack's state was left half-written by an interrupted run: ${repaired.join("; ")}`);
        return select();
    });
    const runEnv = { ...process.env, ...envVars };
    const cli = (cliArgs: string[]) =>
        execFileAsync(
            stack.workspace.pulumiCommand.command,
            [...cliArgs, "--stack", options.stack, "--non-interactive"],
            {
                cwd: projectDir,
                env: runEnv,
            },
        );
    const overrides = Object.entries(options.config ?? {});
    if (overrides.length === 0) return { stack, cleanup: () => undefined, cli, env: runEnv };

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxstack-config-"));
    const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
    const configFile = path.join(dir, `Pulumi.${options.stack}.yaml`);
    try {
        // As created or selected (a new stack's encryption salt included), then the overrides, by the CLI itself
        // (`config set-all --path`: the same parsing of paths and values as `pulumi config set`).
        fs.writeFileSync(configFile, readIfExists(stackFilePath) ?? "", { mode: 0o600 });
        const pairs = overrides.flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]);
        await cli(["config", "set-all", "--path", "--config-file", configFile, ...pairs]);
    } catch (e) {
        cleanup();
        const stderr = (e as { stderr?: string }).stderr?.trim();
        throw new DriverError(EXIT.usage, `a config override was refused: ${stderr || (e as Error).message}`);
    }
    return { stack, configFile, cleanup, cli, env: runEnv };
}

function execFileAsync(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
    return new Promise<string>((resolve, reject) => {
        execFile(
            file,
            args,
            { ...options, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
            (error, stdout, stderr) => {
                if (error)
                    reject(
                        Object.assign(new Error(`pulumi ${args.join(" ")}: ${stderr || error.message}`), { stderr }),
                    );
                else resolve(stdout);
            },
        );
    });
}

/** Whether an executable `binary` is on the PATH of `env`. */
export function onPath(binary: string, env: NodeJS.ProcessEnv): boolean {
    return whichOn(binary, env) !== undefined;
}

/** The first executable `binary` on the PATH of `env`. */
export function whichOn(binary: string, env: NodeJS.ProcessEnv): string | undefined {
    return (env.PATH ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, binary))
        .find((file) => {
            try {
                fs.accessSync(file, fs.constants.X_OK);
                return true;
            } catch {
                return false;
            }
        });
}

/**
 * The Automation API runs `pulumi` from this process's PATH unless told where it is: point it at the one on
 * `env`'s PATH (PulumiCommand takes an install root, `<root>/bin/pulumi`).
 */
async function pulumiCommandOn(env: NodeJS.ProcessEnv): Promise<PulumiCommand | undefined> {
    const found = whichOn("pulumi", env);
    if (!found || found === whichOn("pulumi", process.env)) return undefined;
    const dir = path.dirname(found);
    if (path.basename(dir) !== "bin") return undefined;
    return PulumiCommand.get({ root: path.dirname(dir), skipVersionCheck: true });
}

function readIfExists(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
}
