import * as path from "node:path";
import type { RunOptions } from "../../driver";
import { type ControlPlane, startControlPlane } from "./controlPlane";
import { FLUX_CRDS } from "./fluxApi";
import { e2eWorkspace, type E2eWorkspace } from "./workspace";

export const REPO = path.resolve(__dirname, "..", "..");
export const REFERENCE = path.resolve(REPO, "..", "shared", "reference");

/** Config every e2e stack gets: charts from the reference folder, Flux manifests embedded in the operator. */
export const OFFLINE_FLUX = {
    "fluxstack:flux.charts.source": "local",
    "fluxstack:flux.charts.directory": path.join(REFERENCE, "charts"),
    "fluxstack:flux.instance.distribution.artifact": "",
};

export interface Harness {
    cp: ControlPlane;
    ws: E2eWorkspace;
    /** Driver options for `stack` with the harness's config overrides, plus `extra`. */
    run: (extra?: Partial<RunOptions>) => RunOptions;
    stop: () => void;
}

/** The toolchain's bin directory, set by tests/e2e/run.sh. */
export function toolchainBin(): string {
    const bin = process.env.FLUXSTACK_TOOLCHAIN_BIN;
    if (!bin) throw new Error("FLUXSTACK_TOOLCHAIN_BIN is not set: run this through `npm run test:e2e`");
    return bin;
}

/**
 * A control plane, a scratch copy of the project, this process's environment pointed at both (the Automation API
 * runs `pulumi` from PATH), and the Flux CRDs the operator would install (no operator runs here).
 */
export async function startHarness(
    bin: string,
    stack: string,
    config: (cp: ControlPlane) => Record<string, string>,
): Promise<Harness> {
    const cp = await startControlPlane(bin);
    const ws = e2eWorkspace(REPO, bin);
    Object.assign(process.env, ws.env);
    for (const crd of FLUX_CRDS) cp.kubectl(["apply", "--server-side", "-f", path.join(REFERENCE, "crds", crd)]);
    const overrides = config(cp);
    return {
        cp,
        ws,
        run: (extra = {}) => ({ stack, projectDir: ws.projectDir, env: process.env, config: overrides, ...extra }),
        stop: () => {
            cp.stop();
            ws.cleanup();
        },
    };
}
