import type { Tenant } from "../../stacks/config";

/** The label Flux's multi-tenancy tooling puts on a tenant's objects. */
export const TENANT_LABEL = "toolkit.fluxcd.io/tenant";

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

/** The objects of one tenant, as the demo's `1_tenant.yaml` has them (with the bound role configurable). */
export function tenantManifests(tenant: Tenant): {
    namespace: Manifest;
    serviceAccount: Manifest;
    roleBinding: Manifest;
    tokenSecret?: Manifest;
} {
    const labels = { [TENANT_LABEL]: tenant.name };
    return {
        namespace: { apiVersion: "v1", kind: "Namespace", metadata: { name: tenant.namespace, labels } },
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
