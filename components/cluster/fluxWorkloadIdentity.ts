import * as aws from "@pulumi/aws";
import type * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import type { EksClusterConfig } from "../../stacks/config";
import type { KustomizePatch } from "../flux/helmValues";
import { arnName } from "./arnName";

type Identity = Exclude<EksClusterConfig["fluxIdentity"], { mode: "none" }>;

export interface FluxWorkloadIdentityArgs {
    identity: Identity;
    cluster: eks.Cluster;
    fluxNamespace: string;
    tags: Record<string, string>;
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
        const { identity, cluster, fluxNamespace } = args;
        const subjects = identity.controllers.map((c) => `system:serviceaccount:${fluxNamespace}:${c}`);

        const trustPolicy =
            identity.mode === "irsa"
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
        for (const policyArn of identity.policyArns) {
            new aws.iam.RolePolicyAttachment(
                `${name}-${arnName(policyArn)}`,
                { role: this.role.name, policyArn },
                { parent: this },
            );
        }

        if (identity.mode === "irsa") {
            this.patches = this.role.arn.apply((arn) => [irsaPatch(identity.controllers, arn)]);
        } else {
            const agent = new aws.eks.Addon(
                `${name}-pod-identity-agent`,
                {
                    clusterName: cluster.eksCluster.name,
                    addonName: "eks-pod-identity-agent",
                },
                { parent: this },
            );
            const associations = identity.controllers.map(
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
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
