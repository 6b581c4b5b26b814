import type { Manifest } from "./tenantManifests";

/** The API versions the reference CRDs serve (source-controller v1.8, kustomize-controller v1.8). */
export const SOURCE_API_VERSION = "source.toolkit.fluxcd.io/v1";
export const KUSTOMIZE_API_VERSION = "kustomize.toolkit.fluxcd.io/v1";

/** The demo's intervals: sources poll every minute; its Kustomization re-applies every 30 minutes. */
export const DEFAULT_SOURCE_INTERVAL = "1m0s";
export const DEFAULT_SYNC_INTERVAL = "30m0s";

/** A Git repository to sync from (a GitRepository). */
export interface GitSource {
    kind: "GitRepository";
    /** The GitRepository's name. Default the sync's name. */
    name?: string;
    /** `https://`, `http://` or `ssh://`. Required. */
    url: string;
    /** Exactly one of branch, tag, semver, commit. Default `{branch: main}`. */
    ref?: { branch: string } | { tag: string } | { semver: string } | { commit: string };
    /** How often Flux polls it. Default `1m0s`. */
    interval?: string;
    /** The Secret with its credentials. Default none (a public repository). */
    secretRef?: string;
    /** Who issues the credentials: `github` for a GitHub App's Secret. Default none (generic). */
    provider?: "generic" | "github";
}

/** An OCI artifact to sync from (an OCIRepository). */
export interface OciSource {
    kind: "OCIRepository";
    /** The OCIRepository's name. Default the sync's name. */
    name?: string;
    /** `oci://`. Required. */
    url: string;
    /** Exactly one of tag, semver, digest. Default `{tag: latest}`. */
    ref?: { tag: string } | { semver: string } | { digest: string };
    /** How often Flux polls it. Default `1m0s`. */
    interval?: string;
    /** The Secret with its credentials (`kubernetes.io/dockerconfigjson`). Default none. */
    secretRef?: string;
    /** The Secret with the registry's CA (`ca.crt`), for a private CA. Default none. */
    certSecretRef?: string;
    /** Pull over plain HTTP. Default none (Flux's: false). */
    insecure?: boolean;
    /** The cloud identity to pull with (`aws` uses the controller's IRSA or Pod Identity role). Default none. */
    provider?: "generic" | "aws" | "azure" | "gcp";
}

/** What one sync applies, and how: a source and the Kustomization that applies a path of it. */
export interface SyncOptions {
    /** The Kustomization's name (and the source's, unless `source.name`). Required. */
    name: string;
    /** Where the manifests come from. Required. */
    source: GitSource | OciSource;
    /** The path in the source. Required. */
    path: string;
    /** Delete what leaves the source. Default `true`. */
    prune?: boolean;
    /** How often the Kustomization re-applies. Default `30m0s`. */
    interval?: string;
    /** How long an apply may take. Default none (Flux's: the interval). */
    timeout?: string;
    /** Wait for the applied objects to be ready. Default none (Flux's: false). */
    wait?: boolean;
}

/** One sync's source and Kustomization, as the demo's `2_sync.yaml` / `3_oci_sync.yaml` have them. */
export function syncManifests(
    sync: SyncOptions,
    tenant: { namespace: string; serviceAccount: string },
): { source: Manifest; kustomization: Manifest } {
    const { source } = sync;
    const sourceName = source.name ?? sync.name;
    const ref = source.ref ?? (source.kind === "GitRepository" ? { branch: "main" } : { tag: "latest" });
    const sourceSpec: Record<string, unknown> = {
        interval: source.interval ?? DEFAULT_SOURCE_INTERVAL,
        ref: { ...ref },
        url: source.url,
    };
    if (source.secretRef !== undefined) sourceSpec.secretRef = { name: source.secretRef };
    if (source.provider !== undefined) sourceSpec.provider = source.provider;
    if (source.kind === "OCIRepository") {
        if (source.certSecretRef !== undefined) sourceSpec.certSecretRef = { name: source.certSecretRef };
        if (source.insecure !== undefined) sourceSpec.insecure = source.insecure;
    }

    const kustomizationSpec: Record<string, unknown> = {
        interval: sync.interval ?? DEFAULT_SYNC_INTERVAL,
        path: sync.path,
        prune: sync.prune ?? true,
        // Multi-tenancy: the controller applies this sync's objects as the tenant's account, so the tenant's
        // RoleBinding, not the controller's own rights, bounds what the sync can change.
        serviceAccountName: tenant.serviceAccount,
        sourceRef: { kind: source.kind, name: sourceName },
    };
    if (sync.timeout !== undefined) kustomizationSpec.timeout = sync.timeout;
    if (sync.wait !== undefined) kustomizationSpec.wait = sync.wait;

    return {
        source: {
            apiVersion: SOURCE_API_VERSION,
            kind: source.kind,
            metadata: { name: sourceName, namespace: tenant.namespace },
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
