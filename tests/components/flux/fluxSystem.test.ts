import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { installMocks, record } from "../../helpers/mocks";

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
        assert.deepEqual(resources.get("flux-operator")!.inputs, {
            name: "flux-operator",
            chart: "oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator",
            version: "0.49.0",
            namespace: "flux-system",
            createNamespace: false,
            values: { multitenancy: { enabled: true } },
            timeout: 600,
            compat: "true",
        });
        assert.deepEqual(resources.get("flux-instance")!.inputs, {
            name: "flux",
            chart: "oci://ghcr.io/controlplaneio-fluxcd/charts/flux-instance",
            version: "0.49.0",
            namespace: "flux-system",
            createNamespace: false,
            values: {
                instance: {
                    distribution: {
                        version: "2.x",
                        registry: "ghcr.io/fluxcd",
                        artifact: "oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests:latest",
                    },
                    components: [
                        "source-controller",
                        "kustomize-controller",
                        "helm-controller",
                        "notification-controller",
                    ],
                    cluster: { type: "kubernetes", multitenant: true },
                    kustomize: { patches: [] },
                },
                healthcheck: { enabled: true, timeout: "5m" },
            },
            timeout: 600,
            compat: "true",
        });
    });
});
