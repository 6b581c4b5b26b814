import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EksClusterConfig } from "../../stacks/config";
import type { KustomizePatch } from "../flux/helmValues";
import type { ClusterScope } from "./clusterScope";
import { arnName } from "./arnName";
import { EksVpc } from "./eksVpc";
import { FluxWorkloadIdentity } from "./fluxWorkloadIdentity";

export const EKS_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
export const NODE_POLICIES = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
] as const;

export interface EksClusterArgs {
    config: EksClusterConfig;
    /** The Flux namespace, for the controllers' workload identity. */
    fluxNamespace: string;
}

/** An EKS cluster (API authentication, access entries), its managed node group, VPC and Kubernetes provider. */
export class EksCluster extends pulumi.ComponentResource implements ClusterScope {
    public readonly cluster: eks.Cluster;
    public readonly nodeGroup: eks.ManagedNodeGroup;
    public readonly vpc?: EksVpc;
    public readonly provider: k8s.Provider;
    public readonly clusterName: pulumi.Output<string>;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly deletedWith: pulumi.Resource;
    /** Kustomize patches the FluxInstance needs for the controllers' AWS identity (IRSA), else empty. */
    public readonly fluxPatches: pulumi.Output<KustomizePatch[]>;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:cluster:EksCluster", name, {}, opts);
        const { config } = args;
        // One AWS provider for everything below, with the stack's region and tags: nothing uses ambient AWS config.
        const awsProvider = new aws.Provider(
            `${name}-aws`,
            { region: config.region, defaultTags: { tags: config.tags } },
            { parent: this },
        );
        const parent = { parent: this, providers: { aws: awsProvider } }; // for components
        const awsChild = { parent: this, provider: awsProvider }; // for resources

        let vpcId: pulumi.Input<string>;
        let privateSubnetIds: pulumi.Input<string>[];
        let publicSubnetIds: pulumi.Input<string>[] | undefined;
        if (config.vpc.existingVpcId !== undefined && config.vpc.privateSubnetIds !== undefined) {
            vpcId = config.vpc.existingVpcId;
            privateSubnetIds = config.vpc.privateSubnetIds;
            publicSubnetIds = config.vpc.publicSubnetIds;
        } else {
            this.vpc = new EksVpc(
                `${name}-network`,
                {
                    cidr: config.vpc.cidr,
                    availabilityZones: config.vpc.availabilityZones,
                    clusterName: config.name,
                    tags: config.tags,
                },
                parent,
            );
            vpcId = this.vpc.vpcId;
            privateSubnetIds = this.vpc.privateSubnetIds;
            publicSubnetIds = this.vpc.publicSubnetIds;
        }

        const nodeRole = new aws.iam.Role(
            `${name}-node-role`,
            {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
                    ],
                }),
            },
            awsChild,
        );
        const nodePolicies = NODE_POLICIES.map(
            (policyArn) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-node-${arnName(policyArn)}`,
                    { role: nodeRole.name, policyArn },
                    awsChild,
                ),
        );

        this.cluster = new eks.Cluster(
            `${name}-eks`,
            {
                name: config.name,
                version: config.kubernetesVersion,
                vpcId,
                privateSubnetIds,
                publicSubnetIds,
                nodeAssociatePublicIpAddress: false,
                skipDefaultNodeGroup: true,
                authenticationMode: eks.AuthenticationMode.Api,
                // Keyed by the role, not its place in the list: removing one admin leaves the others' entries alone.
                accessEntries: Object.fromEntries(
                    config.adminRoleArns.map((principalArn) => [
                        `admin-${arnName(principalArn)}`,
                        {
                            principalArn,
                            accessPolicies: {
                                admin: { policyArn: EKS_ADMIN_POLICY, accessScope: { type: "cluster" } },
                            },
                        },
                    ]),
                ),
                createOidcProvider: config.fluxIdentity.mode === "irsa",
                tags: config.tags,
            },
            { parent: this, providers: { aws: awsProvider } },
        );

        this.nodeGroup = new eks.ManagedNodeGroup(
            `${name}-nodes`,
            {
                cluster: this.cluster,
                nodeRole,
                subnetIds: privateSubnetIds,
                instanceTypes: config.nodeGroup.instanceTypes,
                diskSize: config.nodeGroup.diskSizeGiB,
                scalingConfig: {
                    minSize: config.nodeGroup.minSize,
                    desiredSize: config.nodeGroup.desiredSize,
                    maxSize: config.nodeGroup.maxSize,
                },
                tags: config.tags,
            },
            { parent: this, providers: { aws: awsProvider }, dependsOn: nodePolicies },
        ); // nodes join only with these policies

        if (config.fluxIdentity.mode !== "none") {
            const identity = new FluxWorkloadIdentity(
                `${name}-flux-identity`,
                {
                    identity: config.fluxIdentity,
                    cluster: this.cluster,
                    fluxNamespace: args.fluxNamespace,
                    tags: config.tags,
                },
                parent,
            );
            this.fluxPatches = identity.patches;
        } else {
            this.fluxPatches = pulumi.output([]);
        }

        this.deletedWith = this.cluster;
        this.clusterName = this.cluster.eksCluster.name;
        this.kubeconfig = pulumi.secret(this.cluster.kubeconfigJson);
        // Built from the cluster's kubeconfig output, not the eks package's generated provider.
        this.provider = new k8s.Provider(
            `${name}-provider`,
            { kubeconfig: this.kubeconfig },
            {
                parent: this,
                // Flux's pods need somewhere to run before the operator release can become ready.
                dependsOn: [this.nodeGroup],
            },
        );
        this.registerOutputs({ clusterName: this.clusterName });
    }
}
