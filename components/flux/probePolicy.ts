import type * as k8s from "@pulumi/kubernetes";

/** The probe NetworkPolicy's name, as in the demo's network/allow-health-checks.yaml. */
export const PROBE_POLICY_NAME = "allow-health-checks";

/** The demo's network/allow-health-checks.yaml: the mesh's link-local blocks and the probe ports. */
export const DEFAULT_PROBE_CIDRS = ["169.254.0.0/16", "fd16:9254:7127:1337:ffff::/80"] as const;
export const DEFAULT_PROBE_PORTS = [15008, 9440, 9090, 8081] as const;

/** The NetworkPolicy that lets a mesh and the kubelet reach the Flux pods' probe ports. */
export interface ProbePolicyOptions {
    /** Whether to make it. Default `true`. */
    enabled?: boolean;
    /** Address blocks allowed in. Default `169.254.0.0/16` and `fd16:9254:7127:1337:ffff::/80`. */
    cidrs?: readonly string[];
    /** Ports allowed (TCP). Default `15008, 9440, 9090, 8081`. */
    ports?: readonly number[];
}

/**
 * The spec of the policy that lets a mesh (Istio ztunnel on 15008) and the kubelet reach the Flux pods' probe
 * ports. Without it, under a mesh with network policies, the operator's probes fail and its release never gets
 * ready (see the demo README's "Important note").
 */
export function probePolicySpec(
    namespace: string,
    cidrs: readonly string[] = DEFAULT_PROBE_CIDRS,
    ports: readonly number[] = DEFAULT_PROBE_PORTS,
): k8s.types.input.networking.v1.NetworkPolicySpec {
    return {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [
            {
                from: [
                    { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } },
                    ...cidrs.map((cidr) => ({ ipBlock: { cidr } })),
                ],
                ports: ports.map((port) => ({ port, protocol: "TCP" })),
            },
        ],
    };
}
