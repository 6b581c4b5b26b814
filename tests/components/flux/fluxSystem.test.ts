import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { installMocks, record } from "../../helpers/mocks";
import { DEFAULT_RELEASES } from "../../helpers/fluxReleases";

installMocks();

// FluxSystem alone, as another program would use it: a provider and nothing else; every other field at its default.
describe("FluxSystem on its own", async () => {
    const k8s = await import("@pulumi/kubernetes");
    const { FluxSystem } = await import("../../../components/flux");
    const resources = await record(() => {
        const provider = new k8s.Provider("lab", { kubeconfig: "unused" });
        new FluxSystem("flux", { cluster: { provider } });
    });

    it("makes the namespace, the probe policy and both releases on the given provider", () => {
        assert.deepEqual(
            [...resources.values()].filter((r) => r.provider === "lab").map((r) => [r.name, r.deletedWith]),
            [
                ["flux-namespace", undefined],
                ["flux-probe-policy", undefined],
                ["flux-operator", undefined],
                ["flux-instance", undefined],
            ],
        );
        assert.deepEqual(resources.get("flux-namespace")?.inputs.metadata, { name: "flux-system" });
        assert.deepEqual(resources.get("flux-probe-policy")?.inputs.spec.ingress[0].ports, [
            { port: 15008, protocol: "TCP" },
            { port: 9440, protocol: "TCP" },
            { port: 9090, protocol: "TCP" },
            { port: 8081, protocol: "TCP" },
        ]);
    });

    it("defaults to the pinned OCI charts, multi-tenancy on, the default distribution and controllers", () => {
        assert.deepEqual(resources.get("flux-operator")!.inputs, DEFAULT_RELEASES.operator);
        assert.deepEqual(resources.get("flux-instance")!.inputs, DEFAULT_RELEASES.instance);
    });
});
