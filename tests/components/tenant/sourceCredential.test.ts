import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { installMocks, record } from "../../helpers/mocks";

installMocks();

// SourceCredential on its own, as another program would use it: given its token as a plain string, it still
// hands it to the engine as a secret, and only in the Secret's data.
describe("SourceCredential on its own", async () => {
    const k8s = await import("@pulumi/kubernetes");
    const { FluxSync, SourceCredential, Tenant } = await import("../../../components/tenant");
    const TOKEN = "plain-token-0123456789";
    const resources = await record(() => {
        const provider = new k8s.Provider("lab", { kubeconfig: "unused" });
        const flux = new k8s.core.v1.Namespace("flux", {}, { provider });
        const cluster = { provider };
        const tenant = new Tenant("team", { name: "team-a", cluster, fluxInstance: flux });
        const credential = new SourceCredential("team-git", {
            name: "git-auth",
            credential: { type: "https", username: "git", token: TOKEN },
            tenant,
            cluster,
        });
        new FluxSync("team-apps", {
            name: "apps",
            source: { kind: "GitRepository", url: "https://example.com/apps.git" },
            path: "./",
            tenant,
            cluster,
            fluxInstance: flux,
            credential,
        });
    });

    it("makes the Secret in the tenant's namespace, its data a secret even when given plain", () => {
        const secret = resources.get("team-git-secret")!;
        assert.deepEqual(secret.inputs.metadata, {
            name: "git-auth",
            namespace: "team-a",
            labels: { "toolkit.fluxcd.io/tenant": "team-a" },
        });
        assert.deepEqual([...secret.secretInputs], ["data"]);
        assert.equal(Buffer.from(secret.inputs.data.password, "base64").toString(), TOKEN);
    });

    it("names it in the source, which waits for it", () => {
        const source = resources.get("team-apps-source")!;
        assert.deepEqual(source.inputs.spec.secretRef, { name: "git-auth" });
        assert.ok(source.explicitDependsOn.has("team-git-secret"));
        assert.ok(!JSON.stringify(source.inputs).includes(TOKEN));
    });
});
