import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { type LabClusterInputs, labProvider } from "../../../components/cluster";
import { PROJECT_DIR } from "../../helpers/stackFiles";

// The provider's methods, run directly against a stand-in lab command line (a script in place of lab/cli.ts that
// records its calls and answers `health` as told): no engine, no lab.
describe("labProvider", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "lab-provider-"));
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    function standIn(healthy: boolean) {
        const dir = fs.mkdtempSync(path.join(root, "lab-"));
        const calls = path.join(dir, "calls");
        const cli = path.join(dir, "cli.ts");
        fs.writeFileSync(
            cli,
            `import * as fs from "node:fs";
const [command, arg] = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify(process.argv.slice(2)) + "\\n");
if (command === "start") {
    const o = JSON.parse(arg);
    process.stdout.write(JSON.stringify({ kubeconfig: "kc " + o.name, apiServer: "https://127.0.0.1:1", gitUrl: "http://127.0.0.1:2",
        registry: "127.0.0.1:3", ports: { apiServer: 1, git: 2, registry: 3, etcd: 4, etcdPeer: 5, registryBackend: 6 } }));
}
if (command === "health") process.exit(${healthy ? 0 : 1});
`,
        );
        const inputs: LabClusterInputs = {
            name: "lab",
            dir,
            fluxNamespace: "flux-system",
            bin: "/opt/lab",
            ports: {},
            repositories: { "flux-dev": "/demo/flux-dev" },
            artifacts: {},
            cli,
            projectDir: PROJECT_DIR,
        };
        const recorded = () =>
            fs.existsSync(calls)
                ? fs
                      .readFileSync(calls, "utf8")
                      .trim()
                      .split("\n")
                      .map((l) => JSON.parse(l) as string[])
                : [];
        return { inputs, recorded };
    }

    const outputsOf = (inputs: LabClusterInputs) => ({
        ...inputs,
        kubeconfig: "kc lab",
        apiServer: "https://127.0.0.1:1",
        gitUrl: "http://127.0.0.1:2",
        registry: "127.0.0.1:3",
        running: true,
    });

    it("create starts the lab with the inputs it needs, and is known by its directory", async () => {
        const { inputs, recorded } = standIn(true);
        const result = await labProvider.create(inputs);
        assert.deepEqual(result, { id: inputs.dir, outs: outputsOf(inputs) });
        const [start] = recorded();
        assert.equal(start[0], "start");
        assert.deepEqual(JSON.parse(start[1]), {
            dir: inputs.dir,
            name: "lab",
            fluxNamespace: "flux-system",
            bin: "/opt/lab",
            ports: {},
            repositories: { "flux-dev": "/demo/flux-dev" },
            artifacts: {},
        });
    });

    it("diff: a running lab with the same inputs has no changes", async () => {
        const { inputs } = standIn(true);
        assert.deepEqual(await labProvider.diff!(inputs.dir, outputsOf(inputs), inputs), {
            changes: false,
            replaces: [],
            diffs: [],
            deleteBeforeReplace: true,
        });
    });

    it("diff: a lab whose processes died is an update (a repair), not a replacement", async () => {
        const { inputs } = standIn(false);
        assert.deepEqual(await labProvider.diff!(inputs.dir, outputsOf(inputs), inputs), {
            changes: true,
            replaces: [],
            diffs: ["running"],
            deleteBeforeReplace: true,
        });
    });

    it("diff: a new name replaces the lab (the old one goes first); new pinned ports update it", async () => {
        const { inputs } = standIn(true);
        const renamed = await labProvider.diff!(inputs.dir, outputsOf(inputs), { ...inputs, name: "other" });
        assert.deepEqual([renamed.replaces, renamed.deleteBeforeReplace], [["name"], true]);
        const ported = await labProvider.diff!(inputs.dir, outputsOf(inputs), { ...inputs, ports: { git: 18080 } });
        assert.deepEqual(
            [ported.changes, ported.replaces, (ported as { diffs?: string[] }).diffs],
            [true, [], ["ports"]],
        );
    });

    it("update keeps the inputs as they were given (not the ports the lab chose), so the next diff is clean", async () => {
        const { inputs, recorded } = standIn(true);
        const { outs } = await labProvider.update!(inputs.dir, outputsOf(inputs), inputs);
        assert.deepEqual(outs, outputsOf(inputs));
        assert.deepEqual(
            recorded().map((c) => c[0]),
            ["start"],
            "a repair starts what is dead, and stops nothing",
        );
        const next = await labProvider.diff!(inputs.dir, outs, inputs);
        assert.equal(next.changes, false);
    });

    it("update with new binaries stops the lab first", async () => {
        const { inputs, recorded } = standIn(true);
        await labProvider.update!(inputs.dir, outputsOf(inputs), { ...inputs, bin: "/opt/newer" });
        assert.deepEqual(
            recorded().map((c) => c[0]),
            ["stop", "start"],
        );
    });

    it("read: a lab whose directory is gone leaves the state; one that does not run is recorded as not running", async () => {
        const dead = standIn(false);
        assert.deepEqual(await labProvider.read!("/nonexistent/lab", outputsOf(dead.inputs)), { id: "", props: {} });
        assert.deepEqual(await labProvider.read!(dead.inputs.dir, outputsOf(dead.inputs)), {
            id: dead.inputs.dir,
            props: { ...outputsOf(dead.inputs), running: false },
        });
    });

    it("delete stops the lab and removes its directory", async () => {
        const { inputs, recorded } = standIn(true);
        await labProvider.delete!(inputs.dir, outputsOf(inputs));
        assert.deepEqual(recorded(), [["stop", inputs.dir, "--remove"]]);
    });
});
