import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import type { RunOptions } from "../../driver";
import { killLabNow, type LabInfo, startLab, stopLab } from "../../lab/lab";
import { type Cluster, clusterAt } from "./cluster";
import { e2eWorkspace, type E2eWorkspace } from "./workspace";

export const REPO = path.resolve(__dirname, "..", "..");
export const SHARED = path.resolve(REPO, "..", "shared");
export const REFERENCE = path.join(SHARED, "reference");
/** The demo's scenario repositories: the Git repositories every e2e lab serves. */
export const SCENARIO_REPOS = path.join(SHARED, "seed", "scenario-repos");
/** The demo's OCI artifact (the dev app, renamed), as the project carries it. */
export const OCI_ARTIFACT_DIR = path.join(REPO, "lab", "demo", "kcheck-dev");
export const OCI_REPOSITORY = "kcheck/kcheck-dev";

/** Config every e2e stack gets: charts from the reference folder, the Flux manifests embedded in the operator,
 * and only the controllers the lab runs as processes. */
export const OFFLINE_FLUX = {
    "fluxstack:flux.charts.source": "local",
    "fluxstack:flux.charts.directory": path.join(REFERENCE, "charts"),
    "fluxstack:flux.instance.distribution.artifact": "",
    "fluxstack:flux.instance.components[0]": "source-controller",
    "fluxstack:flux.instance.components[1]": "kustomize-controller",
};

export interface Harness {
    /** The lab: a control plane with the real Flux Operator and controllers, a Git server, an OCI registry. */
    lab: LabInfo;
    cp: Cluster;
    ws: E2eWorkspace;
    /** Driver options for the stack with the harness's config overrides, plus `extra`. */
    run: (extra?: Partial<RunOptions>) => RunOptions;
    stop: () => Promise<void>;
}

/** The toolchain's bin directory, set by tests/e2e/run.sh. */
export function toolchainBin(): string {
    const bin = process.env.FLUXSTACK_TOOLCHAIN_BIN;
    if (!bin) throw new Error("FLUXSTACK_TOOLCHAIN_BIN is not set: run this through `npm run test:e2e`");
    return bin;
}

/**
 * A lab (the same runtime `npm run lab` runs) in a temporary directory serving the demo's scenario repositories
 * and OCI artifact, a scratch copy of the project, and this process's environment pointed at both (the
 * Automation API runs `pulumi` from PATH). Everything is stopped by PID on `stop()`, on exit and on signals.
 */
export async function startHarness(
    stack: string,
    config: (lab: LabInfo) => Record<string, string>,
    options: {
        stackFile?: (lab: LabInfo) => Record<string, unknown>;
        /** More repositories to serve, by name: a directory of files each. */
        repositories?: Record<string, string>;
    } = {},
): Promise<Harness> {
    const bin = toolchainBin();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "fluxstack-e2e-"));
    const dir = path.join(root, "lab");
    const scratch: { projectDir?: string } = {};
    // On exit or a signal: the lab, and any Pulumi run in the scratch project (the CLI, its plugins, the program).
    const emergency = () => {
        killLabNow(dir);
        if (scratch.projectDir) killProcessesIn(scratch.projectDir);
    };
    process.once("exit", emergency);
    const onSignal = () => {
        emergency();
        process.exit(130);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const lab = await startLab({
        dir,
        name: `e2e-${stack}`,
        fluxNamespace: "flux-system",
        bin,
        repositories: {
            "flux-dev": path.join(SCENARIO_REPOS, "flux-dev"),
            "flux-stage-prod": path.join(SCENARIO_REPOS, "flux-stage-prod"),
            ...options.repositories,
        },
        artifacts: { [`${OCI_REPOSITORY}:latest`]: OCI_ARTIFACT_DIR },
    });
    const ws = e2eWorkspace(REPO, bin);
    scratch.projectDir = ws.projectDir;
    Object.assign(process.env, ws.env);
    if (options.stackFile) writeStackFile(ws.projectDir, stack, options.stackFile(lab));
    const overrides = config(lab);
    return {
        lab,
        cp: clusterAt(lab.kubeconfigPath, bin),
        ws,
        run: (extra = {}) => ({ stack, projectDir: ws.projectDir, env: process.env, config: overrides, ...extra }),
        stop: async () => {
            await stopLab(dir, { remove: !process.env.FLUXSTACK_E2E_KEEP });
            process.removeListener("exit", emergency);
            process.removeListener("SIGINT", onSignal);
            process.removeListener("SIGTERM", onSignal);
            ws.cleanup();
            if (!process.env.FLUXSTACK_E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
        },
    };
}

/** SIGKILL, by PID, for every process of this user working in `dir` (a test's scratch project). */
function killProcessesIn(dir: string): void {
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
        try {
            if (fs.readlinkSync(`/proc/${entry}/cwd`) === dir) process.kill(Number(entry), "SIGKILL");
        } catch {
            // gone, or not ours
        }
    }
}

/** Writes `Pulumi.<stack>.yaml` in the scratch project: `config` keys without a namespace are this project's. */
export function writeStackFile(projectDir: string, stack: string, config: Record<string, unknown>): void {
    const namespaced = Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `fluxstack:${k}`, v]),
    );
    fs.writeFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), yaml.dump({ config: namespaced }));
}
