import {
    admissionPolicy,
    cel,
    celList,
    policyName,
    type ResourceRule,
    type TenantIdentities,
    type Validation,
} from "./admissionPolicy";
import type { Manifest } from "../tenantManifests";

/** The objects of the program in a tenant's namespace besides the guardrails' own, by kind. */
export interface ProgramObjects {
    serviceAccounts: readonly string[];
    roleBindings: readonly string[];
    secrets: readonly string[];
}

/**
 * Lockdown: the tenant's identities may not write NetworkPolicies (one allow-all policy of any name would undo
 * the isolation), ResourceQuotas or LimitRanges, their namespace (its Pod Security labels), or the program's own
 * objects there; and a RoleBinding they write may name only tenant identities, or anyone they named would act in
 * the namespace unchecked by these policies. RBAC already refuses most of this to `edit`; the policy covers
 * `admin` (RoleBindings) and `cluster-admin` (everything here) too, and any role the config names.
 */
export function lockdownPolicy(o: {
    tenant: string;
    namespace: string;
    identities: TenantIdentities;
    programObjects: ProgramObjects;
}): { policy: Manifest; binding: Manifest } {
    const ns = o.namespace;
    const all: ResourceRule["operations"] = ["CREATE", "UPDATE", "DELETE"];
    const named = (resources: string[], group: string, names: readonly string[]): ResourceRule[] =>
        names.length === 0
            ? []
            : [
                  {
                      apiGroups: [group],
                      apiVersions: ["*"],
                      operations: ["UPDATE", "DELETE"],
                      resources,
                      resourceNames: [...names],
                  },
              ];
    const rules: ResourceRule[] = [
        { apiGroups: ["networking.k8s.io"], apiVersions: ["*"], operations: all, resources: ["networkpolicies"] },
        {
            apiGroups: [""],
            apiVersions: ["*"],
            operations: all,
            resources: ["resourcequotas", "resourcequotas/status", "limitranges"],
        },
        {
            apiGroups: [""],
            apiVersions: ["*"],
            operations: ["UPDATE", "DELETE"],
            resources: ["namespaces", "namespaces/status", "namespaces/finalize"],
        },
        { apiGroups: ["rbac.authorization.k8s.io"], apiVersions: ["*"], operations: all, resources: ["rolebindings"] },
        ...named(["serviceaccounts"], "", o.programObjects.serviceAccounts),
        ...named(["secrets"], "", o.programObjects.secrets),
    ];
    const resource = (r: string) => `(request.resource.resource == ${cel(r)})`;
    const forbidden = (expression: string, message: string): Validation => ({
        expression,
        message,
        reason: "Forbidden",
    });
    // A subject that is one of the tenant's identities: a service account of the namespace (or all of them), or a
    // user or group the tenant's own RoleBinding names.
    const tenantSubject = [
        `(s.kind == 'ServiceAccount' && s.?namespace.orValue('') in ['', ${cel(ns)}])`,
        `(s.kind == 'User' && (s.name in ${celList(o.identities.users)} || s.name.startsWith(${cel(`system:serviceaccount:${ns}:`)})))`,
        `(s.kind == 'Group' && s.name in ${celList([...o.identities.groups, `system:serviceaccounts:${ns}`])})`,
    ].join(" || ");
    const validations: Validation[] = [
        forbidden(
            `!${resource("networkpolicies")}`,
            `the NetworkPolicies of namespace ${ns} are the platform's: a tenant may not create, change or delete one ` +
                "(one that admits all traffic would open the namespace); openings are asked for through the platform's config",
        ),
        forbidden(
            `!(${resource("resourcequotas")} || ${resource("limitranges")})`,
            `the ResourceQuota and LimitRange of namespace ${ns} are the platform's: a tenant may not create, change or delete them`,
        ),
        forbidden(
            `!${resource("namespaces")}`,
            `namespace ${ns} is the platform's: a tenant may not change it (its Pod Security labels) or delete it`,
        ),
        forbidden(
            `!(${resource("serviceaccounts")} || ${resource("secrets")} || (${resource("rolebindings")} && request.name in ${celList(o.programObjects.roleBindings)}))`,
            `the platform made this object in namespace ${ns} (the tenant's account, binding, token or credentials): a tenant may not change or delete it`,
        ),
        forbidden(
            `!${resource("rolebindings")} || request.operation == 'DELETE' || object.?subjects.orValue([]).all(s, ${tenantSubject})`,
            `a RoleBinding in namespace ${ns} may name only the tenant's own service accounts` +
                (o.identities.users.length + o.identities.groups.length > 0
                    ? ` and ${[...o.identities.users, ...o.identities.groups].join(", ")}`
                    : "") +
                ": anyone else would act in the namespace unchecked by the platform's policies",
        ),
    ];
    return admissionPolicy({
        name: policyName("lockdown", ns),
        tenant: o.tenant,
        namespace: ns,
        rules,
        identities: o.identities,
        validations,
    });
}
