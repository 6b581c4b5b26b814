import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import { ConfigError, loadStackConfig, SecretValue } from "../../stacks/config";
import { PROJECT, PROJECT_DIR, toConfigMap } from "../helpers/stackFiles";

const ENV = { env: { KUBECONFIG: "/tmp/kubeconfig" }, projectDir: PROJECT_DIR };

/** Secret material of every kind: no message, log line or serialised config may ever contain one of these. */
export const TOKEN = "ghp_TOKENtokenTOKEN0123456789";
export const PASSWORD = "registry-PASSWORD-0123456789";
export const PRIVATE_KEY =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nKEYMATERIALkeymaterial0123456789\n-----END OPENSSH PRIVATE KEY-----\n";
export const PASSPHRASE = "PASSPHRASEpassphrase0123456789";
const SECRETS = [TOKEN, PASSWORD, "KEYMATERIALkeymaterial0123456789", PASSPHRASE];
const KNOWN_HOSTS = "[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyHostKeyHostKey\n";
const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

/** Scenario 1 and 2 with one credential of each type, each used by a sync of its tenant. */
function base(): Record<string, any> {
    const git = (url: string, credential: string) => ({ kind: "GitRepository", url, credential });
    return {
        cluster: { source: "existing" },
        tenants: [{ name: "fluxdemo-dev" }, { name: "fluxdemo-stage" }, { name: "fluxdemo-prod" }],
        credentials: {
            "github-token": { type: "https", tenants: ["fluxdemo-dev"], username: "git", token: TOKEN },
            "stage-prod-token": {
                type: "https",
                tenants: ["fluxdemo-stage", "fluxdemo-prod"],
                username: "git",
                token: TOKEN,
            },
            "deploy-key": {
                type: "ssh",
                tenants: ["fluxdemo-dev"],
                privateKey: PRIVATE_KEY,
                knownHosts: KNOWN_HOSTS,
                passphrase: PASSPHRASE,
            },
            "github-app": {
                type: "githubApp",
                tenants: ["fluxdemo-dev"],
                appId: 123456,
                installationId: "7890",
                privateKey: PRIVATE_KEY,
            },
            ghcr: { type: "registry", tenants: ["fluxdemo-dev"], username: "me", password: PASSWORD, caCert: CA },
        },
        syncs: [
            {
                name: "flux-dev",
                tenant: "fluxdemo-dev",
                source: git("https://github.com/wolcn/flux-dev", "github-token"),
                path: "./dev",
            },
            {
                name: "flux-dev-ssh",
                tenant: "fluxdemo-dev",
                source: git("ssh://git@github.com/wolcn/flux-dev", "deploy-key"),
                path: "./dev",
            },
            {
                name: "flux-dev-app",
                tenant: "fluxdemo-dev",
                source: git("https://github.com/wolcn/flux-dev", "github-app"),
                path: "./dev",
            },
            ...["fluxdemo-stage", "fluxdemo-prod"].map((tenant) => ({
                name: "flux-stage-prod",
                tenant,
                source: git("https://github.com/wolcn/flux-stage-prod", "stage-prod-token"),
                path: `./${tenant.slice("fluxdemo-".length)}`,
            })),
            {
                name: "oci-dev",
                tenant: "fluxdemo-dev",
                source: { kind: "OCIRepository", url: "oci://ghcr.io/wolcn/kcheck", credential: "ghcr" },
                path: "./",
            },
        ],
    };
}

function load(config: Record<string, unknown>, isSecret: ((key: string) => boolean) | undefined = () => true) {
    const raw = toConfigMap(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v])));
    return loadStackConfig(raw, PROJECT, { ...ENV, isSecret });
}

function problemsOf(config: Record<string, unknown>, isSecret?: (key: string) => boolean): string[] {
    try {
        load(config, isSecret);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        for (const secret of SECRETS)
            assert.ok(!e.message.includes(secret), `the message repeats a secret: ${e.message}`);
        return e.problems.map((p) => `${p.key}: ${p.message}`);
    }
    assert.fail("expected the config to be rejected");
}

type Case = [title: string, mutate: (c: Record<string, any>) => void, expected: string[]];
const C = "fluxstack:credentials";

const BAD: Case[] = [
    [
        "a username without a token",
        (c) => delete c.credentials["github-token"].token,
        [`${C}.github-token.token: is required: an https credential is a username and a token`],
    ],
    [
        "a token without a username",
        (c) => delete c.credentials["github-token"].username,
        [`${C}.github-token.username: is required: an https credential is a username and a token`],
    ],
    [
        "an SSH key without known_hosts (no trust on first use)",
        (c) => delete c.credentials["deploy-key"].knownHosts,
        [
            `${C}.deploy-key.knownHosts: is required: the server's host keys, as ssh-keyscan prints them (Flux does not trust a host on first use)`,
        ],
    ],
    [
        "known_hosts that is not known_hosts",
        (c) => (c.credentials["deploy-key"].knownHosts = "github.com"),
        [`${C}.deploy-key.knownHosts: must be known_hosts lines (host key-type key), as ssh-keyscan prints them`],
    ],
    [
        "a private key that is not one: said without repeating it",
        (c) => (c.credentials["deploy-key"].privateKey = TOKEN),
        [`${C}.deploy-key.privateKey: must be a private key in PEM or OpenSSH form (-----BEGIN ... PRIVATE KEY-----)`],
    ],
    [
        "an app id without a private key",
        (c) => delete c.credentials["github-app"].privateKey,
        [
            `${C}.github-app.privateKey: is required: a githubApp credential is an appId, an installationId and a privateKey`,
        ],
    ],
    [
        "an app id that is not a number",
        (c) => (c.credentials["github-app"].appId = "my-app"),
        [`${C}.github-app.appId: must be a number such as 123456`],
    ],
    [
        "a registry username without a password",
        (c) => delete c.credentials.ghcr.password,
        [`${C}.ghcr.password: is required: a registry credential is a username and a password`],
    ],
    [
        "a token given as a number: said without repeating it",
        (c) => (c.credentials["github-token"].token = 1234567890123),
        [`${C}.github-token.token: must be a string (set it with pulumi config set --secret --path)`],
    ],
    [
        "an empty token",
        (c) => (c.credentials["github-token"].token = ""),
        [`${C}.github-token.token: must not be empty`],
    ],
    [
        "a CA that is not a certificate",
        (c) => (c.credentials.ghcr.caCert = "my-ca"),
        [`${C}.ghcr.caCert: must be a PEM certificate (-----BEGIN CERTIFICATE-----)`],
    ],
    [
        "no type",
        (c) => delete c.credentials.ghcr.type,
        [`${C}.ghcr.type: is required: one of https, ssh, githubApp, registry`],
    ],
    [
        "a misspelt field",
        (c) => {
            c.credentials["github-token"].tokne = c.credentials["github-token"].token;
            delete c.credentials["github-token"].token;
        },
        [`${C}.github-token.tokne: unknown key "tokne" (did you mean "token"?)`],
    ],
    [
        "a credential for no tenant",
        (c) => (c.credentials.ghcr.tenants = []),
        [`${C}.ghcr.tenants: must name at least one tenant: the tenants that get this credential in their namespace`],
    ],
    [
        "a credential for an unknown tenant",
        (c) => c.credentials.ghcr.tenants.push("fluxdemo-qa"),
        [`${C}.ghcr.tenants[1]: unknown tenant "fluxdemo-qa" (tenants: fluxdemo-dev, fluxdemo-stage, fluxdemo-prod)`],
    ],
    [
        "a name that cannot be a Secret's",
        (c) => (c.credentials.GHCR = c.credentials.ghcr),
        [
            `${C}.GHCR: the name must be a Kubernetes DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (it is the Secret's)`,
        ],
    ],
    [
        "a sync naming another tenant's credential",
        (c) => (c.syncs[3].source.credential = "github-token"),
        [
            `fluxstack:syncs[3].source.credential: credential "github-token" is not given to tenant "fluxdemo-stage" (credentials.github-token.tenants: fluxdemo-dev): a tenant uses only the credentials in its own namespace`,
        ],
    ],
    [
        "a sync naming an unknown credential",
        (c) => (c.syncs[0].source.credential = "gitlab"),
        [
            `fluxstack:syncs[0].source.credential: unknown credential "gitlab" (credentials: github-token, stage-prod-token, deploy-key, github-app, ghcr)`,
        ],
    ],
    [
        "a sync naming a credential when there are none",
        (c) => {
            delete c.credentials;
            c.syncs = [c.syncs[0]];
        },
        [`fluxstack:syncs[0].source.credential: unknown credential "github-token" (fluxstack:credentials lists none)`],
    ],
    [
        "a credential and a secretRef at once",
        (c) => (c.syncs[0].source.secretRef = "git-auth"),
        [
            "fluxstack:syncs[0].source.credential: credential and secretRef both name the source's Secret: give credential (the program makes the Secret) or secretRef (one that exists), not both",
        ],
    ],
    [
        "a registry login on a Git source",
        (c) => (c.syncs[0].source.credential = "ghcr"),
        [
            `fluxstack:syncs[0].source.credential: credential "ghcr" is of type registry (an OCI registry's username and password), for OCIRepository sources; GitRepository sources take one of https, ssh, githubApp`,
        ],
    ],
    [
        "a Git token on an OCI source",
        (c) => (c.syncs[5].source.credential = "github-token"),
        [
            `fluxstack:syncs[5].source.credential: credential "github-token" is of type https (a Git username and token over HTTP(S)), for GitRepository sources; OCIRepository sources take registry`,
        ],
    ],
    [
        "an SSH key on an https URL",
        (c) => (c.syncs[1].source.url = "https://github.com/wolcn/flux-dev"),
        [
            `fluxstack:syncs[1].source.credential: credential "deploy-key" is of type ssh, for ssh:// URLs; this source's URL is https://`,
        ],
    ],
    [
        "a token on an ssh URL",
        (c) => (c.syncs[0].source.url = "ssh://git@github.com/wolcn/flux-dev"),
        [
            `fluxstack:syncs[0].source.credential: credential "github-token" is of type https, for http(s):// URLs; this source's URL is ssh://: use an ssh credential`,
        ],
    ],
    [
        "a registry login and a cloud provider at once",
        (c) => (c.syncs[5].source.provider = "azure"),
        [
            `fluxstack:syncs[5].source.credential: credential "ghcr" and provider azure both say how to log in: with a cloud provider the controller uses its own identity; leave one out`,
        ],
    ],
    [
        "a credential whose Secret is the tenant's token Secret",
        (c) => (c.tenants[0].tokenSecretName = "ghcr-ca"),
        [
            `${C}.ghcr: makes the Secret "ghcr-ca" in namespace "fluxdemo-dev", which is already tenant "fluxdemo-dev"'s token Secret (tokenSecretName): rename one`,
        ],
    ],
    [
        "a credential named like another's CA Secret",
        (c) => (c.credentials["ghcr-ca"] = { ...c.credentials.ghcr, caCert: undefined }),
        [`${C}.ghcr-ca: its Secret "ghcr-ca" has the name of credentials.ghcr's CA Secret: rename one`],
    ],
    [
        "a credential embedded in a URL points at the credential keys",
        (c) => (c.syncs[0].source.url = `https://git:${TOKEN}@github.com/wolcn/flux-dev`),
        [
            "fluxstack:syncs[0].source.url: must not hold credentials (user:password@): they would be stored in plain text in the GitRepository and in the stack's state; set them as a credential (pulumi config set --secret --path 'fluxstack:credentials.<name>.token') and name it in source.credential",
        ],
    ],
];

describe("credentials: half-specified, misplaced or borrowed credentials are refused, by key, never repeating a secret", () => {
    for (const [title, mutate, expected] of BAD) {
        it(title, () => {
            const config = base();
            mutate(config);
            assert.deepEqual(problemsOf(config), expected);
        });
    }

    it("credentials set without --secret are refused, each secret part by its key", () => {
        assert.deepEqual(
            problemsOf(base(), (key) => key !== `${C}`),
            [
                ["github-token", "token"],
                ["stage-prod-token", "token"],
                ["deploy-key", "privateKey"],
                ["deploy-key", "passphrase"],
                ["github-app", "privateKey"],
                ["ghcr", "password"],
            ].map(
                ([name, field]) =>
                    `${C}.${name}.${field}: is in plain text in the stack's config file: set it with pulumi config set --secret --path '${C}.${name}.${field}'`,
            ),
        );
    });
});

describe("credentials: what the loader hands on", () => {
    it("loads each type, and holds every secret part as a SecretValue", () => {
        const config = load(base());
        const { credentials } = config;
        assert.deepEqual(Object.keys(credentials), [
            "github-token",
            "stage-prod-token",
            "deploy-key",
            "github-app",
            "ghcr",
        ]);
        const https = credentials["github-token"];
        assert.ok(https.type === "https" && https.token instanceof SecretValue && https.token.reveal() === TOKEN);
        const ssh = credentials["deploy-key"];
        assert.ok(
            ssh.type === "ssh" && ssh.privateKey.reveal() === PRIVATE_KEY && ssh.passphrase?.reveal() === PASSPHRASE,
        );
        assert.equal(ssh.knownHosts, KNOWN_HOSTS);
        const app = credentials["github-app"];
        assert.ok(app.type === "githubApp");
        assert.deepEqual([app.appId, app.installationId], ["123456", "7890"]);
        const registry = credentials.ghcr;
        assert.ok(registry.type === "registry" && registry.password.reveal() === PASSWORD);
        assert.equal(config.syncs[0].source.credential, "github-token");
    });

    it("never shows a secret part when the config is printed, logged or serialised", () => {
        const config = load(base());
        for (const text of [
            JSON.stringify(config),
            inspect(config, { depth: 10 }),
            String((config.credentials.ghcr as { password: unknown }).password),
        ]) {
            for (const secret of SECRETS) assert.ok(!text.includes(secret), `shown: ${text}`);
        }
        assert.match(JSON.stringify(config.credentials.ghcr), /"password":"\[secret\]"/);
    });

    it("does not ask whether the key is secret when the engine does not say (under mocks, or an old engine)", () => {
        assert.doesNotThrow(() => load(base(), undefined));
    });
});
