// The SDK's own cost, for comparison with mockEval: N plain ConfigMaps registered under the same mocks, in one
// process. What any program of that many resources pays before it does anything of its own.
import * as pulumi from "@pulumi/pulumi";
import { installMocks, registered } from "../helpers/mocks";

installMocks();

(async () => {
    const k8s = await import("@pulumi/kubernetes");
    const n = Number(process.argv[2]);
    const start = process.hrtime.bigint();
    await pulumi.runtime.runInPulumiStack(() => {
        const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
        const maps = Array.from(
            { length: n },
            (_, i) =>
                new k8s.core.v1.ConfigMap(
                    `map-${i}`,
                    { metadata: { name: `map-${i}`, namespace: "bench" }, data: { key: "value" } },
                    { provider },
                ),
        );
        return Promise.resolve({ ids: maps.map((m) => m.id) });
    });
    await pulumi.runtime.disconnect();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const resources = registered().length;
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    // What the run still holds once collected (the bench runs this with --expose-gc): peak RSS is mostly garbage.
    (globalThis as { gc?: () => void }).gc?.();
    const liveMiB = process.memoryUsage().heapUsed / 2 ** 20;
    process.stdout.write(JSON.stringify({ n, ms, resources, maxRssMiB, liveMiB }));
})();
