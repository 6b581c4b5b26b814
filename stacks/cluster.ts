import { type Cluster, ExistingCluster, KindCluster, LabCluster } from "../components/cluster";
import type { StackConfig } from "./config";

/** Makes (or, for `existing`, adopts) the stack's cluster: the validated `cluster` config onto a component's args. */
export function createCluster(config: StackConfig): Cluster {
    const cluster = config.cluster;
    switch (cluster.source) {
        case "existing":
            return new ExistingCluster("cluster", {
                kubeconfigPath: cluster.kubeconfig,
                context: cluster.context,
            });
        case "kind":
            return new KindCluster("cluster", {
                name: cluster.name,
                nodeImage: cluster.nodeImage,
                controlPlanes: cluster.controlPlanes,
                workers: cluster.workers,
                extraPortMappings: cluster.extraPortMappings,
                kindBinary: cluster.kindBinary,
            });
        case "eks": {
            const { vpc, fluxIdentity } = cluster;
            const { EksCluster } = eksComponents();
            return new EksCluster("cluster", {
                name: cluster.name,
                region: cluster.region,
                kubernetesVersion: cluster.kubernetesVersion,
                // The schema lets existingVpcId and privateSubnetIds only come together.
                vpc:
                    vpc.existingVpcId !== undefined && vpc.privateSubnetIds !== undefined
                        ? {
                              existingVpcId: vpc.existingVpcId,
                              privateSubnetIds: vpc.privateSubnetIds,
                              publicSubnetIds: vpc.publicSubnetIds,
                          }
                        : { cidr: vpc.cidr, availabilityZones: vpc.availabilityZones },
                nodeGroup: cluster.nodeGroup,
                adminRoleArns: cluster.adminRoleArns,
                tags: cluster.tags,
                fluxIdentity: fluxIdentity.mode === "none" ? undefined : fluxIdentity,
                fluxNamespace: config.flux.namespace,
                // Someone relies on NetworkPolicy: a tenant's isolation or the web UI's policy.
                enforceNetworkPolicy:
                    config.tenants.some((t) => t.guardrails.isolation.enabled) || config.flux.operator.web.enabled,
            });
        }
        case "lab":
            return new LabCluster("cluster", {
                name: cluster.name,
                dir: cluster.dir,
                fluxNamespace: config.flux.namespace,
                bin: cluster.bin,
                ports: cluster.ports,
                repositories: cluster.repositories,
                artifacts: cluster.artifacts,
            });
        default: {
            const unreachable: never = cluster;
            throw new Error(`unknown cluster source ${JSON.stringify(unreachable)}`);
        }
    }
}

/**
 * The EKS components, loaded only when a stack asks for EKS: @pulumi/aws and @pulumi/eks take longer to load than
 * the rest of the program together, and no other cluster source needs them.
 */
function eksComponents(): typeof import("../components/cluster/eks") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("../components/cluster/eks") as typeof import("../components/cluster/eks");
}
