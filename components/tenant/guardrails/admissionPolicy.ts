import type { Manifest } from "../tenantManifests";

/** ValidatingAdmissionPolicy is GA since Kubernetes 1.30. */
export const ADMISSION_API_VERSION = "admissionregistration.k8s.io/v1";

/**
 * Who acts as a tenant: every service account of its namespace (Flux applies as one; `kubectl create token` hands
 * out one) and every user or group its RoleBinding names (Flux impersonates `gotk:<namespace>:reconciler`).
 */
export interface TenantIdentities {
    /** Users named by the tenant's RoleBinding, service accounts of other namespaces as their user names. */
    users: readonly string[];
    /** Groups named by the tenant's RoleBinding. */
    groups: readonly string[];
}

/** A RoleBinding subject, as rbac.authorization.k8s.io/v1 has it. */
export interface Subject {
    kind: string;
    name: string;
    namespace?: string;
}

/** The identities a RoleBinding in `namespace` grants its role to, beyond the namespace's own service accounts. */
export function identitiesOf(namespace: string, subjects: readonly Subject[]): TenantIdentities {
    const users = subjects.flatMap((s) => {
        if (s.kind === "User") return [s.name];
        const ns = s.namespace ?? namespace;
        return s.kind === "ServiceAccount" && ns !== namespace ? [`system:serviceaccount:${ns}:${s.name}`] : [];
    });
    const groups = subjects.filter((s) => s.kind === "Group").map((s) => s.name);
    return { users: [...new Set(users)], groups: [...new Set(groups)] };
}

/** A CEL string literal (JSON's escapes are CEL's). */
export function cel(value: string): string {
    return JSON.stringify(value);
}

/** A CEL list of string literals. */
export function celList(values: readonly string[]): string {
    return `[${values.map(cel).join(", ")}]`;
}

/** CEL, true when the request comes from one of the tenant's identities (the policies apply to them alone). */
export function tenantRequest(namespace: string, ids: TenantIdentities): string {
    const parts = [
        `request.userInfo.username.startsWith(${cel(`system:serviceaccount:${namespace}:`)})`,
        ...(ids.users.length > 0 ? [`request.userInfo.username in ${celList(ids.users)}`] : []),
        ...(ids.groups.length > 0
            ? [`request.userInfo.?groups.orValue([]).exists(g, g in ${celList(ids.groups)})`]
            : []),
    ];
    return parts.join(" || ");
}

/** One resource rule of a policy's matchConstraints. */
export interface ResourceRule {
    apiGroups: string[];
    apiVersions: string[];
    operations: ("CREATE" | "UPDATE" | "DELETE")[];
    resources: string[];
    /** Only these objects; never empty (an empty list would mean every object). */
    resourceNames?: string[];
}

/** One check: `expression` is true when the request may pass; `message` says why not. */
export interface Validation {
    expression: string;
    message?: string;
    messageExpression?: string;
    reason: "Forbidden";
}

/** What a tenant's policy is made of; `admissionPolicy` turns it into the policy and its binding. */
export interface TenantPolicy {
    /** The policy's (and its binding's) name, cluster-wide: `fluxstack-<guardrail>-<namespace>`. */
    name: string;
    /** The tenant's name: label `toolkit.fluxcd.io/tenant`. */
    tenant: string;
    namespace: string;
    rules: ResourceRule[];
    /** Apply to the tenant's identities only (so never to the program or the cluster's controllers). */
    identities: TenantIdentities;
    variables?: { name: string; expression: string }[];
    validations: Validation[];
}

/** The policy's name for a guardrail of the tenant in `namespace`. */
export function policyName(guardrail: string, namespace: string): string {
    return `fluxstack-${guardrail}-${namespace}`;
}

/**
 * A ValidatingAdmissionPolicy limited to one tenant's namespace and identities, and the binding that puts it in
 * force (Deny). The namespace selector also matches the Namespace object itself (by its own labels).
 */
export function admissionPolicy(p: TenantPolicy): { policy: Manifest; binding: Manifest } {
    const labels = { "toolkit.fluxcd.io/tenant": p.tenant };
    return {
        policy: {
            apiVersion: ADMISSION_API_VERSION,
            kind: "ValidatingAdmissionPolicy",
            metadata: { name: p.name, labels },
            spec: {
                failurePolicy: "Fail",
                matchConstraints: {
                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } },
                    resourceRules: p.rules,
                },
                matchConditions: [{ name: "tenant-identity", expression: tenantRequest(p.namespace, p.identities) }],
                ...(p.variables ? { variables: p.variables } : {}),
                validations: p.validations,
            },
        },
        binding: {
            apiVersion: ADMISSION_API_VERSION,
            kind: "ValidatingAdmissionPolicyBinding",
            metadata: { name: p.name, labels },
            spec: { policyName: p.name, validationActions: ["Deny"] },
        },
    };
}
