// One measurement, in its own process so peak memory is its own: evaluate the program for N tenants under mocks, as
// Pulumi runs it (ts-node with the project's tsconfig: transpile only, the cached transpiler), with every guardrail
// on (the default) or off (`off`: the demo's objects only). The mocks answer each registration; nothing else runs.
import * as pulumi from "@pulumi/pulumi";
import { installMocks, registered } from "../helpers/mocks";
import { FIXTURE_KUBECONFIG, PROJECT, PROJECT_DIR } from "../helpers/stackFiles";
import { GUARDRAILS_OFF, tenantsConfig } from "./tenantsConfig";

installMocks();

(async () => {
    // The program loads after the mocks (a static import would be hoisted above installMocks()).
    const { loadStackConfig } = await import("../../stacks/config");
    const { buildPlatform } = await import("../../stacks/platform");
    const n = Number(process.argv[2]);
    const guardrails = process.argv[3] !== "off";
    const start = process.hrtime.bigint();
    const cluster = { source: "existing", kubeconfig: FIXTURE_KUBECONFIG };
    const config = loadStackConfig(tenantsConfig(n, cluster, {}, guardrails ? {} : GUARDRAILS_OFF), PROJECT, {
        projectDir: PROJECT_DIR,
    });
    await pulumi.runtime.runInPulumiStack(() => Promise.resolve(buildPlatform(config, { projectDir: PROJECT_DIR })));
    // The stack's outputs can resolve before every registration has: wait for all of them, as Pulumi does.
    await pulumi.runtime.disconnect();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const resources = registered().length;
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    // What the run still holds once collected (the bench runs this with --expose-gc): peak RSS is mostly garbage.
    (globalThis as { gc?: () => void }).gc?.();
    const liveMiB = process.memoryUsage().heapUsed / 2 ** 20;
    process.stdout.write(JSON.stringify({ n, ms, resources, maxRssMiB, liveMiB }));
})();
