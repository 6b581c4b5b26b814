import type { StackConfig } from "../../stacks/config";

type Flux = StackConfig["flux"];

/** A kustomize patch the instance applies to the Flux controllers (e.g. an IRSA role annotation). */
export interface KustomizePatch {
    target: { kind: string; name?: string; labelSelector?: string };
    patch: string;
}

/** Values for the flux-operator chart (checked against its values.schema.json in the tests). */
export function operatorValues(flux: Flux): Record<string, unknown> {
    return { multitenancy: { enabled: flux.operator.multitenancy } };
}

/** Values for the flux-instance chart (checked against its values.schema.json in the tests). */
export function instanceValues(flux: Flux, patches: readonly KustomizePatch[] = []): Record<string, unknown> {
    const { instance } = flux;
    return {
        instance: {
            distribution: { ...instance.distribution },
            components: [...instance.components],
            cluster: { type: instance.clusterType, multitenant: instance.multitenant },
            kustomize: { patches: patches.map((p) => ({ target: { ...p.target }, patch: p.patch })) },
        },
        // The chart's post-install Job waits for the FluxInstance to be Ready, so the release (and everything
        // that depends on it) waits until the Flux CRDs and controllers exist. The Job runs as the
        // `flux-operator` service account: the operator release must keep that name.
        healthcheck: { enabled: instance.healthcheck, timeout: instance.healthcheckTimeout },
    };
}
