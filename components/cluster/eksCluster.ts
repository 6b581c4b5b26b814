import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type KustomizePatch, PROVIDER_SETTINGS } from "../shared";
import { arnName } from "./arnName";
import type { Cluster } from "./cluster";
import { EksVpc } from "./eksVpc";
import { type FluxIdentityOptions, FluxWorkloadIdentity } from "./fluxWorkloadIdentity";

export const EKS_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
export const NODE_POLICIES = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
] as const;

/** A small managed node group, unless told otherwise. */
export const DEFAULT_NODE_GROUP = {
    instanceTypes: ["t3.medium"],
    minSize: 2,
    desiredSize: 2,
    maxSize: 3,
    diskSizeGiB: 20,
} as const;

/** A new VPC for the cluster (see EksVpc). */
export interface NewVpcOptions {
    /** The VPC's CIDR, a /16 or wider. Default `10.0.0.0/16`. */
    cidr?: string;
    /** Availability zones, two or more: a public and a private subnet in each. Default `2`. */
    availabilityZones?: number;
}

/** A VPC that exists already. */
export interface ExistingVpcOptions {
    /** The VPC's id. Required. */
    existingVpcId: string;
    /** Two or more subnets, in two or more zones, for the nodes. Required. */
    privateSubnetIds: readonly string[];
    /** Subnets for public load balancers. Default none. */
    publicSubnetIds?: readonly string[];
}

/** The managed node group, in the private subnets. */
export interface NodeGroupOptions {
    /** EC2 instance types for the nodes. Default `["t3.medium"]`. */
    instanceTypes?: readonly string[];
    /** The fewest nodes (minSize <= desiredSize <= maxSize). Default `2`. */
    minSize?: number;
    /** The nodes to start with. Default `2`. */
    desiredSize?: number;
    /** The most nodes. Default `3`. */
    maxSize?: number;
    /** Each node's disk, in GiB. Default `20`. */
    diskSizeGiB?: number;
}

export interface EksClusterArgs {
    /** The EKS cluster's name. Required. */
    name: string;
    /** The AWS region; everything here uses its own AWS provider there, never ambient AWS config. Required. */
    region: string;
    /** The Kubernetes minor version, pinned (`"1.34"`). Required. */
    kubernetesVersion: string;
    /** The network. Default a new VPC: `{cidr: 10.0.0.0/16, availabilityZones: 2}`. */
    vpc?: NewVpcOptions | ExistingVpcOptions;
    /** The managed node group. Default: each field's default (two t3.medium nodes, at most three). */
    nodeGroup?: NodeGroupOptions;
    /** IAM roles given cluster-admin by access entries (the creator is admin anyway). Default none. */
    adminRoleArns?: readonly string[];
    /** Tags on every AWS resource (the AWS provider's `defaultTags`). Default none. */
    tags?: Record<string, string>;
    /** An AWS identity for the Flux controllers (see FluxWorkloadIdentity). Default none. */
    fluxIdentity?: FluxIdentityOptions;
    /** The Flux namespace, for the controllers' identity. Default `flux-system`. */
    fluxNamespace?: string;
    /**
     * Have the VPC CNI enforce NetworkPolicy objects (its add-on's `enableNetworkPolicy`, which runs its network
     * policy agent on every node). Without it the CNI ignores them: policies exist and guard nothing. Default `false`.
     */
    enforceNetworkPolicy?: boolean;
}

/** An EKS cluster (API authentication, access entries), its managed node group, VPC and Kubernetes provider. */
export class EksCluster extends pulumi.ComponentResource implements Cluster {
    public readonly cluster: eks.Cluster;
    public readonly nodeGroup: eks.ManagedNodeGroup;
    public readonly vpc?: EksVpc;
    public readonly fluxIdentity?: FluxWorkloadIdentity;
    public readonly provider: k8s.Provider;
    public readonly clusterName: pulumi.Output<string>;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly deletedWith: pulumi.Resource;
    /** Kustomize patches the FluxInstance needs for the controllers' AWS identity (IRSA), else empty. */
    public readonly fluxPatches: pulumi.Output<KustomizePatch[]>;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:cluster:EksCluster", name, {}, opts);
        const vpcArgs: NewVpcOptions | ExistingVpcOptions = args.vpc ?? {};
        const nodeGroup: Required<NodeGroupOptions> = {
            instanceTypes: args.nodeGroup?.instanceTypes ?? DEFAULT_NODE_GROUP.instanceTypes,
            minSize: args.nodeGroup?.minSize ?? DEFAULT_NODE_GROUP.minSize,
            desiredSize: args.nodeGroup?.desiredSize ?? DEFAULT_NODE_GROUP.desiredSize,
            maxSize: args.nodeGroup?.maxSize ?? DEFAULT_NODE_GROUP.maxSize,
            diskSizeGiB: args.nodeGroup?.diskSizeGiB ?? DEFAULT_NODE_GROUP.diskSizeGiB,
        };
        const tags = args.tags ?? {};
        // One AWS provider for everything below, with the given region and tags: nothing uses ambient AWS config.
        const awsProvider = new aws.Provider(
            `${name}-aws`,
            { region: args.region, defaultTags: { tags } },
            { parent: this },
        );
        const parent = { parent: this, providers: { aws: awsProvider } }; // for components
        const awsChild = { parent: this, provider: awsProvider }; // for resources

        let vpcId: pulumi.Input<string>;
        let privateSubnetIds: pulumi.Input<string>[];
        let publicSubnetIds: pulumi.Input<string>[] | undefined;
        if ("existingVpcId" in vpcArgs) {
            vpcId = vpcArgs.existingVpcId;
            privateSubnetIds = [...vpcArgs.privateSubnetIds];
            publicSubnetIds = vpcArgs.publicSubnetIds && [...vpcArgs.publicSubnetIds];
        } else {
            this.vpc = new EksVpc(
                `${name}-network`,
                {
                    cidr: vpcArgs.cidr,
                    availabilityZones: vpcArgs.availabilityZones,
                    clusterName: args.name,
                    tags,
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
                name: args.name,
                version: args.kubernetesVersion,
                vpcId,
                privateSubnetIds,
                publicSubnetIds,
                nodeAssociatePublicIpAddress: false,
                skipDefaultNodeGroup: true,
                authenticationMode: eks.AuthenticationMode.Api,
                // Keyed by the role, not its place in the list: removing one admin leaves the others' entries alone.
                accessEntries: Object.fromEntries(
                    (args.adminRoleArns ?? []).map((principalArn) => [
                        `admin-${arnName(principalArn)}`,
                        {
                            principalArn,
                            accessPolicies: {
                                admin: { policyArn: EKS_ADMIN_POLICY, accessScope: { type: "cluster" } },
                            },
                        },
                    ]),
                ),
                createOidcProvider: args.fluxIdentity?.mode === "irsa",
                // The VPC CNI as an EKS add-on made by this component (not the cluster's default one), so that its
                // configuration is ours to set.
                useDefaultVpcCni: false,
                vpcCniOptions: args.enforceNetworkPolicy ? { enableNetworkPolicy: true } : undefined,
                tags,
            },
            { parent: this, providers: { aws: awsProvider } },
        );

        this.nodeGroup = new eks.ManagedNodeGroup(
            `${name}-nodes`,
            {
                cluster: this.cluster,
                nodeRole,
                subnetIds: privateSubnetIds,
                instanceTypes: [...nodeGroup.instanceTypes],
                diskSize: nodeGroup.diskSizeGiB,
                scalingConfig: {
                    minSize: nodeGroup.minSize,
                    desiredSize: nodeGroup.desiredSize,
                    maxSize: nodeGroup.maxSize,
                },
                tags,
            },
            { parent: this, providers: { aws: awsProvider }, dependsOn: nodePolicies },
        ); // nodes join only with these policies

        if (args.fluxIdentity) {
            this.fluxIdentity = new FluxWorkloadIdentity(
                `${name}-flux-identity`,
                { ...args.fluxIdentity, cluster: this.cluster, fluxNamespace: args.fluxNamespace, tags },
                parent,
            );
            this.fluxPatches = this.fluxIdentity.patches;
        } else {
            this.fluxPatches = pulumi.output([]);
        }

        this.deletedWith = this.cluster;
        this.clusterName = this.cluster.eksCluster.name;
        this.kubeconfig = pulumi.secret(this.cluster.kubeconfigJson);
        // Built from the cluster's kubeconfig output, not the eks package's generated provider.
        this.provider = new k8s.Provider(
            `${name}-provider`,
            { kubeconfig: this.kubeconfig, ...PROVIDER_SETTINGS },
            {
                parent: this,
                // Flux's pods need somewhere to run before the operator release can become ready.
                dependsOn: [this.nodeGroup],
            },
        );
        this.registerOutputs({
            cluster: this.cluster,
            nodeGroup: this.nodeGroup,
            vpc: this.vpc,
            fluxIdentity: this.fluxIdentity,
            provider: this.provider,
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            deletedWith: this.deletedWith,
            fluxPatches: this.fluxPatches,
        });
    }
}
