import * as assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PROBE_POLICY_NAME, probePolicySpec } from "../../../components/flux";
import { type Manifest, podSecurityLabels, syncManifests, tenantManifests } from "../../../components/tenant";
import { stackConfig } from "../../helpers/platform";
import { loadYamlDocuments, SEED_DIR } from "../../helpers/stackFiles";

/**
 * The deliberate departures from the demo's manifests (README, "Where it differs from the demo"). Each is
 * applied to the demo's object before the comparison, so any other difference fails the test.
 */
const IMPROVEMENTS: [what: string, apply: (m: any) => void][] = [
    [
        "tenants are bound to `edit`, not `cluster-admin`",
        (m) => {
            if (m.kind === "RoleBinding") m.roleRef.name = "edit";
        },
    ],
    [
        "tenant namespaces carry the Pod Security labels of their guardrails (enforce baseline, warn and audit restricted)",
        (m) => {
            if (m.kind === "Namespace") Object.assign(m.metadata.labels, podSecurityLabels());
        },
    ],
    [
        "OCIRepository uses source.toolkit.fluxcd.io/v1 (v1beta2 is no longer served)",
        (m) => {
            if (m.kind === "OCIRepository") m.apiVersion = "source.toolkit.fluxcd.io/v1";
        },
    ],
];

/** The kind stack (all three demo tenants), with the demo's token Secrets asked for and its OCI sync added. */
function demoConfig() {
    const base = stackConfig("kind");
    const tenants = base.tenants.map((t) => ({ name: t.name, tokenSecretName: t.name.replace("fluxdemo-", "") }));
    const syncs = [
        ...JSON.parse(JSON.stringify(base.syncs)),
        {
            name: "oci-dev",
            tenant: "fluxdemo-dev",
            source: {
                kind: "OCIRepository",
                name: "oci-demo-dev",
                url: "oci://ghcr.io/wolcn/kcheck/kcheck-dev",
                ref: { tag: "latest" },
                interval: "1m",
            },
            path: "./",
            interval: "1h",
        },
    ];
    return stackConfig("kind", {
        "fluxstack:tenants": JSON.stringify(tenants),
        "fluxstack:syncs": JSON.stringify(syncs),
    });
}

function rendered(): Manifest[] {
    const config = demoConfig();
    return [
        // As the Tenant component renders them: with the Pod Security labels of the tenant's guardrails.
        ...config.tenants.flatMap((t) =>
            Object.values(tenantManifests(t, podSecurityLabels(t.guardrails.podSecurity))).filter(
                (m): m is Manifest => m !== undefined,
            ),
        ),
        ...config.syncs.flatMap((s) =>
            Object.values(
                syncManifests(
                    s,
                    config.tenants.find((t) => t.name === s.tenant)!,
                ),
            ),
        ),
    ];
}

const id = (m: Manifest) => `${m.kind} ${m.metadata.namespace ?? ""}/${m.metadata.name}`;

describe("parity with the demo's manifests", () => {
    const ours = new Map(rendered().map((m) => [id(m), m]));
    const files = [
        "dev/1_tenant.yaml",
        "dev/2_sync.yaml",
        "dev/3_oci_sync.yaml",
        "stage/1_tenant.yaml",
        "stage/2_sync.yaml",
        "prod/1_tenant.yaml",
        "prod/2_sync.yaml",
    ];
    const demo = files.flatMap((f) => loadYamlDocuments(path.join(SEED_DIR, "manifests", f)) as Manifest[]);

    for (const theirs of demo) {
        it(`${id(theirs)} matches field for field, but for the listed improvements`, () => {
            const expected = structuredClone(theirs);
            for (const [, apply] of IMPROVEMENTS) apply(expected);
            assert.deepEqual(ours.get(id(theirs)), expected);
        });
    }

    it("renders nothing the demo does not have", () => {
        assert.deepEqual([...ours.keys()].sort(), demo.map(id).sort());
    });

    it("the probe policy matches network/allow-health-checks.yaml", () => {
        const [theirs] = loadYamlDocuments(
            path.join(SEED_DIR, "manifests", "network", "allow-health-checks.yaml"),
        ) as any[];
        const flux = demoConfig().flux;
        assert.deepEqual(
            {
                name: PROBE_POLICY_NAME,
                namespace: flux.namespace,
                spec: probePolicySpec(flux.namespace, flux.probePolicy.cidrs, flux.probePolicy.ports),
            },
            { name: theirs.metadata.name, namespace: theirs.metadata.namespace, spec: theirs.spec },
        );
    });
});
