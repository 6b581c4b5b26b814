import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { installMocks, promiseOf } from "../../helpers/mocks";

installMocks();

import { renderKindConfig } from "../../../components/cluster";
import type { KindClusterConfig } from "../../../stacks/config";
import { buildUnderMocks, FIXTURE_KUBECONFIG, get, stackConfig } from "../../helpers/platform";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";

const EKS = {
    source: "eks",
    name: "fluxdemo",
    region: "eu-north-1",
    kubernetesVersion: "1.34",
    adminRoleArns: ["arn:aws:iam::123456789012:role/platform-admin"],
    tags: { project: "fluxdemo" },
};

describe("cluster source: existing", async () => {
    const { resources, outputs } = await buildUnderMocks(stackConfig("dev"));

    it("builds the one provider from the kubeconfig cut down to its current context", () => {
        assert.deepEqual(yaml.load(get(resources, "cluster-provider").inputs.kubeconfig), {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "lab", cluster: { server: "https://127.0.0.1:6443" } }],
            users: [{ name: "admin", user: { token: "not-a-real-token" } }],
            contexts: [{ name: "lab", context: { cluster: "lab", user: "admin" } }],
            "current-context": "lab",
        });
    });

    it("uses the configured context, and keeps the others' credentials out", async () => {
        const config = stackConfig("dev", {
            "fluxstack:cluster": JSON.stringify({
                source: "existing",
                kubeconfig: FIXTURE_KUBECONFIG,
                context: "prod",
            }),
        });
        const { resources: r, outputs: o } = await buildUnderMocks(config);
        const kubeconfig = get(r, "cluster-provider").inputs.kubeconfig as string;
        assert.equal((yaml.load(kubeconfig) as any)["current-context"], "prod");
        assert.doesNotMatch(kubeconfig, /not-a-real-token/);
        assert.equal(await promiseOf(o.kubeconfig), kubeconfig);
        assert.equal(await promiseOf(o.clusterName), "prod");
    });

    it("creates no cluster, and outputs the context name and the kubeconfig as a secret", async () => {
        assert.deepEqual(
            [...resources.values()].filter((r) => r.type.startsWith("fluxstack:cluster")).map((r) => r.type),
            ["fluxstack:cluster:ExistingCluster"],
        );
        assert.equal(await promiseOf(outputs.clusterName), "lab");
        assert.equal(await pulumi.isSecret(outputs.kubeconfig), true);
    });
});

describe("cluster source: kind", async () => {
    const config = stackConfig("kind");
    const { resources, outputs } = await buildUnderMocks(config);

    it("creates the cluster through kind with the rendered config", () => {
        const kind = get(resources, "cluster-kind");
        assert.equal(kind.type, "pulumi-nodejs:dynamic/fluxstack:KindCluster");
        assert.equal(kind.inputs.name, "fluxdemo");
        assert.equal(kind.inputs.kindBinary, "kind");
        assert.equal(kind.inputs.config, renderKindConfig(config.cluster as KindClusterConfig));
        assert.match(kind.inputs.config, /role: control-plane[\s\S]*role: worker[\s\S]*role: worker/);
    });

    it("feeds the cluster's kubeconfig output to the provider, as a secret stack output", async () => {
        const provider = get(resources, "cluster-provider");
        assert.equal(provider.inputs.kubeconfig, "kind kubeconfig for fluxdemo");
        assert.ok(provider.dependsOn.has("cluster-kind"));
        assert.equal(await pulumi.isSecret(outputs.kubeconfig), true);
    });
});

describe("cluster source: eks (the eks stack file)", async () => {
    const { resources } = await buildUnderMocks(stackConfig("eks"));
    const eksCluster = get(resources, "cluster-eks");

    it("pins the Kubernetes version, uses API authentication and skips the default node group", () => {
        assert.equal(eksCluster.type, "eks:index:Cluster");
        assert.equal(eksCluster.inputs.name, "fluxdemo");
        assert.equal(eksCluster.inputs.version, "1.34");
        assert.equal(eksCluster.inputs.authenticationMode, "API");
        assert.equal(eksCluster.inputs.skipDefaultNodeGroup, true);
        assert.equal(eksCluster.inputs.nodeAssociatePublicIpAddress, false);
        assert.deepEqual(eksCluster.inputs.tags, { project: "fluxdemo" });
        assert.deepEqual(eksCluster.inputs.accessEntries, {}, "the stack file names no extra admins");
    });

    it("builds its own VPC: two public and two private /20 subnets, one NAT gateway", () => {
        assert.equal(get(resources, "cluster-network-vpc").inputs.cidrBlock, "10.0.0.0/16");
        const subnets = [...resources.values()].filter((r) => r.type === "aws:ec2/subnet:Subnet");
        assert.deepEqual(
            subnets.map((s) => [s.name, s.inputs.cidrBlock, s.inputs.availabilityZone]),
            [
                ["cluster-network-public-0", "10.0.0.0/20", "eu-north-1a"],
                ["cluster-network-public-1", "10.0.16.0/20", "eu-north-1b"],
                ["cluster-network-private-0", "10.0.32.0/20", "eu-north-1a"],
                ["cluster-network-private-1", "10.0.48.0/20", "eu-north-1b"],
            ],
        );
        assert.equal([...resources.values()].filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length, 1);
        assert.ok(
            eksCluster.dependsOn.has("cluster-network-private-0") && eksCluster.dependsOn.has("cluster-network-vpc"),
        );
    });

    it("puts the managed node group in the private subnets with the configured sizes", () => {
        const nodes = get(resources, "cluster-nodes");
        assert.equal(nodes.type, "eks:index:ManagedNodeGroup");
        assert.deepEqual(nodes.inputs.scalingConfig, { minSize: 2, desiredSize: 2, maxSize: 3 });
        assert.deepEqual(nodes.inputs.instanceTypes, ["t3.medium"]);
        assert.equal(nodes.inputs.diskSize, 20);
        assert.ok(nodes.dependsOn.has("cluster-network-private-0") && nodes.dependsOn.has("cluster-network-private-1"));
        for (const policy of [
            "AmazonEKSWorkerNodePolicy",
            "AmazonEKS_CNI_Policy",
            "AmazonEC2ContainerRegistryReadOnly",
        ]) {
            assert.ok(nodes.explicitDependsOn.has(`cluster-node-aws-${policy.replace(/_/g, "-")}`), policy);
        }
    });

    it("sets region and tags on the AWS provider and uses the cluster's kubeconfig for Kubernetes", () => {
        assert.deepEqual(get(resources, "cluster-aws").inputs.region, "eu-north-1");
        // Provider inputs reach the engine JSON-encoded.
        assert.deepEqual(JSON.parse(get(resources, "cluster-aws").inputs.defaultTags), {
            tags: { project: "fluxdemo" },
        });
        const provider = get(resources, "cluster-provider");
        assert.ok(provider.dependsOn.has("cluster-eks") && provider.explicitDependsOn.has("cluster-nodes"));
        assert.match(provider.inputs.kubeconfig, /"clusters"/);
    });
});

describe("cluster source: eks options", () => {
    it("grants each admin role cluster-admin through an access entry", async () => {
        const { resources } = await buildUnderMocks(stackConfig("eks", { "fluxstack:cluster": JSON.stringify(EKS) }));
        assert.deepEqual(get(resources, "cluster-eks").inputs.accessEntries, {
            "admin-123456789012-platform-admin": {
                principalArn: "arn:aws:iam::123456789012:role/platform-admin",
                accessPolicies: {
                    admin: {
                        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                        accessScope: { type: "cluster" },
                    },
                },
            },
        });
    });

    it("uses existing subnets instead of making a VPC", async () => {
        const vpc = { existingVpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"] };
        const { resources } = await buildUnderMocks(
            stackConfig("eks", { "fluxstack:cluster": JSON.stringify({ ...EKS, vpc }) }),
        );
        assert.equal(
            [...resources.values()].some((r) => r.type === "aws:ec2/vpc:Vpc"),
            false,
        );
        assert.equal(get(resources, "cluster-eks").inputs.vpcId, "vpc-1");
        assert.deepEqual(get(resources, "cluster-nodes").inputs.subnetIds, ["subnet-a", "subnet-b"]);
    });

    it("IRSA: an OIDC provider, a role trusted by the controllers' accounts, and the annotation patch", async () => {
        const fluxIdentity = {
            mode: "irsa",
            policyArns: ["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"],
        };
        const { resources } = await buildUnderMocks(
            stackConfig("eks", { "fluxstack:cluster": JSON.stringify({ ...EKS, fluxIdentity }) }),
        );
        assert.equal(get(resources, "cluster-eks").inputs.createOidcProvider, true);
        const trust = JSON.parse(get(resources, "cluster-flux-identity-role").inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement[0].Condition.StringEquals, {
            "oidc.eks.eu-north-1.amazonaws.com/id/ABC:sub": ["system:serviceaccount:flux-system:source-controller"],
            "oidc.eks.eu-north-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
        });
        assert.equal(
            get(resources, "cluster-flux-identity-aws-AmazonEC2ContainerRegistryReadOnly").inputs.policyArn,
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        );
        const patches = get(resources, "flux-instance").inputs.values.instance.kustomize.patches;
        assert.deepEqual(patches, [
            {
                target: { kind: "ServiceAccount", name: "(source-controller)" },
                patch: "- op: add\n  path: /metadata/annotations/eks.amazonaws.com~1role-arn\n  value: arn:aws:iam::123456789012:role/cluster-flux-identity-role",
            },
        ]);
    });

    it("Pod Identity: the agent add-on and one association per controller, no patch", async () => {
        const fluxIdentity = {
            mode: "podIdentity",
            policyArns: ["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"],
            controllers: ["source-controller", "image-reflector-controller"],
        };
        const { resources } = await buildUnderMocks(
            stackConfig("eks", { "fluxstack:cluster": JSON.stringify({ ...EKS, fluxIdentity }) }),
        );
        assert.equal(
            get(resources, "cluster-flux-identity-pod-identity-agent").inputs.addonName,
            "eks-pod-identity-agent",
        );
        const associations = [...resources.values()].filter(
            (r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        );
        assert.deepEqual(
            associations.map((a) => [a.inputs.namespace, a.inputs.serviceAccount]),
            [
                ["flux-system", "source-controller"],
                ["flux-system", "image-reflector-controller"],
            ],
        );
        assert.deepEqual(get(resources, "flux-instance").inputs.values.instance.kustomize.patches, []);
        for (const a of associations)
            assert.ok(get(resources, "flux-instance").dependsOn.has(a.name), `the instance waits for ${a.name}`);
    });
});
