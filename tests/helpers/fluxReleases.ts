/**
 * The two Helm releases' inputs with every Flux setting at its default, written out: what FluxSystem makes when
 * given nothing but a cluster, and what a stack makes that leaves `fluxstack:flux` unset (the two must agree).
 */
export const DEFAULT_RELEASES = {
    operator: {
        name: "flux-operator",
        chart: "oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator",
        version: "0.49.0",
        namespace: "flux-system",
        createNamespace: false,
        // The web UI off: the chart serves it by default, open to every namespace.
        values: { multitenancy: { enabled: true }, web: { enabled: false } },
        timeout: 600,
        compat: "true",
    },
    instance: {
        name: "flux",
        chart: "oci://ghcr.io/controlplaneio-fluxcd/charts/flux-instance",
        version: "0.49.0",
        namespace: "flux-system",
        createNamespace: false,
        values: {
            instance: {
                distribution: {
                    version: "2.x",
                    registry: "ghcr.io/fluxcd",
                    artifact: "oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests:latest",
                },
                components: ["source-controller", "kustomize-controller", "helm-controller", "notification-controller"],
                cluster: { type: "kubernetes", multitenant: true },
                kustomize: { patches: [] },
            },
            healthcheck: { enabled: true, timeout: "5m" },
        },
        timeout: 600,
        compat: "true",
    },
};
