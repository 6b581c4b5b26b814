// npm run bench: prints tables; not a test. Mock evaluation always; real `pulumi up` vs `kubectl apply` when the
// e2e toolchain is built (FLUXSTACK_TOOLCHAIN_BIN, or lab/toolchain.sh --print-bin).
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { realApplyBench } from "./realApply";

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
            ["--import", "tsx", path.join(__dirname, "mockEval.ts"), String(n)],
            { cwd: REPO, encoding: "utf8" },
        );
        const r = JSON.parse(out);
        rows.push([n, r.resources, r.ms.toFixed(0), (r.ms / n).toFixed(1), r.maxRssMiB.toFixed(0)]);
    }
    console.log("Program evaluation under mocks (one process per size)");
    console.log(table(["tenants", "resources", "ms", "ms/tenant", "peak RSS MiB"], rows));
}

async function main(): Promise<void> {
    mockBench();
    let bin = process.env.FLUXSTACK_TOOLCHAIN_BIN;
    if (!bin) {
        const probe = spawnSync("bash", [path.join(REPO, "lab", "toolchain.sh"), "--print-bin"], {
            encoding: "utf8",
        });
        if (probe.status === 0) bin = probe.stdout.trim();
    }
    if (!bin) {
        console.log("\nReal pulumi up vs kubectl apply: skipped, the e2e toolchain is not built (lab/toolchain.sh)");
        return;
    }
    console.log("\nReal runs on the local control plane (Flux tier installed first; times for the tenants and syncs)");
    const rows = await realApplyBench(bin, [1, 10, 50]);
    console.log(
        table(
            ["tenants", "objects", "pulumi up s", "kubectl apply s", "ratio", "no-op up s", "no-op apply s", "ratio"],
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

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
