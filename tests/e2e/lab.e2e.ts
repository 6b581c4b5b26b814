// The lab stack as a newcomer runs it: `npm run lab` (driver/lab.ts) with no Pulumi set-up, no passphrase, no
// cluster; the same runtime the rest of the suite uses, here made and removed by the program's LabCluster.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { labMain } from "../../driver/lab";
import { main } from "../../driver/cli";
import { EXIT, openStack } from "../../driver";
import { killLabNow } from "../../lab/lab";
import type { LabPorts, LabState } from "../../lab/labDir";
import { commandLine, pidAlive, portAnswers } from "../../lab/processes";
import { type Cluster, clusterAt } from "./cluster";
import { getJson } from "./fluxApi";
import { eventually, Repo, waitReady } from "./gitops";
import { REFERENCE, REPO, toolchainBin } from "./harness";
import { e2eWorkspace, type E2eWorkspace } from "./workspace";

const CHARTS = ["-c", "flux.charts.source=local", "-c", `flux.charts.directory=${path.join(REFERENCE, "charts")}`];

function quietIo() {
    const chunks: string[] = [];
    return { out: (t: string) => chunks.push(t), err: (t: string) => chunks.push(t), text: () => chunks.join("") };
}

describe("e2e: npm run lab, from nothing to a GitOps loop and back to nothing", () => {
    let ws: E2eWorkspace;
    let env: NodeJS.ProcessEnv;
    let labDir: string;
    const figures: string[] = [];
    const lab = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
        const io = quietIo();
        const code = await labMain(args, { ...env, ...extraEnv }, io, ws.projectDir);
        return { code, text: io.text() };
    };
    const state = () => JSON.parse(fs.readFileSync(path.join(labDir, "state.json"), "utf8")) as LabState;
    const cluster = (): Cluster => clusterAt(path.join(labDir, "kubeconfig"), toolchainBin());

    before(() => {
        ws = e2eWorkspace(REPO, toolchainBin());
        // As a newcomer has it: no passphrase, no backend chosen; the lab's binaries where FLUXSTACK_LAB_BIN says.
        env = { ...ws.env, FLUXSTACK_LAB_BIN: toolchainBin() };
        delete env.PULUMI_CONFIG_PASSPHRASE;
        delete env.PULUMI_BACKEND_URL;
        labDir = path.join(ws.projectDir, ".lab", "lab");
        Object.assign(process.env, { PULUMI_SKIP_UPDATE_CHECK: "true" });
    });

    after(() => {
        if (figures.length > 0) process.stdout.write(`\n# figures\n${figures.map((f) => `#   ${f}`).join("\n")}\n`);
        for (const name of ["lab", "lab2"]) killLabNow(path.join(ws.projectDir, ".lab", name));
        ws?.cleanup();
    });

    it("1. bad input is a clear error before anything starts: a pinned port in use, a lab directory it cannot write, binaries missing", async () => {
        const server = net.createServer();
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const port = (server.address() as net.AddressInfo).port;
        try {
            const busy = await lab(["up", ...CHARTS, "-c", `cluster.ports.git=${port}`]);
            assert.equal(busy.code, EXIT.prerequisites, busy.text);
            assert.match(
                busy.text,
                new RegExp(`fluxstack:cluster\\.ports\\.git: ${port} is in use on 127\\.0\\.0\\.1 by another process`),
            );
        } finally {
            server.close();
        }
        const file = path.join(ws.projectDir, "not-a-folder");
        fs.writeFileSync(file, "");
        const unwritable = await lab(["up", ...CHARTS, "-c", `cluster.dir=${file}/lab`]);
        assert.equal(unwritable.code, EXIT.prerequisites, unwritable.text);
        assert.match(unwritable.text, /fluxstack:cluster\.dir: \S+\/not-a-folder\/lab is not writable/);

        const empty = fs.mkdtempSync(path.join(path.dirname(ws.projectDir), "empty-bin-"));
        const nothing = await lab(["up", ...CHARTS], { FLUXSTACK_LAB_BIN: empty });
        assert.equal(nothing.code, EXIT.prerequisites, nothing.text);
        assert.match(nothing.text, new RegExp(`FLUXSTACK_LAB_BIN=${empty} lacks the lab's etcd, kube-apiserver`));

        assert.equal(fs.existsSync(labDir), false, "no lab was started");
        assert.deepEqual(fs.readdirSync(path.join(ws.projectDir, ".lab")).sort(), ["passphrase"]);
    });

    it("2. up from nothing: every sync Ready; a git push changes the Deployment by the 10s poll alone; destroy leaves no process and no port", async () => {
        let t0 = Date.now();
        const up = await lab(["up", ...CHARTS]);
        figures.push(`npm run lab (warm toolchain) from nothing to every sync Ready: ${Date.now() - t0} ms`);
        assert.equal(up.code, EXIT.ok, up.text);
        assert.match(up.text, /kubeconfig: +export KUBECONFIG=\S+\/\.lab\/lab\/kubeconfig/);
        assert.match(up.text, /git: +http:\/\/127\.0\.0\.1:\d+\/flux-dev/);
        for (const [kind, ns, name] of [
            ["Kustomization", "fluxdemo-dev", "flux-dev"],
            ["Kustomization", "fluxdemo-dev", "oci-dev"],
            ["Kustomization", "fluxdemo-stage", "flux-stage-prod"],
            ["Kustomization", "fluxdemo-prod", "flux-stage-prod"],
        ]) {
            assert.match(
                up.text,
                new RegExp(`${kind}\\s+${ns}\\s+${name}\\s+True\\s+(main|latest)@sha`),
                `${ns}/${name} Ready`,
            );
        }
        assert.match(
            up.text,
            /flux-system\/flux-operator-\S+ +PID \d+ +flux-operator v0\.59\.0 \(the pod asks for \S+:v0\.49\.0/,
        );
        assert.ok(
            fs.existsSync(path.join(ws.projectDir, ".lab", "passphrase")),
            "a passphrase was made, not asked for",
        );

        const s = state();
        const pids = [
            s.daemonPid,
            ...Object.values(s.processes).map((p) => p.pid),
            ...Object.values(s.pods).map((p) => p.pid),
        ];
        assert.ok(pids.length >= 10, JSON.stringify(s));
        for (const pid of pids) assert.ok(pidAlive(pid), `PID ${pid} runs`);

        const gitUrl = `http://127.0.0.1:${s.ports.git}`;
        const repo = new Repo(`${gitUrl}/flux-dev`);
        try {
            repo.editYaml("dev/app.yaml", (docs) => {
                docs[0].spec.replicas = 5;
                return docs;
            });
            t0 = Date.now();
            repo.push("replicas 5");
            await eventually(
                "the pushed replicas",
                () => getJson(cluster(), ["deployment", "kcheck", "-n", "fluxdemo-dev"])?.spec.replicas === 5,
                40,
            );
            figures.push(`lab: git push -> Deployment changed, no nudge (10s poll): ${Date.now() - t0} ms`);
        } finally {
            repo.dispose();
        }

        const logs = await lab(["logs", "kustomize-controller", "--lines", "400"]);
        assert.equal(logs.code, EXIT.ok, logs.text);
        assert.match(logs.text, /"Deployment\/fluxdemo-dev\/kcheck":"configured"/);
        const status = await lab(["status"]);
        assert.equal(status.code, EXIT.ok, status.text);
        const driverStatus = quietIo();
        assert.equal(
            await main(
                ["status", "--stack", "lab"],
                { ...env, PULUMI_CONFIG_PASSPHRASE_FILE: path.join(ws.projectDir, ".lab", "passphrase") },
                driverStatus,
                ws.projectDir,
            ),
            EXIT.ok,
            driverStatus.text(),
        );

        t0 = Date.now();
        const down = await lab(["down"]);
        figures.push(`npm run lab -- down: ${Date.now() - t0} ms`);
        assert.equal(down.code, EXIT.ok, down.text);
        for (const pid of pids) assert.equal(pidAlive(pid), false, `PID ${pid} is gone`);
        for (const [name, port] of Object.entries(s.ports))
            assert.equal(await portAnswers(port), false, `nothing listens on ${name} ${port}`);
        assert.equal(fs.existsSync(labDir), false, "the lab's directory is gone");
    });

    it("3. two labs in two stacks run side by side on ports of their own", async () => {
        fs.copyFileSync(path.join(ws.projectDir, "Pulumi.lab.yaml"), path.join(ws.projectDir, "Pulumi.lab2.yaml"));
        const [a, b] = await Promise.all([lab(["up", ...CHARTS]), lab(["up", "-s", "lab2", ...CHARTS])]);
        assert.equal(a.code, EXIT.ok, a.text);
        assert.equal(b.code, EXIT.ok, b.text);
        const ports = (name: string) =>
            JSON.parse(fs.readFileSync(path.join(ws.projectDir, ".lab", name, "ports.json"), "utf8")) as LabPorts;
        const [pa, pb] = [Object.values(ports("lab")), Object.values(ports("lab2"))];
        assert.deepEqual(
            pa.filter((p) => pb.includes(p)),
            [],
            "no port shared",
        );
        const down2 = await lab(["down", "-s", "lab2"]);
        assert.equal(down2.code, EXIT.ok, down2.text);
        assert.equal(fs.existsSync(path.join(ws.projectDir, ".lab", "lab2")), false);
    });

    it("4. the processes are the ones the objects ask for: a controller flag set through the FluxInstance reaches the running process", async () => {
        const before = Object.values(state().pods).find((p) => p.binary === "kustomize-controller")!;
        const patch = [
            "-c",
            "flux.instance.kustomizePatches[0].target.kind=Deployment",
            "-c",
            "flux.instance.kustomizePatches[0].target.name=kustomize-controller",
            "-c",
            'flux.instance.kustomizePatches[0].patch=[{"op": "add", "path": "/spec/template/spec/containers/0/args/-", "value": "--concurrent=7"}]',
        ];
        const up = await lab(["up", ...CHARTS, ...patch]);
        assert.equal(up.code, EXIT.ok, up.text);
        const now = await eventually(
            "a kustomize-controller process with --concurrent=7",
            () =>
                Object.values(state().pods).find(
                    (p) => p.binary === "kustomize-controller" && /--concurrent=7/.test(commandLine(p.pid) ?? ""),
                ),
            90,
        );
        assert.notEqual(now.pid, before.pid, "a new process, for the new pod");
        assert.equal(pidAlive(before.pid), false, "the old pod's process was stopped");
        const pod = getJson(cluster(), ["pods", "-n", "flux-system", "-l", "app=kustomize-controller"]).items.filter(
            (p: any) => !p.metadata.deletionTimestamp,
        );
        assert.ok(
            pod[0].spec.containers[0].args.includes("--concurrent=7"),
            "the flag came from the pod the operator rendered",
        );
        // The override held for that run only: the next up takes the patch away, and the process follows.
        const back = await lab(["up", ...CHARTS]);
        assert.equal(back.code, EXIT.ok, back.text);
        await eventually(
            "a kustomize-controller process without --concurrent=7",
            () =>
                Object.values(state().pods).find(
                    (p) => p.binary === "kustomize-controller" && !/--concurrent=7/.test(commandLine(p.pid) ?? "x"),
                ),
            90,
        );
    });

    it("5. a killed lab: refresh reports it not running, and the next up repairs it with nothing else changed", async () => {
        const s = state();
        const pids = [
            s.daemonPid,
            ...Object.values(s.processes).map((p) => p.pid),
            ...Object.values(s.pods).map((p) => p.pid),
        ];
        for (const pid of pids) process.kill(pid, "SIGKILL");
        await eventually("every lab process gone", () => pids.every((pid) => !pidAlive(pid)), 10);

        const status = await lab(["status"]);
        assert.equal(status.code, EXIT.notReady, status.text);
        assert.match(
            status.text,
            /is not running: the lab daemon \(PID \d+\) is not running.*\nRepair it: npm run lab/s,
        );
        // The provider's read sees it too: a refresh of the lab resource records it as not running. (A refresh of
        // the whole stack also tries the in-cluster objects, and fails: their cluster does not answer.)
        const passphrase = { PULUMI_CONFIG_PASSPHRASE_FILE: path.join(ws.projectDir, ".lab", "passphrase") };
        const { stack } = await openStack({
            stack: "lab",
            projectDir: ws.projectDir,
            env: { ...env, ...passphrase },
            create: false,
        });
        const resources = async () => (await stack.exportStack()).deployment.resources as any[];
        const urn = (await resources()).find((r) => r.type === "pulumi-nodejs:dynamic/fluxstack:LabCluster").urn;
        const refreshed = await stack.refresh({ target: [urn] });
        assert.equal(refreshed.summary.resourceChanges?.update, 1, JSON.stringify(refreshed.summary.resourceChanges));
        assert.equal((await resources()).find((r) => r.urn === urn).outputs.running, false);

        const t0 = Date.now();
        const repair = await lab(["up", ...CHARTS]);
        figures.push(`repair of a killed lab (up): ${Date.now() - t0} ms`);
        assert.equal(repair.code, EXIT.ok, repair.text);
        // Only the lab changes (the program also reads its own last outputs: `read 1`, the tenant-deletion check).
        assert.match(repair.text, /up: same \d+, (read 1, )?update 1 \(1 change\)/, repair.text);
        assert.deepEqual(state().ports, s.ports, "the same ports");
        await waitReady(cluster(), "Kustomization", "fluxdemo-dev", "flux-dev", 60);
    });

    it("6. a second up racing the first meets the stack's lock (exit 5)", async () => {
        const results = await Promise.all([lab(["up", ...CHARTS]), lab(["up", ...CHARTS])]);
        const codes = results.map((r) => r.code).sort();
        assert.deepEqual(
            codes,
            [EXIT.ok, EXIT.concurrentUpdate],
            `${codes.join(", ")}\n${results.map((r) => r.text).join("\n-----\n")}`,
        );
        assert.match(
            results.find((r) => r.code === EXIT.concurrentUpdate)!.text,
            /another update is running on this stack/,
        );
        const down = await lab(["down"]);
        assert.equal(down.code, EXIT.ok, down.text);
        assert.equal(fs.existsSync(labDir), false);
    });
});
