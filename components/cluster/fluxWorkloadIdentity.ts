import * as aws from "@pulumi/aws";
import type * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_FLUX_NAMESPACE, type KustomizePatch } from "../shared";
import { arnName } from "./arnName";

/** The Flux controllers that get the role unless told otherwise: the one that pulls sources. */
export const DEFAULT_IDENTITY_CONTROLLERS = ["source-controller"] as const;

/** An AWS identity for the Flux controllers: one IAM role, and how the controllers get it. */
export interface FluxIdentityOptions {
    /**
     * `irsa`: the cluster's OIDC provider trusts the controllers' service accounts, which carry a role annotation
     * (patched in through the Flux instance). `podIdentity`: the Pod Identity agent add-on and one association per
     * controller. Required.
     */
    mode: "irsa" | "podIdentity";
    /** IAM policies attached to the role (e.g. AmazonEC2ContainerRegistryReadOnly). Required, one or more. */
    policyArns: readonly string[];
    /** The Flux controllers (service accounts) that get the role. Default `["source-controller"]`. */
    controllers?: readonly string[];
}

export interface FluxWorkloadIdentityArgs extends FluxIdentityOptions {
    /** The EKS cluster; for `irsa` it must have been made with `createOidcProvider`. Required. */
    cluster: eks.Cluster;
    /** The namespace of the controllers' service accounts. Default `flux-system`. */
    fluxNamespace?: string;
    /** Tags on the role, besides the AWS provider's default tags. Default none. */
    tags?: Record<string, string>;
}

/** The kustomize patch that annotates the controllers' service accounts with an IRSA role. */
export function irsaPatch(controllers: readonly string[], roleArn: string): KustomizePatch {
    return {
        target: { kind: "ServiceAccount", name: `(${controllers.join("|")})` },
        patch: ["- op: add", "  path: /metadata/annotations/eks.amazonaws.com~1role-arn", `  value: ${roleArn}`].join(
            "\n",
        ),
    };
}

/**
 * An AWS identity for the Flux controllers (to pull from ECR, or OCI artifacts on AWS): one IAM role with the
 * configured policies, given to the controllers either by IRSA (a role annotation, applied through the
 * FluxInstance's kustomize patches) or by EKS Pod Identity (associations; no patch needed).
 */
export class FluxWorkloadIdentity extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    /** Patches for the FluxInstance: the IRSA annotation, or none (once the associations exist) for Pod Identity. */
    public readonly patches: pulumi.Output<KustomizePatch[]>;

    constructor(name: string, args: FluxWorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:cluster:FluxWorkloadIdentity", name, {}, opts);
        const { cluster } = args;
        const fluxNamespace = args.fluxNamespace ?? DEFAULT_FLUX_NAMESPACE;
        const controllers = args.controllers ?? DEFAULT_IDENTITY_CONTROLLERS;
        const subjects = controllers.map((c) => `system:serviceaccount:${fluxNamespace}:${c}`);

        const trustPolicy =
            args.mode === "irsa"
                ? pulumi.all([cluster.oidcProviderArn, cluster.oidcIssuer]).apply(([arn, issuer]) =>
                      JSON.stringify({
                          Version: "2012-10-17",
                          Statement: [
                              {
                                  Effect: "Allow",
                                  Principal: { Federated: arn },
                                  Action: "sts:AssumeRoleWithWebIdentity",
                                  Condition: {
                                      StringEquals: {
                                          [`${issuer}:sub`]: subjects,
                                          [`${issuer}:aud`]: "sts.amazonaws.com",
                                      },
                                  },
                              },
                          ],
                      }),
                  )
                : JSON.stringify({
                      Version: "2012-10-17",
                      Statement: [
                          {
                              Effect: "Allow",
                              Principal: { Service: "pods.eks.amazonaws.com" },
                              Action: ["sts:AssumeRole", "sts:TagSession"],
                          },
                      ],
                  });

        this.role = new aws.iam.Role(
            `${name}-role`,
            { assumeRolePolicy: trustPolicy, tags: args.tags },
            { parent: this },
        );
        for (const policyArn of args.policyArns) {
            new aws.iam.RolePolicyAttachment(
                `${name}-${arnName(policyArn)}`,
                { role: this.role.name, policyArn },
                { parent: this },
            );
        }

        if (args.mode === "irsa") {
            this.patches = this.role.arn.apply((arn) => [irsaPatch(controllers, arn)]);
        } else {
            const agent = new aws.eks.Addon(
                `${name}-pod-identity-agent`,
                {
                    clusterName: cluster.eksCluster.name,
                    addonName: "eks-pod-identity-agent",
                },
                { parent: this },
            );
            const associations = controllers.map(
                (controller) =>
                    new aws.eks.PodIdentityAssociation(
                        `${name}-${controller}`,
                        {
                            clusterName: cluster.eksCluster.name,
                            namespace: fluxNamespace,
                            serviceAccount: controller,
                            roleArn: this.role.arn,
                        },
                        { parent: this, dependsOn: [agent] },
                    ),
            ); // credentials are served by the agent add-on
            // No patch, but the instance must wait for the associations: a pod started before its association
            // gets no credentials until it restarts.
            this.patches = pulumi.all(associations.map((a) => a.associationId)).apply((): KustomizePatch[] => []);
        }
        this.registerOutputs({ role: this.role, patches: this.patches });
    }
}
