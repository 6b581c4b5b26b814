// The kind stack as far as it goes without a container engine: the real kind binary judges the rendered config
// and command lines; a stand-in kind (tests/e2e/fakeKind.ts) lets the real engine run the dynamic provider's
// create, read and delete and the whole Flux stack on the kubeconfig it hands out.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { kindCommandLines, renderKindConfig } from "../../components/cluster";
import { kindClusterSchema } from "../../stacks/config";
import { main } from "../../driver/cli";
import { deploy, destroy, EXIT, openStack, preview, refresh } from "../../driver";
import type { Cluster as ControlPlane } from "./cluster";
import { installFakeKind } from "./fakeKind";
import { getJson } from "./fluxApi";
import { type Harness, OFFLINE_FLUX, REPO, startHarness, toolchainBin } from "./harness";
import type { E2eWorkspace } from "./workspace";

const BIN = toolchainBin();

describe("e2e: the kind stack without a container engine", () => {
    let harness: Harness;
    let cp: ControlPlane;
    let ws: E2eWorkspace;
    let run: Harness["run"];
    let fake: ReturnType<typeof installFakeKind>;

    before(async () => {
        harness = await startHarness("kind", () => OFFLINE_FLUX);
        ({ cp, ws, run } = harness);
        fake = installFakeKind(path.join(path.dirname(ws.projectDir), "fake-kind"), cp.kubeconfig);
    });

    after(() => harness?.stop());

    it("the real kind decodes the rendered config and stops only for want of a container engine", () => {
        const dir = fs.mkdtempSync(path.join(path.dirname(ws.projectDir), "kind-"));
        const file = path.join(dir, "kind.yaml");
        fs.writeFileSync(
            file,
            renderKindConfig(
                kindClusterSchema.parse({
                    source: "kind",
                    extraPortMappings: [{ containerPort: 80, hostPort: 8080 }],
                }),
            ),
        );
        const env = { ...process.env, PATH: "/nonexistent" }; // no docker/podman client either
        const create = spawnSync(path.join(BIN, "kind"), kindCommandLines("fluxdemo", file).create, {
            encoding: "utf8",
            env,
        });
        assert.notEqual(create.status, 0);
        assert.doesNotMatch(create.stderr, /unable to decode config|invalid|unknown flag/i, create.stderr);
        assert.match(create.stderr, /docker|container runtime|provider/i, create.stderr);
        fs.writeFileSync(
            file,
            "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: [{role: control-plane, bogus: 1}]\n",
        );
        const bad = spawnSync(path.join(BIN, "kind"), kindCommandLines("fluxdemo", file).create, {
            encoding: "utf8",
            env,
        });
        assert.match(bad.stderr, /unable to decode config/, "the same check does catch a bad config");
    });

    it("with no kind and no running engine, the real CLI stops before creating anything (exit 4)", async () => {
        // Only the Pulumi binaries and node on PATH: no kind, no docker client.
        const only = fs.mkdtempSync(path.join(path.dirname(ws.projectDir), "path-"));
        for (const b of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-kubernetes"])
            fs.symlinkSync(path.join(BIN, b), path.join(only, b));
        process.env.PATH = [only, path.dirname(process.execPath)].join(path.delimiter);
        const out: string[] = [];
        const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
        try {
            assert.equal(
                await main(["preview", "--stack", "kind"], process.env, io, ws.projectDir),
                EXIT.prerequisites,
                out.join(""),
            );
        } finally {
            process.env.PATH = ws.env.PATH;
        }
        assert.match(out.join(""), /^error: Missing prerequisites \(2 problems\):$/m);
        assert.match(out.join(""), /fluxstack:cluster\.kindBinary: "kind" is not on PATH/);
        assert.match(
            out.join(""),
            /fluxstack:cluster\.source: kind needs a container engine \(docker, podman, nerdctl\) and none is on PATH/,
        );
    });

    it("up: kind creates the cluster from the rendered config, and Flux and the three tenants land on it", async () => {
        // The stand-in kind and docker first on PATH; the dynamic provider plugin ships in @pulumi/pulumi.
        process.env.PATH = [fake.dir, path.join(REPO, "node_modules", "@pulumi", "pulumi"), process.env.PATH].join(
            path.delimiter,
        );
        const { summary, outputs } = await deploy(run());
        assert.equal(summary.failed, 0);
        const calls = fake.calls();
        assert.match(calls[0], /^create cluster --name fluxdemo --config \S+\/kind\.yaml --wait 5m$/);
        assert.ok(calls.includes("get kubeconfig --name fluxdemo"));
        assert.deepEqual(fake.clusters(), ["fluxdemo"]);
        assert.equal(
            fs.readFileSync(path.join(fake.dir, "state", "fluxdemo.yaml"), "utf8"),
            renderKindConfig(kindClusterSchema.parse({ source: "kind" })),
        );
        assert.equal(outputs!.clusterName, "fluxdemo");
        // Each tenant's Kustomization, by name (getJson is undefined for an object that is not there).
        const kustomizations = {
            "fluxdemo-dev": "flux-dev",
            "fluxdemo-stage": "flux-stage-prod",
            "fluxdemo-prod": "flux-stage-prod",
        };
        for (const [ns, name] of Object.entries(kustomizations)) {
            const k = getJson(cp, ["kustomization", name, "-n", ns]);
            assert.equal(k?.metadata?.name, name, `Kustomization ${ns}/${name}`);
            assert.equal(k.spec.serviceAccountName, ns, `${ns}/${name} runs as the tenant`);
        }
        assert.equal(getJson(cp, ["fluxinstance", "flux", "-n", "flux-system"]).spec.cluster.type, "kubernetes");
    });

    it("a change of node layout replaces the cluster, and with it everything in it", async () => {
        const replaced: string[] = [];
        await preview(
            run({
                config: { ...run().config, "fluxstack:cluster.workers": "1" },
                onEvent: (e) => {
                    if (e.resourcePreEvent?.metadata.op === "replace")
                        replaced.push(e.resourcePreEvent.metadata.urn.split("::").pop()!);
                },
            }),
        );
        assert.ok(replaced.includes("cluster-kind"), replaced.join(", "));
        assert.ok(
            replaced.includes("flux-operator") && replaced.includes("tenant-fluxdemo-dev-namespace"),
            replaced.join(", "),
        );
    });

    it("refresh notices a cluster deleted by hand, and the next up makes it again", async () => {
        fs.rmSync(path.join(fake.dir, "state", "fluxdemo.yaml"));
        await refresh(run());
        const { stack } = await openStack({
            stack: "kind",
            projectDir: ws.projectDir,
            env: process.env,
            create: false,
        });
        const resources = (await stack.exportStack()).deployment.resources ?? [];
        assert.equal(
            resources.some((r: { urn: string }) => r.urn.endsWith("::cluster-kind")),
            false,
            "the cluster left the state",
        );
        const { summary } = await deploy(run());
        assert.equal(summary.operations.create, 1, JSON.stringify(summary.operations));
        assert.deepEqual(fake.clusters(), ["fluxdemo"]);
    });

    it("destroy deletes the cluster and leaves its objects to go with it (deletedWith)", async () => {
        const { summary } = await destroy(run());
        assert.equal(summary.failed, 0);
        assert.ok(fake.calls().includes("delete cluster --name fluxdemo"));
        assert.deepEqual(fake.clusters(), []);
        // The stand-in cluster is really the e2e API server, which outlives the "deletion": the objects are
        // still there because Pulumi did not delete them one by one.
        assert.ok(getJson(cp, ["namespace", "fluxdemo-dev"]));
    });
});
