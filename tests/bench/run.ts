// npm run bench [-- mock cli real loop]: prints tables; not a test. Mock evaluation needs nothing; real `pulumi up` vs
// `kubectl apply`, and the GitOps loop's latency, need the e2e toolchain (FLUXSTACK_TOOLCHAIN_BIN, or
// lab/toolchain.sh --print-bin). With no arguments, every section.
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { cliRunsBench } from "./cliRuns";
import { loopLatencyBench } from "./loopLatency";
import { realApplyBench } from "./realApply";
import { ensureTypeChecked } from "../../tools/typeGate";

const REPO = path.resolve(__dirname, "..", "..");

function table(header: string[], rows: (string | number)[][]): string {
    const cells = [header, ...rows.map((r) => r.map(String))];
    const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
    return cells.map((r) => r.map((c, i) => c.padStart(widths[i])).join("  ")).join("\n");
}

function mockBench(): void {
    const rows: (string | number)[][] = [];
    for (const n of [1, 10, 100, 500]) {
        const out = execFileSync(
            process.execPath,
            ["-r", "ts-node/register", path.join(__dirname, "mockEval.ts"), String(n)],
            { cwd: REPO, encoding: "utf8" },
        );
        const r = JSON.parse(out);
        rows.push([n, r.resources, r.ms.toFixed(0), (r.ms / n).toFixed(1), r.maxRssMiB.toFixed(0)]);
    }
    console.log("Program evaluation under mocks (one process per size)");
    console.log(table(["tenants", "resources", "ms", "ms/tenant", "peak RSS MiB"], rows));
}

const SECTIONS = ["mock", "cli", "real", "loop"];

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
