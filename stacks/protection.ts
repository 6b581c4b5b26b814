import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterScope } from "../components/shared";
import type { ConfigProblem, StackConfig } from "./config";

/** What the last run recorded of each tenant (the stack's `tenants` output). */
export type PreviousTenants = Record<string, { protected?: boolean }>;

/**
 * Protected tenants this change would delete without saying so. Removing a tenant deletes its namespace and
 * everything its apps keep there; on clusters the stack keeps, that takes a confirmation committed with the change
 * (`confirmTenantDeletion`), so it is a decision, not a deleted line.
 */
export function tenantDeletionProblems(config: StackConfig, previous: PreviousTenants): ConfigProblem[] {
    const kept = new Set(config.tenants.map((t) => t.name));
    const confirmed = new Set(config.confirmTenantDeletion);
    const unconfirmed = Object.entries(previous)
        .filter(([name, t]) => t.protected === true && !kept.has(name) && !confirmed.has(name) && !confirmed.has("*"))
        .map(([name]) => name)
        .sort();
    if (unconfirmed.length === 0) return [];
    const them = unconfirmed.length > 1 ? "them" : "it";
    return [
        {
            key: `${config.project}:tenants`,
            message:
                `this change deletes the protected tenant${unconfirmed.length > 1 ? "s" : ""} ${unconfirmed.join(", ")}: ` +
                `${unconfirmed.length > 1 ? "their namespaces" : "its namespace"} and everything in ${them} (volumes, Secrets). ` +
                `If that is meant, list ${them} in ${config.project}:confirmTenantDeletion in the same change; otherwise put ${them} back`,
        },
    ];
}

/** The tenants the stack's last run recorded, read from the stack itself (empty for a new stack). */
export async function previousTenants(): Promise<PreviousTenants> {
    const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
    const details = await self.getOutputDetails("tenants");
    return (details.value ?? details.secretValue ?? {}) as PreviousTenants;
}

/** The name of the guard object (and its Pulumi resource). */
export const GUARD_NAME = "fluxstack-tenant-guard";

/**
 * What makes a whole-stack `destroy` (which does not run the program) ask too: a ConfigMap in the Flux namespace
 * listing the protected tenants, protected in Pulumi while there is any and `confirmTenantDeletion` does not say
 * `"*"`. `pulumi destroy` then refuses before deleting anything; with the confirmation committed and an `up` run,
 * it goes ahead. Always there, so that it never has to be deleted while protected.
 */
export function tenantDeletionGuard(
    config: StackConfig,
    cluster: ClusterScope,
    fluxNamespace: k8s.core.v1.Namespace,
    opts: pulumi.CustomResourceOptions = {},
): k8s.core.v1.ConfigMap {
    const guarded = config.tenants.filter((t) => t.protect).map((t) => t.name);
    return new k8s.core.v1.ConfigMap(
        GUARD_NAME,
        {
            metadata: {
                name: GUARD_NAME,
                namespace: fluxNamespace.metadata.name,
                annotations: {
                    "fluxstack.dev/about":
                        "While this object is protected, destroying the stack needs fluxstack:confirmTenantDeletion: ['*'] and an up first.",
                },
            },
            data: { protectedTenants: guarded.join(",") },
        },
        {
            ...opts,
            provider: cluster.provider,
            deletedWith: cluster.deletedWith,
            protect: guarded.length > 0 && !config.confirmTenantDeletion.includes("*"),
        },
    );
}
