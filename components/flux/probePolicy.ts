import type * as k8s from "@pulumi/kubernetes";

/** The probe NetworkPolicy's name, as in the demo's network/allow-health-checks.yaml. */
export const PROBE_POLICY_NAME = "allow-health-checks";

/**
 * The spec of the policy that lets a mesh (Istio ztunnel on 15008) and the kubelet reach the Flux pods' probe
 * ports. Without it, under a mesh with network policies, the operator's probes fail and its release never gets
 * ready (see the demo README's "Important note").
 */
export function probePolicySpec(
    namespace: string,
    cidrs: readonly string[],
    ports: readonly number[],
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
