import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kubernetesId, OWNER_ANNOTATION } from "../../driver/recovery";
import { OWNER_ANNOTATION as PROGRAM_OWNER_ANNOTATION } from "../../stacks/ownership";

describe("taking over an interrupted run", () => {
    it("the driver looks for the annotation the program writes", () => {
        assert.equal(OWNER_ANNOTATION, PROGRAM_OWNER_ANNOTATION);
    });

    it("names each pending object as the provider reads it back: namespace/name, name, or a release's", () => {
        assert.equal(
            kubernetesId("kubernetes:core/v1:ServiceAccount", { metadata: { name: "dev", namespace: "fluxdemo-dev" } }),
            "fluxdemo-dev/dev",
        );
        assert.equal(
            kubernetesId("kubernetes:core/v1:Namespace", { metadata: { name: "flux-system" } }),
            "flux-system",
        );
        assert.equal(
            kubernetesId("kubernetes:helm.sh/v3:Release", { name: "flux-operator", namespace: "flux-system" }),
            "flux-system/flux-operator",
        );
        assert.equal(kubernetesId("kubernetes:core/v1:Namespace", { metadata: {} }), undefined);
        assert.equal(kubernetesId("kubernetes:core/v1:Namespace", undefined), undefined);
    });
});
