import { z } from "zod";
import { AVAILABILITY_ZONES } from "./awsRegions";
import { credentialSchema } from "./credentialSchema";
import * as d from "./defaults";
import { guardrailOverridesSchema, guardrailsSchema } from "./guardrailsSchema";
import {
    awsTags,
    ec2InstanceType,
    exactlyOneKey,
    fluxDuration,
    imageReference,
    kindClusterName,
    kustomizationName,
    artifactReference,
    sourcePath,
    sourceUrl,
    kubernetesLabelName,
    kubernetesObjectName,
    nonEmpty,
    urlWithScheme,
    whenClean,
} from "./patterns";

/** A list whose entries must differ (the charts' schemas say uniqueItems; duplicate names clash in Pulumi). */
function unique<T extends z.ZodArray<z.ZodType>>(list: T) {
    return list.refine((items) => new Set(items).size === items.length, {
        error: "must not repeat an entry",
        ...whenClean,
    });
}

/** Cluster source `existing`: a cluster reached through a kubeconfig file. */
export const existingClusterSchema = z.strictObject({
    source: z.literal("existing"),
    /** Path to the kubeconfig; default `$KUBECONFIG`, else `~/.kube/config`. */
    kubeconfig: nonEmpty.optional(),
    /** Context in that kubeconfig; default its current context. */
    context: nonEmpty.optional(),
});

const portMappingSchema = z.strictObject({
    containerPort: z.int().min(1).max(65535),
    hostPort: z.int().min(1).max(65535),
    /** The host address to listen on; kind's default is 0.0.0.0. */
    listenAddress: z
        .union([z.ipv4(), z.ipv6()], { error: "must be an IP address such as 127.0.0.1 or 0.0.0.0" })
        .optional(),
    protocol: z.enum(["TCP", "UDP", "SCTP"]).default("TCP"),
});

/** Two mappings of one host port, protocol and address: the container engine refuses the second at create. */
const portMappingsSchema = z.array(portMappingSchema).superRefine((mappings, ctx) => {
    const seen = new Map<string, number>();
    mappings.forEach((m, i) => {
        const address = m.listenAddress ?? "0.0.0.0";
        const id = `${m.hostPort}/${m.protocol}@${address}`;
        const first = seen.get(id);
        if (first === undefined) {
            seen.set(id, i);
            return;
        }
        ctx.addIssue({
            code: "custom",
            path: [i, "hostPort"],
            input: m.hostPort,
            message: `host port ${m.hostPort}/${m.protocol} on ${address} is already mapped by extraPortMappings[${first}]`,
        });
    });
}, whenClean);

/** Cluster source `kind`: a local Kind cluster made with the `kind` CLI. */
export const kindClusterSchema = z.strictObject({
    source: z.literal("kind"),
    name: kindClusterName.default(d.DEFAULT_KIND.name),
    nodeImage: imageReference.default(d.DEFAULT_KIND.nodeImage),
    controlPlanes: z.int().min(1).max(7).default(d.DEFAULT_KIND.controlPlanes),
    workers: z.int().min(0).max(20).default(d.DEFAULT_KIND.workers),
    /** Extra host port mappings on the first control-plane node (e.g. for an ingress). */
    extraPortMappings: portMappingsSchema.default([]),
    /** The kind binary to run; default `kind` on PATH. */
    kindBinary: nonEmpty.default("kind"),
});

const fluxIdentitySchema = z.discriminatedUnion("mode", [
    z.strictObject({ mode: z.literal("none") }),
    z.strictObject({
        mode: z.enum(["irsa", "podIdentity"]),
        /** IAM policies attached to the controllers' role (e.g. AmazonEC2ContainerRegistryReadOnly). */
        policyArns: unique(z.array(nonEmpty).min(1, { error: "must name at least one IAM policy ARN" })),
        /** The Flux controllers that get the role. */
        controllers: unique(
            z.array(z.enum(["source-controller", "kustomize-controller", "image-reflector-controller"])).min(1),
        ).default(["source-controller"]),
    }),
]);

/** Cluster source `eks`: an EKS cluster with a managed node group, made with @pulumi/eks. */
export const eksClusterSchema = z
    .strictObject({
        source: z.literal("eks"),
        name: kubernetesLabelName,
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region such as eu-north-1" }),
        kubernetesVersion: z
            .string({
                error: (issue) =>
                    typeof issue.input === "number"
                        ? `must be a string, in quotes, such as "1.34" (YAML reads 1.34 as a number, and 1.30 as 1.3)`
                        : undefined,
            })
            .regex(/^1\.\d+$/, { error: "must be a Kubernetes minor version such as 1.34" }),
        vpc: z
            .strictObject({
                /** /16 or wider: subnets are /20 blocks, two per zone. */
                cidr: z
                    .cidrv4({ error: "must be an IPv4 CIDR such as 10.0.0.0/16" })
                    .refine((c) => !c.includes("/") || Number(c.split("/")[1]) <= 16, {
                        error: "must be a /16 or wider (subnets are /20 blocks)",
                    })
                    .default(d.DEFAULT_EKS_VPC.cidr),
                availabilityZones: z.int().min(2).max(6).default(d.DEFAULT_EKS_VPC.availabilityZones),
                /** Use an existing VPC instead of creating one: its id and the private subnets for the nodes. */
                existingVpcId: nonEmpty.optional(),
                privateSubnetIds: z
                    .array(nonEmpty)
                    .min(2, { error: "EKS needs at least two subnets, in two zones" })
                    .optional(),
                publicSubnetIds: z.array(nonEmpty).optional(),
            })
            .refine((v) => (v.existingVpcId === undefined) === (v.privateSubnetIds === undefined), {
                error: "existingVpcId and privateSubnetIds go together: give both or neither",
                ...whenClean,
            })
            .refine((v) => v.publicSubnetIds === undefined || v.existingVpcId !== undefined, {
                error: "publicSubnetIds only go with existingVpcId (a new VPC makes its own)",
                ...whenClean,
            })
            .prefault({}),
        nodeGroup: z
            .strictObject({
                instanceTypes: z
                    .array(ec2InstanceType)
                    .min(1)
                    .default([...d.DEFAULT_EKS_NODE_GROUP.instanceTypes]),
                /** 0 lets the group scale to zero (AWS: 0 <= minSize <= desiredSize <= maxSize, maxSize >= 1). */
                minSize: z.int().min(0).default(d.DEFAULT_EKS_NODE_GROUP.minSize),
                /** At least 1: the group is where the Flux operator and controllers run, and the stack waits for them. */
                desiredSize: z
                    .int()
                    .min(1, { error: "must be at least 1: the Flux operator and controllers need a node to run on" })
                    .default(d.DEFAULT_EKS_NODE_GROUP.desiredSize),
                maxSize: z.int().min(1).default(d.DEFAULT_EKS_NODE_GROUP.maxSize),
                diskSizeGiB: z.int().min(20).default(d.DEFAULT_EKS_NODE_GROUP.diskSizeGiB),
            })
            .refine((g) => g.minSize <= g.desiredSize && g.desiredSize <= g.maxSize, {
                error: (issue) => {
                    const g = issue.input as { minSize: number; desiredSize: number; maxSize: number };
                    return `sizes must satisfy minSize <= desiredSize <= maxSize (got ${g.minSize}, ${g.desiredSize}, ${g.maxSize})`;
                },
                ...whenClean,
            })
            .prefault({}),
        /** IAM role ARNs that get cluster-admin through EKS access entries. */
        adminRoleArns: unique(
            z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: "must be an IAM role ARN" })),
        ).default([]),
        tags: awsTags.default({}),
        fluxIdentity: fluxIdentitySchema.default({ mode: "none" }),
    })
    .superRefine((eks, ctx) => {
        // A new VPC puts two subnets in each of its first availabilityZones zones: the region must have that many.
        const zones = AVAILABILITY_ZONES[eks.region];
        if (eks.vpc.existingVpcId === undefined && zones !== undefined && eks.vpc.availabilityZones > zones) {
            ctx.addIssue({
                code: "custom",
                path: ["vpc", "availabilityZones"],
                input: eks.vpc.availabilityZones,
                message: `must be at most ${zones}: ${eks.region} has ${zones} availability zones`,
            });
        }
    }, whenClean);

const labPort = z.int().min(1024).max(65535);

/** Cluster source `lab`: a control plane on this machine whose Flux pods run as local processes (lab/). */
export const labClusterSchema = z.strictObject({
    source: z.literal("lab"),
    /** Default: the stack's name. */
    name: kubernetesLabelName.optional(),
    /** The lab's directory; default `.lab/<name>` in the project. */
    dir: nonEmpty.optional(),
    /** Directory of prebuilt binaries; default `$FLUXSTACK_LAB_BIN`, else the toolchain's bin directory. */
    bin: nonEmpty.optional(),
    /** Ports to pin on 127.0.0.1; default: chosen free on the first start and kept. */
    ports: z
        .strictObject({ apiServer: labPort.optional(), git: labPort.optional(), registry: labPort.optional() })
        .prefault({}),
    /** Git repositories made on the first start: name -> folder (relative to the project) of its first commit. */
    repositories: z.record(kubernetesLabelName, nonEmpty).default({ ...d.DEFAULT_LAB.repositories }),
    /** OCI artifacts pushed on the first start: `repository:tag` -> folder (relative to the project). */
    artifacts: z.record(artifactReference, nonEmpty).default({ ...d.DEFAULT_LAB.artifacts }),
});

export const clusterSchema = z.discriminatedUnion("source", [
    existingClusterSchema,
    kindClusterSchema,
    eksClusterSchema,
    labClusterSchema,
]);

const chartsSchema = z.discriminatedUnion("source", [
    z.strictObject({
        source: z.literal("oci"),
        repository: urlWithScheme(["oci"]).default(d.DEFAULT_CHART_REPOSITORY),
        version: nonEmpty.default(d.DEFAULT_CHART_VERSION),
    }),
    z.strictObject({
        source: z.literal("local"),
        /** A folder holding `flux-operator/` and `flux-instance/` chart directories (relative to the project). */
        directory: nonEmpty,
    }),
]);

export const fluxSchema = z.strictObject({
    namespace: kubernetesLabelName.default(d.DEFAULT_FLUX_NAMESPACE),
    charts: chartsSchema.prefault({ source: "oci" }),
    operator: z
        .strictObject({
            multitenancy: z.boolean().default(true),
            timeoutSeconds: z.int().min(30).default(d.DEFAULT_RELEASE_TIMEOUT_SECONDS),
            /** The operator's web UI: off, or on and reachable from the named namespaces only. */
            web: z
                .strictObject({
                    enabled: z.boolean().default(false),
                    allowFrom: unique(z.array(kubernetesLabelName)).default([]),
                })
                .refine((w) => w.enabled || w.allowFrom.length === 0, {
                    error: "allowFrom opens the web UI to namespaces, so it needs enabled: true",
                    path: ["allowFrom"],
                    ...whenClean,
                })
                .prefault({}),
        })
        .prefault({}),
    instance: z
        .strictObject({
            /** Default: `aws` on EKS, `kubernetes` otherwise. */
            clusterType: z.enum(d.CLUSTER_TYPES).optional(),
            multitenant: z.boolean().default(true),
            distribution: z
                .strictObject({
                    version: nonEmpty.default(d.DEFAULT_DISTRIBUTION.version),
                    registry: nonEmpty.default(d.DEFAULT_DISTRIBUTION.registry),
                    /** `""` = use the manifests embedded in the operator (air-gapped clusters). */
                    artifact: z
                        .string()
                        .refine((v) => v === "" || /^oci:\/\/.+/.test(v), {
                            error: 'must be an oci:// URL, or "" to use the manifests embedded in the operator',
                        })
                        .default(d.DEFAULT_DISTRIBUTION.artifact),
                })
                .prefault({}),
            components: unique(z.array(z.enum(d.FLUX_COMPONENTS)).min(2)).default([...d.DEFAULT_COMPONENTS]),
            /**
             * Kustomize patches for the controllers' objects (e.g. a flag: `--concurrent=10`), applied by the
             * operator after the cluster's own (the IRSA annotation on EKS).
             */
            kustomizePatches: z
                .array(
                    z.strictObject({
                        target: z.strictObject({
                            kind: nonEmpty,
                            name: nonEmpty.optional(),
                            labelSelector: nonEmpty.optional(),
                        }),
                        patch: nonEmpty,
                    }),
                )
                .default([]),
            healthcheck: z.boolean().default(true),
            healthcheckTimeout: fluxDuration.default(d.DEFAULT_HEALTHCHECK_TIMEOUT),
            timeoutSeconds: z.int().min(30).default(d.DEFAULT_RELEASE_TIMEOUT_SECONDS),
        })
        .prefault({}),
    /** `up` waits until each sync is Ready, and fails with the controller's message; default on for a lab. */
    waitForSyncs: z.boolean().optional(),
    /** How long `up` waits for one sync. */
    syncTimeoutSeconds: z.int().min(10).default(d.DEFAULT_SYNC_TIMEOUT_SECONDS),
    /** How long a teardown waits for a Flux object (or a namespace holding one) to go before it fails naming it. */
    deleteTimeoutSeconds: z.int().min(10).default(d.DEFAULT_DELETE_TIMEOUT_SECONDS),
    probePolicy: z
        .strictObject({
            enabled: z.boolean().default(true),
            cidrs: z
                .array(z.union([z.cidrv4(), z.cidrv6()], { error: "must be an IPv4 or IPv6 CIDR" }))
                .min(1)
                .default([...d.DEFAULT_PROBE_POLICY.cidrs]),
            ports: z
                .array(z.int().min(1).max(65535))
                .min(1)
                .default([...d.DEFAULT_PROBE_POLICY.ports]),
        })
        .prefault({}),
});

export const tenantSchema = z.strictObject({
    name: kubernetesLabelName,
    /** Default: the tenant's name. */
    namespace: kubernetesLabelName.optional(),
    /** Default: the tenant's name. */
    serviceAccount: kubernetesObjectName.optional(),
    clusterRole: kubernetesObjectName.default(d.DEFAULT_TENANT_CLUSTER_ROLE),
    /** When set, a long-lived service-account token Secret of this name is made (the demo's `dev` Secret). */
    tokenSecretName: kubernetesObjectName.optional(),
    /** The tenant's own guardrails, over `fluxstack:guardrails`. */
    guardrails: guardrailOverridesSchema.optional(),
    /**
     * Whether removing the tenant (and with it its namespace and everything in it) needs a confirmation
     * (`confirmTenantDeletion`). Default: true on clusters the stack keeps (eks, existing), false on throwaway ones.
     */
    protect: z.boolean().optional(),
});

/** A Secret that already exists in the tenant's namespace (made outside the stack). */
const secretRef = kubernetesObjectName.optional();
/** A credential of `fluxstack:credentials`, given to the sync's tenant: the program makes its Secret. */
const credential = kubernetesObjectName.optional();

const gitSourceSchema = z.strictObject({
    kind: z.literal("GitRepository"),
    /** Default: the sync's name. */
    name: kubernetesObjectName.optional(),
    /** `lab://git/<repository>` names a repository of the lab's Git server (cluster source `lab`). */
    url: sourceUrl("GitRepository", ["https", "http", "ssh", "lab"]),
    ref: z
        .union(
            [
                z.strictObject({ branch: nonEmpty }),
                z.strictObject({ tag: nonEmpty }),
                z.strictObject({ semver: nonEmpty }),
                z.strictObject({
                    commit: z.string().regex(/^[0-9a-f]{7,64}$/, { error: "must be a commit SHA: 7 to 64 hex digits" }),
                }),
            ],
            { error: exactlyOneKey(["branch", "tag", "semver", "commit"]) },
        )
        .default({ branch: "main" }),
    interval: fluxDuration.default(d.DEFAULT_SOURCE_INTERVAL),
    credential,
    secretRef,
});

const ociSourceSchema = z.strictObject({
    kind: z.literal("OCIRepository"),
    name: kubernetesObjectName.optional(),
    /** `lab://oci/<repository>` names a repository of the lab's registry (cluster source `lab`). */
    url: sourceUrl("OCIRepository", ["oci", "lab"]),
    ref: z
        .union(
            [
                z.strictObject({ tag: nonEmpty }),
                z.strictObject({ semver: nonEmpty }),
                z.strictObject({
                    digest: z
                        .string()
                        .regex(/^sha256:[0-9a-f]{64}$/, { error: "must be sha256: followed by 64 hex digits" }),
                }),
            ],
            { error: exactlyOneKey(["tag", "semver", "digest"]) },
        )
        .default({ tag: "latest" }),
    interval: fluxDuration.default(d.DEFAULT_SOURCE_INTERVAL),
    credential,
    secretRef,
    /** Pull over plain HTTP (a registry without TLS, such as a lab's). */
    insecure: z.boolean().optional(),
    /** Cloud identity for pulling the artifact (`aws` uses the controller's IRSA / Pod Identity role). */
    provider: z.enum(["generic", "aws", "azure", "gcp"]).optional(),
});

export const syncSchema = z.strictObject({
    /** The Kustomization's name (and the source's, unless source.name is set). */
    name: kustomizationName,
    tenant: kubernetesLabelName,
    source: z.discriminatedUnion("kind", [gitSourceSchema, ociSourceSchema]),
    path: sourcePath,
    prune: z.boolean().default(true),
    interval: fluxDuration.default(d.DEFAULT_SYNC_INTERVAL),
    timeout: fluxDuration.optional(),
    wait: z.boolean().optional(),
});

/** The top-level config keys, each read from `<project>:<key>`. */
export const stackConfigShape = {
    cluster: clusterSchema,
    flux: fluxSchema.prefault({}),
    guardrails: guardrailsSchema.prefault({}),
    tenants: z.array(tenantSchema).default([]),
    syncs: z.array(syncSchema).default([]),
    /**
     * The protected tenants this change may delete, committed with the change that removes them; `"*"` for all of
     * them (a whole-stack destroy). Default none.
     */
    confirmTenantDeletion: z.array(z.union([kubernetesLabelName, z.literal("*")])).default([]),
    /** Read entry by entry by the loader (credentialSchema), so that one bad credential does not hide the others. */
    credentials: z.record(z.string(), credentialSchema).default({}),
} as const;

export type ClusterConfig = z.output<typeof clusterSchema>;
export type ExistingClusterConfig = z.output<typeof existingClusterSchema>;
export type KindClusterConfig = z.output<typeof kindClusterSchema>;
export type EksClusterConfig = z.output<typeof eksClusterSchema>;
export type LabClusterConfig = z.output<typeof labClusterSchema>;
export type FluxConfig = z.output<typeof fluxSchema>;
export type TenantConfig = z.output<typeof tenantSchema>;
export type SyncConfig = z.output<typeof syncSchema>;
