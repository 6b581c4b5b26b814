import * as assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, promiseOf } from "../helpers/mocks";
import { DEFAULT_RELEASES } from "../helpers/fluxReleases";
import { PROJECT_DIR } from "../helpers/stackFiles";

installMocks();
// The program loads only now, after the mocks (a static import would be hoisted above installMocks()).
const program = import("../helpers/platform");

/** The owner annotation every object the program makes carries (project/stack; the mocks' stack is "test"). */
const OWNER = { "fluxstack.dev/owner": "fluxstack/test" };

const CLUSTER_RESOURCE: Record<string, string | undefined> = {
    dev: undefined,
    kind: "cluster-kind",
    eks: "cluster-eks",
    lab: "cluster-lab",
};

const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
/** Each tenant's guardrails with every one on (the default): child name and type. */
const GUARDRAILS: [string, string][] = [
    ["isolation", "kubernetes:networking.k8s.io/v1:NetworkPolicy"],
    ["quota", "kubernetes:core/v1:ResourceQuota"],
    ["limits", "kubernetes:core/v1:LimitRange"],
    ...["lockdown", "pod-security", "sources"].flatMap((p): [string, string][] => [
        [p, VAP],
        [`${p}-binding`, `${VAP}Binding`],
    ]),
];

/** The in-cluster resources a stack must register: Flux tier, then per tenant, then per sync. */
function expectedInCluster(
    tenants: string[],
    syncs: [tenant: string, name: string, kind: string][],
): [string, string][] {
    return [
        ["flux-namespace", "kubernetes:core/v1:Namespace"],
        ["flux-probe-policy", "kubernetes:networking.k8s.io/v1:NetworkPolicy"],
        ["flux-operator", "kubernetes:helm.sh/v3:Release"],
        ["flux-instance", "kubernetes:helm.sh/v3:Release"],
        ["fluxstack-tenant-guard", "kubernetes:core/v1:ConfigMap"],
        ...tenants.flatMap((t): [string, string][] => [
            [`tenant-${t}-namespace`, "kubernetes:core/v1:Namespace"],
            [`tenant-${t}-service-account`, "kubernetes:core/v1:ServiceAccount"],
            [`tenant-${t}-role-binding`, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"],
            ...GUARDRAILS.map(([child, type]): [string, string] => [`tenant-${t}-guardrails-${child}`, type]),
        ]),
        ...syncs.flatMap(([t, s, kind]): [string, string][] => [
            [`sync-${t}/${s}-source`, `kubernetes:source.toolkit.fluxcd.io/v1:${kind}`],
            [`sync-${t}/${s}-kustomization`, "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization"],
        ]),
    ];
}

/** Each stack's outputs but the kubeconfig, as `pulumi stack output` would show them. */
const OUTPUTS = {
    dev: {
        clusterName: "lab",
        fluxNamespace: "flux-system",
        tenants: { "fluxdemo-dev": { namespace: "fluxdemo-dev", syncs: ["flux-dev"] } },
    },
    kind: {
        clusterName: "fluxdemo",
        fluxNamespace: "flux-system",
        tenants: {
            "fluxdemo-dev": { namespace: "fluxdemo-dev", syncs: ["flux-dev"] },
            "fluxdemo-stage": { namespace: "fluxdemo-stage", syncs: ["flux-stage-prod"] },
            "fluxdemo-prod": { namespace: "fluxdemo-prod", syncs: ["flux-stage-prod"] },
        },
    },
    eks: {
        clusterName: "fluxdemo",
        fluxNamespace: "flux-system",
        tenants: {
            "fluxdemo-stage": { namespace: "fluxdemo-stage", syncs: ["flux-stage-prod"] },
            "fluxdemo-prod": { namespace: "fluxdemo-prod", syncs: ["flux-stage-prod"] },
        },
    },
    lab: {
        clusterName: "lab",
        fluxNamespace: "flux-system",
        tenants: {
            "fluxdemo-dev": { namespace: "fluxdemo-dev", syncs: ["flux-dev", "oci-dev"] },
            "fluxdemo-stage": { namespace: "fluxdemo-stage", syncs: ["flux-stage-prod"] },
            "fluxdemo-prod": { namespace: "fluxdemo-prod", syncs: ["flux-stage-prod"] },
        },
    },
};

const STACKS = {
    dev: expectedInCluster(["fluxdemo-dev"], [["fluxdemo-dev", "flux-dev", "GitRepository"]]),
    kind: expectedInCluster(
        ["fluxdemo-dev", "fluxdemo-stage", "fluxdemo-prod"],
        [
            ["fluxdemo-dev", "flux-dev", "GitRepository"],
            ["fluxdemo-stage", "flux-stage-prod", "GitRepository"],
            ["fluxdemo-prod", "flux-stage-prod", "GitRepository"],
        ],
    ),
    eks: expectedInCluster(
        ["fluxdemo-stage", "fluxdemo-prod"],
        [
            ["fluxdemo-stage", "flux-stage-prod", "GitRepository"],
            ["fluxdemo-prod", "flux-stage-prod", "GitRepository"],
        ],
    ),
    lab: expectedInCluster(
        ["fluxdemo-dev", "fluxdemo-stage", "fluxdemo-prod"],
        [
            ["fluxdemo-dev", "flux-dev", "GitRepository"],
            ["fluxdemo-dev", "oci-dev", "OCIRepository"],
            ["fluxdemo-stage", "flux-stage-prod", "GitRepository"],
            ["fluxdemo-prod", "flux-stage-prod", "GitRepository"],
        ],
    ),
};

for (const [stack, expected] of Object.entries(STACKS)) {
    describe(`stack ${stack}`, async () => {
        const { buildUnderMocks, get, stackConfig } = await program;
        const config = stackConfig(stack);
        const { resources, outputs } = await buildUnderMocks(config);
        const inCluster = [...resources.values()].filter((r) => r.custom && r.type.startsWith("kubernetes:"));

        it("registers exactly the expected in-cluster resources", () => {
            assert.deepEqual(inCluster.map((r) => [r.name, r.type]).sort(), [...expected].sort());
        });

        it("marks every object it makes as this stack's (owner annotation), Helm releases aside", () => {
            for (const r of inCluster.filter((r) => !r.type.startsWith("kubernetes:helm.sh/"))) {
                assert.equal(r.inputs.metadata?.annotations?.["fluxstack.dev/owner"], "fluxstack/test", r.name);
            }
        });

        it("bounds how long a teardown waits on a Flux finalizer (Flux objects, and the namespaces holding them)", () => {
            const finalized = inCluster.filter((r) =>
                /:(Namespace|GitRepository|OCIRepository|Kustomization)$/.test(r.type),
            );
            assert.ok(finalized.length >= 3);
            for (const r of finalized) assert.deepEqual(r.customTimeouts, { delete: "180s" }, r.name);
            for (const r of inCluster.filter((r) => !finalized.includes(r)))
                assert.equal(r.customTimeouts, undefined, r.name);
        });

        it("puts every Kubernetes resource on the cluster's one provider", () => {
            for (const r of inCluster) assert.equal(r.provider, "cluster-provider", r.name);
            const providers = [...resources.values()].filter((r) => r.type === "pulumi:providers:kubernetes");
            assert.deepEqual(
                providers.map((p) => p.name),
                ["cluster-provider"],
            );
            // A rotated credential updates its Secret in place instead of deleting and re-making it.
            assert.equal(String(providers[0].inputs.enableSecretMutable), "true");
            // The protected tenant guard's list is updated in place (a protected object cannot be replaced).
            assert.equal(String(providers[0].inputs.enableConfigMapMutable), "true");
        });

        it("never lets the provider adopt an object that already exists (upsertExistingObjects stays off)", () => {
            // A killed run's objects are taken over by the driver only when they carry this stack's owner
            // annotation (driver/recovery.ts); an upserting provider (4.29+ with this option) would adopt anything
            // of the same name, and turn a rename without an alias into a deletion.
            const provider = [...resources.values()].find((r) => r.type === "pulumi:providers:kubernetes");
            assert.ok(provider);
            assert.ok(!/^true$/i.test(String(provider.inputs.upsertExistingObjects ?? "")));
        });

        it("deletes in-cluster objects with the cluster only when the stack owns the cluster", () => {
            for (const r of inCluster) assert.equal(r.deletedWith, CLUSTER_RESOURCE[stack], r.name);
        });

        it("orders the Flux tier: namespace, probe policy, operator, instance", () => {
            assert.ok(get(resources, "flux-probe-policy").dependsOn.has("flux-namespace"));
            assert.ok(get(resources, "flux-operator").explicitDependsOn.has("flux-probe-policy"));
            assert.ok(get(resources, "flux-operator").dependsOn.has("flux-namespace"));
            assert.ok(get(resources, "flux-instance").explicitDependsOn.has("flux-operator"));
        });

        it("creates each tenant after the instance, its binding after its account", () => {
            for (const t of config.tenants) {
                const p = `tenant-${t.name}`;
                assert.ok(get(resources, `${p}-namespace`).explicitDependsOn.has("flux-instance"));
                assert.ok(get(resources, `${p}-service-account`).dependsOn.has(`${p}-namespace`));
                const binding = get(resources, `${p}-role-binding`);
                assert.ok(
                    binding.dependsOn.has(`${p}-namespace`) && binding.explicitDependsOn.has(`${p}-service-account`),
                );
            }
        });

        it("runs every Kustomization as its tenant's account, after that account's binding", () => {
            for (const s of config.syncs) {
                const p = `sync-${s.tenant}/${s.name}`;
                const k = get(resources, `${p}-kustomization`);
                // The stack files leave each tenant's namespace and account at their default: the tenant's name.
                assert.equal(k.inputs.spec.serviceAccountName, s.tenant);
                assert.equal(k.inputs.metadata.namespace, s.tenant);
                for (const dep of [
                    "flux-instance",
                    `${p}-source`,
                    `tenant-${s.tenant}-service-account`,
                    `tenant-${s.tenant}-role-binding`,
                ]) {
                    assert.ok(k.explicitDependsOn.has(dep), `${p}-kustomization waits for ${dep}`);
                }
                assert.ok(k.dependsOn.has(`tenant-${s.tenant}-namespace`));
                const source = get(resources, `${p}-source`);
                assert.ok(
                    source.explicitDependsOn.has("flux-instance") &&
                        source.dependsOn.has(`tenant-${s.tenant}-namespace`),
                );
            }
        });

        it("puts each tenant's guardrails in force before its role is bound and before its syncs exist", () => {
            for (const t of config.tenants) {
                const g = `tenant-${t.name}-guardrails`;
                assert.ok(get(resources, `tenant-${t.name}-role-binding`).explicitDependsOn.has(g));
                for (const child of ["isolation", "quota", "limits", "lockdown", "pod-security", "sources"])
                    assert.ok(get(resources, `${g}-${child}`).dependsOn.has(`tenant-${t.name}-namespace`), child);
            }
            for (const s of config.syncs) {
                for (const part of ["source", "kustomization"])
                    assert.ok(
                        get(resources, `sync-${s.tenant}/${s.name}-${part}`).explicitDependsOn.has(
                            `tenant-${s.tenant}-guardrails`,
                        ),
                    );
            }
        });

        it("passes the instance the cluster type of its source and turns multi-tenancy on", () => {
            const values = get(resources, "flux-instance").inputs.values;
            assert.deepEqual(values.instance.cluster, {
                type: stack === "eks" ? "aws" : "kubernetes",
                multitenant: true,
            });
            assert.deepEqual(get(resources, "flux-operator").inputs.values, {
                multitenancy: { enabled: true },
                web: { enabled: false },
            });
        });

        it("exports cluster name, Flux namespace, each tenant's namespace and syncs, a secret kubeconfig", async () => {
            const tenants = Object.fromEntries(
                await Promise.all(
                    Object.entries(outputs.tenants).map(async ([name, t]) => [
                        name,
                        { namespace: await promiseOf(t.namespace), syncs: t.syncs },
                    ]),
                ),
            );
            assert.deepEqual(
                {
                    clusterName: await promiseOf(outputs.clusterName),
                    fluxNamespace: await promiseOf(outputs.fluxNamespace),
                    tenants,
                },
                OUTPUTS[stack as keyof typeof OUTPUTS],
            );
            assert.equal(await pulumi.isSecret(outputs.kubeconfig), true);
        });
    });
}

describe("stack lab: the lab's own servers, processes and waits", async () => {
    const { buildUnderMocks, get, stackConfig } = await program;
    const { resources, outputs } = await buildUnderMocks(stackConfig("lab"));

    it("exports where to clone from and push to, the registry, the kubeconfig's path", async () => {
        const lab = outputs.lab!;
        assert.deepEqual(
            {
                dir: lab.dir,
                kubeconfigPath: lab.kubeconfigPath,
                gitUrl: await promiseOf(lab.gitUrl),
                registry: await promiseOf(lab.registry),
                repositories: {
                    "flux-dev": await promiseOf(lab.repositories["flux-dev"]),
                    "flux-stage-prod": await promiseOf(lab.repositories["flux-stage-prod"]),
                },
            },
            {
                dir: path.join(PROJECT_DIR, ".lab", "lab"),
                kubeconfigPath: path.join(PROJECT_DIR, ".lab", "lab", "kubeconfig"),
                gitUrl: "http://127.0.0.1:41000",
                registry: "127.0.0.1:42000",
                repositories: {
                    "flux-dev": "http://127.0.0.1:41000/flux-dev",
                    "flux-stage-prod": "http://127.0.0.1:41000/flux-stage-prod",
                },
            },
        );
    });

    it("makes the lab from the stack's config: its name, directory, binaries and the demo's repositories", () => {
        const lab = get(resources, "cluster-lab").inputs;
        assert.equal(lab.name, "lab");
        assert.equal(lab.dir, path.join(PROJECT_DIR, ".lab", "lab"));
        assert.equal(lab.fluxNamespace, "flux-system");
        assert.deepEqual(lab.repositories, {
            "flux-dev": path.join(PROJECT_DIR, "lab", "demo", "flux-dev"),
            "flux-stage-prod": path.join(PROJECT_DIR, "lab", "demo", "flux-stage-prod"),
        });
        assert.deepEqual(lab.artifacts, {
            "kcheck/kcheck-dev:latest": path.join(PROJECT_DIR, "lab", "demo", "kcheck-dev"),
        });
        assert.equal(lab.cli, path.join(PROJECT_DIR, "lab", "cli.ts"));
    });

    it("lets each tenant add sources under the owners of its own syncs, lab:// URLs resolved", () => {
        const prefixes = (ns: string) =>
            get(resources, `tenant-${ns}-guardrails-sources`).inputs.spec.variables.find(
                (v: any) => v.name === "prefixes",
            ).expression;
        // A repository at the server's root has no owner segment: the server itself is the prefix.
        assert.equal(prefixes("fluxdemo-dev"), '["http://127.0.0.1:41000", "oci://127.0.0.1:42000/kcheck"]');
        assert.equal(prefixes("fluxdemo-prod"), '["http://127.0.0.1:41000"]');
    });

    it("points lab:// URLs at the lab's Git server and registry", () => {
        assert.equal(
            get(resources, "sync-fluxdemo-dev/flux-dev-source").inputs.spec.url,
            "http://127.0.0.1:41000/flux-dev",
        );
        assert.equal(
            get(resources, "sync-fluxdemo-prod/flux-stage-prod-source").inputs.spec.url,
            "http://127.0.0.1:41000/flux-stage-prod",
        );
        assert.equal(
            get(resources, "sync-fluxdemo-dev/oci-dev-source").inputs.spec.url,
            "oci://127.0.0.1:42000/kcheck/kcheck-dev",
        );
        // The source waits for the lab (its URL comes from it) as well as for the instance.
        assert.ok(get(resources, "sync-fluxdemo-dev/flux-dev-source").dependsOn.has("cluster-lab"));
    });

    it("makes up wait until each sync is Ready, within the timeout", () => {
        for (const name of [
            "sync-fluxdemo-dev/flux-dev",
            "sync-fluxdemo-dev/oci-dev",
            "sync-fluxdemo-prod/flux-stage-prod",
        ]) {
            assert.deepEqual(get(resources, `${name}-kustomization`).inputs.metadata.annotations, {
                "pulumi.com/deletionPropagationPolicy": "background",
                "pulumi.com/waitFor": "condition=Ready",
                "pulumi.com/timeoutSeconds": "300",
                "fluxstack.dev/owner": "fluxstack/test",
            });
        }
    });

    it("asks the FluxInstance for the controllers the lab runs, from the operator's embedded manifests", () => {
        const { instance } = get(resources, "flux-instance").inputs.values;
        assert.deepEqual(instance.components, ["source-controller", "kustomize-controller"]);
        assert.equal(instance.distribution.artifact, "");
    });
});

describe("the tenant guard: what makes a whole-stack destroy ask first", async () => {
    const { buildUnderMocks, get, stackConfig } = await program;
    const guard = async (stack: string, extra: Record<string, string> = {}) =>
        get((await buildUnderMocks(stackConfig(stack, extra))).resources, "fluxstack-tenant-guard");

    it("is protected, listing the protected tenants, on a cluster the stack keeps", async () => {
        const g = await guard("dev");
        assert.equal(g.protect, true);
        assert.deepEqual(g.inputs.data, { protectedTenants: "fluxdemo-dev" });
        assert.equal((await guard("eks")).protect, true);
    });

    it("is not protected on a throwaway cluster, nor once the deletion of every tenant is confirmed", async () => {
        assert.equal((await guard("kind")).protect, false);
        assert.equal((await guard("lab")).protect, false);
        assert.equal((await guard("dev", { "fluxstack:confirmTenantDeletion": JSON.stringify(["*"]) })).protect, false);
    });
});

describe("stack dev: exact inputs", async () => {
    const { buildUnderMocks, get, stackConfig } = await program;
    const { resources } = await buildUnderMocks(stackConfig("dev"));

    it("installs the operator from the pinned OCI chart into flux-system", () => {
        assert.deepEqual(get(resources, "flux-operator").inputs, DEFAULT_RELEASES.operator);
    });

    it("installs the instance named flux with the demo's settings", () => {
        assert.deepEqual(get(resources, "flux-instance").inputs, DEFAULT_RELEASES.instance);
    });

    it("makes the tenant's namespace, account and least-privilege binding", () => {
        const labels = { "toolkit.fluxcd.io/tenant": "fluxdemo-dev" };
        assert.deepEqual(get(resources, "tenant-fluxdemo-dev-namespace").inputs, {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: {
                name: "fluxdemo-dev",
                // Pod Security Admission: enforce baseline, warn and audit restricted (the guardrail's defaults).
                labels: {
                    ...labels,
                    "pod-security.kubernetes.io/enforce": "baseline",
                    "pod-security.kubernetes.io/enforce-version": "latest",
                    "pod-security.kubernetes.io/warn": "restricted",
                    "pod-security.kubernetes.io/warn-version": "latest",
                    "pod-security.kubernetes.io/audit": "restricted",
                    "pod-security.kubernetes.io/audit-version": "latest",
                },
                annotations: OWNER,
            },
        });
        assert.deepEqual(get(resources, "tenant-fluxdemo-dev-service-account").inputs, {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: "fluxdemo-dev", namespace: "fluxdemo-dev", labels, annotations: OWNER },
        });
        assert.deepEqual(get(resources, "tenant-fluxdemo-dev-role-binding").inputs, {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: "fluxdemo-dev-reconciler", namespace: "fluxdemo-dev", labels, annotations: OWNER },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
            subjects: [
                { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "gotk:fluxdemo-dev:reconciler" },
                { kind: "ServiceAccount", name: "fluxdemo-dev", namespace: "fluxdemo-dev" },
            ],
        });
        assert.equal(resources.has("tenant-fluxdemo-dev-token"), false, "no long-lived token unless asked");
    });

    it("syncs scenario 1 from its Git repository", () => {
        assert.deepEqual(get(resources, "sync-fluxdemo-dev/flux-dev-source").inputs, {
            apiVersion: "source.toolkit.fluxcd.io/v1",
            kind: "GitRepository",
            // Deleted in the background: no foregroundDeletion finalizer for Flux to trip over.
            metadata: {
                name: "flux-dev",
                namespace: "fluxdemo-dev",
                annotations: { "pulumi.com/deletionPropagationPolicy": "background", ...OWNER },
            },
            spec: { interval: "1m0s", ref: { branch: "main" }, url: "https://github.com/wolcn/flux-dev" },
        });
        assert.deepEqual(get(resources, "sync-fluxdemo-dev/flux-dev-kustomization").inputs, {
            apiVersion: "kustomize.toolkit.fluxcd.io/v1",
            kind: "Kustomization",
            // No waitFor on the dev stack: up ends when the objects exist (flux.waitForSyncs is off by default).
            metadata: {
                name: "flux-dev",
                namespace: "fluxdemo-dev",
                annotations: { "pulumi.com/deletionPropagationPolicy": "background", ...OWNER },
            },
            spec: {
                interval: "30m0s",
                path: "./dev",
                prune: true,
                serviceAccountName: "fluxdemo-dev",
                sourceRef: { kind: "GitRepository", name: "flux-dev" },
            },
        });
    });

    it("lets mesh probes reach flux-system before the operator starts", () => {
        assert.deepEqual(get(resources, "flux-probe-policy").inputs.spec, {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [
                        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "flux-system" } } },
                        { ipBlock: { cidr: "169.254.0.0/16" } },
                        { ipBlock: { cidr: "fd16:9254:7127:1337:ffff::/80" } },
                    ],
                    ports: [15008, 9440, 9090, 8081].map((port) => ({ port, protocol: "TCP" })),
                },
            ],
        });
    });
});

describe("options that change the shape", async () => {
    const { buildUnderMocks, get, stackConfig } = await program;

    it("drops the probe policy when disabled, and the operator then waits for nothing", async () => {
        const { resources } = await buildUnderMocks(
            stackConfig("dev", { "fluxstack:flux": JSON.stringify({ probePolicy: { enabled: false } }) }),
        );
        assert.equal(resources.has("flux-probe-policy"), false);
        assert.deepEqual([...get(resources, "flux-operator").explicitDependsOn], []);
    });

    it("installs from local chart directories without a version", async () => {
        const flux = { charts: { source: "local", directory: "../shared/reference/charts" } };
        const { resources } = await buildUnderMocks(stackConfig("dev", { "fluxstack:flux": JSON.stringify(flux) }));
        const operator = get(resources, "flux-operator").inputs;
        assert.match(operator.chart, /\/shared\/reference\/charts\/flux-operator$/);
        assert.equal(operator.version, undefined);
    });

    it("gives a tenant the owner of its sync URLs as its allowed sources, unless told otherwise", async () => {
        const prefixes = async (overrides: Record<string, string>) => {
            const { resources } = await buildUnderMocks(stackConfig("dev", overrides));
            return get(resources, "tenant-fluxdemo-dev-guardrails-sources").inputs.spec.variables[1].expression;
        };
        assert.equal(await prefixes({}), '["https://github.com/wolcn"]');
        const own = [
            { name: "fluxdemo-dev", guardrails: { sources: { allowedPrefixes: ["https://gitlab.com/team/"] } } },
        ];
        assert.equal(await prefixes({ "fluxstack:tenants": JSON.stringify(own) }), '["https://gitlab.com/team"]');
    });

    it("makes no object of a guardrail that is off, for one tenant or for all", async () => {
        const tenants = [
            { name: "fluxdemo-dev", guardrails: { lockdown: { enabled: false }, isolation: { enabled: false } } },
        ];
        const { resources } = await buildUnderMocks(
            stackConfig("dev", { "fluxstack:tenants": JSON.stringify(tenants) }),
        );
        const names = [...resources.keys()].filter((n) => n.startsWith("tenant-fluxdemo-dev-guardrails-"));
        assert.deepEqual(names, [
            "tenant-fluxdemo-dev-guardrails-quota",
            "tenant-fluxdemo-dev-guardrails-limits",
            "tenant-fluxdemo-dev-guardrails-pod-security",
            "tenant-fluxdemo-dev-guardrails-pod-security-binding",
            "tenant-fluxdemo-dev-guardrails-sources",
            "tenant-fluxdemo-dev-guardrails-sources-binding",
        ]);
        const none = Object.fromEntries(
            ["isolation", "lockdown", "quota", "podSecurity", "sources"].map((g) => [g, { enabled: false }]),
        );
        const bare = await buildUnderMocks(stackConfig("dev", { "fluxstack:guardrails": JSON.stringify(none) }));
        assert.equal(bare.resources.has("tenant-fluxdemo-dev-guardrails"), false);
        assert.deepEqual(
            [...get(bare.resources, "tenant-fluxdemo-dev-role-binding").explicitDependsOn],
            ["tenant-fluxdemo-dev-service-account"],
        );
        assert.deepEqual(get(bare.resources, "tenant-fluxdemo-dev-namespace").inputs.metadata.labels, {
            "toolkit.fluxcd.io/tenant": "fluxdemo-dev",
        });
    });

    it("serves the web UI only when asked, behind its own policy that admits the named namespaces alone", async () => {
        const flux = { operator: { web: { enabled: true, allowFrom: ["ingress-nginx"] } } };
        const { resources } = await buildUnderMocks(stackConfig("dev", { "fluxstack:flux": JSON.stringify(flux) }));
        assert.deepEqual(get(resources, "flux-operator").inputs.values, {
            multitenancy: { enabled: true },
            web: { enabled: true, networkPolicy: { create: false } },
        });
        assert.deepEqual(get(resources, "flux-web-policy").inputs, {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "flux-operator-web-ui", namespace: "flux-system", annotations: OWNER },
            spec: {
                podSelector: {
                    matchLabels: {
                        "app.kubernetes.io/name": "flux-operator",
                        "app.kubernetes.io/instance": "flux-operator",
                    },
                },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [
                            {
                                namespaceSelector: {
                                    matchExpressions: [
                                        {
                                            key: "kubernetes.io/metadata.name",
                                            operator: "In",
                                            values: ["ingress-nginx"],
                                        },
                                    ],
                                },
                            },
                        ],
                        ports: [{ port: 9080, protocol: "TCP" }],
                    },
                ],
            },
        });
        assert.ok(
            get(resources, "flux-operator").explicitDependsOn.has("flux-web-policy"),
            "never served before it holds",
        );
    });

    it("makes the token Secret only when a tenant asks for one", async () => {
        const tenants = [{ name: "fluxdemo-dev", tokenSecretName: "dev" }];
        const { resources } = await buildUnderMocks(
            stackConfig("dev", { "fluxstack:tenants": JSON.stringify(tenants) }),
        );
        const token = get(resources, "tenant-fluxdemo-dev-token");
        assert.equal(token.inputs.type, "kubernetes.io/service-account-token");
        assert.ok(token.explicitDependsOn.has("tenant-fluxdemo-dev-service-account"));
        // The lockdown policy keeps the tenant from changing or deleting it.
        const rules = get(resources, "tenant-fluxdemo-dev-guardrails-lockdown").inputs.spec.matchConstraints
            .resourceRules;
        assert.deepEqual(rules.find((r: any) => r.resources[0] === "secrets").resourceNames, ["dev"]);
    });
});
