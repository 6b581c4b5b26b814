import { z } from "zod";
import { kubernetesLabelName, urlWithScheme, whenClean } from "./patterns";
import { SecretValue } from "./secretValue";

/**
 * `fluxstack:credentials.<name>`: a credential for private sources, named once. Each tenant in its `tenants` gets
 * its own copy as the Secret `<name>` in its namespace, and its syncs name it in `source.credential`. The secret
 * parts come from `pulumi config set --secret --path`; no message about them ever repeats the value.
 */

/** The types, and what each is for. */
export const CREDENTIAL_TYPES = {
    https: "a Git username and token over HTTP(S)",
    ssh: "a Git SSH private key and the server's known_hosts",
    githubApp: "a GitHub App's ID, installation ID and private key",
    registry: "an OCI registry's username and password",
} as const;
export type CredentialType = keyof typeof CREDENTIAL_TYPES;

/** The fields that hold secret material, by type: they must come from secret config. */
export const SECRET_FIELDS: Record<CredentialType, readonly string[]> = {
    https: ["token"],
    ssh: ["privateKey", "passphrase"],
    githubApp: ["privateKey"],
    registry: ["password"],
};

const NOT_A_STRING = "must be a string (set it with pulumi config set --secret --path)";

/** A string whose value is never repeated in a message (a user may have set it as a secret). */
function quietString(required: string) {
    return z
        .string({ error: (issue) => (issue.input === undefined ? `is required: ${required}` : NOT_A_STRING) })
        .min(1, { error: "must not be empty" });
}

/** A secret string, checked without repeating it, and handed on as a SecretValue. */
function secretString(required: string, rule?: [test: (v: string) => boolean, message: string]) {
    const base = quietString(required);
    const checked = rule ? base.refine(rule[0], { error: rule[1], ...whenClean }) : base;
    return checked.transform((v) => new SecretValue(v));
}

const PEM_PRIVATE_KEY: [(v: string) => boolean, string] = [
    (v) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v),
    "must be a private key in PEM or OpenSSH form (-----BEGIN ... PRIVATE KEY-----)",
];

const certificate = z.string({ error: NOT_A_STRING }).refine((v) => v.includes("-----BEGIN CERTIFICATE-----"), {
    error: "must be a PEM certificate (-----BEGIN CERTIFICATE-----)",
});

/** An app or installation ID: digits, written bare or quoted. */
function numericId(required: string) {
    const message = "must be a number such as 123456";
    return z
        .union([z.int().positive({ error: message }), z.string().regex(/^[1-9][0-9]*$/, { error: message })], {
            error: (issue) => (issue.input === undefined ? `is required: ${required}` : message),
        })
        .transform(String);
}

const tenants = z
    .array(kubernetesLabelName)
    .min(1, { error: "must name at least one tenant: the tenants that get this credential in their namespace" })
    .refine((items) => new Set(items).size === items.length, { error: "must not repeat an entry", ...whenClean });

const HTTPS = "an https credential is a username and a token";
const SSH = "an ssh credential is a private key and the server's known_hosts";
const APP = "a githubApp credential is an appId, an installationId and a privateKey";
const REGISTRY = "a registry credential is a username and a password";

export const credentialSchema = z.discriminatedUnion("type", [
    z.strictObject({
        type: z.literal("https"),
        tenants,
        /** Any non-empty name for a token (GitHub); the deploy token's name (GitLab). */
        username: quietString(HTTPS),
        token: secretString(HTTPS),
        /** The Git server's CA, when it has a private one (the Secret's `ca.crt`). */
        caCert: certificate.optional(),
    }),
    z.strictObject({
        type: z.literal("ssh"),
        tenants,
        privateKey: secretString(SSH, PEM_PRIVATE_KEY),
        /** Required: no trust on first use. `ssh-keyscan -p PORT HOST` prints it. */
        knownHosts: z
            .string({
                error: (issue) =>
                    issue.input === undefined
                        ? "is required: the server's host keys, as ssh-keyscan prints them (Flux does not trust a host on first use)"
                        : NOT_A_STRING,
            })
            .refine((v) => /^\S+\s+(ssh|ecdsa|sk)-\S+\s+\S+/m.test(v), {
                error: "must be known_hosts lines (host key-type key), as ssh-keyscan prints them",
            }),
        /** The private key's passphrase, if it has one. */
        passphrase: secretString(SSH).optional(),
    }),
    z.strictObject({
        type: z.literal("githubApp"),
        tenants,
        appId: numericId(APP),
        installationId: numericId(APP),
        privateKey: secretString(APP, PEM_PRIVATE_KEY),
        /** GitHub Enterprise Server's API URL; default GitHub's. */
        baseUrl: urlWithScheme(["https", "http"]).optional(),
    }),
    z.strictObject({
        type: z.literal("registry"),
        tenants,
        username: quietString(REGISTRY),
        password: secretString(REGISTRY),
        /** The registry's CA, when it has a private one (a second Secret, `<name>-ca`, for certSecretRef). */
        caCert: certificate.optional(),
    }),
]);

export type CredentialConfig = z.output<typeof credentialSchema>;

/** Which source kind each credential type serves. */
export function sourceKindOf(type: CredentialType): "GitRepository" | "OCIRepository" {
    return type === "registry" ? "OCIRepository" : "GitRepository";
}
