import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ClusterScope, DEFAULT_FLUX_NAMESPACE, inCluster, type KustomizePatch } from "../shared";
import { type ChartSource, chartRef, type FluxChart } from "./chartRef";
import {
    DEFAULT_RELEASE_TIMEOUT_SECONDS,
    type FluxInstanceOptions,
    type FluxOperatorOptions,
    instanceValues,
    operatorValues,
} from "./helmValues";
import { PROBE_POLICY_NAME, type ProbePolicyOptions, probePolicySpec } from "./probePolicy";
import { WEB_POLICY_NAME, webPolicySpec } from "./webPolicy";

/** The release names are fixed: the instance chart's health-check Job runs as the `flux-operator` account. */
export const OPERATOR_RELEASE = "flux-operator";
export const INSTANCE_RELEASE = "flux";

export interface FluxSystemArgs {
    /** The cluster to install into: its one provider, and what in-cluster objects are deleted with. Required. */
    cluster: ClusterScope;
    /** The namespace of the operator and the instance; this component makes it. Default `flux-system`. */
    namespace?: string;
    /** Where Helm finds the charts. Default `oci://ghcr.io/controlplaneio-fluxcd/charts` at `0.49.0`. */
    charts?: ChartSource;
    /** The folder a local `charts.directory` is relative to. Default the working directory. */
    projectDir?: string;
    /** The operator release. Default: each field's default. */
    operator?: FluxOperatorOptions;
    /** The instance release. Default: each field's default. */
    instance?: FluxInstanceOptions;
    /** The probe NetworkPolicy. Default: made, with the demo's blocks and ports. */
    probePolicy?: ProbePolicyOptions;
    /** Kustomize patches for the controllers (the IRSA role annotation); the instance waits for them. Default none. */
    patches?: pulumi.Input<KustomizePatch[]>;
}

/**
 * The shared Flux tier: its namespace, the optional probe policy (and the web UI's, when the UI is on), the Flux
 * Operator and the Flux instance, created in that order (and destroyed in reverse).
 */
export class FluxSystem extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly probePolicy?: k8s.networking.v1.NetworkPolicy;
    /** The web UI's NetworkPolicy, when the UI is on. */
    public readonly webPolicy?: k8s.networking.v1.NetworkPolicy;
    public readonly operator: k8s.helm.v3.Release;
    public readonly instance: k8s.helm.v3.Release;
    /** The Flux namespace's name, known once it exists. */
    public readonly namespaceName: pulumi.Output<string>;

    constructor(name: string, args: FluxSystemArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:flux:FluxSystem", name, {}, opts);
        const { cluster, operator = {}, instance = {}, probePolicy = {} } = args;
        const namespace = args.namespace ?? DEFAULT_FLUX_NAMESPACE;
        const charts: ChartSource = args.charts ?? { source: "oci" };

        // Made here rather than by Helm (createNamespace) so that the probe policy can exist before any pod.
        this.namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: namespace } },
            inCluster(cluster, this),
        );
        this.namespaceName = this.namespace.metadata.name;

        if (probePolicy.enabled ?? true) {
            this.probePolicy = new k8s.networking.v1.NetworkPolicy(
                `${name}-probe-policy`,
                {
                    metadata: { name: PROBE_POLICY_NAME, namespace: this.namespaceName },
                    spec: probePolicySpec(namespace, probePolicy.cidrs, probePolicy.ports),
                },
                inCluster(cluster, this),
            );
        }

        if (operator.web?.enabled) {
            this.webPolicy = new k8s.networking.v1.NetworkPolicy(
                `${name}-web-policy`,
                {
                    metadata: { name: WEB_POLICY_NAME, namespace: this.namespaceName },
                    spec: webPolicySpec(OPERATOR_RELEASE, operator.web.allowFrom),
                },
                inCluster(cluster, this),
            );
        }

        const release = (r: {
            child: string;
            releaseName: string;
            chart: FluxChart;
            values: pulumi.Input<Record<string, unknown>>;
            timeoutSeconds: number;
            dependsOn: pulumi.Resource[];
        }) => {
            const ref = chartRef(charts, r.chart, args.projectDir ?? process.cwd());
            return new k8s.helm.v3.Release(
                `${name}-${r.child}`,
                {
                    name: r.releaseName,
                    chart: ref.chart,
                    version: ref.version,
                    namespace: this.namespaceName,
                    createNamespace: false,
                    values: r.values,
                    timeout: r.timeoutSeconds,
                },
                inCluster(cluster, this, { dependsOn: r.dependsOn }),
            );
        };

        this.operator = release({
            child: "operator",
            releaseName: OPERATOR_RELEASE,
            chart: "flux-operator",
            values: operatorValues(operator),
            timeoutSeconds: operator.timeoutSeconds ?? DEFAULT_RELEASE_TIMEOUT_SECONDS,
            // Under a mesh the operator's probes only pass once the probe policy exists; before it, the release would
            // wait until its timeout and fail. The web UI is never served before its policy holds.
            dependsOn: [this.probePolicy, this.webPolicy].filter((p): p is k8s.networking.v1.NetworkPolicy => !!p),
        });

        this.instance = release({
            child: "instance",
            releaseName: INSTANCE_RELEASE,
            chart: "flux-instance",
            values: pulumi.output(args.patches ?? []).apply((patches) => instanceValues(instance, patches)),
            timeoutSeconds: instance.timeoutSeconds ?? DEFAULT_RELEASE_TIMEOUT_SECONDS,
            // The FluxInstance CRD and the operator that reconciles it come from the operator release; on destroy
            // the operator must outlive the instance to run its finalizer and remove the controllers.
            dependsOn: [this.operator],
        });

        this.registerOutputs({
            namespace: this.namespace,
            probePolicy: this.probePolicy,
            webPolicy: this.webPolicy,
            operator: this.operator,
            instance: this.instance,
            namespaceName: this.namespaceName,
        });
    }
}
