import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { kindProvider } from "../../../components/cluster";
import { installFakeKind } from "../../e2e/fakeKind";

const KIND_CONFIG = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n";
const KUBECONFIG = "apiVersion: v1\nkind: Config\n";

// The provider's methods, run directly against the stand-in kind (no engine needed). Each test has its own
// stand-in, with the clusters it starts from, so none depends on another's leftovers.
describe("kindProvider", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "kind-provider-"));
    const kubeconfig = path.join(root, "kubeconfig");
    fs.writeFileSync(kubeconfig, KUBECONFIG);
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    /** A fresh stand-in kind that already has the named clusters; and the provider inputs that use it. */
    function kindWith(clusters: string[], kubeconfigFile = kubeconfig) {
        const fake = installFakeKind(fs.mkdtempSync(path.join(root, "fake-")), kubeconfigFile);
        for (const name of clusters) fs.writeFileSync(path.join(fake.dir, "state", `${name}.yaml`), KIND_CONFIG);
        const inputs = { name: "lab", config: KIND_CONFIG, kindBinary: path.join(fake.dir, "kind") };
        return { fake, inputs };
    }

    it("create runs kind with the config in a temporary file and returns kind's kubeconfig", async () => {
        const { fake, inputs } = kindWith([]);
        const result = await kindProvider.create(inputs);
        assert.deepEqual(result, { id: "lab", outs: { ...inputs, kubeconfig: KUBECONFIG } });
        assert.deepEqual(fake.calls().length, 2);
        assert.match(fake.calls()[0], /^create cluster --name lab --config \S+\/kind\.yaml --wait 5m$/);
        assert.equal(fake.calls()[1], "get kubeconfig --name lab");
        assert.equal(fs.readFileSync(path.join(fake.dir, "state", "lab.yaml"), "utf8"), inputs.config);
        const configFile = fake.calls()[0].split(" ")[5];
        assert.equal(fs.existsSync(configFile), false, "the temporary config file is gone");
    });

    it("create deletes what it made when kind cannot give the kubeconfig", async () => {
        const { fake, inputs } = kindWith([], path.join(root, "no-such-kubeconfig"));
        await assert.rejects(kindProvider.create(inputs));
        assert.equal(fake.calls().at(-1), "delete cluster --name lab");
        assert.deepEqual(fake.clusters(), []);
    });

    it("read keeps a cluster that exists, with a fresh kubeconfig", async () => {
        const { fake, inputs } = kindWith(["lab"]);
        const state = { ...inputs, kubeconfig: "old" };
        assert.deepEqual(await kindProvider.read!("lab", state), {
            id: "lab",
            props: { ...state, kubeconfig: KUBECONFIG },
        });
        assert.deepEqual(fake.calls(), ["get clusters", "get kubeconfig --name lab"]);
    });

    it("read drops a cluster deleted by hand", async () => {
        const { fake, inputs } = kindWith(["other"]);
        assert.deepEqual(await kindProvider.read!("lab", { ...inputs, kubeconfig: "old" }), { id: "", props: {} });
        assert.deepEqual(fake.calls(), ["get clusters"]);
    });

    it("diff replaces on a new name or config, updates in place for a new binary path", async () => {
        const { inputs } = kindWith([]);
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

    it("update takes the new binary path in place: the same cluster and kubeconfig, and no kind command", async () => {
        const { fake, inputs } = kindWith(["lab"]);
        const state = { ...inputs, kubeconfig: KUBECONFIG };
        assert.deepEqual(await kindProvider.update!("lab", state, { ...inputs, kindBinary: "/opt/kind/bin/kind" }), {
            outs: { ...state, kindBinary: "/opt/kind/bin/kind" },
        });
        assert.deepEqual(fake.calls(), []);
        assert.deepEqual(fake.clusters(), ["lab"]);
    });

    it("delete runs kind delete cluster", async () => {
        const { fake, inputs } = kindWith(["lab", "other"]);
        await kindProvider.delete!("lab", { ...inputs, kubeconfig: "x" });
        assert.deepEqual(fake.calls(), ["delete cluster --name lab"]);
        assert.deepEqual(fake.clusters(), ["other"]);
    });
});
