// Where a run's time goes: the plain CLI's `pulumi up`, from empty and with nothing to change, for a dev-like
// stack and for 50 tenants, each with the CLI's gRPC log on (grpcPhases.ts reads it). The log costs time of its
// own (each call written as JSON): each row also gives the same run's total without it, measured right after.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { deploy, openStack } from "../../driver";
import { REFERENCE, startHarness } from "../e2e/harness";
import { type RunPhases, runPhases } from "./grpcPhases";
import { CONFIRM_DELETION, GUARDRAILS_OFF, tenantsConfig } from "./tenantsConfig";

export interface PhasesRow {
    stack: string;
    run: string;
    phases: RunPhases;
    /** The same run without the gRPC log, seconds. */
    unlogged: number;
}

const now = () => Date.now() / 1000;

/** The stacks measured: a dev-like one (1 tenant, 1 sync, every guardrail on) and 50 tenants as `real` has them. */
const STACKS: [string, (cluster: Record<string, unknown>, flux: Record<string, unknown>) => Record<string, string>][] =
    [
        ["dev-like, 1 tenant", (cluster, flux) => tenantsConfig(1, cluster, flux)],
        ["50 tenants", (cluster, flux) => tenantsConfig(50, cluster, flux, GUARDRAILS_OFF)],
    ];

export async function whereTimeGoesBench(): Promise<PhasesRow[]> {
    const rows: PhasesRow[] = [];
    const harness = await startHarness("bench", () => ({}));
    const { cp, ws } = harness;
    try {
        const cluster = { source: "existing", kubeconfig: cp.kubeconfig };
        const flux = {
            charts: { source: "local", directory: path.join(REFERENCE, "charts") },
            instance: { distribution: { artifact: "" }, components: ["source-controller", "kustomize-controller"] },
        };
        const { stack } = await openStack({
            stack: "bench",
            projectDir: ws.projectDir,
            env: process.env,
            create: true,
        });
        const setConfig = async (m: Record<string, string>) =>
            stack.setAllConfig(Object.fromEntries(Object.entries(m).map(([k, value]) => [k, { value }])));
        const log = path.join(path.dirname(ws.projectDir), "grpc.log");
        const up = (logged: boolean): { spawned: number; exited: number } => {
            fs.rmSync(log, { force: true });
            const spawned = now();
            const r = spawnSync("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "-s", "bench"], {
                cwd: ws.projectDir,
                env: { ...process.env, ...(logged ? { PULUMI_DEBUG_GRPC: log } : {}) },
                encoding: "utf8",
            });
            const exited = now();
            if (r.error) throw new Error(`pulumi up: ${r.error.message}`);
            if (r.status !== 0) throw new Error(`pulumi up: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
            return { spawned, exited };
        };
        for (const [name, config] of STACKS) {
            // The Flux tier first, not measured: the runs measured make the tenants alone.
            await setConfig(tenantsConfig(0, cluster, flux, CONFIRM_DELETION));
            await deploy(harness.run());
            await setConfig(config(cluster, flux));
            for (const run of ["from empty", "nothing to change"]) {
                const { spawned, exited } = up(true);
                const phases = runPhases(fs.readFileSync(log, "utf8"), spawned, exited);
                if (run === "from empty") {
                    // Again from empty, without the log: the tenants go, the Flux tier stays.
                    await setConfig(tenantsConfig(0, cluster, flux, CONFIRM_DELETION));
                    await deploy(harness.run());
                    await setConfig(config(cluster, flux));
                }
                const unlogged = up(false);
                rows.push({ stack: name, run, phases, unlogged: unlogged.exited - unlogged.spawned });
            }
        }
    } finally {
        await harness.stop();
    }
    return rows;
}
