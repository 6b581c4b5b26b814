import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../stacks/config";
import { type ClusterScope, inCluster } from "../cluster/clusterScope";
import { type FluxChart, chartRef } from "./chartRef";
import { instanceValues, type KustomizePatch, operatorValues } from "./helmValues";
import { PROBE_POLICY_NAME, probePolicySpec } from "./probePolicy";

/** The release names are fixed: the instance chart's health-check Job runs as the `flux-operator` account. */
export const OPERATOR_RELEASE = "flux-operator";
export const INSTANCE_RELEASE = "flux";

export interface FluxSystemArgs {
    /** The validated `flux` config. */
    flux: StackConfig["flux"];
    cluster: ClusterScope;
    /** Extra kustomize patches for the Flux controllers (workload identity on EKS). */
    patches?: pulumi.Input<KustomizePatch[]>;
    /** Folder that local chart directories are relative to; default the working directory. */
    projectDir?: string;
}

/**
 * The shared Flux tier: its namespace, the optional probe policy, the Flux Operator and the Flux instance,
 * created in that order (and destroyed in reverse).
 */
export class FluxSystem extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly probePolicy?: k8s.networking.v1.NetworkPolicy;
    public readonly operator: k8s.helm.v3.Release;
    public readonly instance: k8s.helm.v3.Release;
    /** The Flux namespace's name, known once it exists. */
    public readonly namespaceName: pulumi.Output<string>;

    constructor(name: string, args: FluxSystemArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:flux:FluxSystem", name, {}, opts);
        const { flux, cluster } = args;

        // Made here rather than by Helm (createNamespace) so that the probe policy can exist before any pod.
        this.namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: { name: flux.namespace },
            },
            inCluster(cluster, this),
        );
        this.namespaceName = this.namespace.metadata.name;

        if (flux.probePolicy.enabled) {
            this.probePolicy = new k8s.networking.v1.NetworkPolicy(
                `${name}-probe-policy`,
                {
                    metadata: { name: PROBE_POLICY_NAME, namespace: this.namespaceName },
                    spec: probePolicySpec(flux.namespace, flux.probePolicy.cidrs, flux.probePolicy.ports),
                },
                inCluster(cluster, this),
            );
        }

        const release = (
            child: string,
            releaseName: string,
            chart: FluxChart,
            values: pulumi.Input<Record<string, unknown>>,
            timeout: number,
            dependsOn: pulumi.Resource[],
        ) => {
            const ref = chartRef(flux.charts, chart, args.projectDir);
            return new k8s.helm.v3.Release(
                `${name}-${child}`,
                {
                    name: releaseName,
                    chart: ref.chart,
                    version: ref.version,
                    namespace: this.namespaceName,
                    createNamespace: false,
                    values,
                    timeout,
                },
                inCluster(cluster, this, { dependsOn }),
            );
        };

        // Under a mesh the operator's probes only pass once the policy exists; before it, the release would wait
        // until its timeout and fail.
        this.operator = release(
            "operator",
            OPERATOR_RELEASE,
            "flux-operator",
            operatorValues(flux),
            flux.operator.timeoutSeconds,
            this.probePolicy ? [this.probePolicy] : [],
        );

        // The FluxInstance CRD and the operator that reconciles it come from the operator release; on destroy the
        // operator must outlive the instance to run its finalizer and remove the controllers.
        this.instance = release(
            "instance",
            INSTANCE_RELEASE,
            "flux-instance",
            pulumi.output(args.patches ?? []).apply((patches) => instanceValues(flux, patches)),
            flux.instance.timeoutSeconds,
            [this.operator],
        );

        this.registerOutputs({ namespace: this.namespaceName });
    }
}
