import { CREDENTIAL_TYPES, type CredentialConfig, SECRET_FIELDS, sourceKindOf } from "./credentialSchema";
import type { Indexed, IndexedTenant } from "./crossChecks";
import type { ConfigProblem } from "./errors";
import { alternatives } from "./messages";
import type { Sync } from "./stackConfig";

/** What the credential checks read: the credentials that passed their own checks, and what the raw config names. */
export interface CredentialCheckInput {
    project: string;
    /** The credentials that passed their own checks, by name. */
    credentials: ReadonlyMap<string, CredentialConfig>;
    /** Every name under `credentials` (also those with problems of their own): a sync naming one is not "unknown". */
    declaredCredentials: readonly string[];
    tenants: readonly IndexedTenant[] | undefined;
    syncs: readonly Indexed<Sync>[] | undefined;
    /** The tenants the config names; undefined when they cannot be known (then no tenant is said to be unknown). */
    declaredTenants: readonly string[] | undefined;
    /**
     * Whether `<project>:credentials` holds a secret value (the engine's list of secret keys), or undefined when
     * that is not known. A key that holds none was set without `--secret`: its tokens are in the stack file.
     */
    credentialsKeyIsSecret: boolean | undefined;
}

/**
 * Checks that tie credentials to tenants and syncs: a credential goes only to tenants that exist; a sync names a
 * credential of its own tenant, of the type its source takes, and not as well as a secretRef; a credential's
 * Secret does not clash with another Secret the program makes in the namespace; secret parts come from secret
 * config. Pure; returns every problem.
 */
export function credentialChecks(input: CredentialCheckInput): ConfigProblem[] {
    const { project, credentials, declaredCredentials, declaredTenants } = input;
    const problems: ConfigProblem[] = [];
    const credentialKey = (name: string, field: string) => `${project}:credentials.${name}.${field}`;
    const syncKey = (i: number, field: string) => `${project}:syncs[${i}].source.${field}`;

    for (const [name, c] of credentials) {
        if (declaredTenants !== undefined) {
            c.tenants.forEach((tenant, i) => {
                if (!declaredTenants.includes(tenant)) {
                    const known = [...new Set(declaredTenants)].join(", ");
                    problems.push({
                        key: credentialKey(name, `tenants[${i}]`),
                        message: known
                            ? `unknown tenant "${tenant}" (tenants: ${known})`
                            : `unknown tenant "${tenant}" (${project}:tenants lists none)`,
                    });
                }
            });
        }
        if (input.credentialsKeyIsSecret === false) {
            for (const field of SECRET_FIELDS[c.type].filter((f) => f in c)) {
                problems.push({
                    key: credentialKey(name, field),
                    message: `is in plain text in the stack's config file: set it with pulumi config set --secret --path '${project}:credentials.${name}.${field}'`,
                });
            }
        }
    }

    // The Secrets a credential makes in each of its tenants' namespaces, against the tenant's token Secret.
    for (const { value: t } of input.tenants ?? []) {
        if (t.tokenSecretName === undefined) continue;
        for (const [name, c] of credentials) {
            if (!c.tenants.includes(t.name)) continue;
            const secrets = c.type === "registry" && c.caCert !== undefined ? [name, `${name}-ca`] : [name];
            if (secrets.includes(t.tokenSecretName)) {
                problems.push({
                    key: `${project}:credentials.${name}`,
                    message: `makes the Secret "${t.tokenSecretName}" in namespace "${t.namespace}", which is already tenant "${t.name}"'s token Secret (tokenSecretName): rename one`,
                });
            }
        }
    }
    const caSecrets = new Map(
        [...credentials].filter(([, c]) => c.type === "registry" && c.caCert).map(([n]) => [`${n}-ca`, n]),
    );
    for (const [name] of credentials) {
        const owner = caSecrets.get(name);
        if (owner !== undefined) {
            problems.push({
                key: `${project}:credentials.${name}`,
                message: `its Secret "${name}" has the name of credentials.${owner}'s CA Secret: rename one`,
            });
        }
    }

    for (const { index: i, value: s } of input.syncs ?? []) {
        const name = s.source.credential;
        if (name === undefined) continue;
        if (s.source.secretRef !== undefined) {
            problems.push({
                key: syncKey(i, "credential"),
                message:
                    "credential and secretRef both name the source's Secret: give credential (the program makes the Secret) or secretRef (one that exists), not both",
            });
            continue;
        }
        const c = credentials.get(name);
        if (c === undefined) {
            if (!declaredCredentials.includes(name)) {
                problems.push({
                    key: syncKey(i, "credential"),
                    message:
                        declaredCredentials.length > 0
                            ? `unknown credential "${name}" (credentials: ${declaredCredentials.join(", ")})`
                            : `unknown credential "${name}" (${project}:credentials lists none)`,
                });
            }
            continue;
        }
        const problem = syncCredentialProblem(s, name, c);
        if (problem) problems.push({ key: syncKey(i, "credential"), message: problem });
    }
    return problems;
}

/** Why `sync` cannot use credential `name`, or undefined if it can. */
function syncCredentialProblem(sync: Sync, name: string, c: CredentialConfig): string | undefined {
    if (!c.tenants.includes(sync.tenant)) {
        return `credential "${name}" is not given to tenant "${sync.tenant}" (credentials.${name}.tenants: ${c.tenants.join(", ")}): a tenant uses only the credentials in its own namespace`;
    }
    const kind = sourceKindOf(c.type);
    if (kind !== sync.source.kind) {
        const fits = Object.keys(CREDENTIAL_TYPES).filter((t) => sourceKindOf(t as never) === sync.source.kind);
        return `credential "${name}" is of type ${c.type} (${CREDENTIAL_TYPES[c.type]}), for ${kind} sources; ${sync.source.kind} sources take ${alternatives(fits)}`;
    }
    const url = sync.source.url;
    if (c.type === "ssh" && !url.startsWith("ssh://")) {
        return `credential "${name}" is of type ssh, for ssh:// URLs; this source's URL is ${url.split("://")[0]}://`;
    }
    if ((c.type === "https" || c.type === "githubApp") && url.startsWith("ssh://")) {
        return `credential "${name}" is of type ${c.type}, for http(s):// URLs; this source's URL is ssh://: use an ssh credential`;
    }
    if (
        sync.source.kind === "OCIRepository" &&
        sync.source.provider !== undefined &&
        sync.source.provider !== "generic"
    ) {
        return `credential "${name}" and provider ${sync.source.provider} both say how to log in: with a cloud provider the controller uses its own identity; leave one out`;
    }
    return undefined;
}
