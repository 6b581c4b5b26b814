// The engine's settings that bound a run of many objects, each measured on the same control plane: 50 tenants'
// objects created from empty, then a no-op `up`, through the driver, with the CLI's environment set as given.
// PULUMI_PARALLEL: how many steps run at once (default 4 × the cores). PULUMI_SKIP_CHECKPOINTS: the file backend
// writes the state at the end of the run only, not after each object.
import * as path from "node:path";
import { deploy, openStack } from "../../driver";
import { REFERENCE, startHarness } from "../e2e/harness";
import { CONFIRM_DELETION, GUARDRAILS_OFF, tenantsConfig } from "./tenantsConfig";

export interface LeverRow {
    setting: string;
    up: number;
    noopUp: number;
    /** The state after the run, as `pulumi stack export` gives it: what each checkpoint rewrites, KiB. */
    stateKiB: number;
}

const seconds = async (f: () => unknown) => {
    const t = process.hrtime.bigint();
    await f();
    return Number(process.hrtime.bigint() - t) / 1e9;
};

export async function engineLeversBench(
    n: number,
    settings: Record<string, Record<string, string>>,
): Promise<LeverRow[]> {
    const rows: LeverRow[] = [];
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
        for (const [setting, env] of Object.entries(settings)) {
            // Empty again (the Flux tier stays), untimed, with the engine's defaults.
            await setConfig(tenantsConfig(0, cluster, flux, { ...GUARDRAILS_OFF, ...CONFIRM_DELETION }));
            await deploy(harness.run());
            await setConfig(tenantsConfig(n, cluster, flux, GUARDRAILS_OFF));
            const run = harness.run({ env: { ...process.env, ...env } });
            const up = await seconds(() => deploy(run));
            const noopUp = await seconds(() => deploy(run));
            const stateKiB = JSON.stringify(await stack.exportStack()).length / 1024;
            rows.push({ setting, up, noopUp, stateKiB });
        }
    } finally {
        await harness.stop();
    }
    return rows;
}
