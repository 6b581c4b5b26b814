import type { KustomizePatch } from "../shared";
import type { WebUiOptions } from "./webPolicy";

/** How long Helm waits for a release to become ready, in seconds, unless told otherwise. */
export const DEFAULT_RELEASE_TIMEOUT_SECONDS = 600;

/** The values of `instance.cluster.type` the flux-instance chart accepts. */
export const FLUX_CLUSTER_TYPES = ["kubernetes", "openshift", "aws", "azure", "gcp"] as const;
export type FluxClusterType = (typeof FLUX_CLUSTER_TYPES)[number];

/** Where the Flux controllers' manifests and images come from (`instance.distribution`). */
export interface FluxDistribution {
    /** The Flux version, a semver range. */
    version: string;
    /** The registry of the controller images. */
    registry: string;
    /** The OCI artifact with the controllers' manifests; `""` uses the manifests embedded in the operator. */
    artifact: string;
}

export const DEFAULT_DISTRIBUTION: Readonly<FluxDistribution> = {
    version: "2.x",
    registry: "ghcr.io/fluxcd",
    artifact: "oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests:latest",
};

/** The controllers the flux-instance chart installs by default. */
export const DEFAULT_COMPONENTS = [
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
] as const;

/** The Flux Operator release. */
export interface FluxOperatorOptions {
    /** Chart value `multitenancy.enabled`: Kustomizations run as their tenant's account. Default `true`. */
    multitenancy?: boolean;
    /** How long Helm waits for the release to be ready, in seconds. Default `600`. */
    timeoutSeconds?: number;
    /** The operator's web UI. Default off. */
    web?: WebUiOptions;
}

/** The Flux instance release: one FluxInstance, which the operator turns into the Flux controllers. */
export interface FluxInstanceOptions {
    /** `instance.cluster.type`. Default `kubernetes`. */
    clusterType?: FluxClusterType;
    /** `instance.cluster.multitenant`. Default `true`. */
    multitenant?: boolean;
    /**
     * Where the controllers come from. Default `{version: 2.x, registry: ghcr.io/fluxcd, artifact:
     * oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests:latest}`.
     */
    distribution?: Partial<FluxDistribution>;
    /** The controllers to run. Default the source, kustomize, helm and notification controllers. */
    components?: readonly string[];
    /**
     * The chart's post-install Job that waits for the FluxInstance to be Ready, so that whatever depends on the
     * release waits until the Flux CRDs and controllers exist. Default `true`.
     */
    healthcheck?: boolean;
    /** How long that Job waits, as a Go duration. Default `5m`. */
    healthcheckTimeout?: string;
    /** How long Helm waits for the release to be ready, in seconds. Default `600`. */
    timeoutSeconds?: number;
}

/** Values for the flux-operator chart (checked against its values.schema.json in the tests). */
export function operatorValues(operator: FluxOperatorOptions = {}): Record<string, unknown> {
    return {
        multitenancy: { enabled: operator.multitenancy ?? true },
        // The chart serves the UI by default and opens it to every namespace; here it is off unless asked for, and
        // then FluxSystem's own policy opens it to the named namespaces only.
        web: operator.web?.enabled ? { enabled: true, networkPolicy: { create: false } } : { enabled: false },
    };
}

/** Values for the flux-instance chart (checked against its values.schema.json in the tests). */
export function instanceValues(
    instance: FluxInstanceOptions = {},
    patches: readonly KustomizePatch[] = [],
): Record<string, unknown> {
    return {
        instance: {
            distribution: { ...DEFAULT_DISTRIBUTION, ...instance.distribution },
            components: [...(instance.components ?? DEFAULT_COMPONENTS)],
            cluster: { type: instance.clusterType ?? "kubernetes", multitenant: instance.multitenant ?? true },
            kustomize: { patches: patches.map((p) => ({ target: { ...p.target }, patch: p.patch })) },
        },
        // The Job runs as the `flux-operator` service account: the operator release must keep that name.
        healthcheck: { enabled: instance.healthcheck ?? true, timeout: instance.healthcheckTimeout ?? "5m" },
    };
}
