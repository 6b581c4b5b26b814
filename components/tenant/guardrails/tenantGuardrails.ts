import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ClusterScope, inCluster } from "../../shared";
import type { Manifest } from "../tenantManifests";
import type { TenantIdentities } from "./admissionPolicy";
import { type ProgramObjects, lockdownPolicy } from "./lockdownPolicy";
import { ISOLATION_POLICY_NAME, type IsolationOptions, isolationPolicySpec } from "./networkIsolation";
import { DEFAULT_POD_SECURITY, type PodSecurityOptions, podSecurityPolicy } from "./podSecurity";
import { LIMIT_RANGE_NAME, limitRangeSpec, QUOTA_NAME, type QuotaOptions, quotaSpec } from "./resourceQuota";
import { type SourcesOptions, sourcePolicy } from "./sourcePolicy";

/** The provider's annotation for a server-side apply that takes over fields another field manager holds. */
const PATCH_FORCE = "pulumi.com/patchForce";

/** A tenant's guardrails: each one given is on, each one left out is off. */
export interface GuardrailsOptions {
    /** A NetworkPolicy admitting ingress from the namespace itself and `allowFrom` only. Default off. */
    isolation?: IsolationOptions;
    /**
     * A ValidatingAdmissionPolicy keeping the tenant's identities from NetworkPolicies, quotas, limit ranges, their
     * namespace, the program's own objects there, and RoleBindings to anyone else. Default off.
     */
    lockdown?: Record<string, never>;
    /** A ResourceQuota and a LimitRange with container defaults. Default off. */
    quota?: QuotaOptions;
    /** Pod Security Admission labels on the namespace (set by Tenant) and a policy for workloads. Default off. */
    podSecurity?: PodSecurityOptions;
    /** A ValidatingAdmissionPolicy restricting the URLs of the tenant's Flux sources. Default off. */
    sources?: SourcesOptions;
}

export interface TenantGuardrailsArgs extends GuardrailsOptions {
    /** The cluster: its provider, and what in-cluster objects are deleted with. Required. */
    cluster: ClusterScope;
    /** The tenant's name: label `toolkit.fluxcd.io/tenant` on the cluster-wide policies. Required. */
    tenant: string;
    /**
     * The tenant's namespace, as the Namespace resource's output: the guardrails follow it (and, on destroy, go
     * before it). Required.
     */
    namespace: pulumi.Output<string>;
    /** The users and groups the tenant's RoleBinding names; every service account of the namespace counts. Required. */
    identities: TenantIdentities;
    /** The program's objects in the namespace that the lockdown policy keeps from the tenant. Default none. */
    programObjects?: ProgramObjects;
}

/** A ValidatingAdmissionPolicy and its binding. */
export interface PolicyPair {
    policy: k8s.admissionregistration.v1.ValidatingAdmissionPolicy;
    binding: k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
}

/**
 * The guardrails of one tenant, enforced by the API server itself: nothing to install, nothing that can be down.
 * The namespaced ones live in the tenant's namespace (and go with it); the admission policies are cluster-wide
 * objects bound to that namespace and to the tenant's identities only, so the program and the cluster's own
 * controllers are never held by them.
 */
export class TenantGuardrails extends pulumi.ComponentResource {
    public readonly isolationPolicy?: k8s.networking.v1.NetworkPolicy;
    public readonly quota?: k8s.core.v1.ResourceQuota;
    public readonly limitRange?: k8s.core.v1.LimitRange;
    public readonly lockdown?: PolicyPair;
    public readonly podSecurity?: PolicyPair;
    public readonly sources?: PolicyPair;

    constructor(name: string, args: TenantGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:tenant:TenantGuardrails", name, {}, opts);
        const { cluster, namespace, identities } = args;
        const labels = { "toolkit.fluxcd.io/tenant": args.tenant };
        const child = inCluster(cluster, this);

        if (args.isolation) {
            this.isolationPolicy = new k8s.networking.v1.NetworkPolicy(
                `${name}-isolation`,
                {
                    metadata: { name: ISOLATION_POLICY_NAME, namespace, labels },
                    spec: isolationPolicySpec(args.isolation.allowFrom),
                },
                child,
            );
        }
        if (args.quota) {
            this.quota = new k8s.core.v1.ResourceQuota(
                `${name}-quota`,
                { metadata: { name: QUOTA_NAME, namespace, labels }, spec: quotaSpec(args.quota) },
                child,
            );
            this.limitRange = new k8s.core.v1.LimitRange(
                `${name}-limits`,
                { metadata: { name: LIMIT_RANGE_NAME, namespace, labels }, spec: limitRangeSpec(args.quota) },
                child,
            );
        }

        // The policies name the namespace in their CEL and selectors: each is rendered once the namespace exists.
        const pair = (key: string, rendered: pulumi.Output<{ policy: Manifest; binding: Manifest }>): PolicyPair => {
            const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
                `${name}-${key}`,
                {
                    // Forced apply: the API server stores matchConstraints whole, with its defaults filled in, so
                    // a run that finds the policy already there (made by a run killed before it could record it)
                    // would otherwise conflict with that run's field manager, even on the very same spec.
                    metadata: rendered.apply((r) => ({
                        ...r.policy.metadata,
                        annotations: { ...r.policy.metadata.annotations, [PATCH_FORCE]: "true" },
                    })),
                    spec: rendered.apply(
                        (r) => r.policy.spec as k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicySpec,
                    ),
                },
                child,
            );
            const binding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
                `${name}-${key}-binding`,
                {
                    metadata: rendered.apply((r) => r.binding.metadata),
                    // Names the policy through its output: bound after it exists, unbound before it goes.
                    spec: { policyName: policy.metadata.name, validationActions: ["Deny"] },
                },
                child,
            );
            return { policy, binding };
        };
        if (args.lockdown) {
            const programObjects = args.programObjects ?? { serviceAccounts: [], roleBindings: [], secrets: [] };
            this.lockdown = pair(
                "lockdown",
                namespace.apply((ns) =>
                    lockdownPolicy({ tenant: args.tenant, namespace: ns, identities, programObjects }),
                ),
            );
        }
        const podSecurityLevel = args.podSecurity?.enforce ?? DEFAULT_POD_SECURITY.enforce;
        if (args.podSecurity && podSecurityLevel !== "privileged") {
            this.podSecurity = pair(
                "pod-security",
                namespace.apply((ns) =>
                    podSecurityPolicy({ tenant: args.tenant, namespace: ns, identities, level: podSecurityLevel })!,
                ),
            );
        }
        if (args.sources) {
            this.sources = pair(
                "sources",
                pulumi
                    .all([namespace, args.sources.allowedPrefixes])
                    .apply(([ns, allowedPrefixes]) =>
                        sourcePolicy({ tenant: args.tenant, namespace: ns, identities, allowedPrefixes }),
                    ),
            );
        }

        this.registerOutputs({
            isolationPolicy: this.isolationPolicy,
            quota: this.quota,
            limitRange: this.limitRange,
            lockdown: this.lockdown,
            podSecurity: this.podSecurity,
            sources: this.sources,
        });
    }
}
