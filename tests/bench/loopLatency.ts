// The GitOps loop's latency: a commit pushed to each of N tenants' repositories at once, until each tenant's
// Deployment has changed, by the sources' 10s poll alone (no nudge); three rounds. Real controllers, on the e2e lab.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { deploy } from "../../driver";
import { eventually, Repo } from "../e2e/gitops";
import { REFERENCE, SCENARIO_REPOS, startHarness } from "../e2e/harness";

export interface LoopRow {
    tenants: number;
    /** Per tenant, ms from its push to its Deployment showing the change. */
    latencies: number[];
}

const APP = "dev/app.yaml";
const ROUNDS = 3;

/** The demo's scenario 1 repository, its Deployment moved into `namespace`. */
function tenantRepository(root: string, namespace: string): string {
    const dir = path.join(root, namespace);
    fs.mkdirSync(path.join(dir, "dev"), { recursive: true });
    const app = fs.readFileSync(path.join(SCENARIO_REPOS, "flux-dev", APP), "utf8");
    fs.writeFileSync(path.join(dir, APP), app.replaceAll("namespace: fluxdemo-dev", `namespace: ${namespace}`));
    return dir;
}

/** Each namespace's kcheck Deployment's replicas, in one read. */
function replicas(cp: { kubectl: (args: string[]) => string }): Map<string, number> {
    const list = JSON.parse(
        cp.kubectl(["get", "deployments", "-A", "--field-selector", "metadata.name=kcheck", "-o", "json"]),
    );
    return new Map(list.items.map((d: any) => [d.metadata.namespace, d.spec.replicas]));
}

export async function loopLatencyBench(sizes: number[]): Promise<LoopRow[]> {
    const rows: LoopRow[] = [];
    for (const n of sizes) {
        const names = Array.from({ length: n }, (_, i) => `loop-${String(i).padStart(2, "0")}`);
        const sources = fs.mkdtempSync(path.join(os.tmpdir(), "fluxstack-loop-"));
        try {
            const harness = await startHarness(`loop${n}`, () => ({}), {
                repositories: Object.fromEntries(names.map((name) => [name, tenantRepository(sources, name)])),
                stackFile: (lab) => ({
                    cluster: { source: "existing", kubeconfig: lab.kubeconfigPath },
                    flux: {
                        charts: { source: "local", directory: path.join(REFERENCE, "charts") },
                        instance: {
                            distribution: { artifact: "" },
                            components: ["source-controller", "kustomize-controller"],
                        },
                        waitForSyncs: true,
                    },
                    tenants: names.map((name) => ({ name })),
                    syncs: names.map((tenant) => ({
                        name: "app",
                        tenant,
                        path: "./dev",
                        source: {
                            kind: "GitRepository",
                            url: `${lab.gitUrl}/${tenant}`,
                            ref: { branch: "main" },
                            interval: "10s",
                        },
                    })),
                }),
            });
            const repos: Repo[] = [];
            try {
                await deploy(harness.run());
                await eventually(
                    "every tenant's Deployment",
                    () => names.every((ns) => replicas(harness.cp).has(ns)),
                    120,
                );
                for (const name of names) repos.push(new Repo(`${harness.lab.gitUrl}/${name}`));
                const latencies: number[] = [];
                // Rounds: where a push falls in the 10s poll decides most of its latency.
                for (let round = 1; round <= ROUNDS; round++) {
                    const target = 2 + round;
                    const pushed = new Map<string, number>();
                    for (const [i, repo] of repos.entries()) {
                        repo.editYaml(APP, (docs) => {
                            docs[0].spec.replicas = target;
                            return docs;
                        });
                        repo.push(`replicas ${target}`);
                        pushed.set(names[i], Date.now());
                    }
                    const waiting = new Set(names);
                    await eventually(
                        `every tenant's Deployment at ${target} replicas`,
                        () => {
                            const now = replicas(harness.cp);
                            for (const name of waiting) {
                                if (now.get(name) !== target) continue;
                                latencies.push(Date.now() - pushed.get(name)!);
                                waiting.delete(name);
                            }
                            return waiting.size === 0 || undefined;
                        },
                        120,
                        () => `still waiting: ${[...waiting].join(", ")}`,
                    );
                }
                rows.push({ tenants: n, latencies });
            } finally {
                for (const repo of repos) repo.dispose();
                await harness.stop();
            }
        } finally {
            fs.rmSync(sources, { recursive: true, force: true });
        }
    }
    return rows;
}
