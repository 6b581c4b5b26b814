/**
 * A model of the flux-instance chart's templates/instance.yaml (chart 0.49.0): the FluxInstance it renders
 * from merged values. Only for the tests, so the rendered object can be checked against the real CRD; Helm
 * itself is not available offline. Empty strings are left out as the template leaves them out.
 */
export function renderFluxInstance(values: any): Record<string, unknown> {
    const i = values.instance;
    const distribution: Record<string, unknown> = {
        version: i.distribution.version,
        registry: i.distribution.registry,
    };
    // `artifact: {{ .artifact }}` renders null for "": the API server drops null for a non-nullable field.
    if (i.distribution.artifact) distribution.artifact = i.distribution.artifact;
    for (const k of ["artifactPullSecret", "imagePullSecret", "variant"]) {
        if (i.distribution[k]) distribution[k] = i.distribution[k];
    }
    const cluster = Object.fromEntries(Object.entries(i.cluster).filter(([, v]) => v !== ""));
    const spec: Record<string, unknown> = { distribution, components: i.components, cluster, kustomize: i.kustomize };
    if (
        (i.commonMetadata.annotations && Object.keys(i.commonMetadata.annotations).length > 0) ||
        (i.commonMetadata.labels && Object.keys(i.commonMetadata.labels).length > 0)
    ) {
        spec.commonMetadata = i.commonMetadata;
    }
    if (i.sync.url) spec.sync = i.sync;
    if (i.storage.size) spec.storage = i.storage;
    if (i.sharding.shards.length > 0) spec.sharding = i.sharding;
    return {
        apiVersion: "fluxcd.controlplane.io/v1",
        kind: "FluxInstance",
        metadata: { name: values.fullnameOverride, namespace: "flux-system" },
        spec,
    };
}
