import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, registered } from "./helpers/mocks";
import { stackConfigMap } from "./helpers/stackFiles";

installMocks();
const config = stackConfigMap("dev");
const syncs = JSON.parse(config["fluxstack:syncs"]);
syncs[0].tenant = "nobody";
pulumi.runtime.setAllConfig({ ...config, "fluxstack:syncs": JSON.stringify(syncs) });

describe("index.ts with bad config", () => {
    it("throws one ConfigError before it registers anything", async () => {
        await assert.rejects(import("../index"), {
            name: "ConfigError",
            message:
                'Invalid stack config (1 problem):\n  - fluxstack:syncs[0].tenant: unknown tenant "nobody" (tenants: fluxdemo-dev)',
        });
        assert.deepEqual(registered(), []);
    });
});
