import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { installMocks, promiseOf } from "../../helpers/mocks";
import { FIXTURE_KUBECONFIG } from "../../helpers/stackFiles";

installMocks();
// The program loads only now, after the mocks (a static import would be hoisted above installMocks()).
const program = import("../../helpers/platform");

const EKS = {
    source: "eks",
    name: "fluxdemo",
    region: "eu-north-1",
    kubernetesVersion: "1.34",
    adminRoleArns: ["arn:aws:iam::123456789012:role/platform-admin"],
    tags: { project: "fluxdemo" },
};

async function buildEks(cluster: Record<string, unknown>) {
    const { buildUnderMocks, stackConfig } = await program;
    return buildUnderMocks(stackConfig("eks", { "fluxstack:cluster": JSON.stringify({ ...EKS, ...cluster }) }));
}

describe("cluster source: existing", async () => {
    const { buildUnderMocks, get, stackConfig } = await program;
    const { resources, outputs } = await buildUnderMocks(stackConfig("dev"));

    it("builds the one provider from the kubeconfig cut down to its current context, given as a secret", () => {
        const provider = get(resources, "cluster-provider");
        assert.deepEqual(yaml.load(provider.inputs.kubeconfig), {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "lab", cluster: { server: "https://127.0.0.1:6443" } }],
            users: [{ name: "admin", user: { token: "not-a-real-token" } }],
            contexts: [{ name: "lab", context: { cluster: "lab", user: "admin" } }],
            "current-context": "lab",
        });
        assert.deepEqual([...provider.secretInputs], ["kubeconfig"]);
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
    const { buildUnderMocks, get, stackConfig } = await program;
    const { resources, outputs } = await buildUnderMocks(stackConfig("kind"));

    it("creates the cluster through kind with the demo lab's config file", () => {
        const kind = get(resources, "cluster-kind");
        assert.equal(kind.type, "pulumi-nodejs:dynamic/fluxstack:KindCluster");
        assert.equal(kind.inputs.name, "fluxdemo");
        assert.equal(kind.inputs.kindBinary, "kind");
        // The exact text (js-yaml folds the long image line): the provider replaces the cluster whenever it changes.
        const image = "kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f";
        assert.equal(
            kind.inputs.config,
            [
                "kind: Cluster",
                "apiVersion: kind.x-k8s.io/v1alpha4",
                "name: fluxdemo",
                "nodes:",
                "  - role: control-plane",
                "    image: >-",
                `      ${image}`,
                "  - role: worker",
                "    image: >-",
                `      ${image}`,
                "  - role: worker",
                "    image: >-",
                `      ${image}`,
                "",
            ].join("\n"),
        );
    });

    it("feeds the cluster's kubeconfig output to the provider as a secret, and to the stack output", async () => {
        const provider = get(resources, "cluster-provider");
        assert.equal(provider.inputs.kubeconfig, "kind kubeconfig for fluxdemo");
        assert.deepEqual([...provider.secretInputs], ["kubeconfig"]);
        assert.ok(provider.dependsOn.has("cluster-kind"));
        assert.equal(await promiseOf(outputs.kubeconfig), "kind kubeconfig for fluxdemo");
        assert.equal(await pulumi.isSecret(outputs.kubeconfig), true);
        assert.equal(await promiseOf(outputs.clusterName), "fluxdemo");
    });
});

/** The VPC CNI add-on's settings when NetworkPolicy is enforced (the eks SDK adds its conflict defaults). */
const ENFORCING_CNI = {
    enableNetworkPolicy: true,
    resolveConflictsOnCreate: "OVERWRITE",
    resolveConflictsOnUpdate: "OVERWRITE",
};

describe("cluster source: eks (the eks stack file)", async () => {
    const { buildUnderMocks, get, stackConfig } = await program;
    const { resources, outputs } = await buildUnderMocks(stackConfig("eks"));
    const eksCluster = get(resources, "cluster-eks");

    it("pins the Kubernetes version, uses API authentication and skips the default node group", () => {
        assert.equal(eksCluster.type, "eks:index:Cluster");
        assert.equal(eksCluster.inputs.name, "fluxdemo");
        assert.equal(eksCluster.inputs.version, "1.34");
        assert.equal(eksCluster.inputs.authenticationMode, "API");
        assert.equal(eksCluster.inputs.skipDefaultNodeGroup, true);
        assert.equal(eksCluster.inputs.nodeAssociatePublicIpAddress, false);
        assert.equal(eksCluster.inputs.createOidcProvider, false);
        assert.deepEqual(eksCluster.inputs.tags, { project: "fluxdemo" });
        assert.deepEqual(eksCluster.inputs.accessEntries, {}, "the stack file names no extra admins");
    });

    it("has the VPC CNI add-on enforce NetworkPolicy, since tenants are isolated by default", () => {
        assert.equal(eksCluster.inputs.useDefaultVpcCni, false, "the add-on, whose settings are the program's");
        assert.deepEqual(eksCluster.inputs.vpcCniOptions, ENFORCING_CNI);
    });

    it("builds its own VPC: two public and two private /20 subnets, and gives the cluster both kinds", () => {
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
        assert.equal(eksCluster.inputs.vpcId, "cluster-network-vpc-id");
        assert.deepEqual(eksCluster.inputs.privateSubnetIds, [
            "cluster-network-private-0-id",
            "cluster-network-private-1-id",
        ]);
        assert.deepEqual(eksCluster.inputs.publicSubnetIds, [
            "cluster-network-public-0-id",
            "cluster-network-public-1-id",
        ]);
    });

    it("routes the private subnets out through one NAT gateway, made only once the internet gateway exists", () => {
        const nats = [...resources.values()].filter((r) => r.type === "aws:ec2/natGateway:NatGateway");
        assert.deepEqual(
            nats.map((n) => n.name),
            ["cluster-network-nat"],
        );
        const nat = nats[0];
        assert.deepEqual(nat.inputs, {
            subnetId: "cluster-network-public-0-id",
            allocationId: "cluster-network-nat-ip-id",
            tags: { project: "fluxdemo" },
        });
        // No data flows from the internet gateway to the NAT gateway: only the explicit edge orders them.
        assert.deepEqual([...nat.explicitDependsOn], ["cluster-network-igw"]);
        assert.deepEqual(get(resources, "cluster-network-private").inputs.routes, [
            { cidrBlock: "0.0.0.0/0", natGatewayId: "cluster-network-nat-id" },
        ]);
        assert.deepEqual(get(resources, "cluster-network-public").inputs.routes, [
            { cidrBlock: "0.0.0.0/0", gatewayId: "cluster-network-igw-id" },
        ]);
    });

    it("puts the managed node group in the private subnets with the configured sizes", () => {
        const nodes = get(resources, "cluster-nodes");
        assert.equal(nodes.type, "eks:index:ManagedNodeGroup");
        assert.deepEqual(nodes.inputs.scalingConfig, { minSize: 2, desiredSize: 2, maxSize: 3 });
        assert.deepEqual(nodes.inputs.instanceTypes, ["t3.medium"]);
        assert.equal(nodes.inputs.diskSize, 20);
        assert.deepEqual(nodes.inputs.subnetIds, ["cluster-network-private-0-id", "cluster-network-private-1-id"]);
        for (const policy of [
            "AmazonEKSWorkerNodePolicy",
            "AmazonEKS_CNI_Policy",
            "AmazonEC2ContainerRegistryReadOnly",
        ]) {
            assert.ok(nodes.explicitDependsOn.has(`cluster-node-aws-${policy.replace(/_/g, "-")}`), policy);
        }
    });

    it("sets region and tags on the AWS provider; Kubernetes gets the cluster's kubeconfig as a secret", async () => {
        assert.deepEqual(get(resources, "cluster-aws").inputs.region, "eu-north-1");
        // Provider inputs reach the engine JSON-encoded.
        assert.deepEqual(JSON.parse(get(resources, "cluster-aws").inputs.defaultTags), {
            tags: { project: "fluxdemo" },
        });
        const provider = get(resources, "cluster-provider");
        assert.ok(provider.dependsOn.has("cluster-eks") && provider.explicitDependsOn.has("cluster-nodes"));
        assert.deepEqual(JSON.parse(provider.inputs.kubeconfig), {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "fluxdemo" }],
        });
        assert.deepEqual([...provider.secretInputs], ["kubeconfig"]);
        assert.equal(await pulumi.isSecret(outputs.kubeconfig), true);
    });
});

describe("cluster source: eks options", () => {
    it("grants each admin role cluster-admin through an access entry", async () => {
        const { get } = await program;
        const { resources } = await buildEks({});
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

    it("uses an existing VPC's subnets, public ones included, instead of making a VPC", async () => {
        const { get } = await program;
        const vpc = {
            existingVpcId: "vpc-1",
            privateSubnetIds: ["subnet-a", "subnet-b"],
            publicSubnetIds: ["subnet-p", "subnet-q"],
        };
        const { resources } = await buildEks({ vpc });
        assert.deepEqual(
            [...resources.values()].filter((r) => r.type.startsWith("aws:ec2/")).map((r) => r.name),
            [],
        );
        const eksCluster = get(resources, "cluster-eks");
        assert.equal(eksCluster.inputs.vpcId, "vpc-1");
        assert.deepEqual(eksCluster.inputs.privateSubnetIds, ["subnet-a", "subnet-b"]);
        assert.deepEqual(eksCluster.inputs.publicSubnetIds, ["subnet-p", "subnet-q"]);
        assert.deepEqual(get(resources, "cluster-nodes").inputs.subnetIds, ["subnet-a", "subnet-b"]);
    });

    it("IRSA: an OIDC provider, a role trusted by the controllers' accounts, and the annotation patch", async () => {
        const { get } = await program;
        const fluxIdentity = {
            mode: "irsa",
            policyArns: ["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"],
        };
        const { resources } = await buildEks({ fluxIdentity });
        assert.equal(get(resources, "cluster-eks").inputs.createOidcProvider, true);
        assert.deepEqual(JSON.parse(get(resources, "cluster-flux-identity-role").inputs.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: {
                        Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-north-1.amazonaws.com/id/ABC",
                    },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            "oidc.eks.eu-north-1.amazonaws.com/id/ABC:sub": [
                                "system:serviceaccount:flux-system:source-controller",
                            ],
                            "oidc.eks.eu-north-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
                        },
                    },
                },
            ],
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

    it("Pod Identity: a role pods may assume and tag, the agent, then an association each", async () => {
        const { get } = await program;
        const fluxIdentity = {
            mode: "podIdentity",
            policyArns: ["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"],
            controllers: ["source-controller", "image-reflector-controller"],
        };
        const { resources } = await buildEks({ fluxIdentity });
        assert.equal(get(resources, "cluster-eks").inputs.createOidcProvider, false);
        // Pod Identity tags the session with the pod's attributes: without sts:TagSession the role cannot be assumed.
        assert.deepEqual(JSON.parse(get(resources, "cluster-flux-identity-role").inputs.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "pods.eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                },
            ],
        });
        assert.deepEqual(get(resources, "cluster-flux-identity-pod-identity-agent").inputs, {
            clusterName: "fluxdemo",
            addonName: "eks-pod-identity-agent",
        });
        const associations = [...resources.values()].filter(
            (r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        );
        assert.deepEqual(
            associations.map((a) => [a.name, a.inputs]),
            [
                [
                    "cluster-flux-identity-source-controller",
                    {
                        clusterName: "fluxdemo",
                        namespace: "flux-system",
                        serviceAccount: "source-controller",
                        roleArn: "arn:aws:iam::123456789012:role/cluster-flux-identity-role",
                    },
                ],
                [
                    "cluster-flux-identity-image-reflector-controller",
                    {
                        clusterName: "fluxdemo",
                        namespace: "flux-system",
                        serviceAccount: "image-reflector-controller",
                        roleArn: "arn:aws:iam::123456789012:role/cluster-flux-identity-role",
                    },
                ],
            ],
        );
        for (const a of associations) {
            // The agent add-on serves the credentials; nothing in the association's inputs says so.
            assert.deepEqual([...a.explicitDependsOn], ["cluster-flux-identity-pod-identity-agent"], a.name);
            assert.ok(get(resources, "flux-instance").dependsOn.has(a.name), `the instance waits for ${a.name}`);
        }
        assert.deepEqual(get(resources, "flux-instance").inputs.values.instance.kustomize.patches, []);
    });
});

describe("cluster source: eks, NetworkPolicy enforcement follows who relies on it", async () => {
    const { buildUnderMocks, get, stackConfig } = await program;
    const cni = async (config: Record<string, unknown>) => {
        const overrides = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, JSON.stringify(v)]));
        const { resources } = await buildUnderMocks(stackConfig("eks", overrides));
        return get(resources, "cluster-eks").inputs.vpcCniOptions;
    };
    const off = { isolation: { enabled: false } };

    it("leaves the add-on's default (no enforcement) when no tenant is isolated and the web UI is off", async () => {
        assert.equal(await cni({ "fluxstack:guardrails": off }), undefined);
    });

    it("turns it on for one tenant that is isolated", async () => {
        const tenants = [
            { name: "fluxdemo-stage" },
            { name: "fluxdemo-prod", guardrails: { isolation: { enabled: true } } },
        ];
        assert.deepEqual(await cni({ "fluxstack:guardrails": off, "fluxstack:tenants": tenants }), ENFORCING_CNI);
    });

    it("turns it on for the web UI's policy", async () => {
        const flux = { operator: { web: { enabled: true, allowFrom: ["ingress-nginx"] } } };
        assert.deepEqual(await cni({ "fluxstack:guardrails": off, "fluxstack:flux": flux }), ENFORCING_CNI);
    });
});
