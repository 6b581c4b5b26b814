import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { installMocks, promiseOf } from "../helpers/mocks";
import { FIXTURE_KUBECONFIG, PROJECT, PROJECT_DIR, toConfigMap } from "../helpers/stackFiles";

installMocks();
// The program loads only now, after the mocks.
const program = import("../helpers/platform");
const configModule = import("../../stacks/config");

const TOKEN = "ghp_TOKENtokenTOKEN0123456789";
const PASSWORD = "registry-PASSWORD-0123456789";
const KEY_MATERIAL = "KEYMATERIALkeymaterial0123456789";
const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${KEY_MATERIAL}\n-----END OPENSSH PRIVATE KEY-----\n`;
const KNOWN_HOSTS = "[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyHostKeyHostKey\n";
const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
/** Every secret part, and the forms it could leak in: as given, base64, inside a registry's basic-auth pair. */
const SECRETS = [TOKEN, PASSWORD, KEY_MATERIAL].flatMap((s) => [s, Buffer.from(s).toString("base64")]);
SECRETS.push(Buffer.from(`me:${PASSWORD}`).toString("base64"));

const git = (url: string, credential: string) => ({ kind: "GitRepository", url, credential });
/** The dev stack with scenario 2 beside it, each sync of a private source, one credential of each type. */
const CONFIG = {
    cluster: { source: "existing" },
    tenants: [{ name: "fluxdemo-dev" }, { name: "fluxdemo-stage" }, { name: "fluxdemo-prod" }],
    credentials: {
        "stage-prod-token": {
            type: "https",
            tenants: ["fluxdemo-stage", "fluxdemo-prod"],
            username: "git",
            token: TOKEN,
        },
        "deploy-key": { type: "ssh", tenants: ["fluxdemo-dev"], privateKey: PRIVATE_KEY, knownHosts: KNOWN_HOSTS },
        "github-app": {
            type: "githubApp",
            tenants: ["fluxdemo-dev"],
            appId: 123456,
            installationId: 7890,
            privateKey: PRIVATE_KEY,
        },
        ghcr: { type: "registry", tenants: ["fluxdemo-dev"], username: "me", password: PASSWORD, caCert: CA },
    },
    syncs: [
        {
            name: "flux-dev",
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
        ...["stage", "prod"].map((env) => ({
            name: "flux-stage-prod",
            tenant: `fluxdemo-${env}`,
            source: git("https://github.com/wolcn/flux-stage-prod", "stage-prod-token"),
            path: `./${env}`,
        })),
        {
            name: "oci-dev",
            tenant: "fluxdemo-dev",
            source: { kind: "OCIRepository", url: "oci://ghcr.io/wolcn/kcheck/kcheck-dev", credential: "ghcr" },
            path: "./",
        },
    ],
};

const decode = (data: Record<string, string>) =>
    Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));

describe("credentials on the platform (under mocks)", async () => {
    const { buildUnderMocks, get } = await program;
    const { loadStackConfig } = await configModule;
    const raw = toConfigMap(Object.fromEntries(Object.entries(CONFIG).map(([k, v]) => [`${PROJECT}:${k}`, v])));
    const config = loadStackConfig(raw, PROJECT, { env: { KUBECONFIG: FIXTURE_KUBECONFIG }, projectDir: PROJECT_DIR });
    const { resources, outputs } = await buildUnderMocks(config);
    const secretNames = [...resources.values()]
        .filter((r) => r.type === "kubernetes:core/v1:Secret")
        .map((r) => r.name);

    it("makes one Secret per credential and tenant, in that tenant's namespace: scenario 2's token twice", () => {
        assert.deepEqual(secretNames.sort(), [
            "credential-fluxdemo-dev/deploy-key-secret",
            "credential-fluxdemo-dev/ghcr-ca-secret",
            "credential-fluxdemo-dev/ghcr-secret",
            "credential-fluxdemo-dev/github-app-secret",
            "credential-fluxdemo-prod/stage-prod-token-secret",
            "credential-fluxdemo-stage/stage-prod-token-secret",
        ]);
        for (const ns of ["fluxdemo-stage", "fluxdemo-prod"]) {
            const s = get(resources, `credential-${ns}/stage-prod-token-secret`);
            assert.deepEqual(s.inputs.metadata, {
                name: "stage-prod-token",
                namespace: ns,
                labels: { "toolkit.fluxcd.io/tenant": ns },
                annotations: { "fluxstack.dev/owner": "fluxstack/test" },
            });
            assert.equal(s.inputs.type, "Opaque");
            assert.deepEqual(decode(s.inputs.data), { username: "git", password: TOKEN });
            assert.ok(s.dependsOn.has(`tenant-${ns}-namespace`), "the namespace first (its name is an output of it)");
            assert.equal(s.provider, "cluster-provider");
        }
    });

    it("holds each type under the keys source-controller reads", () => {
        const data = (name: string) => decode(get(resources, `credential-fluxdemo-dev/${name}-secret`).inputs.data);
        assert.deepEqual(data("deploy-key"), { identity: PRIVATE_KEY, known_hosts: KNOWN_HOSTS });
        assert.deepEqual(data("github-app"), {
            githubAppID: "123456",
            githubAppInstallationID: "7890",
            githubAppPrivateKey: PRIVATE_KEY,
        });
        const registry = get(resources, "credential-fluxdemo-dev/ghcr-secret");
        assert.equal(registry.inputs.type, "kubernetes.io/dockerconfigjson");
        const auth = Buffer.from(`me:${PASSWORD}`).toString("base64");
        assert.deepEqual(JSON.parse(data("ghcr")[".dockerconfigjson"]), {
            auths: { "ghcr.io": { username: "me", password: PASSWORD, auth } },
        });
        assert.deepEqual(data("ghcr-ca"), { "ca.crt": CA });
    });

    it("keeps each tenant from changing or deleting its credentials' Secrets (the lockdown names them)", () => {
        const secretRule = (tenant: string) =>
            (
                get(resources, `tenant-${tenant}-guardrails-lockdown`).inputs.spec.matchConstraints.resourceRules as {
                    resources: string[];
                    operations: string[];
                    resourceNames?: string[];
                }[]
            ).find((r) => r.resources.includes("secrets"));
        assert.deepEqual(secretRule("fluxdemo-dev"), {
            apiGroups: [""],
            apiVersions: ["*"],
            operations: ["UPDATE", "DELETE"],
            resources: ["secrets"],
            resourceNames: ["deploy-key", "github-app", "ghcr", "ghcr-ca"],
        });
        for (const ns of ["fluxdemo-stage", "fluxdemo-prod"])
            assert.deepEqual(secretRule(ns)?.resourceNames, ["stage-prod-token"], ns);
    });

    it("passes every credential to the engine as a secret (encrypted in the state, [secret] in every display)", () => {
        for (const name of secretNames) assert.deepEqual([...get(resources, name).secretInputs], ["data"], name);
    });

    it("points each source at its tenant's copy, and makes it wait for the Secret", () => {
        const source = (tenant: string, sync: string) => get(resources, `sync-${tenant}/${sync}-source`);
        for (const ns of ["fluxdemo-stage", "fluxdemo-prod"]) {
            const s = source(ns, "flux-stage-prod");
            assert.deepEqual(s.inputs.spec.secretRef, { name: "stage-prod-token" });
            assert.equal(s.inputs.metadata.namespace, ns);
            assert.ok(s.explicitDependsOn.has(`credential-${ns}/stage-prod-token-secret`));
            assert.ok(get(resources, `sync-${ns}/flux-stage-prod-kustomization`).explicitDependsOn.has(s.name));
        }
        assert.deepEqual(source("fluxdemo-dev", "flux-dev").inputs.spec.secretRef, { name: "deploy-key" });
        const app = source("fluxdemo-dev", "flux-dev-app").inputs.spec;
        assert.deepEqual([app.secretRef, app.provider], [{ name: "github-app" }, "github"]);
        const oci = source("fluxdemo-dev", "oci-dev");
        assert.deepEqual(
            [oci.inputs.spec.secretRef, oci.inputs.spec.certSecretRef],
            [{ name: "ghcr" }, { name: "ghcr-ca" }],
        );
        for (const dep of ["credential-fluxdemo-dev/ghcr-secret", "credential-fluxdemo-dev/ghcr-ca-secret"])
            assert.ok(oci.explicitDependsOn.has(dep), dep);
    });

    it("puts no credential anywhere else: no other resource's inputs, no Secret's metadata, no stack output", async () => {
        for (const r of resources.values()) {
            const text = JSON.stringify(
                r.type === "kubernetes:core/v1:Secret" ? { ...r.inputs, data: undefined } : r.inputs,
            );
            for (const secret of SECRETS) assert.ok(!text.includes(secret), `${r.name} holds a credential: ${text}`);
        }
        const shown = JSON.stringify({
            ...outputs,
            tenants: await promiseOf(outputs.tenants as any),
            kubeconfig: undefined,
        });
        for (const secret of SECRETS) assert.ok(!shown.includes(secret), shown);
    });
});
