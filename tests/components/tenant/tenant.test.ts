import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { installMocks, record } from "../../helpers/mocks";

installMocks();

// Tenant and FluxSync alone, as another program would use them: a provider, a resource to follow, a name, a source.
describe("Tenant and FluxSync on their own", async () => {
    const k8s = await import("@pulumi/kubernetes");
    const { FluxSync, Tenant } = await import("../../../components/tenant");
    const resources = await record(() => {
        const provider = new k8s.Provider("lab", { kubeconfig: "unused" });
        const flux = new k8s.core.v1.Namespace("flux", {}, { provider });
        const cluster = { provider };
        const tenant = new Tenant("team", { name: "team-a", cluster, fluxInstance: flux });
        new FluxSync("team-apps", {
            name: "apps",
            source: { kind: "OCIRepository", url: "oci://example.com/apps" },
            path: "./",
            tenant,
            cluster,
            fluxInstance: flux,
        });
    });
    const labels = { "toolkit.fluxcd.io/tenant": "team-a" };

    it("names the namespace and the account after the tenant and binds `edit`, with no token", () => {
        assert.deepEqual(resources.get("team-namespace")?.inputs.metadata, { name: "team-a", labels });
        assert.deepEqual(resources.get("team-service-account")?.inputs.metadata, {
            name: "team-a",
            namespace: "team-a",
            labels,
        });
        assert.deepEqual(resources.get("team-role-binding")?.inputs.roleRef, {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: "edit",
        });
        assert.equal(resources.has("team-token"), false);
    });

    it("syncs the source under the sync's name, every minute, and applies it every 30 minutes with pruning", () => {
        assert.deepEqual(resources.get("team-apps-source")?.inputs.spec, {
            interval: "1m0s",
            ref: { tag: "latest" },
            url: "oci://example.com/apps",
        });
        assert.deepEqual(resources.get("team-apps-kustomization")?.inputs.spec, {
            interval: "30m0s",
            path: "./",
            prune: true,
            serviceAccountName: "team-a",
            sourceRef: { kind: "OCIRepository", name: "apps" },
        });
    });
});
