// One measurement, in its own process so peak memory is its own: evaluate the program for N tenants under mocks,
// loaded as Pulumi loads it (ts-node with the project's tsconfig: transpile only, the cached transpiler).
import { installMocks, record } from "../helpers/mocks";
import { FIXTURE_KUBECONFIG, PROJECT, PROJECT_DIR } from "../helpers/stackFiles";
import { tenantsConfig } from "./tenantsConfig";

installMocks();

(async () => {
    // The program loads after the mocks (a static import would be hoisted above installMocks()).
    const { loadStackConfig } = await import("../../stacks/config");
    const { buildPlatform } = await import("../../stacks/platform");
    const n = Number(process.argv[2]);
    const start = process.hrtime.bigint();
    const config = loadStackConfig(tenantsConfig(n, { source: "existing", kubeconfig: FIXTURE_KUBECONFIG }), PROJECT, {
        projectDir: PROJECT_DIR,
    });
    const resources = await record(() => buildPlatform(config, { projectDir: PROJECT_DIR }));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    process.stdout.write(
        JSON.stringify({ n, ms, resources: resources.size, maxRssMiB: process.resourceUsage().maxRSS / 1024 }),
    );
})();
