import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ClusterScope, inCluster } from "../shared";
import { caSecretName, type CredentialSpec, credentialSecrets, type SecretManifest } from "./credentialManifests";
import type { Tenant } from "./tenant";

export interface SourceCredentialArgs {
    /** The Secret's name in the tenant's namespace (a sync's `secretRef` names it). Required. */
    name: string;
    /**
     * What the Secret holds. Its secret parts (token, password, private key, passphrase) may be plain strings or
     * Outputs: either way they reach the Secret's data only, as a secret Output. Required.
     */
    credential: CredentialSpec<pulumi.Input<string>>;
    /** The tenant whose namespace gets the Secret (each tenant its own copy). Required. */
    tenant: Tenant;
    /** The tenant's cluster. Required. */
    cluster: ClusterScope;
}

/**
 * A credential for a tenant's private sources: the Secret source-controller reads (`secretRef`), in the tenant's
 * namespace only, and for a registry with a private CA a second one for `certSecretRef`. A new token updates the
 * Secret in place; the names stay, so the sources that name it are not touched.
 */
export class SourceCredential extends pulumi.ComponentResource {
    public readonly secret: k8s.core.v1.Secret;
    public readonly caSecret?: k8s.core.v1.Secret;
    /** The Secret's name: for a source's `secretRef`. */
    public readonly secretName: string;
    /** The CA Secret's name, for an OCIRepository's `certSecretRef`. */
    public readonly caSecretName?: string;
    /** The source kind the credential serves. */
    public readonly sourceKind: "GitRepository" | "OCIRepository";
    /** What a GitRepository must say to use it: `github` for a GitHub App. */
    public readonly provider?: "github";

    constructor(name: string, args: SourceCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:tenant:SourceCredential", name, {}, opts);
        const { cluster, credential, tenant } = args;
        this.secretName = args.name;
        this.sourceKind = credential.type === "registry" ? "OCIRepository" : "GitRepository";
        this.provider = credential.type === "githubApp" ? "github" : undefined;

        // Rendered once every secret part is known; the manifests' names and types do not depend on them.
        const resolved = pulumi.output(credential as pulumi.Input<Record<string, unknown>>) as pulumi.Output<unknown>;
        const rendered = resolved.apply((spec) => credentialSecrets(args.name, tenant.spec, spec as CredentialSpec));
        const shape = credentialSecrets(args.name, tenant.spec, placeholders(credential));

        const secretOf = (resourceName: string, manifest: SecretManifest, pick: (r: typeof shape) => SecretManifest) =>
            new k8s.core.v1.Secret(
                resourceName,
                {
                    metadata: { name: manifest.name, namespace: tenant.namespaceName, labels: manifest.labels },
                    type: manifest.type,
                    // The only place the credential goes: base64 as the API wants it, and a secret Output, so that
                    // the state stores it encrypted and no preview, log or output shows it.
                    data: pulumi.secret(rendered.apply((r) => base64Values(pick(r).data))),
                },
                inCluster(cluster, this),
            );

        this.secret = secretOf(`${name}-secret`, shape.secret, (r) => r.secret);
        if (shape.caSecret) {
            this.caSecretName = caSecretName(args.name);
            this.caSecret = secretOf(`${name}-ca-secret`, shape.caSecret, (r) => r.caSecret!);
        }

        this.registerOutputs({ secret: this.secret, caSecret: this.caSecret });
    }
}

function base64Values(data: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")]));
}

/** The spec with every secret part replaced, to learn the Secrets' names and types before the parts resolve. */
function placeholders(spec: CredentialSpec<pulumi.Input<string>>): CredentialSpec {
    const hidden = "";
    switch (spec.type) {
        case "https":
            return { ...spec, username: hidden, token: hidden };
        case "ssh":
            return { ...spec, privateKey: hidden, passphrase: spec.passphrase === undefined ? undefined : hidden };
        case "githubApp":
            return { ...spec, privateKey: hidden };
        case "registry":
            return { ...spec, username: hidden, password: hidden, registries: [] };
    }
}
