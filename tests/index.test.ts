import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, promiseOf, record } from "./helpers/mocks";
import { FIXTURE_KUBECONFIG, stackConfigMap } from "./helpers/stackFiles";

installMocks();
// What the engine hands the program: the dev stack file, with the test kubeconfig.
pulumi.runtime.setAllConfig({
    ...stackConfigMap("dev"),
    "fluxstack:cluster": JSON.stringify({ source: "existing", kubeconfig: FIXTURE_KUBECONFIG }),
});

describe("index.ts, the program as the engine runs it", () => {
    it("reads the stack config, builds the platform and exports the outputs", async () => {
        let program: Awaited<ReturnType<typeof import("../index")>> | undefined;
        // Loaded here, after the mocks and the config, and run, as the engine would.
        const resources = await record(async () => {
            const main = (await import("../index")).default;
            program = await main();
        });
        assert.ok(resources.has("flux-operator") && resources.has("sync-fluxdemo-dev/flux-dev-kustomization"));
        assert.equal(await promiseOf(program!.fluxNamespace), "flux-system");
        assert.equal(await promiseOf(program!.clusterName), "lab");
        assert.equal(await pulumi.isSecret(program!.kubeconfig), true);
        assert.deepEqual(Object.keys(program!.tenants), ["fluxdemo-dev"]);
    });
});
