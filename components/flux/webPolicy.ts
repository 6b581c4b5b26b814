import type * as k8s from "@pulumi/kubernetes";

/** The NetworkPolicy that opens the Flux Operator's web UI (in place of the chart's, which opens it to all). */
export const WEB_POLICY_NAME = "flux-operator-web-ui";

/** The web UI's port in the operator's pod (the chart's `http-web`). */
export const WEB_PORT = 9080;

/** The Flux Operator's web UI (Flux Status): off unless asked for. */
export interface WebUiOptions {
    /** Serve the UI on port 9080 (chart value `web.enabled`). Default `false`. */
    enabled?: boolean;
    /** Namespaces whose pods may reach it (an ingress controller's); none means only the node. Default none. */
    allowFrom?: readonly string[];
}

/**
 * Ingress to the operator's web port from the `allowFrom` namespaces only. The chart's own policy admits every
 * namespace (`namespaceSelector: {}`), so the chart is told not to make it. The pods are the operator release's
 * (the chart's selector labels: its name and the release name).
 */
export function webPolicySpec(
    release: string,
    allowFrom: readonly string[] = [],
): k8s.types.input.networking.v1.NetworkPolicySpec {
    return {
        podSelector: {
            matchLabels: { "app.kubernetes.io/name": "flux-operator", "app.kubernetes.io/instance": release },
        },
        policyTypes: ["Ingress"],
        ingress:
            allowFrom.length === 0
                ? []
                : [
                      {
                          from: [
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
                          ],
                          ports: [{ port: WEB_PORT, protocol: "TCP" }],
                      },
                  ],
    };
}
