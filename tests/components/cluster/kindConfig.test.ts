import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as yaml from "js-yaml";
import { kindCommandLines, renderKindConfig } from "../../../components/cluster";
import { localMachine } from "../../../stacks/prerequisites";

const IMAGE = "kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f";

describe("Kind config file", () => {
    it("renders the demo lab's layout by default: one control plane, two workers, one pinned image", () => {
        assert.deepEqual(yaml.load(renderKindConfig({ name: "fluxdemo" })), {
            kind: "Cluster",
            apiVersion: "kind.x-k8s.io/v1alpha4",
            name: "fluxdemo",
            nodes: [
                { role: "control-plane", image: IMAGE },
                { role: "worker", image: IMAGE },
                { role: "worker", image: IMAGE },
            ],
        });
    });

    it("puts port mappings on the first control-plane node only", () => {
        const cfg = {
            name: "lab",
            nodeImage: "kindest/node:v1.34.0",
            controlPlanes: 3,
            workers: 0,
            extraPortMappings: [
                { containerPort: 80, hostPort: 8080 },
                { containerPort: 443, hostPort: 8443, listenAddress: "127.0.0.1", protocol: "TCP" as const },
            ],
        };
        const doc = yaml.load(renderKindConfig(cfg)) as any;
        assert.deepEqual(doc.nodes, [
            {
                role: "control-plane",
                image: "kindest/node:v1.34.0",
                extraPortMappings: [
                    { containerPort: 80, hostPort: 8080 },
                    { containerPort: 443, hostPort: 8443, listenAddress: "127.0.0.1", protocol: "TCP" },
                ],
            },
            { role: "control-plane", image: "kindest/node:v1.34.0" },
            { role: "control-plane", image: "kindest/node:v1.34.0" },
        ]);
    });
});

describe("kind command lines", () => {
    const lines = kindCommandLines("fluxdemo", "/tmp/kind.yaml");

    it("are the documented kind commands", () => {
        assert.deepEqual(lines, {
            create: ["create", "cluster", "--name", "fluxdemo", "--config", "/tmp/kind.yaml", "--wait", "5m"],
            kubeconfig: ["get", "kubeconfig", "--name", "fluxdemo"],
            list: ["get", "clusters"],
            delete: ["delete", "cluster", "--name", "fluxdemo"],
        });
    });

    // The real kind binary: $KIND_BINARY, the e2e toolchain's (lab/toolchain.sh), or one on PATH.
    const toolchain = path.join(
        process.env.FLUXSTACK_TOOLCHAIN_DIR ?? path.join(os.homedir(), ".cache", "fluxstack-toolchain"),
        "bin",
        "kind",
    );
    const kind = [process.env.KIND_BINARY, toolchain, "kind"].map((k) => k && localMachine().which(k)).find(Boolean);
    it(
        "use only flags that the real kind accepts",
        { skip: kind ? false : "no kind binary on PATH (lab/toolchain.sh builds one)" },
        () => {
            for (const argv of Object.values(lines)) {
                const verb = argv.filter((a) => !a.startsWith("-") && !a.startsWith("/")).slice(0, 2);
                const help = spawnSync(kind!, [...verb, "--help"], { encoding: "utf8" });
                assert.equal(help.status, 0, help.stderr);
                for (const flag of argv.filter((a) => a.startsWith("--"))) {
                    assert.match(help.stdout, new RegExp(`\\s${flag}\\b`), `kind ${verb.join(" ")} has ${flag}`);
                }
            }
        },
    );
});
