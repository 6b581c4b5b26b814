import { TENANT_LABEL } from "./tenantManifests";

/** A credential for private sources, with its secret parts as given (plain strings, or Outputs in the component). */
export type CredentialSpec<S = string> =
    /** Git over HTTP(S): a username and a token (a GitHub PAT, a GitLab deploy token) as basic auth. */
    | { type: "https"; username: S; token: S; caCert?: string }
    /** Git over SSH: a private key and the server's host keys (required: Flux does not trust on first use). */
    | { type: "ssh"; privateKey: S; knownHosts: string; passphrase?: S }
    /** A GitHub App installation: the GitRepository gets `provider: github`. */
    | { type: "githubApp"; appId: string; installationId: string; privateKey: S; baseUrl?: string }
    /** An OCI registry login for `registries` (hosts such as ghcr.io or 127.0.0.1:5000). */
    | { type: "registry"; username: S; password: S; registries: S[]; caCert?: string };

/** A Secret as rendered here: its type and its data as plain strings (the component encodes and hides them). */
export interface SecretManifest {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    type: string;
    data: Record<string, string>;
}

/** The Secret a sync's source reads (`secretRef`), and for a registry with a private CA the one for `certSecretRef`. */
export function credentialSecrets(
    name: string,
    tenant: { name: string; namespace: string },
    spec: CredentialSpec,
): { secret: SecretManifest; caSecret?: SecretManifest } {
    const meta = { namespace: tenant.namespace, labels: { [TENANT_LABEL]: tenant.name } };
    const opaque = (data: Record<string, string | undefined>): SecretManifest => ({
        name,
        ...meta,
        type: "Opaque",
        data: defined(data),
    });
    // The keys are source-controller's (fluxcd/pkg/git and pkg/auth/githubapp).
    switch (spec.type) {
        case "https":
            return { secret: opaque({ username: spec.username, password: spec.token, "ca.crt": spec.caCert }) };
        case "ssh":
            return {
                secret: opaque({ identity: spec.privateKey, known_hosts: spec.knownHosts, password: spec.passphrase }),
            };
        case "githubApp":
            return {
                secret: opaque({
                    githubAppID: spec.appId,
                    githubAppInstallationID: spec.installationId,
                    githubAppPrivateKey: spec.privateKey,
                    githubAppBaseURL: spec.baseUrl,
                }),
            };
        case "registry": {
            const login = { username: spec.username, password: spec.password };
            const auth = Buffer.from(`${spec.username}:${spec.password}`).toString("base64");
            const auths = Object.fromEntries([...new Set(spec.registries)].sort().map((r) => [r, { ...login, auth }]));
            return {
                secret: {
                    name,
                    ...meta,
                    type: "kubernetes.io/dockerconfigjson",
                    data: { ".dockerconfigjson": JSON.stringify({ auths }) },
                },
                caSecret:
                    spec.caCert === undefined
                        ? undefined
                        : { name: caSecretName(name), ...meta, type: "Opaque", data: { "ca.crt": spec.caCert } },
            };
        }
        default: {
            const unknown: never = spec;
            throw new Error(`unknown credential type ${JSON.stringify(unknown)}`);
        }
    }
}

/** The name of a registry credential's CA Secret. */
export function caSecretName(name: string): string {
    return `${name}-ca`;
}

/** The registry host of an `oci://host[:port]/path` URL, as a dockerconfigjson's `auths` key names it. */
export function registryHost(url: string): string {
    return url.replace(/^oci:\/\//, "").split("/")[0];
}

function defined(data: Record<string, string | undefined>): Record<string, string> {
    return Object.fromEntries(Object.entries(data).filter((e): e is [string, string] => e[1] !== undefined));
}
