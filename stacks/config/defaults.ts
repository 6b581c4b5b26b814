/**
 * Defaults for every optional stack-config key, named so that tests, docs and code agree. Where each one lives:
 *
 * - A value's default is a constant here, applied once, by its own field in schema.ts (`.default(CONSTANT)`).
 * - An object's default is `{}` run through its schema (`.prefault({})`), so it is made of its fields' defaults
 *   and never repeats (or adds to) them: `cluster.vpc`, `cluster.nodeGroup`, `flux` and everything in it.
 *   `flux.charts` starts from `{source: oci}`; `cluster.fluxIdentity` is `{mode: none}`.
 * - Defaults that follow from other keys are resolved by the loader (load.ts): a tenant's `namespace` and
 *   `serviceAccount` (its name), a source's `name` (its sync's name), `flux.instance.clusterType` (`aws` on EKS,
 *   else `kubernetes`) and an existing cluster's `kubeconfig` (`$KUBECONFIG`, else `~/.kube/config`).
 * - `cluster`, and `name`, `region` and `kubernetesVersion` on EKS, have none: they are required.
 */

/** The chart version published next to the charts in ../shared/reference (see SOURCES.md there). */
export const DEFAULT_CHART_VERSION = "0.49.0";
export const DEFAULT_CHART_REPOSITORY = "oci://ghcr.io/controlplaneio-fluxcd/charts";
export const DEFAULT_FLUX_NAMESPACE = "flux-system";

export const DEFAULT_DISTRIBUTION = {
    version: "2.x",
    registry: "ghcr.io/fluxcd",
    artifact: "oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests:latest",
} as const;

/** The controllers the flux-instance chart installs by default. */
export const DEFAULT_COMPONENTS = [
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
] as const;

export const FLUX_COMPONENTS = [
    ...DEFAULT_COMPONENTS,
    "image-reflector-controller",
    "image-automation-controller",
    "source-watcher",
] as const;

export const CLUSTER_TYPES = ["kubernetes", "openshift", "aws", "azure", "gcp"] as const;

/** The demo's network/allow-health-checks.yaml: the mesh's link-local blocks and the probe ports. */
export const DEFAULT_PROBE_POLICY = {
    cidrs: ["169.254.0.0/16", "fd16:9254:7127:1337:ffff::/80"],
    ports: [15008, 9440, 9090, 8081],
} as const;

/** How long Helm may wait for a release to become ready, in seconds. */
export const DEFAULT_RELEASE_TIMEOUT_SECONDS = 600;
export const DEFAULT_HEALTHCHECK_TIMEOUT = "5m";

/**
 * The ClusterRole a tenant's service account is bound to in its own namespace. `edit` (built in) lets it
 * create Deployments, Services, ConfigMaps and Secrets but not Roles or RoleBindings, so a tenant cannot
 * widen its own rights; the demo used `cluster-admin`.
 */
export const DEFAULT_TENANT_CLUSTER_ROLE = "edit";

/** The demo's intervals: sources poll every minute; dev's Kustomization re-applies every 30 minutes. */
export const DEFAULT_SOURCE_INTERVAL = "1m0s";
export const DEFAULT_SYNC_INTERVAL = "30m0s";

/** Kind: the demo lab's layout (one control plane, two workers). */
export const DEFAULT_KIND = {
    name: "fluxdemo",
    /** kind v0.31.0's default image, pinned by digest as kind's release notes ask. */
    nodeImage: "kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f",
    controlPlanes: 1,
    workers: 2,
} as const;

/** EKS: a new VPC over two zones (a /16, carved into /20 subnets)... */
export const DEFAULT_EKS_VPC = { cidr: "10.0.0.0/16", availabilityZones: 2 } as const;

/** ...and a small managed node group in its private subnets. */
export const DEFAULT_EKS_NODE_GROUP = {
    instanceTypes: ["t3.medium"],
    minSize: 2,
    desiredSize: 2,
    maxSize: 3,
    diskSizeGiB: 20,
} as const;

/**
 * The lab (cluster source `lab`): what its Git server and OCI registry hold on the first start (the demo's two
 * scenario repositories and its OCI artifact, carried by the project in lab/demo), relative to the project.
 */
export const DEFAULT_LAB = {
    repositories: { "flux-dev": "lab/demo/flux-dev", "flux-stage-prod": "lab/demo/flux-stage-prod" },
    artifacts: { "kcheck/kcheck-dev:latest": "lab/demo/kcheck-dev" },
} as const;

/** The Flux controllers a lab runs as processes: its FluxInstance asks for these (and may ask for no others). */
export const LAB_COMPONENTS = ["source-controller", "kustomize-controller"] as const;

/** How long `up` waits for a sync to be Ready when `flux.waitForSyncs` is on. */
export const DEFAULT_SYNC_TIMEOUT_SECONDS = 300;

/**
 * How long a teardown waits for a Flux object, or a namespace holding one, to go: Flux's finalizers prune in
 * seconds while the controllers run; with them down they never go, and the run then fails naming what is stuck.
 */
export const DEFAULT_DELETE_TIMEOUT_SECONDS = 180;
