import type * as k8s from "@pulumi/kubernetes";

/** The tenant namespace's NetworkPolicy: the platform's (the lockdown policy keeps the tenant from touching it). */
export const ISOLATION_POLICY_NAME = "fluxstack-isolation";

/** Network isolation between tenants: ingress from the namespace itself and the namespaces named here only. */
export interface IsolationOptions {
    /** Namespaces whose pods may reach the tenant's pods (an ingress controller's, monitoring's). Default none. */
    allowFrom?: readonly string[];
}

/**
 * Selects every pod of the namespace for ingress and admits traffic from pods of the same namespace and of the
 * `allowFrom` namespaces; anything else is dropped wherever the network plugin enforces NetworkPolicy. Egress is
 * left open (DNS, the API server, the sources the tenant deploys from). The kubelet's probes come from the node,
 * which NetworkPolicy always admits.
 */
export function isolationPolicySpec(
    allowFrom: readonly string[] = [],
): k8s.types.input.networking.v1.NetworkPolicySpec {
    return {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [
            {
                from: [
                    { podSelector: {} },
                    ...(allowFrom.length > 0
                        ? [
                              {
                                  namespaceSelector: {
                                      matchExpressions: [
                                          {
                                              key: "kubernetes.io/metadata.name",
                                              operator: "In",
                                              values: [...allowFrom],
                                          },
                                      ],
                                  },
                              },
                          ]
                        : []),
                ],
            },
        ],
    };
}
