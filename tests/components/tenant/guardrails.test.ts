import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { installMocks, record } from "../../helpers/mocks";

installMocks();

const TENANT = "team-a";
const LABELS = { "toolkit.fluxcd.io/tenant": TENANT };
const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const IDENTITY = `request.userInfo.username.startsWith("system:serviceaccount:${TENANT}:") || request.userInfo.username in ["gotk:${TENANT}:reconciler"]`;

// A Tenant with every guardrail on, as another program would make it: exact inputs, names, edges.
describe("a Tenant's guardrails", async () => {
    const k8s = await import("@pulumi/kubernetes");
    const { FluxSync, Tenant } = await import("../../../components/tenant");
    const { POD_SECURITY_CHECKS } = await import("../../../components/tenant/guardrails");
    const resources = await record(() => {
        const provider = new k8s.Provider("lab", { kubeconfig: "unused" });
        const flux = new k8s.core.v1.Namespace("flux", {}, { provider });
        const cluster = { provider };
        const tenant = new Tenant("team", {
            name: TENANT,
            tokenSecretName: "team-token",
            cluster,
            fluxInstance: flux,
            guardrails: {
                isolation: { allowFrom: ["ingress-nginx", "monitoring"] },
                lockdown: {},
                quota: { hard: { pods: "10", "requests.cpu": "2" }, defaultRequest: { cpu: "50m" } },
                podSecurity: { enforce: "restricted", warn: "restricted", audit: "restricted" },
                sources: { allowedPrefixes: ["https://github.com/wolcn/", "oci://ghcr.io/wolcn"] },
            },
        });
        new FluxSync("team-apps", {
            name: "apps",
            source: { kind: "GitRepository", url: "https://github.com/wolcn/apps" },
            path: "./",
            tenant,
            cluster,
            fluxInstance: flux,
        });
    });
    const get = (name: string) => {
        const r = resources.get(name);
        assert.ok(r, `no ${name}; have ${[...resources.keys()].join(", ")}`);
        return r;
    };

    it("makes each guardrail under the tenant's guardrails component, on the cluster's provider", () => {
        const children = [...resources.values()].filter((r) => r.parent === "team-guardrails");
        assert.deepEqual(
            children.map((r) => [r.name, r.type, r.provider]),
            [
                ["team-guardrails-isolation", "kubernetes:networking.k8s.io/v1:NetworkPolicy", "lab"],
                ["team-guardrails-quota", "kubernetes:core/v1:ResourceQuota", "lab"],
                ["team-guardrails-limits", "kubernetes:core/v1:LimitRange", "lab"],
                ["team-guardrails-lockdown", VAP, "lab"],
                ["team-guardrails-lockdown-binding", `${VAP}Binding`, "lab"],
                ["team-guardrails-pod-security", VAP, "lab"],
                ["team-guardrails-pod-security-binding", `${VAP}Binding`, "lab"],
                ["team-guardrails-sources", VAP, "lab"],
                ["team-guardrails-sources-binding", `${VAP}Binding`, "lab"],
            ],
        );
        assert.equal(get("team-guardrails").parent, "team");
    });

    it("labels the namespace with the Pod Security levels", () => {
        assert.deepEqual(get("team-namespace").inputs.metadata.labels, {
            ...LABELS,
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": "latest",
        });
    });

    it("isolates the namespace: ingress from itself and the named namespaces only", () => {
        assert.deepEqual(get("team-guardrails-isolation").inputs, {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "fluxstack-isolation", namespace: TENANT, labels: LABELS },
            spec: {
                podSelector: {},
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [
                            { podSelector: {} },
                            {
                                namespaceSelector: {
                                    matchExpressions: [
                                        {
                                            key: "kubernetes.io/metadata.name",
                                            operator: "In",
                                            values: ["ingress-nginx", "monitoring"],
                                        },
                                    ],
                                },
                            },
                        ],
                    },
                ],
            },
        });
    });

    it("sets the quota as given and fills the container defaults it leaves out", () => {
        assert.deepEqual(get("team-guardrails-quota").inputs, {
            apiVersion: "v1",
            kind: "ResourceQuota",
            metadata: { name: "fluxstack-quota", namespace: TENANT, labels: LABELS },
            spec: { hard: { pods: "10", "requests.cpu": "2" } },
        });
        assert.deepEqual(get("team-guardrails-limits").inputs, {
            apiVersion: "v1",
            kind: "LimitRange",
            metadata: { name: "fluxstack-limits", namespace: TENANT, labels: LABELS },
            spec: {
                limits: [
                    {
                        type: "Container",
                        defaultRequest: { cpu: "50m", memory: "128Mi" },
                        default: { cpu: "500m", memory: "512Mi" },
                    },
                ],
            },
        });
    });

    it("locks the platform's objects away from the tenant's identities, and the tenant's RoleBindings to them", () => {
        const { inputs } = get("team-guardrails-lockdown");
        assert.deepEqual(inputs.metadata, {
            name: `fluxstack-lockdown-${TENANT}`,
            labels: LABELS,
            annotations: { "pulumi.com/patchForce": "true" },
        });
        const spec = inputs.spec;
        assert.equal(spec.failurePolicy, "Fail");
        assert.deepEqual(spec.matchConditions, [{ name: "tenant-identity", expression: IDENTITY }]);
        assert.deepEqual(spec.matchConstraints, {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": TENANT } },
            resourceRules: [
                {
                    apiGroups: ["networking.k8s.io"],
                    apiVersions: ["*"],
                    operations: ["CREATE", "UPDATE", "DELETE"],
                    resources: ["networkpolicies"],
                },
                {
                    apiGroups: [""],
                    apiVersions: ["*"],
                    operations: ["CREATE", "UPDATE", "DELETE"],
                    resources: ["resourcequotas", "resourcequotas/status", "limitranges"],
                },
                {
                    apiGroups: [""],
                    apiVersions: ["*"],
                    operations: ["UPDATE", "DELETE"],
                    resources: ["namespaces", "namespaces/status", "namespaces/finalize"],
                },
                {
                    apiGroups: ["rbac.authorization.k8s.io"],
                    apiVersions: ["*"],
                    operations: ["CREATE", "UPDATE", "DELETE"],
                    resources: ["rolebindings"],
                },
                {
                    apiGroups: [""],
                    apiVersions: ["*"],
                    operations: ["UPDATE", "DELETE"],
                    resources: ["serviceaccounts"],
                    resourceNames: [TENANT],
                },
                {
                    apiGroups: [""],
                    apiVersions: ["*"],
                    operations: ["UPDATE", "DELETE"],
                    resources: ["secrets"],
                    resourceNames: ["team-token"],
                },
            ],
        });
        assert.deepEqual(
            spec.validations.map((v: any) => [v.expression, v.reason]),
            [
                ['!(request.resource.resource == "networkpolicies")', "Forbidden"],
                [
                    '!((request.resource.resource == "resourcequotas") || (request.resource.resource == "limitranges"))',
                    "Forbidden",
                ],
                ['!(request.resource.resource == "namespaces")', "Forbidden"],
                [
                    '!((request.resource.resource == "serviceaccounts") || (request.resource.resource == "secrets") || ' +
                        `((request.resource.resource == "rolebindings") && request.name in ["${TENANT}-reconciler"]))`,
                    "Forbidden",
                ],
                [
                    `!(request.resource.resource == "rolebindings") || request.operation == 'DELETE' || ` +
                        "object.?subjects.orValue([]).all(s, " +
                        `(s.kind == 'ServiceAccount' && s.?namespace.orValue('') in ['', "${TENANT}"]) || ` +
                        `(s.kind == 'User' && (s.name in ["gotk:${TENANT}:reconciler"] || s.name.startsWith("system:serviceaccount:${TENANT}:"))) || ` +
                        `(s.kind == 'Group' && s.name in ["system:serviceaccounts:${TENANT}"]))`,
                    "Forbidden",
                ],
            ],
        );
        assert.match(spec.validations[0].message, /^the NetworkPolicies of namespace team-a are the platform's/);
    });

    it("applies each policy forced: one a killed run left unrecorded is taken over, not refused (faults.e2e 1c)", () => {
        for (const p of ["lockdown", "pod-security", "sources"]) {
            assert.equal(get(`team-guardrails-${p}`).inputs.metadata.annotations["pulumi.com/patchForce"], "true", p);
        }
    });

    it("binds each policy in Deny mode, after the policy exists", () => {
        for (const p of ["lockdown", "pod-security", "sources"]) {
            const binding = get(`team-guardrails-${p}-binding`);
            assert.deepEqual(binding.inputs, {
                apiVersion: "admissionregistration.k8s.io/v1",
                kind: "ValidatingAdmissionPolicyBinding",
                metadata: { name: `fluxstack-${p}-${TENANT}`, labels: LABELS },
                spec: { policyName: `fluxstack-${p}-${TENANT}`, validationActions: ["Deny"] },
            });
            assert.ok(binding.dependsOn.has(`team-guardrails-${p}`), `${p}: the binding names its policy's output`);
        }
    });

    it("checks the pod templates of every workload kind at the enforced level, restricted including baseline", () => {
        const spec = get("team-guardrails-pod-security").inputs.spec;
        assert.deepEqual(
            spec.matchConstraints.resourceRules.map((r: any) => [r.apiGroups[0], r.resources, r.operations]),
            [
                ["apps", ["deployments", "statefulsets", "daemonsets", "replicasets"], ["CREATE", "UPDATE"]],
                ["batch", ["jobs", "cronjobs"], ["CREATE", "UPDATE"]],
                ["", ["replicationcontrollers"], ["CREATE", "UPDATE"]],
            ],
        );
        assert.deepEqual(spec.matchConditions, [{ name: "tenant-identity", expression: IDENTITY }]);
        assert.deepEqual(
            spec.variables.map((v: any) => v.name),
            ["template", "spec", "annotations", "containers"],
        );
        assert.deepEqual(
            spec.validations.map((v: any) => v.expression),
            POD_SECURITY_CHECKS.map((c) => c.expression),
        );
        assert.equal(POD_SECURITY_CHECKS.filter((c) => c.level === "baseline").length, 12);
        assert.equal(
            spec.validations[2].message,
            'the pod template breaks Pod Security "restricted" of namespace team-a: privileged: containers must not set securityContext.privileged=true',
        );
    });

    it("allows sources under the given prefixes by whole segments, and keeps source status from the tenant", () => {
        const spec = get("team-guardrails-sources").inputs.spec;
        assert.deepEqual(spec.matchConstraints.resourceRules, [
            {
                apiGroups: ["source.toolkit.fluxcd.io"],
                apiVersions: ["*"],
                operations: ["CREATE", "UPDATE"],
                resources: ["gitrepositories", "ocirepositories", "helmrepositories", "buckets"],
            },
            {
                apiGroups: ["fluxcd.controlplane.io"],
                apiVersions: ["*"],
                operations: ["CREATE", "UPDATE"],
                resources: ["resourcesetinputproviders"],
            },
            {
                apiGroups: ["source.toolkit.fluxcd.io", "source.extensions.fluxcd.io"],
                apiVersions: ["*"],
                operations: ["UPDATE"],
                resources: ["*/status"],
            },
        ]);
        // Prefixes compare without their trailing slash; the policy adds the segment boundary.
        assert.deepEqual(spec.variables[1], {
            name: "prefixes",
            expression: '["https://github.com/wolcn", "oci://ghcr.io/wolcn"]',
        });
        assert.equal(
            spec.validations[2].expression,
            "variables.url == '' || variables.prefixes.exists(p, variables.url == p || variables.url.startsWith(p + '/'))",
        );
        assert.equal(
            spec.validations[2].messageExpression,
            '"source URL " + variables.url + " is not allowed for tenant team-a: allowed URLs are under https://github.com/wolcn, oci://ghcr.io/wolcn (whole path segments)"',
        );
    });

    it("grants the tenant its role only once its guardrails hold; its syncs come after them too", () => {
        assert.ok(get("team-role-binding").explicitDependsOn.has("team-guardrails"));
        assert.ok(!get("team-service-account").explicitDependsOn.has("team-guardrails"));
        for (const child of ["team-apps-source", "team-apps-kustomization"])
            assert.ok(get(child).explicitDependsOn.has("team-guardrails"), child);
        // Namespaced guardrails follow the namespace by data (and go before it on destroy); so do the policies,
        // which name it in their selectors.
        for (const child of ["isolation", "quota", "limits", "lockdown", "pod-security", "sources"])
            assert.ok(get(`team-guardrails-${child}`).dependsOn.has("team-namespace"), child);
    });
});

describe("guardrails left out, or at their weakest", async () => {
    const k8s = await import("@pulumi/kubernetes");
    const { Tenant } = await import("../../../components/tenant");
    const resources = await record(() => {
        const provider = new k8s.Provider("lab", { kubeconfig: "unused" });
        const flux = new k8s.core.v1.Namespace("flux", {}, { provider });
        new Tenant("plain", { name: "plain", cluster: { provider }, fluxInstance: flux });
        new Tenant("open", {
            name: "open",
            cluster: { provider },
            fluxInstance: flux,
            guardrails: { podSecurity: { enforce: "privileged" }, sources: { allowedPrefixes: [] } },
        });
    });

    it("a tenant without guardrails has none, and its namespace no Pod Security labels", () => {
        assert.deepEqual(
            [...resources.keys()].filter((n) => n.startsWith("plain")),
            ["plain", "plain-namespace", "plain-service-account", "plain-role-binding"],
        );
        assert.deepEqual(resources.get("plain-namespace")?.inputs.metadata.labels, labelsOf("plain"));
    });

    it("enforce: privileged labels the namespace and makes no workload policy; no prefixes admit no source", () => {
        assert.equal(
            resources.get("open-namespace")?.inputs.metadata.labels["pod-security.kubernetes.io/enforce"],
            "privileged",
        );
        assert.equal(resources.has("open-guardrails-pod-security"), false);
        assert.deepEqual(
            [...resources.keys()].filter((n) => n.startsWith("open-guardrails-")),
            ["open-guardrails-sources", "open-guardrails-sources-binding"],
        );
        const spec = resources.get("open-guardrails-sources")!.inputs.spec;
        assert.equal(spec.variables[1].expression, "[]");
        assert.match(spec.validations[2].messageExpression, /allowed URLs are none: the tenant may add no source/);
    });
});

function labelsOf(tenant: string): Record<string, string> {
    return { "toolkit.fluxcd.io/tenant": tenant };
}
