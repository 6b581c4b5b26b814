import type { Sync, Tenant } from "../../stacks/config";
import type { Manifest } from "./tenantManifests";

/** The API versions the reference CRDs serve (source-controller v1.8, kustomize-controller v1.8). */
export const SOURCE_API_VERSION = "source.toolkit.fluxcd.io/v1";
export const KUSTOMIZE_API_VERSION = "kustomize.toolkit.fluxcd.io/v1";

/** One sync's source and Kustomization, as the demo's `2_sync.yaml` / `3_oci_sync.yaml` have them. */
export function syncManifests(sync: Sync, tenant: Tenant): { source: Manifest; kustomization: Manifest } {
    const { source } = sync;
    const sourceSpec: Record<string, unknown> = { interval: source.interval, ref: { ...source.ref }, url: source.url };
    if (source.secretRef !== undefined) sourceSpec.secretRef = { name: source.secretRef };
    if (source.kind === "OCIRepository" && source.provider !== undefined) sourceSpec.provider = source.provider;

    const kustomizationSpec: Record<string, unknown> = {
        interval: sync.interval,
        path: sync.path,
        prune: sync.prune,
        // Multi-tenancy: the controller applies this sync's objects as the tenant's account, so the tenant's
        // RoleBinding, not the controller's own rights, bounds what the sync can change.
        serviceAccountName: tenant.serviceAccount,
        sourceRef: { kind: source.kind, name: source.name },
    };
    if (sync.timeout !== undefined) kustomizationSpec.timeout = sync.timeout;
    if (sync.wait !== undefined) kustomizationSpec.wait = sync.wait;

    return {
        source: {
            apiVersion: SOURCE_API_VERSION,
            kind: source.kind,
            metadata: { name: source.name, namespace: tenant.namespace },
            spec: sourceSpec,
        },
        kustomization: {
            apiVersion: KUSTOMIZE_API_VERSION,
            kind: "Kustomization",
            metadata: { name: sync.name, namespace: tenant.namespace },
            spec: kustomizationSpec,
        },
    };
}
