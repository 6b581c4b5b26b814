import type { ConfigProblem } from "./errors";
import type { ClusterConfig, FluxConfig } from "./schema";
import type { Sync } from "./stackConfig";
import type { Indexed } from "./crossChecks";
import { LAB_COMPONENTS } from "./defaults";

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
    const key = (k: string) => `${project}:${k}`;
    const problems: ConfigProblem[] = cluster?.source === "lab" && flux ? labChecks(flux, key) : [];
    for (const { index, value: s } of syncs ?? []) {
        const problem = labUrlProblem(s, cluster);
        if (problem) problems.push({ key: key(`syncs[${index}].source.url`), message: problem });
    }
    if (!flux || !syncs || syncs.length === 0) return problems;
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

/** A lab runs only some of Flux as processes, from the manifests its operator embeds. */
function labChecks(flux: FluxConfig, key: (k: string) => string): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const extra = flux.instance.components.filter((c) => !(LAB_COMPONENTS as readonly string[]).includes(c));
    if (extra.length > 0) {
        problems.push({
            key: key("flux.instance.components"),
            message: `a lab runs ${LAB_COMPONENTS.join(" and ")} as processes; ${extra.join(", ")} would only look Ready, never run: leave ${extra.length > 1 ? "them" : "it"} out`,
        });
    }
    if (flux.instance.distribution.artifact !== "") {
        problems.push({
            key: key("flux.instance.distribution.artifact"),
            message:
                'a lab uses the Flux manifests embedded in the operator it runs (reproducible, and offline): leave it out, or ""',
        });
    }
    return problems;
}

/** `lab://git/<repository>` and `lab://oci/<repository>` name the lab's own servers, and what they hold. */
function labUrlProblem(sync: Sync, cluster: ClusterConfig | undefined): string | undefined {
    const url = sync.source.url;
    if (!url.startsWith("lab://")) return undefined;
    if (cluster === undefined) return undefined; // the cluster has problems of its own
    if (cluster.source !== "lab")
        return "lab:// URLs name the lab's own Git server and registry: they work only with cluster.source lab";
    const [server, ...rest] = url.slice("lab://".length).split("/");
    const name = rest.join("/");
    if (sync.source.kind === "GitRepository") {
        if (server !== "git") return `a GitRepository's lab URL is lab://git/<repository>, got ${JSON.stringify(url)}`;
        const known = Object.keys(cluster.repositories);
        if (!known.includes(name))
            return `the lab has no Git repository "${name}" (cluster.repositories: ${known.join(", ") || "none"})`;
        return undefined;
    }
    if (server !== "oci") return `an OCIRepository's lab URL is lab://oci/<repository>, got ${JSON.stringify(url)}`;
    const known = [...new Set(Object.keys(cluster.artifacts).map((a) => a.slice(0, a.lastIndexOf(":"))))];
    if (!known.includes(name))
        return `the lab has no OCI repository "${name}" (cluster.artifacts: ${known.join(", ") || "none"})`;
    return undefined;
}
