import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { syncManifests } from "../../../components/tenant";
import { loadStackConfig } from "../../../stacks/config";
import { stackConfig } from "../../helpers/platform";
import { crdSchema } from "../../helpers/schemas";
import { PROJECT, toConfigMap } from "../../helpers/stackFiles";

const CRDS = {
    GitRepository: crdSchema("source.toolkit.fluxcd.io_gitrepositories.yaml", "v1"),
    OCIRepository: crdSchema("source.toolkit.fluxcd.io_ocirepositories.yaml", "v1"),
    Kustomization: crdSchema("kustomize.toolkit.fluxcd.io_kustomizations.yaml", "v1"),
};

function validate(manifest: { kind: string }): string[] {
    return CRDS[manifest.kind as keyof typeof CRDS](manifest);
}

/** Every option a sync can set, so each rendered field meets its CRD at least once. */
const RICH = toConfigMap({
    "fluxstack:cluster": {
        source: "eks",
        name: "lab",
        region: "eu-north-1",
        kubernetesVersion: "1.34",
        fluxIdentity: { mode: "irsa", policyArns: ["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"] },
    },
    "fluxstack:tenants": [{ name: "team-a" }],
    "fluxstack:syncs": [
        {
            name: "git-tag",
            tenant: "team-a",
            path: "./apps",
            source: {
                kind: "GitRepository",
                url: "ssh://git@example.com/apps.git",
                ref: { tag: "v1.2.3" },
                secretRef: "git-auth",
            },
            timeout: "3m",
            wait: true,
        },
        {
            name: "git-semver",
            tenant: "team-a",
            path: "./apps",
            source: { kind: "GitRepository", url: "https://example.com/apps.git", ref: { semver: ">=1.0.0" } },
            prune: false,
        },
        {
            name: "git-commit",
            tenant: "team-a",
            path: "./apps",
            source: {
                kind: "GitRepository",
                url: "https://example.com/apps.git",
                ref: { commit: "0123456789abcdef0123456789abcdef01234567" },
            },
        },
        {
            name: "oci-dev",
            tenant: "team-a",
            path: "./",
            interval: "1h",
            source: {
                kind: "OCIRepository",
                name: "oci-demo-dev",
                url: "oci://ghcr.io/wolcn/kcheck/kcheck-dev",
                ref: { tag: "latest" },
                interval: "1m",
            },
        },
        {
            name: "oci-digest",
            tenant: "team-a",
            path: "./",
            source: {
                kind: "OCIRepository",
                url: "oci://example.com/x",
                ref: { digest: `sha256:${"a".repeat(64)}` },
                provider: "aws",
                secretRef: "oci-auth",
            },
        },
        {
            name: "oci-semver",
            tenant: "team-a",
            path: "./",
            source: { kind: "OCIRepository", url: "oci://example.com/x", ref: { semver: "1.x" } },
        },
    ],
});

describe("every Flux object the program renders validates against its CRD", () => {
    const configs = [
        ...["dev", "kind", "eks"].map((s) => [s, stackConfig(s)] as const),
        ["every sync option", loadStackConfig(RICH, PROJECT)] as const,
    ];
    for (const [title, config] of configs) {
        for (const sync of config.syncs) {
            it(`${title}: ${sync.tenant}/${sync.name}`, () => {
                const tenant = config.tenants.find((t) => t.name === sync.tenant)!;
                const { source, kustomization } = syncManifests(sync, tenant);
                assert.deepEqual(validate(source), []);
                assert.deepEqual(validate(kustomization), []);
            });
        }
    }

    it("the fields a credential sets: secretRef and provider github (Git); secretRef, certSecretRef, insecure (OCI)", () => {
        const tenant = { namespace: "team-a", serviceAccount: "team-a" };
        const git = syncManifests(
            {
                name: "app",
                path: "./",
                source: { kind: "GitRepository", url: "https://github.com/x/y", secretRef: "app", provider: "github" },
            },
            tenant,
        );
        const oci = syncManifests(
            {
                name: "oci",
                path: "./",
                source: {
                    kind: "OCIRepository",
                    url: "oci://127.0.0.1:5000/x",
                    secretRef: "registry",
                    certSecretRef: "registry-ca",
                    insecure: true,
                },
            },
            tenant,
        );
        assert.deepEqual(validate(git.source), []);
        assert.deepEqual(validate(oci.source), []);
        assert.deepEqual((oci.source.spec as any).certSecretRef, { name: "registry-ca" });
        assert.equal((oci.source.spec as any).insecure, true);
        assert.equal((git.source.spec as any).provider, "github");
    });

    it("the check can fail: a misspelt field and a bad interval are caught", () => {
        const config = stackConfig("dev");
        const { source, kustomization } = syncManifests(config.syncs[0], config.tenants[0]);
        (source.spec as any).interval = "1 minute";
        (kustomization.spec as any).serviceAccount = "x";
        assert.deepEqual(validate(source), ['/spec/interval must match pattern "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"']);
        assert.deepEqual(validate(kustomization), ["/spec must NOT have additional properties"]);
    });
});
