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

import { DEFAULT_KIND_NODE_IMAGE } from "../../components/cluster/kindConfig";
import { DEFAULT_CHART_REPOSITORY, DEFAULT_CHART_VERSION } from "../../components/flux/chartRef";
import {
    DEFAULT_COMPONENTS,
    DEFAULT_DISTRIBUTION,
    DEFAULT_RELEASE_TIMEOUT_SECONDS,
} from "../../components/flux/helmValues";
import { DEFAULT_PROBE_CIDRS, DEFAULT_PROBE_PORTS } from "../../components/flux/probePolicy";
import { DEFAULT_FLUX_NAMESPACE } from "../../components/shared/fluxNamespace";
import { DEFAULT_SOURCE_INTERVAL, DEFAULT_SYNC_INTERVAL } from "../../components/tenant/syncManifests";
import { DEFAULT_TENANT_CLUSTER_ROLE } from "../../components/tenant/tenantManifests";

// The components' own defaults (each documented where it is used), so that config and components never disagree:
// the chart (0.49.0, the version next to the charts in ../shared/reference), the Flux namespace, the instance's
// distribution and controllers, Helm's wait, the probe policy, a tenant's role (`edit`, not the demo's
// `cluster-admin`), the demo's intervals, kind's node image.
export {
    DEFAULT_CHART_REPOSITORY,
    DEFAULT_CHART_VERSION,
    DEFAULT_COMPONENTS,
    DEFAULT_DISTRIBUTION,
    DEFAULT_FLUX_NAMESPACE,
    DEFAULT_RELEASE_TIMEOUT_SECONDS,
    DEFAULT_SOURCE_INTERVAL,
    DEFAULT_SYNC_INTERVAL,
    DEFAULT_TENANT_CLUSTER_ROLE,
};

export const FLUX_COMPONENTS = [
    ...DEFAULT_COMPONENTS,
    "image-reflector-controller",
    "image-automation-controller",
    "source-watcher",
] as const;

export const CLUSTER_TYPES = ["kubernetes", "openshift", "aws", "azure", "gcp"] as const;

/** The demo's network/allow-health-checks.yaml: the mesh's link-local blocks and the probe ports. */
export const DEFAULT_PROBE_POLICY = { cidrs: DEFAULT_PROBE_CIDRS, ports: DEFAULT_PROBE_PORTS } as const;

export const DEFAULT_HEALTHCHECK_TIMEOUT = "5m";

/** Kind: the demo lab's layout (one control plane, two workers). */
export const DEFAULT_KIND = {
    name: "fluxdemo",
    nodeImage: DEFAULT_KIND_NODE_IMAGE,
    controlPlanes: 1,
    workers: 2,
} as const;

// EKS's defaults are written out here too (the same as EksCluster's and EksVpc's; tests/stacks/defaults.test.ts
// holds them equal): importing those components would load @pulumi/aws and @pulumi/eks into every config check.

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
