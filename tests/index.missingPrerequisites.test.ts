import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, registered } from "./helpers/mocks";
import { FIXTURE_KUBECONFIG, stackConfigMap } from "./helpers/stackFiles";

installMocks();
// The dev stack as it is, on an existing cluster whose kubeconfig lacks the context it names.
pulumi.runtime.setAllConfig({
    ...stackConfigMap("dev"),
    "fluxstack:cluster": JSON.stringify({ source: "existing", kubeconfig: FIXTURE_KUBECONFIG, context: "qa" }),
});

describe("index.ts with good config on a machine that lacks something", () => {
    it("throws one RunError naming what the machine lacks before it registers anything", async () => {
        await assert.rejects(
            import("../index").then((m) => m.default()),
            (e: Error) => {
                // A RunError: the CLI prints its message alone, without a stack trace or an object dump.
                assert.equal(pulumi.RunError.isInstance(e), true, `${e.name}: not a RunError`);
                assert.equal(
                    e.message,
                    `Missing prerequisites (1 problem):\n  - fluxstack:cluster.context: no context "qa" in ${FIXTURE_KUBECONFIG} (contexts: lab, prod)`,
                );
                return true;
            },
        );
        assert.deepEqual(registered(), []);
    });
});
