import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ClusterScope, inCluster } from "../shared";
import { type GuardrailsOptions, identitiesOf, podSecurityLabels, type Subject, TenantGuardrails } from "./guardrails";
import { resolveTenant, type TenantOptions, type TenantSpec, tenantManifests } from "./tenantManifests";

export interface TenantArgs extends TenantOptions {
    /** The cluster the tenant lives on. Required. */
    cluster: ClusterScope;
    /** The Flux instance: tenants come after it, so that on destroy they are removed before it. Required. */
    fluxInstance: pulumi.Resource;
    /**
     * The tenant's guardrails (see TenantGuardrails): each one given is on. Its Pod Security levels also label the
     * namespace. Default none.
     */
    guardrails?: GuardrailsOptions;
    /**
     * The names of the other Secrets the program makes in the namespace (its credentials'): the lockdown keeps the
     * tenant from changing or deleting them, as it does the token. Default none.
     */
    programSecrets?: readonly string[];
}

/** One tenant: its namespace, the service account its syncs run as, that account's RoleBinding, optional token. */
export class Tenant extends pulumi.ComponentResource {
    /** The tenant's names with the defaults resolved, known before anything exists (a sync renders from them). */
    public readonly spec: TenantSpec;
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly serviceAccount: k8s.core.v1.ServiceAccount;
    public readonly roleBinding: k8s.rbac.v1.RoleBinding;
    public readonly tokenSecret?: k8s.core.v1.Secret;
    /** Its guardrails, when any is on: they exist before the tenant is granted its role. */
    public readonly guardrails?: TenantGuardrails;
    /** The namespace's name, known once it exists. */
    public readonly namespaceName: pulumi.Output<string>;

    constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:tenant:Tenant", name, {}, opts);
        const { cluster } = args;
        this.spec = resolveTenant(args);
        const guardrails = args.guardrails ?? {};
        const manifests = tenantManifests(
            this.spec,
            guardrails.podSecurity ? podSecurityLabels(guardrails.podSecurity) : {},
        );

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

        const { roleRef, subjects } = manifests.roleBinding as unknown as k8s.rbac.v1.RoleBindingArgs;
        if (Object.values(guardrails).some((g) => g !== undefined)) {
            this.guardrails = new TenantGuardrails(
                `${name}-guardrails`,
                {
                    ...guardrails,
                    cluster,
                    tenant: this.spec.name,
                    namespace: this.namespaceName,
                    identities: identitiesOf(this.spec.namespace, subjects as Subject[]),
                    programObjects: {
                        serviceAccounts: [this.spec.serviceAccount],
                        roleBindings: [manifests.roleBinding.metadata.name],
                        secrets: [
                            ...(manifests.tokenSecret ? [manifests.tokenSecret.metadata.name] : []),
                            ...(args.programSecrets ?? []),
                        ],
                    },
                },
                { parent: this },
            );
        }

        this.serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-service-account`,
            {
                metadata: inNamespace(manifests.serviceAccount.metadata),
            },
            inCluster(cluster, this),
        );

        this.roleBinding = new k8s.rbac.v1.RoleBinding(
            `${name}-role-binding`,
            {
                metadata: inNamespace(manifests.roleBinding.metadata),
                roleRef,
                subjects,
            },
            inCluster(cluster, this, {
                // Binds the account by name, so it must exist first (and be deleted after the binding). The tenant
                // gets its rights only once its guardrails hold, and loses them before they go.
                dependsOn: [this.serviceAccount, ...(this.guardrails ? [this.guardrails] : [])],
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

        this.registerOutputs({
            spec: this.spec,
            namespace: this.namespace,
            serviceAccount: this.serviceAccount,
            roleBinding: this.roleBinding,
            tokenSecret: this.tokenSecret,
            guardrails: this.guardrails,
            namespaceName: this.namespaceName,
        });
    }
}
