import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { syncManifests, tenantManifests } from "../../components/tenant";
import { deploy, openStack } from "../../driver";
import { loadStackConfig } from "../../stacks/config";
import { REFERENCE, startHarness } from "../e2e/harness";
import { PROJECT } from "../helpers/stackFiles";
import { GUARDRAILS_OFF, tenantsConfig } from "./tenantsConfig";

export interface RealRow {
    n: number;
    objects: number;
    up: number;
    apply: number;
    noopUp: number;
    noopApply: number;
}

const seconds = async (f: () => unknown) => {
    const t = process.hrtime.bigint();
    await f();
    return Number(process.hrtime.bigint() - t) / 1e9;
};

/**
 * The tenants and syncs of `stackConfig` as the demo makes them, plain manifests for `kubectl apply`, in names
 * prefixed `k-` so they sit beside the program's own: written to `dir`/manifests.yaml.
 */
export function demoManifests(stackConfig: Record<string, string>, dir: string): { file: string; objects: number } {
    const config = loadStackConfig(stackConfig, PROJECT);
    const docs = config.tenants.flatMap((t) => {
        const renamed = {
            ...t,
            name: `k-${t.name}`,
            namespace: `k-${t.namespace}`,
            serviceAccount: `k-${t.serviceAccount}`,
        };
        const tenant = tenantManifests(renamed);
        const syncs = config.syncs
            .filter((s) => s.tenant === t.name)
            .flatMap((s) => Object.values(syncManifests(s, renamed)));
        return [tenant.namespace, tenant.serviceAccount, tenant.roleBinding, ...syncs];
    });
    const file = path.join(dir, "manifests.yaml");
    fs.writeFileSync(file, docs.map((d) => yaml.dump(d)).join("---\n"));
    return { file, objects: docs.length };
}

/** For each size: a fresh control plane; Flux installed by a first `up`; then tenants by Pulumi and by kubectl. */
export async function realApplyBench(bin: string, sizes: number[]): Promise<RealRow[]> {
    const rows: RealRow[] = [];
    for (const n of sizes) {
        const harness = await startHarness("bench", () => ({}));
        const { cp, ws } = harness;
        try {
            const cluster = { source: "existing", kubeconfig: cp.kubeconfig };
            const flux = {
                charts: { source: "local", directory: path.join(REFERENCE, "charts") },
                // The controllers the lab runs as processes: the instance is Ready only with those.
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
            await setConfig(tenantsConfig(0, cluster, flux, GUARDRAILS_OFF));
            const run = harness.run();
            await deploy(run); // the Flux tier, not timed: kubectl has no equivalent of it here

            await setConfig(tenantsConfig(n, cluster, flux, GUARDRAILS_OFF));
            const up = await seconds(() => deploy(run));
            const noopUp = await seconds(() => deploy(run));

            // The demo's method: the same objects as manifests, applied with kubectl, tenants in other names.
            const { file, objects } = demoManifests(
                tenantsConfig(n, cluster, flux, GUARDRAILS_OFF),
                path.dirname(ws.projectDir),
            );
            const apply = await seconds(() => cp.kubectl(["apply", "-f", file]));
            const noopApply = await seconds(() => cp.kubectl(["apply", "-f", file]));
            rows.push({ n, objects, up, apply, noopUp, noopApply });
        } finally {
            await harness.stop();
        }
    }
    return rows;
}
