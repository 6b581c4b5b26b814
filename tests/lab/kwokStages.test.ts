import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as yaml from "js-yaml";
import { imageName, labStages, ownedByRunner, ownerExpression } from "../../lab/kwokStages";

const pod = (namespace: string, ...images: string[]) => ({
    metadata: { namespace, name: "p" },
    spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
});

const PODS: [string, ReturnType<typeof pod>, boolean][] = [
    ["the operator", pod("flux-system", "ghcr.io/controlplaneio-fluxcd/flux-operator:v0.49.0"), true],
    ["the health check", pod("flux-system", "ghcr.io/controlplaneio-fluxcd/flux-operator-cli:v0.49.0"), true],
    ["source-controller", pod("flux-system", "ghcr.io/fluxcd/source-controller:v1.9.5"), true],
    ["kustomize-controller by digest", pod("flux-system", "fluxcd/kustomize-controller@sha256:abc"), true],
    [
        "helm-controller (no binary: the runner says so)",
        pod("flux-system", "ghcr.io/fluxcd/helm-controller:v1.4.5"),
        true,
    ],
    ["a Flux image in a tenant's namespace", pod("fluxdemo-dev", "ghcr.io/fluxcd/source-controller:v1.9.5"), false],
    ["the demo app", pod("fluxdemo-dev", "ghcr.io/wolcn/kcheck:1.0.2"), false],
    ["another image in the Flux namespace", pod("flux-system", "busybox:1.36"), false],
    ["a registry with a port", pod("flux-system", "localhost:5000/fluxcd/source-controller:v1"), true],
];

describe("kwok stages: the pods the runner owns are never faked", () => {
    it("image names: the last path segment without tag or digest", () => {
        assert.equal(imageName("ghcr.io/fluxcd/source-controller:v1.9.5"), "source-controller");
        assert.equal(imageName("localhost:5000/x/flux-operator@sha256:00"), "flux-operator");
        assert.equal(imageName("busybox"), "busybox");
    });

    for (const [title, p, owned] of PODS) {
        it(`${title}: ${owned ? "the runner's" : "kwok's"}, by the TypeScript rule and by kwok's jq selector alike`, () => {
            assert.equal(ownedByRunner(p, "flux-system"), owned);
            // kwok evaluates selector keys with gojq; jq (1.6+) reads the same expression.
            const out = execFileSync("jq", ["-r", ownerExpression("flux-system")], {
                input: JSON.stringify(p),
                encoding: "utf8",
            });
            assert.equal(out.trim(), owned ? "process" : "simulated");
        });
    }

    it("only pod-ready and pod-complete get the selector; the stages are otherwise kwok's", () => {
        const kwok = [
            "apiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata: {name: pod-ready}\nspec: {resourceRef: {apiGroup: v1, kind: Pod}, selector: {matchExpressions: [{key: .status.phase, operator: In, values: [Pending]}]}}",
            "apiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata: {name: pod-complete}\nspec: {resourceRef: {apiGroup: v1, kind: Pod}}",
            "apiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata: {name: pod-delete}\nspec: {resourceRef: {apiGroup: v1, kind: Pod}, selector: {matchExpressions: [{key: .metadata.deletionTimestamp, operator: Exists}]}}",
        ].join("\n---\n");
        const stages = yaml.loadAll(labStages(kwok, "flux")) as any[];
        const keys = (i: number) =>
            (stages[i].spec.selector?.matchExpressions ?? []).map(
                (e: any) => e.operator + " " + (e.values ?? []).join(),
            );
        assert.deepEqual(keys(0), ["In Pending", "In simulated"]);
        assert.deepEqual(keys(1), ["In simulated"]);
        assert.deepEqual(keys(2), ["Exists "]);
        assert.match(stages[0].spec.selector.matchExpressions[1].key, /\.metadata\.namespace == "flux"/);
    });

    it("the toolchain's stages.yaml has the stages this relies on, when it is built", (t) => {
        const bin =
            process.env.FLUXSTACK_TOOLCHAIN_BIN ?? path.join(process.env.HOME ?? "", ".cache/fluxstack-toolchain/bin");
        const file = path.join(bin, "stages.yaml");
        if (!fs.existsSync(file)) return t.skip("the toolchain is not built here");
        const names = (yaml.loadAll(fs.readFileSync(file, "utf8")) as any[])
            .filter(Boolean)
            .map((s) => s.metadata.name);
        for (const n of ["pod-ready", "pod-complete", "pod-delete", "node-initialize"]) assert.ok(names.includes(n), n);
    });
});
