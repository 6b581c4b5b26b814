import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, registered } from "./helpers/mocks";
import { stackConfigMap } from "./helpers/stackFiles";

installMocks();
// The dev stack with a sync naming no tenant, on an existing cluster whose kubeconfig is not there: a config
// problem and a machine problem at once.
const config = stackConfigMap("dev");
const syncs = JSON.parse(config["fluxstack:syncs"]);
syncs[0].tenant = "nobody";
const KUBECONFIG = "/nonexistent/fluxstack-test/kubeconfig";
pulumi.runtime.setAllConfig({
    ...config,
    "fluxstack:cluster": JSON.stringify({ source: "existing", kubeconfig: KUBECONFIG }),
    "fluxstack:syncs": JSON.stringify(syncs),
});

describe("index.ts with bad config on a machine that lacks something", () => {
    it("throws one RunError (no stack trace in the CLI) listing the config's and the machine's problems before it registers anything", async () => {
        await assert.rejects(
            import("../index").then((m) => m.default()),
            (e: Error) => {
                // A RunError: the CLI prints its message alone, without a stack trace or an object dump.
                assert.equal(pulumi.RunError.isInstance(e), true, `${e.name}: not a RunError`);
                assert.equal(
                    e.message,
                    [
                        "Invalid stack config (1 problem):",
                        '  - fluxstack:syncs[0].tenant: unknown tenant "nobody" (tenants: fluxdemo-dev)',
                        "Missing prerequisites (1 problem):",
                        `  - fluxstack:cluster.kubeconfig: no kubeconfig at ${KUBECONFIG} (set cluster.kubeconfig or KUBECONFIG)`,
                    ].join("\n"),
                );
                return true;
            },
        );
        assert.deepEqual(registered(), []);
    });
});
