// npm run bench [-- mock cli phases levers real loop]: prints tables; not a test. Mock evaluation needs nothing; the
// rest (real runs of the CLI and the driver, `kubectl apply`, the GitOps loop's latency) need the e2e toolchain
// (FLUXSTACK_TOOLCHAIN_BIN, or lab/toolchain.sh --print-bin). With no arguments, every section.
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { cliRunsBench } from "./cliRuns";
import { engineLeversBench } from "./engineLevers";
import { loopLatencyBench } from "./loopLatency";
import { realApplyBench } from "./realApply";
import { whereTimeGoesBench } from "./whereTimeGoes";
import { ensureTypeChecked } from "../../tools/typeGate";

const REPO = path.resolve(__dirname, "..", "..");

function table(header: string[], rows: (string | number)[][]): string {
    const cells = [header, ...rows.map((r) => r.map(String))];
    const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
    return cells.map((r) => r.map((c, i) => c.padStart(widths[i])).join("  ")).join("\n");
}

/** One measurement process: `script` with `args`, loaded as Pulumi loads the program; its JSON line. */
function measure(
    script: string,
    args: string[],
): { ms: number; resources: number; maxRssMiB: number; liveMiB: number } {
    const out = execFileSync(
        process.execPath,
        ["--expose-gc", "-r", "ts-node/register", path.join(__dirname, script), ...args],
        {
            cwd: REPO,
            encoding: "utf8",
            // The program's own warnings (an output left undefined) are not the bench's; an error still shows.
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    return JSON.parse(out);
}

function mockBench(): void {
    const rows: (string | number)[][] = [];
    for (const guardrails of ["on", "off"])
        for (const n of [1, 10, 100, 500]) {
            const r = measure("mockEval.ts", [String(n), guardrails]);
            const perResource = ((r.ms / r.resources) * 1000).toFixed(0);
            rows.push([
                n,
                guardrails,
                r.resources,
                r.ms.toFixed(0),
                perResource,
                r.maxRssMiB.toFixed(0),
                r.liveMiB.toFixed(0),
            ]);
        }
    // The SDK's floor: as many plain ConfigMaps as 500 tenants make, with and without guardrails.
    for (const n of [3500, 8500]) {
        const r = measure("sdkFloor.ts", [String(n)]);
        const perResource = ((r.ms / r.resources) * 1000).toFixed(0);
        rows.push([
            `${n} ConfigMaps`,
            "-",
            r.resources,
            r.ms.toFixed(0),
            perResource,
            r.maxRssMiB.toFixed(0),
            r.liveMiB.toFixed(0),
        ]);
    }
    console.log("Program evaluation under mocks (one process per row; the last rows: the SDK alone)");
    console.log(
        table(["tenants", "guardrails", "resources", "ms", "µs/resource", "peak RSS MiB", "live after GC MiB"], rows),
    );
}

const SECTIONS = ["mock", "cli", "phases", "levers", "real", "loop"];

async function main(): Promise<void> {
    const asked = process.argv.slice(2);
    const unknown = asked.filter((a) => !SECTIONS.includes(a));
    if (unknown.length > 0)
        throw new Error(`unknown bench section(s) ${unknown.join(", ")}: known ${SECTIONS.join(", ")}`);
    const sections = new Set(asked.length > 0 ? asked : SECTIONS);
    // Once, before any timing: each mock process then finds the program's sources type-checked.
    ensureTypeChecked(REPO);
    if (sections.has("mock")) mockBench();
    if (![...sections].some((s) => s !== "mock")) return;
    let bin = process.env.FLUXSTACK_TOOLCHAIN_BIN;
    if (!bin) {
        const probe = spawnSync("bash", [path.join(REPO, "lab", "toolchain.sh"), "--print-bin"], {
            encoding: "utf8",
        });
        if (probe.status === 0) bin = probe.stdout.trim();
    }
    if (!bin) {
        console.log("\nReal runs: skipped, the e2e toolchain is not built (lab/toolchain.sh)");
        return;
    }
    // The harness runs `pulumi` and the lab from the toolchain.
    process.env.FLUXSTACK_TOOLCHAIN_BIN = bin;
    if (sections.has("cli")) {
        console.log(
            "\nThe plain CLI on a dev-like stack (1 tenant, 1 sync), after a first up; seconds, each of 3 runs",
        );
        const rows = await cliRunsBench();
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        const apply = median(rows.at(-1)!.seconds);
        console.log(
            table(
                ["run", "median s", "runs s", "x kubectl"],
                rows.map((r) => [
                    r.run,
                    median(r.seconds).toFixed(2),
                    r.seconds.map((x) => x.toFixed(2)).join(" "),
                    (median(r.seconds) / apply).toFixed(1),
                ]),
            ),
        );
    }
    if (sections.has("phases")) {
        console.log(
            "\nWhere a plain `pulumi up --yes --skip-preview` spends its time (seconds; from the CLI's gRPC log)",
        );
        const rows = await whereTimeGoesBench();
        const s = (x: number) => x.toFixed(2);
        console.log(
            table(
                [
                    "stack",
                    "run",
                    "total",
                    "no log",
                    "CLI start",
                    "load",
                    "provider start",
                    "evaluation",
                    "last steps",
                    "finish",
                    "provider busy",
                ],
                rows.map((r) => {
                    const p = r.phases;
                    return [
                        r.stack,
                        r.run,
                        s(p.total),
                        s(r.unlogged),
                        s(p.start),
                        s(p.load),
                        s(p.providerStart),
                        s(p.evaluation),
                        s(p.lastSteps),
                        s(p.finish),
                        s(p.providerBusy),
                    ];
                }),
            ),
        );
        console.log("\nProvider calls (count / summed seconds; calls overlap when the engine runs steps in parallel)");
        const methods = [...new Set(rows.flatMap((r) => Object.keys(r.phases.providerCalls)))].sort();
        console.log(
            table(
                ["stack", "run", ...methods],
                rows.map((r) => [
                    r.stack,
                    r.run,
                    ...methods.map((m) => {
                        const c = r.phases.providerCalls[m];
                        return c ? `${c.count}/${c.seconds.toFixed(2)}` : "-";
                    }),
                ]),
            ),
        );
    }
    if (sections.has("levers")) {
        console.log("\nThe engine's settings, 50 tenants (guardrails off) through the driver; seconds");
        const rows = await engineLeversBench(50, {
            "defaults (parallel 4 × cores)": {},
            "PULUMI_PARALLEL=32": { PULUMI_PARALLEL: "32" },
            "PULUMI_PARALLEL=128": { PULUMI_PARALLEL: "128" },
            "PULUMI_SKIP_CHECKPOINTS=true": { PULUMI_SKIP_CHECKPOINTS: "true" },
            "both (128, skip)": { PULUMI_PARALLEL: "128", PULUMI_SKIP_CHECKPOINTS: "true" },
        });
        console.log(
            table(
                ["setting", "up from empty", "no-op up", "state KiB"],
                rows.map((r) => [r.setting, r.up.toFixed(1), r.noopUp.toFixed(1), r.stateKiB.toFixed(0)]),
            ),
        );
    }
    if (sections.has("real")) {
        console.log(
            "\nReal runs on the local control plane (Flux tier installed first; times for the tenants and syncs)",
        );
        const rows = await realApplyBench(bin, [1, 10, 50, 200]);
        console.log(
            table(
                [
                    "tenants",
                    "objects",
                    "pulumi up s",
                    "kubectl apply s",
                    "ratio",
                    "no-op up s",
                    "no-op apply s",
                    "ratio",
                ],
                rows.map((r) => [
                    r.n,
                    r.objects,
                    r.up.toFixed(1),
                    r.apply.toFixed(1),
                    (r.up / r.apply).toFixed(1),
                    r.noopUp.toFixed(1),
                    r.noopApply.toFixed(1),
                    (r.noopUp / r.noopApply).toFixed(1),
                ]),
            ),
        );
    }
    if (sections.has("loop")) {
        console.log("\nGitOps loop: a commit pushed to every tenant's repository at once -> its Deployment changed");
        console.log("(real source- and kustomize-controller, sources polled every 10s, no nudge; 3 rounds of pushes)");
        const rows = await loopLatencyBench([1, 20]);
        const s = (ms: number) => (ms / 1000).toFixed(1);
        console.log(
            table(
                ["tenants", "min s", "median s", "max s"],
                rows.map((r) => {
                    const sorted = [...r.latencies].sort((a, b) => a - b);
                    return [r.tenants, s(sorted[0]), s(sorted[Math.floor(sorted.length / 2)]), s(sorted.at(-1)!)];
                }),
            ),
        );
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
