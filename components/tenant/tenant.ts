import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Tenant as TenantConfig } from "../../stacks/config";
import { type ClusterScope, inCluster } from "../cluster/clusterScope";
import { tenantManifests } from "./tenantManifests";

export interface TenantArgs {
    tenant: TenantConfig;
    cluster: ClusterScope;
    /** The Flux instance: tenants come after it, so that on destroy they are removed before it. */
    fluxInstance: pulumi.Resource;
}

/** One tenant: its namespace, the service account its syncs run as, that account's RoleBinding, optional token. */
export class Tenant extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly serviceAccount: k8s.core.v1.ServiceAccount;
    public readonly roleBinding: k8s.rbac.v1.RoleBinding;
    public readonly tokenSecret?: k8s.core.v1.Secret;
    public readonly namespaceName: pulumi.Output<string>;

    constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:tenant:Tenant", name, {}, opts);
        const { cluster } = args;
        const manifests = tenantManifests(args.tenant);

        this.namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: manifests.namespace.metadata,
            },
            inCluster(cluster, this, {
                // No data flows from Flux to a tenant; the edge is for teardown: tenants go before the instance.
                dependsOn: [args.fluxInstance],
            }),
        );
        this.namespaceName = this.namespace.metadata.name;
        const inNamespace = <T extends { namespace?: string }>(metadata: T) => ({
            ...metadata,
            namespace: this.namespaceName,
        });

        this.serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-service-account`,
            {
                metadata: inNamespace(manifests.serviceAccount.metadata),
            },
            inCluster(cluster, this),
        );

        const { roleRef, subjects } = manifests.roleBinding as unknown as k8s.rbac.v1.RoleBindingArgs;
        this.roleBinding = new k8s.rbac.v1.RoleBinding(
            `${name}-role-binding`,
            {
                metadata: inNamespace(manifests.roleBinding.metadata),
                roleRef,
                subjects,
            },
            inCluster(cluster, this, {
                // Binds the account by name, so it must exist first (and be deleted after the binding).
                dependsOn: [this.serviceAccount],
            }),
        );

        if (manifests.tokenSecret) {
            this.tokenSecret = new k8s.core.v1.Secret(
                `${name}-token`,
                {
                    metadata: inNamespace(manifests.tokenSecret.metadata),
                    type: manifests.tokenSecret.type as string,
                },
                inCluster(cluster, this, {
                    // The token controller fills the Secret only if the named account exists.
                    dependsOn: [this.serviceAccount],
                }),
            );
        }

        this.registerOutputs({ namespace: this.namespaceName });
    }
}
