import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { kindProvider } from "../../../components/cluster";
import { installFakeKind } from "../../e2e/fakeKind";

// The provider's methods, run directly against the stand-in kind (no engine needed).
describe("kindProvider", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kind-provider-"));
    const kubeconfig = path.join(dir, "kubeconfig");
    fs.writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\n");
    const fake = installFakeKind(path.join(dir, "fake"), kubeconfig);
    const inputs = {
        name: "lab",
        config: "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n",
        kindBinary: path.join(fake.dir, "kind"),
    };
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("create runs kind with the config in a temporary file and returns kind's kubeconfig", async () => {
        const result = await kindProvider.create(inputs);
        assert.equal(result.id, "lab");
        assert.equal(result.outs.kubeconfig, "apiVersion: v1\nkind: Config\n");
        assert.match(fake.calls()[0], /^create cluster --name lab --config \S+\/kind\.yaml --wait 5m$/);
        assert.equal(fs.readFileSync(path.join(fake.dir, "state", "lab.yaml"), "utf8"), inputs.config);
    });

    it("read keeps a cluster that exists and drops one that does not", async () => {
        const state = { ...inputs, kubeconfig: "old" };
        assert.deepEqual(await kindProvider.read!("lab", state), {
            id: "lab",
            props: { ...state, kubeconfig: "apiVersion: v1\nkind: Config\n" },
        });
        assert.deepEqual(await kindProvider.read!("gone", { ...state, name: "gone" }), { id: "", props: {} });
    });

    it("diff replaces on a new name or config, updates in place for a new binary path", async () => {
        const state = { ...inputs, kubeconfig: "x" };
        assert.deepEqual(await kindProvider.diff!("lab", state, { ...inputs, config: "changed" }), {
            changes: true,
            replaces: ["config"],
            deleteBeforeReplace: true,
        });
        assert.deepEqual(await kindProvider.diff!("lab", state, { ...inputs, name: "other" }), {
            changes: true,
            replaces: ["name"],
            deleteBeforeReplace: true,
        });
        assert.deepEqual(await kindProvider.diff!("lab", state, { ...inputs, kindBinary: "/usr/bin/kind" }), {
            changes: true,
            replaces: [],
            deleteBeforeReplace: true,
        });
        assert.deepEqual(await kindProvider.diff!("lab", state, inputs), {
            changes: false,
            replaces: [],
            deleteBeforeReplace: true,
        });
    });

    it("delete runs kind delete cluster", async () => {
        await kindProvider.delete!("lab", { ...inputs, kubeconfig: "x" });
        assert.equal(fake.calls().at(-1), "delete cluster --name lab");
        assert.deepEqual(fake.clusters(), []);
    });

    it("create deletes what it made when kind cannot give the kubeconfig", async () => {
        const broken = installFakeKind(path.join(dir, "broken"), path.join(dir, "no-such-kubeconfig"));
        await assert.rejects(kindProvider.create({ ...inputs, kindBinary: path.join(broken.dir, "kind") }));
        assert.equal(broken.calls().at(-1), "delete cluster --name lab");
        assert.deepEqual(broken.clusters(), []);
    });
});
