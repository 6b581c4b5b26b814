// The plain CLI on the dev stack (one tenant, one sync), after a first `up`: what a developer or a CI job waits for
// on each run, next to the CLI's own floor and a no-op `kubectl apply` of the same tenant objects.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { deploy } from "../../driver";
import { REFERENCE, startHarness } from "../e2e/harness";
import { toConfigMap } from "../helpers/stackFiles";
import { demoManifests } from "./realApply";

export interface CliRow {
    run: string;
    /** Seconds, each of `RUNS` runs. */
    seconds: number[];
}

const RUNS = 3;

export async function cliRunsBench(): Promise<CliRow[]> {
    let config: Record<string, unknown> = {};
    const harness = await startHarness("bench", () => ({}), {
        stackFile: (lab) => {
            config = {
                "fluxstack:cluster": { source: "existing", kubeconfig: lab.kubeconfigPath },
                "fluxstack:flux": {
                    charts: { source: "local", directory: path.join(REFERENCE, "charts") },
                    instance: {
                        distribution: { artifact: "" },
                        components: ["source-controller", "kustomize-controller"],
                    },
                },
                "fluxstack:tenants": [{ name: "fluxdemo-dev" }],
                "fluxstack:syncs": [
                    {
                        name: "flux-dev",
                        tenant: "fluxdemo-dev",
                        path: "./dev",
                        source: { kind: "GitRepository", url: `${lab.gitUrl}/flux-dev`, ref: { branch: "main" } },
                    },
                ],
            };
            return config;
        },
    });
    try {
        const { cp, ws } = harness;
        await deploy(harness.run());
        const pulumi = (args: string[]) => () => {
            const r = spawnSync("pulumi", [...args, "--non-interactive"], {
                cwd: ws.projectDir,
                env: process.env,
                encoding: "utf8",
            });
            if (r.error) throw new Error(`pulumi ${args.join(" ")}: ${r.error.message}`);
            if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
        };
        const { file } = demoManifests(toConfigMap(config), path.dirname(ws.projectDir));
        const apply = () => cp.kubectl(["apply", "-f", file]);
        apply();
        const runs: [string, () => unknown][] = [
            ["pulumi stack ls (the CLI's floor)", pulumi(["stack", "ls"])],
            ["pulumi preview", pulumi(["preview", "-s", "bench"])],
            ["pulumi up --yes, nothing to change", pulumi(["up", "--yes", "-s", "bench"])],
            ["pulumi up --yes --skip-preview, no-op", pulumi(["up", "--yes", "--skip-preview", "-s", "bench"])],
            ["kubectl apply, nothing to change", apply],
        ];
        return runs.map(([run, f]) => ({
            run,
            seconds: Array.from({ length: RUNS }, () => {
                const t = process.hrtime.bigint();
                f();
                return Number(process.hrtime.bigint() - t) / 1e9;
            }),
        }));
    } finally {
        await harness.stop();
    }
}
