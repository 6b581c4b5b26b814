import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureTypeChecked, STAMP } from "../../tools/typeGate";

/** The files a Pulumi run needs, copied so that stack config written by a test never touches the checkout. */
const PROGRAM_FILES = [
    "index.ts",
    "components",
    "stacks",
    "Pulumi.yaml",
    "Pulumi.dev.yaml",
    "Pulumi.kind.yaml",
    "Pulumi.eks.yaml",
    "Pulumi.lab.yaml",
    "lab",
    "tools",
    "driver",
    "package.json",
    "tsconfig.json",
];

export interface E2eWorkspace {
    projectDir: string;
    /** Environment for the Pulumi CLI and the driver: toolchain on PATH, local state, no downloads. */
    env: NodeJS.ProcessEnv;
    cleanup(): void;
}

/** A scratch copy of the project (node_modules linked) with its own Pulumi home and file backend. */
export function e2eWorkspace(repoDir: string, bin: string): E2eWorkspace {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "fluxstack-project-"));
    const projectDir = path.join(root, "project");
    fs.mkdirSync(projectDir);
    for (const f of PROGRAM_FILES) fs.cpSync(path.join(repoDir, f), path.join(projectDir, f), { recursive: true });
    // The program's type check, once for every copy: the copies' first runs then find their sources passed.
    ensureTypeChecked(repoDir);
    fs.cpSync(path.join(repoDir, STAMP), path.join(projectDir, STAMP));
    fs.symlinkSync(path.join(repoDir, "node_modules"), path.join(projectDir, "node_modules"));
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${bin}${path.delimiter}${process.env.PATH}`,
        PULUMI_HOME: path.join(root, "pulumi-home"),
        PULUMI_BACKEND_URL: `file://${path.join(root, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
    };
    fs.mkdirSync(path.join(root, "state"));
    return {
        projectDir,
        env,
        cleanup: () => (process.env.FLUXSTACK_E2E_KEEP ? undefined : fs.rmSync(root, { recursive: true, force: true })),
    };
}
