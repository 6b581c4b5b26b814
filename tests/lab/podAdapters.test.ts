import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adaptArgs, expandVars, memoryBytes, POD_ADAPTERS } from "../../lab/podAdapters";
import { rewritePaths } from "../../lab/podRunner";

describe("pod adapters: a Flux pod's container as a local process", () => {
    it("source-controller: the pod's args, listen flags on loopback, artifacts advertised there, no election", () => {
        // The args Flux v2.9.5's source-controller Deployment has, after $(RUNTIME_NAMESPACE) and /data expansion.
        const args = [
            "--events-addr=http://notification-controller.flux-system.svc.cluster.local./",
            "--watch-all-namespaces",
            "--log-level=info",
            "--log-encoding=json",
            "--enable-leader-election",
            "--storage-path=/lab/pods/x/volumes/data",
            "--storage-adv-addr=source-controller.flux-system.svc.cluster.local.",
        ];
        const ports = { "--storage-addr": 41001, "--metrics-addr": 41002, "--health-addr": 41003 };
        const { argv, portMap } = adaptArgs(POD_ADAPTERS["source-controller"], args, ports, "/bin");
        assert.deepEqual(argv, [
            "--watch-all-namespaces",
            "--log-level=info",
            "--log-encoding=json",
            "--storage-path=/lab/pods/x/volumes/data",
            "--storage-addr=127.0.0.1:41001",
            "--metrics-addr=127.0.0.1:41002",
            "--health-addr=127.0.0.1:41003",
            "--enable-leader-election=false",
            "--storage-adv-addr=127.0.0.1:41001",
        ]);
        assert.deepEqual(portMap, { 9090: 41001, 8080: 41002, 9440: 41003 });
    });

    it("a listen port the pod chose itself is the one its probes name", () => {
        const { argv, portMap } = adaptArgs(
            POD_ADAPTERS["kustomize-controller"],
            ["--health-addr=:9555", "--no-cross-namespace-refs=true", "--default-service-account=default"],
            { "--metrics-addr": 42001, "--health-addr": 42002 },
            "/bin",
        );
        assert.deepEqual(portMap, { 8080: 42001, 9555: 42002 });
        assert.deepEqual(argv, [
            "--no-cross-namespace-refs=true",
            "--default-service-account=default",
            "--metrics-addr=127.0.0.1:42001",
            "--health-addr=127.0.0.1:42002",
            "--enable-leader-election=false",
        ]);
    });

    it("the operator reads its embedded Flux manifests from the lab's bin and keeps its web UI off", () => {
        const adapter = POD_ADAPTERS["flux-operator"];
        const { argv } = adaptArgs(
            adapter,
            ["--log-level=info", "--default-service-account=default"],
            {
                "--metrics-addr": 1,
                "--health-addr": 2,
            },
            "/opt/bin",
        );
        assert.ok(argv.includes("--storage-path=/opt/bin/flux-operator-data"));
        assert.ok(argv.includes("--enable-leader-election=false"));
        assert.deepEqual(adapter.env?.({ ports: {}, bin: "/opt/bin" }), { WEB_SERVER_PORT: "0" });
    });

    it("$(VAR) expands as the kubelet does; $$ escapes; unknown variables stay", () => {
        const env = { RUNTIME_NAMESPACE: "flux-system" };
        assert.equal(
            expandVars("source-controller.$(RUNTIME_NAMESPACE).svc", env),
            "source-controller.flux-system.svc",
        );
        assert.equal(expandVars("$$(RUNTIME_NAMESPACE)", env), "$(RUNTIME_NAMESPACE)");
        assert.equal(expandVars("$(NOPE)", env), "$(NOPE)");
    });

    it("memory quantities in bytes (GOMEMLIMIT from limits.memory)", () => {
        assert.equal(memoryBytes("1Gi"), 1073741824);
        assert.equal(memoryBytes("64Mi"), 67108864);
        assert.equal(memoryBytes("500M"), 500000000);
        assert.equal(memoryBytes("1000"), 1000);
        assert.equal(memoryBytes("lots"), undefined);
    });

    it("paths under an emptyDir mount move to the pod's directory, in values and in --flag=value", () => {
        const mounts = [
            { mountPath: "/tmp", hostPath: "/lab/p/volumes/tmp" },
            { mountPath: "/data", hostPath: "/lab/p/volumes/data" },
        ];
        assert.equal(rewritePaths("/tmp/.sigstore", mounts), "/lab/p/volumes/tmp/.sigstore");
        assert.equal(rewritePaths("--storage-path=/data", mounts), "--storage-path=/lab/p/volumes/data");
        assert.equal(rewritePaths("/database", mounts), "/database", "a prefix of a name is not a mount");
        assert.equal(rewritePaths("--log-level=info", mounts), "--log-level=info");
    });
});
