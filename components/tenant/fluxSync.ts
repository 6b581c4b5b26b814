import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ClusterScope, inCluster } from "../shared";
import type { SourceCredential } from "./sourceCredential";
import { type SyncOptions, syncManifests } from "./syncManifests";
import type { Tenant } from "./tenant";

export interface FluxSyncArgs extends SyncOptions {
    /**
     * The tenant the sync belongs to: it lives in the tenant's namespace, runs as its service account, and waits
     * for that account and its RoleBinding. Required.
     */
    tenant: Tenant;
    /** The cluster, the tenant's. Required. */
    cluster: ClusterScope;
    /** The Flux instance: its controllers install the source and Kustomization CRDs. Required. */
    fluxInstance: pulumi.Resource;
    /**
     * The credential the source pulls with, in the tenant's namespace: it sets the source's `secretRef` (and
     * `certSecretRef`, and `provider: github` for a GitHub App). Not with `source.secretRef`. Default none.
     */
    credential?: SourceCredential;
    /** The source's URL when it is known only once the cluster exists (a lab's servers). Default `source.url`. */
    sourceUrl?: pulumi.Input<string>;
    /**
     * Make `up` wait until the Kustomization is Ready, and fail when it is not within `timeoutSeconds` (the
     * Kubernetes provider's `pulumi.com/waitFor` await). Default: no wait (`up` ends when the objects exist).
     */
    waitForReady?: { timeoutSeconds: number };
}

/**
 * Flux's finalizers prune what a sync applied. Deleted in the background, the object is not also given the API
 * server's `foregroundDeletion` finalizer, which kustomize-controller then tries to patch away and is refused
 * ("no new finalizers can be added if the object is being deleted"); `destroy` still waits until it is gone.
 */
export const FLUX_OBJECT_ANNOTATIONS = { "pulumi.com/deletionPropagationPolicy": "background" } as const;

/** The Kubernetes provider's await: Ready=True within the timeout, or the update fails. */
export function waitAnnotations(wait: { timeoutSeconds: number } | undefined): Record<string, string> {
    return wait
        ? { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": String(wait.timeoutSeconds) }
        : {};
}

/** One sync: a GitRepository or OCIRepository and the Kustomization that applies it as the tenant. */
export class FluxSync extends pulumi.ComponentResource {
    public readonly source: k8s.apiextensions.CustomResource;
    public readonly kustomization: k8s.apiextensions.CustomResource;

    constructor(name: string, args: FluxSyncArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:tenant:FluxSync", name, {}, opts);
        const { cluster, credential, tenant } = args;
        const manifests = syncManifests({ ...args, source: withCredential(args.source, credential) }, tenant.spec);
        // Nothing of a sync exists before the tenant's guardrails hold; on destroy it goes while they still do.
        const guardrails = tenant.guardrails ? [tenant.guardrails] : [];

        this.source = new k8s.apiextensions.CustomResource(
            `${name}-source`,
            {
                ...manifests.source,
                metadata: {
                    ...manifests.source.metadata,
                    namespace: tenant.namespaceName,
                    annotations: { ...FLUX_OBJECT_ANNOTATIONS },
                },
                spec: { ...(manifests.source.spec as Record<string, unknown>), url: args.sourceUrl ?? args.source.url },
            },
            inCluster(cluster, this, {
                // The CRD exists once the instance is ready; the namespace edge comes with the data. The credential's
                // Secrets (named, so no data flows) come first: source-controller reads them on its first pull, which
                // then authenticates instead of failing and backing off; on destroy they outlive the source.
                dependsOn: [
                    args.fluxInstance,
                    ...(credential ? [credential.secret] : []),
                    ...(credential?.caSecret ? [credential.caSecret] : []),
                    ...guardrails,
                ],
            }),
        );

        this.kustomization = new k8s.apiextensions.CustomResource(
            `${name}-kustomization`,
            {
                ...manifests.kustomization,
                metadata: {
                    ...manifests.kustomization.metadata,
                    namespace: tenant.namespaceName,
                    annotations: { ...FLUX_OBJECT_ANNOTATIONS, ...waitAnnotations(args.waitForReady) },
                },
            },
            inCluster(cluster, this, {
                // It runs as the tenant's account: the account and its binding must exist first, and on destroy must
                // outlive it, because the controller prunes the synced objects as that account. It reads the source's
                // artifact, so it follows the source and, through it, the credential's Secrets (and goes before them).
                dependsOn: [args.fluxInstance, this.source, tenant.serviceAccount, tenant.roleBinding, ...guardrails],
            }),
        );

        this.registerOutputs({ source: this.source, kustomization: this.kustomization });
    }
}

/** The source with the credential's Secrets named in it (and the provider a GitHub App needs). */
function withCredential(
    source: SyncOptions["source"],
    credential: SourceCredential | undefined,
): SyncOptions["source"] {
    if (!credential) return source;
    if (source.secretRef !== undefined) {
        throw new Error(`source ${source.url}: give a credential or a secretRef, not both`);
    }
    if (credential.sourceKind !== source.kind) {
        throw new Error(
            `credential ${credential.secretName} is for ${credential.sourceKind} sources, not for a ${source.kind}`,
        );
    }
    return source.kind === "GitRepository"
        ? {
              ...source,
              secretRef: credential.secretName,
              ...(credential.provider ? { provider: credential.provider } : {}),
          }
        : { ...source, secretRef: credential.secretName, certSecretRef: credential.caSecretName };
}
