import * as fs from "node:fs";
import * as yaml from "js-yaml";

/**
 * The images the pod runner owns: a pod of one of these in the Flux namespace runs as a local process (or, when
 * no binary is at hand, stays Pending and says so). By the image's last path segment, so a registry override
 * (`instance.distribution.registry`) changes nothing.
 */
export const FLUX_IMAGE_NAMES = [
    "flux-operator",
    "flux-operator-cli",
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
    "image-reflector-controller",
    "image-automation-controller",
    "source-watcher",
] as const;

/** `ghcr.io/fluxcd/source-controller:v1.9.5@sha256:…` -> `source-controller`. */
export function imageName(image: string): string {
    const last = image.split("/").pop() ?? image;
    return last.replace(/[:@].*$/, "");
}

/**
 * A jq expression (kwok evaluates stage selectors with gojq) that yields "process" for the pods the runner owns
 * and "simulated" for the rest. It must agree with `ownedByRunner` below; a test checks both on the same pods.
 */
export function ownerExpression(fluxNamespace: string): string {
    const names = FLUX_IMAGE_NAMES.map((n) => `. == ${JSON.stringify(n)}`).join(" or ");
    return (
        `[.spec.containers[].image | split("/") | last | sub("[:@].*$"; "")] as $names | ` +
        `if .metadata.namespace == ${JSON.stringify(fluxNamespace)} and ($names | any(${names})) ` +
        `then "process" else "simulated" end`
    );
}

/** The same rule in TypeScript, for the runner. */
export function ownedByRunner(
    pod: { metadata: { namespace?: string }; spec: { containers: { image: string }[] } },
    fluxNamespace: string,
): boolean {
    return (
        pod.metadata.namespace === fluxNamespace &&
        pod.spec.containers.some((c) => (FLUX_IMAGE_NAMES as readonly string[]).includes(imageName(c.image)))
    );
}

interface Stage {
    metadata: { name: string };
    spec: { selector?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] } };
}

/**
 * kwok's stages (from the toolchain's stages.yaml) with the pods the runner owns left out of the stages that
 * would fake them: pod-ready (Running and Ready without a process) and pod-complete (a Job's pod Succeeded
 * without running). kwok still deletes them (pod-delete), as a kubelet would confirm a deletion.
 */
export function labStages(kwokStagesYaml: string, fluxNamespace: string): string {
    const stages = yaml.loadAll(kwokStagesYaml).filter(Boolean) as Stage[];
    for (const stage of stages) {
        if (stage.metadata.name !== "pod-ready" && stage.metadata.name !== "pod-complete") continue;
        stage.spec.selector ??= {};
        stage.spec.selector.matchExpressions ??= [];
        stage.spec.selector.matchExpressions.push({
            key: ownerExpression(fluxNamespace),
            operator: "In",
            values: ["simulated"],
        });
    }
    return stages.map((s) => yaml.dump(s, { lineWidth: -1, noRefs: true })).join("---\n");
}

export function writeLabStages(from: string, to: string, fluxNamespace: string): void {
    fs.writeFileSync(to, labStages(fs.readFileSync(from, "utf8"), fluxNamespace));
}
