import type { ConfigProblem } from "./errors";
import type { ClusterConfig, FluxConfig } from "./schema";
import type { Sync } from "./stackConfig";
import type { Indexed } from "./crossChecks";

/**
 * Checks across the cluster, the Flux tier and the syncs: settings that each pass alone but together would fail
 * only after resources exist (syncs without the controllers that serve them, nothing waiting for the Flux CRDs,
 * an AWS source where the controllers have no AWS identity).
 */
export function platformChecks(
    project: string,
    cluster: ClusterConfig | undefined,
    flux: FluxConfig | undefined,
    syncs: readonly Indexed<Sync>[] | undefined,
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    if (!flux || !syncs || syncs.length === 0) return problems;
    const key = (k: string) => `${project}:${k}`;
    const missing = ["source-controller", "kustomize-controller"].filter(
        (c) => !flux.instance.components.includes(c as never),
    );
    if (missing.length > 0) {
        problems.push({
            key: key("flux.instance.components"),
            message: `syncs are configured, so it must include ${missing.join(" and ")}`,
        });
    }
    if (!flux.instance.healthcheck) {
        problems.push({
            key: key("flux.instance.healthcheck"),
            message: "must stay true while syncs are configured: it is what makes them wait until the Flux CRDs exist",
        });
    }
    const awsIdentity = cluster?.source === "eks" && cluster.fluxIdentity.mode !== "none";
    for (const { index, value: s } of syncs) {
        if (s.source.kind === "OCIRepository" && s.source.provider === "aws" && cluster && !awsIdentity) {
            problems.push({
                key: key(`syncs[${index}].source.provider`),
                message:
                    "aws needs an EKS cluster with cluster.fluxIdentity (irsa or podIdentity) so the controllers have an AWS identity",
            });
        }
    }
    return problems;
}
