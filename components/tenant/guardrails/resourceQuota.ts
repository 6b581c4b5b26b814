import type * as k8s from "@pulumi/kubernetes";

/** The platform's quota and limit range in a tenant's namespace (kept from the tenant by the lockdown policy). */
export const QUOTA_NAME = "fluxstack-quota";
export const LIMIT_RANGE_NAME = "fluxstack-limits";

/**
 * What one tenant may use at most: CPU and memory (requests and limits), pods, and objects that cost money or
 * crowd the API server. No LoadBalancer or NodePort Services: each exposes the tenant past its NetworkPolicy and
 * a load balancer is billed. Quotas cap, they reserve nothing: their sum may exceed the cluster.
 */
export const DEFAULT_QUOTA_HARD: Readonly<Record<string, string>> = {
    "requests.cpu": "4",
    "requests.memory": "8Gi",
    "limits.cpu": "8",
    "limits.memory": "16Gi",
    pods: "40",
    services: "20",
    "services.loadbalancers": "0",
    "services.nodeports": "0",
    persistentvolumeclaims: "10",
    "requests.storage": "100Gi",
    secrets: "100",
    configmaps: "100",
};

/** What a container gets when it asks for nothing, so that it still counts against the quota. */
export const DEFAULT_CONTAINER_REQUEST: Readonly<{ cpu: string; memory: string }> = { cpu: "100m", memory: "128Mi" };
export const DEFAULT_CONTAINER_LIMIT: Readonly<{ cpu: string; memory: string }> = { cpu: "500m", memory: "512Mi" };

/** A ResourceQuota and a LimitRange with default requests and limits. */
export interface QuotaOptions {
    /** The ResourceQuota's `spec.hard`, Kubernetes quantities. Default `DEFAULT_QUOTA_HARD`. */
    hard?: Readonly<Record<string, string>>;
    /** A container's requests when it sets none. Default `{cpu: 100m, memory: 128Mi}`. */
    defaultRequest?: Readonly<{ cpu?: string; memory?: string }>;
    /** A container's limits when it sets none. Default `{cpu: 500m, memory: 512Mi}`. */
    defaultLimit?: Readonly<{ cpu?: string; memory?: string }>;
}

export function quotaSpec(options: QuotaOptions = {}): k8s.types.input.core.v1.ResourceQuotaSpec {
    return { hard: { ...(options.hard ?? DEFAULT_QUOTA_HARD) } };
}

/**
 * Container defaults: a quota on requests and limits refuses a pod that states none, so the defaults make such pods
 * count (and run) instead.
 */
export function limitRangeSpec(options: QuotaOptions = {}): k8s.types.input.core.v1.LimitRangeSpec {
    return {
        limits: [
            {
                type: "Container",
                defaultRequest: resources(DEFAULT_CONTAINER_REQUEST, options.defaultRequest),
                default: resources(DEFAULT_CONTAINER_LIMIT, options.defaultLimit),
            },
        ],
    };
}

function resources(
    defaults: Readonly<{ cpu: string; memory: string }>,
    given: Readonly<{ cpu?: string; memory?: string }> = {},
): { cpu: string; memory: string } {
    return { cpu: given.cpu ?? defaults.cpu, memory: given.memory ?? defaults.memory };
}
