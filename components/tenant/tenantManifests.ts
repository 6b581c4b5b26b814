/** The label Flux's multi-tenancy tooling puts on a tenant's objects. */
export const TENANT_LABEL = "toolkit.fluxcd.io/tenant";

/**
 * The ClusterRole a tenant's service account is bound to in its own namespace unless told otherwise. `edit` (built
 * in) can change a namespace's workloads but not its Roles or RoleBindings, so a tenant cannot widen its own rights.
 */
export const DEFAULT_TENANT_CLUSTER_ROLE = "edit";

/** A Kubernetes object as this program renders it: plain data, compared field by field in the tests. */
export interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: {
        name: string;
        namespace?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
    };
    [field: string]: unknown;
}

/** Who a tenant is: its name and, where not the defaults, its namespace, account, role and token. */
export interface TenantOptions {
    /** The tenant's name: label `toolkit.fluxcd.io/tenant` on its objects. Required. */
    name: string;
    /** Its namespace. Default the tenant's name. */
    namespace?: string;
    /** The service account its syncs run as. Default the tenant's name. */
    serviceAccount?: string;
    /** The ClusterRole bound in its namespace by `<name>-reconciler`. Default `edit`. */
    clusterRole?: string;
    /** When set, a long-lived service-account token Secret of this name (the demo's). Default none. */
    tokenSecretName?: string;
}

/** A tenant with every default resolved. */
export type TenantSpec = Required<Omit<TenantOptions, "tokenSecretName">> & Pick<TenantOptions, "tokenSecretName">;

export function resolveTenant(tenant: TenantOptions): TenantSpec {
    return {
        name: tenant.name,
        namespace: tenant.namespace ?? tenant.name,
        serviceAccount: tenant.serviceAccount ?? tenant.name,
        clusterRole: tenant.clusterRole ?? DEFAULT_TENANT_CLUSTER_ROLE,
        tokenSecretName: tenant.tokenSecretName,
    };
}

/**
 * The objects of one tenant, as the demo's `1_tenant.yaml` has them (with the bound role configurable);
 * `namespaceLabels` are added to the namespace's own (the Pod Security labels of its guardrails).
 */
export function tenantManifests(
    options: TenantOptions,
    namespaceLabels: Readonly<Record<string, string>> = {},
): {
    namespace: Manifest;
    serviceAccount: Manifest;
    roleBinding: Manifest;
    tokenSecret?: Manifest;
} {
    const tenant = resolveTenant(options);
    const labels = { [TENANT_LABEL]: tenant.name };
    return {
        namespace: {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: tenant.namespace, labels: { ...labels, ...namespaceLabels } },
        },
        serviceAccount: {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: tenant.serviceAccount, namespace: tenant.namespace, labels },
        },
        roleBinding: {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: `${tenant.name}-reconciler`, namespace: tenant.namespace, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: tenant.clusterRole },
            subjects: [
                // The user Flux impersonates for this tenant when no service account is named.
                { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: `gotk:${tenant.namespace}:reconciler` },
                { kind: "ServiceAccount", name: tenant.serviceAccount, namespace: tenant.namespace },
            ],
        },
        tokenSecret:
            tenant.tokenSecretName === undefined
                ? undefined
                : {
                      apiVersion: "v1",
                      kind: "Secret",
                      metadata: {
                          name: tenant.tokenSecretName,
                          namespace: tenant.namespace,
                          annotations: { "kubernetes.io/service-account.name": tenant.serviceAccount },
                      },
                      type: "kubernetes.io/service-account-token",
                  },
    };
}
