import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { DriverError, EXIT } from "./exitCodes";

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
}

/** An open stack, and how to put its stack file back as it was (overrides are for one run). */
export interface OpenedStack {
    stack: Stack;
    restore: () => void;
}

/**
 * Selects (or creates) the stack on the project's program, with backend, passphrase and overrides in place.
 * Overrides are written to the stack file (that is how the CLI takes config), so `restore` puts the file back:
 * an override lasts one run and never edits checked-in config. A new stack's encryption salt is kept.
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
    const stackFile = readIfExists(stackFilePath);
    checkPassphrase(backend, stackFile, env);

    const args = { stackName: options.stack, workDir: projectDir };
    // The CLI inherits this process's environment; Pulumi settings given in `env` are passed on explicitly.
    const pulumiVars = Object.entries(env).filter(
        (e): e is [string, string] => e[0].startsWith("PULUMI_") && e[1] !== undefined,
    );
    const opts = {
        envVars: { ...Object.fromEntries(pulumiVars), PULUMI_BACKEND_URL: backend, PULUMI_SKIP_UPDATE_CHECK: "true" },
    };
    const stack = options.create
        ? await LocalWorkspace.createOrSelectStack(args, opts)
        : await LocalWorkspace.selectStack(args, opts);
    const overrides = Object.entries(options.config ?? {});
    const settled = readIfExists(stackFilePath); // as created or selected, before any override
    const restore = () => {
        if (overrides.length === 0) return;
        if (settled === undefined) fs.rmSync(stackFilePath, { force: true });
        else fs.writeFileSync(stackFilePath, settled);
    };
    if (overrides.length > 0) {
        try {
            await stack.setAllConfig(Object.fromEntries(overrides.map(([k, value]) => [k, { value }])), true);
        } catch (e) {
            restore(); // a bad override must not leave the stack file half-edited
            throw e;
        }
    }
    return { stack, restore };
}

/** Whether an executable `binary` is on the PATH of `env`. */
export function onPath(binary: string, env: NodeJS.ProcessEnv): boolean {
    return (env.PATH ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .some((dir) => {
            try {
                fs.accessSync(path.join(dir, binary), fs.constants.X_OK);
                return true;
            } catch {
                return false;
            }
        });
}

function readIfExists(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
}
