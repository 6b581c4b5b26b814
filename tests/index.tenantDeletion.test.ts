import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, registered, setPreviousOutputs } from "./helpers/mocks";
import { FIXTURE_KUBECONFIG, stackConfigMap } from "./helpers/stackFiles";

installMocks();
// The dev stack as it is; its last run also had the protected tenant fluxdemo-stage, which the config no longer has.
pulumi.runtime.setAllConfig({
    ...stackConfigMap("dev"),
    "fluxstack:cluster": JSON.stringify({ source: "existing", kubeconfig: FIXTURE_KUBECONFIG }),
});
setPreviousOutputs({
    tenants: {
        "fluxdemo-dev": { namespace: "fluxdemo-dev", syncs: ["flux-dev"], protected: true },
        "fluxdemo-stage": { namespace: "fluxdemo-stage", syncs: ["flux-stage-prod"], protected: true },
    },
});

describe("index.ts when the change would delete a protected tenant", () => {
    it("stops with a RunError naming the tenant and the confirmation key, before it makes anything", async () => {
        await assert.rejects(
            import("../index").then((m) => m.default()),
            (e: Error) => {
                assert.equal(pulumi.RunError.isInstance(e), true);
                assert.match(
                    e.message,
                    /^Invalid stack config \(1 problem\):\n {2}- fluxstack:tenants: this change deletes the protected tenant fluxdemo-stage/,
                );
                assert.match(e.message, /list it in fluxstack:confirmTenantDeletion in the same change/);
                return true;
            },
        );
        // Only the read of the stack's own last outputs happened.
        assert.deepEqual(registered(), ["organization/fluxstack/test"]);
    });
});
