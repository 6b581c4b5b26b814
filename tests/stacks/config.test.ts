import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadStackConfig } from "../../stacks/config";

/** The instance chart's distribution as the README documents it (written out: the defaults module is what is tested). */
const DOCUMENTED_DISTRIBUTION = {
    version: "2.x",
    registry: "ghcr.io/fluxcd",
    artifact: "oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests:latest",
};
import { PROJECT, PROJECT_DIR, toConfigMap } from "../helpers/stackFiles";

const EKS = { source: "eks", name: "lab", region: "eu-north-1", kubernetesVersion: "1.34" };
const ENV = { env: { KUBECONFIG: "/tmp/kubeconfig" }, projectDir: PROJECT_DIR };

/** A valid base config (scenario 1 on an existing cluster) that each bad case breaks in one place. */
function base(): Record<string, any> {
    return {
        cluster: { source: "existing" },
        tenants: [{ name: "fluxdemo-dev" }],
        syncs: [
            {
                name: "flux-dev",
                tenant: "fluxdemo-dev",
                source: { kind: "GitRepository", url: "https://github.com/wolcn/flux-dev" },
                path: "./dev",
            },
        ],
    };
}

function load(config: Record<string, unknown>) {
    const raw = toConfigMap(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v])));
    return loadStackConfig(raw, PROJECT, ENV);
}

function problemsOf(config: Record<string, unknown>): string[] {
    try {
        load(config);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.problems.map((p) => `${p.key}: ${p.message}`);
    }
    assert.fail("expected the config to be rejected");
}

type Case = [title: string, mutate: (c: Record<string, any>) => void, expected: string[]];

const RESERVED = ["kube-system", "kube-public", "kube-node-lease", "default"];

const BAD: Case[] = [
    [
        "unknown top-level key",
        (c) => {
            c.bogus = [];
        },
        [
            'fluxstack:bogus: unknown key "bogus" (known keys: cluster, flux, guardrails, tenants, syncs, confirmTenantDeletion, credentials)',
        ],
    ],
    [
        "misspelt top-level key: one line, not also the missing key or its syncs' unknown tenants",
        (c) => {
            c.tenant = c.tenants;
            delete c.tenants;
        },
        ['fluxstack:tenant: unknown key "tenant" (did you mean "tenants"?)'],
    ],
    [
        'misspelt required top-level key: one line, not also "is required"',
        (c) => {
            c.clustr = c.cluster;
            delete c.cluster;
        },
        ['fluxstack:clustr: unknown key "clustr" (did you mean "cluster"?)'],
    ],
    [
        "missing cluster",
        (c) => {
            delete c.cluster;
        },
        ["fluxstack:cluster: is required"],
    ],
    [
        "unknown cluster source",
        (c) => {
            c.cluster = { source: "minikube" };
        },
        ['fluxstack:cluster.source: must be one of existing, kind, eks, lab, got "minikube"'],
    ],
    [
        "unknown nested key, nothing near it",
        (c) => {
            c.tenants[0].owner = "x";
        },
        [
            'fluxstack:tenants[0].owner: unknown key "owner" (known keys: name, namespace, serviceAccount, clusterRole, tokenSecretName, guardrails, protect)',
        ],
    ],
    [
        'misspelt nested key: the nearest known key, and no "is required" for the key it stands for',
        (c) => {
            c.cluster = { source: "kind", extraPortMappings: [{ containerPort: 80, hostport: 8080 }] };
        },
        ['fluxstack:cluster.extraPortMappings[0].hostport: unknown key "hostport" (did you mean "hostPort"?)'],
    ],
    [
        "misspelt key with a transposition",
        (c) => {
            c.tenants[0].namepsace = "x";
        },
        ['fluxstack:tenants[0].namepsace: unknown key "namepsace" (did you mean "namespace"?)'],
    ],
    [
        "misspelt key that picks the shape (the union's discriminator)",
        (c) => {
            c.cluster = { Source: "kind" };
        },
        ['fluxstack:cluster.Source: unknown key "Source" (did you mean "source"?)'],
    ],
    [
        "misspelt key of a ref",
        (c) => {
            c.syncs[0].source.ref = { brnach: "main" };
        },
        [
            'fluxstack:syncs[0].source.ref: must be exactly one of {branch}, {tag}, {semver}, {commit}: unknown key "brnach" (did you mean "branch"?)',
        ],
    ],
    [
        "wrong type",
        (c) => {
            c.syncs[0].prune = "yes";
        },
        ['fluxstack:syncs[0].prune: must be a boolean (true or false), got string "yes"'],
    ],
    [
        "tenants not a list",
        (c) => {
            c.tenants = { name: "fluxdemo-dev" };
        },
        ["fluxstack:tenants: must be an array, got an object"],
    ],
    [
        "plain string where an object belongs",
        (c) => {
            c.flux = "oci";
        },
        ['fluxstack:flux: must be a YAML object or list, got the plain string "oci"'],
    ],
    [
        "bad git URL scheme",
        (c) => {
            c.syncs[0].source.url = "ftp://example.com/repo";
        },
        ["fluxstack:syncs[0].source.url: must be a URL starting with https://, http://, ssh://, lab://"],
    ],
    [
        "bad OCI URL scheme",
        (c) => {
            c.syncs[0].source = { kind: "OCIRepository", url: "https://ghcr.io/x" };
        },
        ["fluxstack:syncs[0].source.url: must be a URL starting with oci://, lab://"],
    ],
    [
        "unknown source kind",
        (c) => {
            c.syncs[0].source.kind = "Bucket";
        },
        ['fluxstack:syncs[0].source.kind: must be GitRepository or OCIRepository, got "Bucket"'],
    ],
    [
        "two refs at once",
        (c) => {
            c.syncs[0].source.ref = { branch: "main", tag: "v1" };
        },
        ["fluxstack:syncs[0].source.ref: must be exactly one of {branch}, {tag}, {semver}, {commit}"],
    ],
    [
        "empty path",
        (c) => {
            c.syncs[0].path = "";
        },
        ["fluxstack:syncs[0].path: must not be empty"],
    ],
    [
        "path climbing out of its source",
        (c) => {
            c.syncs[0].path = "../../etc";
        },
        ['fluxstack:syncs[0].path: must stay inside the source: "../../etc" climbs out of its root'],
    ],
    [
        "path climbing out after a step in",
        (c) => {
            c.syncs[0].path = "./dev/../../etc";
        },
        ['fluxstack:syncs[0].path: must stay inside the source: "./dev/../../etc" climbs out of its root'],
    ],
    [
        "absolute path",
        (c) => {
            c.syncs[0].path = "/dev";
        },
        ["fluxstack:syncs[0].path: must be relative to the source's root, such as ./apps"],
    ],
    [
        "credentials in a Git URL",
        (c) => {
            c.syncs[0].source.url = "https://user:token@github.com/wolcn/flux-dev";
        },
        [
            "fluxstack:syncs[0].source.url: must not hold credentials (user:password@): they would be stored in plain text in the GitRepository and in the stack's state; set them as a credential (pulumi config set --secret --path 'fluxstack:credentials.<name>.token') and name it in source.credential",
        ],
    ],
    [
        "a token as the user of a Git URL",
        (c) => {
            c.syncs[0].source.url = "https://ghp_abc@github.com/wolcn/flux-dev";
        },
        [
            "fluxstack:syncs[0].source.url: must not hold credentials (user:password@): they would be stored in plain text in the GitRepository and in the stack's state; set them as a credential (pulumi config set --secret --path 'fluxstack:credentials.<name>.token') and name it in source.credential",
        ],
    ],
    [
        "a password in an ssh URL",
        (c) => {
            c.syncs[0].source.url = "ssh://git:secret@github.com/wolcn/flux-dev";
        },
        [
            "fluxstack:syncs[0].source.url: must not hold credentials (user:password@): they would be stored in plain text in the GitRepository and in the stack's state; set them as a credential (pulumi config set --secret --path 'fluxstack:credentials.<name>.token') and name it in source.credential",
        ],
    ],
    [
        "credentials in an OCI URL",
        (c) => {
            c.syncs[0].source = { kind: "OCIRepository", url: "oci://user:pass@ghcr.io/wolcn/kcheck" };
        },
        [
            "fluxstack:syncs[0].source.url: must not hold credentials (user:password@): they would be stored in plain text in the OCIRepository and in the stack's state; set them as a credential (pulumi config set --secret --path 'fluxstack:credentials.<name>.password') and name it in source.credential",
        ],
    ],
    [
        "sync interval of zero",
        (c) => {
            c.syncs[0].interval = "0s";
        },
        ["fluxstack:syncs[0].interval: must be longer than zero, such as 1m0s, 30m or 1h"],
    ],
    [
        "source interval of zero",
        (c) => {
            c.syncs[0].source.interval = "0m0s";
        },
        ["fluxstack:syncs[0].source.interval: must be longer than zero, such as 1m0s, 30m or 1h"],
    ],
    [
        "sync timeout of zero",
        (c) => {
            c.syncs[0].timeout = "0s";
        },
        ["fluxstack:syncs[0].timeout: must be longer than zero, such as 1m0s, 30m or 1h"],
    ],
    [
        "health check timeout of zero",
        (c) => {
            c.flux = { instance: { healthcheckTimeout: "0h" } };
        },
        ["fluxstack:flux.instance.healthcheckTimeout: must be longer than zero, such as 1m0s, 30m or 1h"],
    ],
    [
        "sync name longer than a label value",
        (c) => {
            c.syncs[0].name = "s".repeat(64);
        },
        [
            "fluxstack:syncs[0].name: must be at most 63 characters: Flux writes a sync's name into the label kustomize.toolkit.fluxcd.io/name of every object it applies, and a label value holds at most 63",
        ],
    ],
    [
        "kind cluster name longer than kind takes",
        (c) => {
            c.cluster = { source: "kind", name: "k".repeat(51) };
        },
        [
            "fluxstack:cluster.name: must be at most 50 characters: kind names its nodes <name>-control-plane, and a host name holds at most 64",
        ],
    ],
    [
        "kind node image that is not an image reference",
        (c) => {
            c.cluster = { source: "kind", nodeImage: "not an image" };
        },
        [
            "fluxstack:cluster.nodeImage: must be an image reference such as kindest/node:v1.35.0: a lower-case name, an optional :tag and an optional @sha256: digest",
        ],
    ],
    [
        "kind node image with a shortened digest",
        (c) => {
            c.cluster = { source: "kind", nodeImage: "kindest/node:v1.35.0@sha256:452d" };
        },
        ['fluxstack:cluster.nodeImage: must end in a whole digest, @sha256: and 64 hex digits, not "@sha256:452d"'],
    ],
    [
        "eks instance type that is not one",
        (c) => {
            c.cluster = { ...EKS, nodeGroup: { instanceTypes: ["t3.medium", "t3 medium"] } };
        },
        ["fluxstack:cluster.nodeGroup.instanceTypes[1]: must be an EC2 instance type such as t3.medium or m7g.2xlarge"],
    ],
    [
        "interval not a duration",
        (c) => {
            c.syncs[0].interval = "5 minutes";
        },
        ["fluxstack:syncs[0].interval: must be a duration such as 1m0s, 30m or 1h (digits followed by ms, s, m or h)"],
    ],
    [
        "source interval not a duration",
        (c) => {
            c.syncs[0].source.interval = "1d";
        },
        [
            "fluxstack:syncs[0].source.interval: must be a duration such as 1m0s, 30m or 1h (digits followed by ms, s, m or h)",
        ],
    ],
    [
        "invalid Kubernetes name",
        (c) => {
            c.tenants[0].name = "Fluxdemo_Dev";
            c.syncs = [];
        },
        [
            "fluxstack:tenants[0].name: must be a Kubernetes DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
        ],
    ],
    [
        "name too long",
        (c) => {
            c.tenants[0].namespace = "a".repeat(64);
        },
        ["fluxstack:tenants[0].namespace: must be at most 63 characters (a Kubernetes DNS-1123 label)"],
    ],
    [
        "duplicate tenant",
        (c) => {
            c.tenants.push({ name: "fluxdemo-dev", namespace: "other" });
        },
        ['fluxstack:tenants[1].name: duplicate tenant "fluxdemo-dev" (also tenants[0])'],
    ],
    [
        "the same tenant twice: one line, not also its namespace",
        (c) => {
            c.tenants.push({ name: "fluxdemo-dev" });
        },
        ['fluxstack:tenants[1].name: duplicate tenant "fluxdemo-dev" (also tenants[0])'],
    ],
    [
        "duplicate namespace",
        (c) => {
            c.tenants.push({ name: "second", namespace: "fluxdemo-dev" });
        },
        ['fluxstack:tenants[1].namespace: namespace "fluxdemo-dev" is already used by tenants[0]'],
    ],
    [
        "tenant in the Flux namespace",
        (c) => {
            c.tenants[0].namespace = "flux-system";
        },
        [
            'fluxstack:tenants[0].namespace: namespace "flux-system" is the Flux namespace (fluxstack:flux.namespace); a tenant needs its own',
        ],
    ],
    [
        "tenant named after the Flux namespace (namespace unset): the name is the key to change",
        (c) => {
            c.tenants = [{ name: "flux-system" }];
            c.syncs = [];
        },
        [
            `fluxstack:tenants[0].name: namespace "flux-system" (the tenant's name, as namespace is unset) is the Flux namespace (fluxstack:flux.namespace); a tenant needs its own`,
        ],
    ],
    ...RESERVED.map((namespace): Case => [
        `tenant in the cluster's own namespace ${namespace}`,
        (c) => {
            c.tenants[0].namespace = namespace;
        },
        [
            `fluxstack:tenants[0].namespace: namespace "${namespace}" is reserved for the cluster itself (kube-system, kube-public, kube-node-lease, default): a tenant bound to edit there could change the cluster's own workloads`,
        ],
    ]),
    [
        "tenant named default (namespace unset), bound to admin",
        (c) => {
            c.tenants = [{ name: "default", clusterRole: "admin" }];
            c.syncs = [];
        },
        [
            `fluxstack:tenants[0].name: namespace "default" (the tenant's name, as namespace is unset) is reserved for the cluster itself (kube-system, kube-public, kube-node-lease, default): a tenant bound to admin there could change the cluster's own workloads`,
        ],
    ],
    [
        "sync names an unknown tenant",
        (c) => {
            c.syncs[0].tenant = "fluxdemo-qa";
        },
        ['fluxstack:syncs[0].tenant: unknown tenant "fluxdemo-qa" (tenants: fluxdemo-dev)'],
    ],
    [
        // stacks/platform.ts throws on such a sync after the cluster and Flux are registered: the loader must stop it.
        "sync in a stack with no tenants key at all",
        (c) => {
            delete c.tenants;
        },
        ['fluxstack:syncs[0].tenant: unknown tenant "fluxdemo-dev" (fluxstack:tenants lists none)'],
    ],
    [
        "sync with tenants: [] (the same)",
        (c) => {
            c.tenants = [];
        },
        ['fluxstack:syncs[0].tenant: unknown tenant "fluxdemo-dev" (fluxstack:tenants lists none)'],
    ],
    [
        "a tenant without a name: its own line, and its syncs are not said to name an unknown tenant",
        (c) => {
            c.tenants = [{ nmae: "fluxdemo-dev" }];
        },
        ['fluxstack:tenants[0].nmae: unknown key "nmae" (did you mean "name"?)'],
    ],
    [
        "duplicate sync in a tenant",
        (c) => {
            c.syncs.push({ ...c.syncs[0], source: { ...c.syncs[0].source, name: "other" } });
        },
        ['fluxstack:syncs[1].name: duplicate sync "flux-dev" for tenant "fluxdemo-dev" (also syncs[0])'],
    ],
    [
        "the same sync twice: one line, not also its source",
        (c) => {
            c.syncs.push(structuredClone(c.syncs[0]));
        },
        ['fluxstack:syncs[1].name: duplicate sync "flux-dev" for tenant "fluxdemo-dev" (also syncs[0])'],
    ],
    [
        "duplicate source in a tenant",
        (c) => {
            c.syncs.push({ ...c.syncs[0], name: "second" });
            c.syncs[1].source = { ...c.syncs[0].source, name: "flux-dev" };
        },
        [
            'fluxstack:syncs[1].source.name: GitRepository "flux-dev" is already defined for tenant "fluxdemo-dev" by syncs[0]',
        ],
    ],
    [
        "artifact neither oci nor empty",
        (c) => {
            c.flux = { instance: { distribution: { artifact: "https://x" } } };
        },
        [
            'fluxstack:flux.instance.distribution.artifact: must be an oci:// URL, or "" to use the manifests embedded in the operator',
        ],
    ],
    [
        "unknown cluster type",
        (c) => {
            c.flux = { instance: { clusterType: "kind" } };
        },
        ['fluxstack:flux.instance.clusterType: must be one of kubernetes, openshift, aws, azure, gcp, got "kind"'],
    ],
    [
        "bad probe CIDR",
        (c) => {
            c.flux = { probePolicy: { cidrs: ["169.254.0.0/99"] } };
        },
        ["fluxstack:flux.probePolicy.cidrs[0]: must be an IPv4 or IPv6 CIDR"],
    ],
    [
        "missing local chart directory",
        (c) => {
            c.flux = { charts: { source: "local", directory: "no/such/dir" } };
        },
        [
            `fluxstack:flux.charts.directory: no chart at ${PROJECT_DIR}/no/such/dir/flux-operator/Chart.yaml`,
            `fluxstack:flux.charts.directory: no chart at ${PROJECT_DIR}/no/such/dir/flux-instance/Chart.yaml`,
        ],
    ],
    [
        "kind with zero control planes",
        (c) => {
            c.cluster = { source: "kind", controlPlanes: 0 };
        },
        ["fluxstack:cluster.controlPlanes: must be from 1 to 7, got 0"],
    ],
    [
        "port out of range",
        (c) => {
            c.cluster = { source: "kind", extraPortMappings: [{ containerPort: 80, hostPort: 70000 }] };
        },
        ["fluxstack:cluster.extraPortMappings[0].hostPort: must be from 1 to 65535, got 70000"],
    ],
    [
        "protocol not one of the allowed",
        (c) => {
            c.cluster = { source: "kind", extraPortMappings: [{ containerPort: 80, hostPort: 8080, protocol: "tcp" }] };
        },
        ['fluxstack:cluster.extraPortMappings[0].protocol: must be one of TCP, UDP, SCTP, got "tcp"'],
    ],
    [
        "a quoted whole number",
        (c) => {
            c.cluster = { source: "kind", workers: "2" };
        },
        ['fluxstack:cluster.workers: must be a whole number, not the quoted string "2" (write 2 without quotes)'],
    ],
    [
        "a fraction where a whole number belongs",
        (c) => {
            c.cluster = { source: "kind", workers: 2.5 };
        },
        ["fluxstack:cluster.workers: must be a whole number, got number 2.5"],
    ],
    [
        "a version as a number (YAML reads 1.30 as 1.3)",
        (c) => {
            c.cluster = { ...EKS, kubernetesVersion: 1.34 };
        },
        [
            'fluxstack:cluster.kubernetesVersion: must be a string, in quotes, such as "1.34" (YAML reads 1.34 as a number, and 1.30 as 1.3)',
        ],
    ],
    [
        "a number where a string belongs",
        (c) => {
            c.cluster = { ...EKS, tags: { "cost-center": 1234 } };
        },
        ['fluxstack:cluster.tags.cost-center: must be a string, got number 1234 (put it in quotes: "1234")'],
    ],
    [
        "a number where a duration belongs",
        (c) => {
            c.syncs[0].interval = 5;
        },
        [
            "fluxstack:syncs[0].interval: must be a duration such as 1m0s, 30m or 1h (digits followed by ms, s, m or h), got number 5",
        ],
    ],
    [
        "an AWS tag in AWS's own prefix",
        (c) => {
            c.cluster = { ...EKS, tags: { "aws:team": "platform" } };
        },
        ["fluxstack:cluster.tags.aws:team: tag keys must not start with aws: (AWS keeps that prefix for its own tags)"],
    ],
    [
        "an AWS tag value too long",
        (c) => {
            c.cluster = { ...EKS, tags: { team: "t".repeat(257) } };
        },
        ["fluxstack:cluster.tags.team: must be at most 256 characters (an AWS tag value)"],
    ],
    [
        "an OCI digest cut short",
        (c) => {
            c.syncs[0].source = { kind: "OCIRepository", url: "oci://ghcr.io/x", ref: { digest: "sha256:452d" } };
        },
        ["fluxstack:syncs[0].source.ref.digest: must be sha256: followed by 64 hex digits"],
    ],
    [
        "no minimum check left in zod's words: probe policy ports",
        (c) => {
            c.flux = { probePolicy: { ports: [] } };
        },
        ["fluxstack:flux.probePolicy.ports: must not be empty"],
    ],
    [
        "eks identity mode not one of the allowed",
        (c) => {
            c.cluster = { ...EKS, fluxIdentity: { mode: "oidc" } };
        },
        ['fluxstack:cluster.fluxIdentity.mode: must be one of none, irsa, podIdentity, got "oidc"'],
    ],
    [
        "eks identity without a mode",
        (c) => {
            c.cluster = { ...EKS, fluxIdentity: { policyArns: ["arn:aws:iam::aws:policy/x"] } };
        },
        ["fluxstack:cluster.fluxIdentity.mode: is required: one of none, irsa, podIdentity"],
    ],
    [
        "eks without region and version",
        (c) => {
            c.cluster = { source: "eks", name: "lab" };
        },
        ["fluxstack:cluster.region: is required", "fluxstack:cluster.kubernetesVersion: is required"],
    ],
    [
        "eks node group sizes out of order",
        (c) => {
            c.cluster = {
                source: "eks",
                name: "lab",
                region: "eu-north-1",
                kubernetesVersion: "1.34",
                nodeGroup: { minSize: 3, desiredSize: 2 },
            };
        },
        ["fluxstack:cluster.nodeGroup: sizes must satisfy minSize <= desiredSize <= maxSize (got 3, 2, 3)"],
    ],
    [
        "eks node group with no nodes wanted",
        (c) => {
            c.cluster = { ...EKS, nodeGroup: { minSize: 0, desiredSize: 0 } };
        },
        [
            "fluxstack:cluster.nodeGroup.desiredSize: must be at least 1: the Flux operator and controllers need a node to run on",
        ],
    ],
    [
        "eks node group that may never have a node: one line, not also the order of the sizes",
        (c) => {
            c.cluster = { ...EKS, nodeGroup: { minSize: 0, desiredSize: 1, maxSize: 0 } };
        },
        ["fluxstack:cluster.nodeGroup.maxSize: must be at least 1, got 0"],
    ],
    [
        "eks node group with a negative minimum",
        (c) => {
            c.cluster = { ...EKS, nodeGroup: { minSize: -1 } };
        },
        ["fluxstack:cluster.nodeGroup.minSize: must be at least 0, got -1"],
    ],
    [
        "eks VPC over more zones than its region has",
        (c) => {
            c.cluster = { ...EKS, vpc: { availabilityZones: 4 } };
        },
        ["fluxstack:cluster.vpc.availabilityZones: must be at most 3: eu-north-1 has 3 availability zones"],
    ],
    [
        "eks VPC over more zones than any region has: one line, not also the region's count",
        (c) => {
            c.cluster = { ...EKS, region: "us-east-1", vpc: { availabilityZones: 7 } };
        },
        ["fluxstack:cluster.vpc.availabilityZones: must be from 2 to 6, got 7"],
    ],
    [
        "two kind port mappings of one host port (listenAddress unset is kind's 0.0.0.0)",
        (c) => {
            c.cluster = {
                source: "kind",
                extraPortMappings: [
                    { containerPort: 80, hostPort: 8080 },
                    { containerPort: 443, hostPort: 8080, listenAddress: "0.0.0.0", protocol: "TCP" },
                ],
            };
        },
        [
            "fluxstack:cluster.extraPortMappings[1].hostPort: host port 8080/TCP on 0.0.0.0 is already mapped by extraPortMappings[0]",
        ],
    ],
    [
        "a port both out of range and repeated: one line",
        (c) => {
            c.cluster = {
                source: "kind",
                extraPortMappings: [
                    { containerPort: 80, hostPort: 70000 },
                    { containerPort: 80, hostPort: 70000 },
                ],
            };
        },
        [
            "fluxstack:cluster.extraPortMappings[0].hostPort: must be from 1 to 65535, got 70000",
            "fluxstack:cluster.extraPortMappings[1].hostPort: must be from 1 to 65535, got 70000",
        ],
    ],
    [
        "kind listen address that is not an IP address",
        (c) => {
            c.cluster = {
                source: "kind",
                extraPortMappings: [{ containerPort: 80, hostPort: 8080, listenAddress: "localhost" }],
            };
        },
        ["fluxstack:cluster.extraPortMappings[0].listenAddress: must be an IP address such as 127.0.0.1 or 0.0.0.0"],
    ],
    [
        "eks IRSA without policies",
        (c) => {
            c.cluster = {
                source: "eks",
                name: "lab",
                region: "eu-north-1",
                kubernetesVersion: "1.34",
                fluxIdentity: { mode: "irsa", policyArns: [] },
            };
        },
        ["fluxstack:cluster.fluxIdentity.policyArns: must name at least one IAM policy ARN"],
    ],
    [
        "eks VPC CIDR that is not a CIDR",
        (c) => {
            c.cluster = { ...EKS, vpc: { cidr: "banana" } };
        },
        ["fluxstack:cluster.vpc.cidr: must be an IPv4 CIDR such as 10.0.0.0/16"],
    ],
    [
        "eks VPC narrower than /16",
        (c) => {
            c.cluster = { ...EKS, vpc: { cidr: "10.0.0.0/20" } };
        },
        ["fluxstack:cluster.vpc.cidr: must be a /16 or wider (subnets are /20 blocks)"],
    ],
    [
        "eks existing VPC with one subnet",
        (c) => {
            c.cluster = { ...EKS, vpc: { existingVpcId: "vpc-1", privateSubnetIds: ["subnet-a"] } };
        },
        ["fluxstack:cluster.vpc.privateSubnetIds: EKS needs at least two subnets, in two zones"],
    ],
    [
        "eks public subnets without an existing VPC",
        (c) => {
            c.cluster = { ...EKS, vpc: { publicSubnetIds: ["subnet-a"] } };
        },
        ["fluxstack:cluster.vpc: publicSubnetIds only go with existingVpcId (a new VPC makes its own)"],
    ],
    [
        "eks identity naming a controller twice",
        (c) => {
            c.cluster = {
                ...EKS,
                fluxIdentity: {
                    mode: "podIdentity",
                    policyArns: ["arn:aws:iam::aws:policy/x"],
                    controllers: ["source-controller", "source-controller"],
                },
            };
        },
        ["fluxstack:cluster.fluxIdentity.controllers: must not repeat an entry"],
    ],
    [
        "a component twice",
        (c) => {
            c.flux = { instance: { components: ["source-controller", "kustomize-controller", "source-controller"] } };
        },
        ["fluxstack:flux.instance.components: must not repeat an entry"],
    ],
    [
        "syncs without the kustomize controller",
        (c) => {
            c.flux = { instance: { components: ["source-controller", "helm-controller"] } };
        },
        ["fluxstack:flux.instance.components: syncs are configured, so it must include kustomize-controller"],
    ],
    [
        "syncs without the health check",
        (c) => {
            c.flux = { instance: { healthcheck: false } };
        },
        [
            "fluxstack:flux.instance.healthcheck: must stay true while syncs are configured: it is what makes them wait until the Flux CRDs exist",
        ],
    ],
    [
        "an AWS OCI source on a cluster without AWS identity",
        (c) => {
            c.syncs[0].source = { kind: "OCIRepository", url: "oci://x/y", provider: "aws" };
        },
        [
            "fluxstack:syncs[0].source.provider: aws needs an EKS cluster with cluster.fluxIdentity (irsa or podIdentity) so the controllers have an AWS identity",
        ],
    ],
    [
        "eks admin that is not a role ARN",
        (c) => {
            c.cluster = {
                source: "eks",
                name: "lab",
                region: "eu-north-1",
                kubernetesVersion: "1.34",
                adminRoleArns: ["admin"],
            };
        },
        ["fluxstack:cluster.adminRoleArns[0]: must be an IAM role ARN"],
    ],
    [
        "lab: a controller the lab does not run (it would only look Ready)",
        (c) => {
            c.cluster = { source: "lab" };
            c.flux = { instance: { components: ["source-controller", "kustomize-controller", "helm-controller"] } };
        },
        [
            "fluxstack:flux.instance.components: a lab runs source-controller and kustomize-controller as processes; helm-controller would only look Ready, never run: leave it out",
        ],
    ],
    [
        "lab: a floating distribution artifact",
        (c) => {
            c.cluster = { source: "lab" };
            c.flux = { instance: { distribution: { artifact: "oci://ghcr.io/x/manifests:latest" } } };
        },
        [
            'fluxstack:flux.instance.distribution.artifact: a lab uses the Flux manifests embedded in the operator it runs (reproducible, and offline): leave it out, or ""',
        ],
    ],
    [
        "lab: a lab:// URL on another cluster source",
        (c) => (c.syncs[0].source.url = "lab://git/flux-dev"),
        [
            "fluxstack:syncs[0].source.url: lab:// URLs name the lab's own Git server and registry: they work only with cluster.source lab",
        ],
    ],
    [
        "lab: a repository the lab does not serve",
        (c) => {
            c.cluster = { source: "lab" };
            c.syncs[0].source.url = "lab://git/nope";
        },
        [
            'fluxstack:syncs[0].source.url: the lab has no Git repository "nope" (cluster.repositories: flux-dev, flux-stage-prod)',
        ],
    ],
    [
        "lab: a GitRepository pointed at the lab's registry",
        (c) => {
            c.cluster = { source: "lab" };
            c.syncs[0].source.url = "lab://oci/kcheck/kcheck-dev";
        },
        [
            'fluxstack:syncs[0].source.url: a GitRepository\'s lab URL is lab://git/<repository>, got "lab://oci/kcheck/kcheck-dev"',
        ],
    ],
    [
        "lab: an OCI repository the lab does not hold",
        (c) => {
            c.cluster = { source: "lab" };
            c.syncs[0].source = { kind: "OCIRepository", url: "lab://oci/kcheck/nope" };
        },
        [
            'fluxstack:syncs[0].source.url: the lab has no OCI repository "kcheck/nope" (cluster.artifacts: kcheck/kcheck-dev)',
        ],
    ],
    [
        "lab: a privileged port, an artifact without a tag",
        (c) => {
            c.cluster = {
                source: "lab",
                ports: { git: 80 },
                artifacts: { "kcheck/kcheck-dev": "lab/demo/kcheck-dev" },
            };
        },
        [
            "fluxstack:cluster.ports.git: must be from 1024 to 65535, got 80",
            'fluxstack:cluster.artifacts.kcheck/kcheck-dev: key "kcheck/kcheck-dev" must be repository:tag, such as kcheck/kcheck-dev:latest (lower-case path segments, then a tag)',
        ],
    ],
    // Guardrails: fluxstack:guardrails (platform-wide defaults) and tenants[].guardrails (a tenant's own).
    [
        "misspelt guardrail",
        (c) => {
            c.guardrails = { quotas: {} };
        },
        ['fluxstack:guardrails.quotas: unknown key "quotas" (did you mean "quota"?)'],
    ],
    [
        "misspelt guardrail of a tenant",
        (c) => {
            c.tenants[0].guardrails = { podSecurty: { enforce: "restricted" } };
        },
        ['fluxstack:tenants[0].guardrails.podSecurty: unknown key "podSecurty" (did you mean "podSecurity"?)'],
    ],
    [
        "quota value that is not a Kubernetes quantity",
        (c) => {
            c.guardrails = { quota: { hard: { "requests.memory": "8 GB" } } };
        },
        [
            'fluxstack:guardrails.quota.hard.requests.memory: must be a Kubernetes quantity such as 500m, 2, 1.5, 512Mi or 4Gi, got "8 GB"',
        ],
    ],
    [
        "quota value of the wrong type",
        (c) => {
            c.guardrails = { quota: { hard: { pods: true } } };
        },
        [
            "fluxstack:guardrails.quota.hard.pods: must be a Kubernetes quantity such as 500m, 2, 1.5, 512Mi or 4Gi, got boolean true",
        ],
    ],
    [
        "negative quota",
        (c) => {
            c.tenants[0].guardrails = { quota: { hard: { "limits.cpu": "-2" } } };
        },
        ['fluxstack:tenants[0].guardrails.quota.hard.limits.cpu: must not be negative, got "-2"'],
    ],
    [
        "a count of objects that is not whole",
        (c) => {
            c.guardrails = { quota: { hard: { pods: 1.5 } } };
        },
        ['fluxstack:guardrails.quota.hard.pods: must be a whole number: pods counts objects, got "1.5"'],
    ],
    [
        "misspelt quota resource",
        (c) => {
            c.guardrails = { quota: { hard: { cpus: "4" } } };
        },
        ['fluxstack:guardrails.quota.hard.cpus: key "cpus" is not a quota resource (did you mean "cpu"?)'],
    ],
    [
        "unknown quota resource, nothing near it",
        (c) => {
            c.guardrails = { quota: { hard: { gpus: "4" } } };
        },
        [
            'fluxstack:guardrails.quota.hard.gpus: key "gpus" is not a quota resource: such as requests.cpu, limits.memory, pods, services or count/<resource>.<group>',
        ],
    ],
    [
        "container default that is not a quantity",
        (c) => {
            c.guardrails = { quota: { defaultRequest: { cpu: "a little" } } };
        },
        [
            'fluxstack:guardrails.quota.defaultRequest.cpu: must be a Kubernetes quantity such as 500m, 2, 1.5, 512Mi or 4Gi, got "a little"',
        ],
    ],
    [
        "platform quota smaller than one pod's default request",
        (c) => {
            c.guardrails = { quota: { hard: { "requests.cpu": "50m" } } };
        },
        [
            "fluxstack:guardrails.quota.hard.requests.cpu: 50m is less than one pod's default request (defaultRequest.cpu), 100m: the tenant could not run a single pod",
        ],
    ],
    [
        "a tenant's quota smaller than one pod's default limit",
        (c) => {
            c.tenants[0].guardrails = { quota: { hard: { "limits.memory": "256Mi" } } };
        },
        [
            "fluxstack:tenants[0].guardrails.quota.hard.limits.memory: 256Mi is less than one pod's default limit (defaultLimit.memory), 512Mi: the tenant could not run a single pod",
        ],
    ],
    [
        "a tenant's default request beyond the platform's quota (named where the tenant set it)",
        (c) => {
            c.tenants[0].guardrails = { quota: { defaultRequest: { cpu: "6" }, defaultLimit: { cpu: "6" } } };
        },
        [
            "fluxstack:tenants[0].guardrails.quota.hard.requests.cpu: 4 is less than one pod's default request (defaultRequest.cpu), 6: the tenant could not run a single pod",
        ],
    ],
    [
        "container default request above its limit",
        (c) => {
            c.tenants[0].guardrails = { quota: { defaultRequest: { memory: "1Gi" } } };
        },
        [
            "fluxstack:tenants[0].guardrails.quota.defaultRequest.memory: 1Gi is more than the default limit (defaultLimit.memory: 512Mi): the API server refuses such a LimitRange",
        ],
    ],
    [
        "a quota of no pods",
        (c) => {
            c.guardrails = { quota: { hard: { pods: 0 } } };
        },
        ["fluxstack:guardrails.quota.hard.pods: 0 leaves the tenant no pod at all: at least 1"],
    ],
    [
        "Pod Security level that is not one",
        (c) => {
            c.guardrails = { podSecurity: { enforce: "strict" } };
        },
        ['fluxstack:guardrails.podSecurity.enforce: must be one of privileged, baseline, restricted, got "strict"'],
    ],
    [
        "a tenant's Pod Security level in the wrong case",
        (c) => {
            c.tenants[0].guardrails = { podSecurity: { warn: "Restricted" } };
        },
        [
            'fluxstack:tenants[0].guardrails.podSecurity.warn: must be one of privileged, baseline, restricted, got "Restricted"',
        ],
    ],
    [
        "a namespace to admit traffic from that is not a namespace name",
        (c) => {
            c.guardrails = { isolation: { allowFrom: ["ingress_nginx"] } };
        },
        [
            "fluxstack:guardrails.isolation.allowFrom[0]: must be a Kubernetes DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
        ],
    ],
    [
        "a namespace to admit traffic from, twice",
        (c) => {
            c.tenants[0].guardrails = { isolation: { allowFrom: ["monitoring", "monitoring"] } };
        },
        ["fluxstack:tenants[0].guardrails.isolation.allowFrom: must not repeat an entry"],
    ],
    [
        "an allowed-source prefix that is not a URL",
        (c) => {
            c.guardrails = { sources: { allowedPrefixes: ["github.com/wolcn"] } };
        },
        [
            "fluxstack:guardrails.sources.allowedPrefixes[0]: must be a URL with a host, starting with https://, http://, ssh://, oci://, such as https://github.com/wolcn",
        ],
    ],
    [
        "an allowed-source prefix of another scheme",
        (c) => {
            c.tenants[0].guardrails = { sources: { allowedPrefixes: ["ftp://example.com/x"] } };
        },
        [
            "fluxstack:tenants[0].guardrails.sources.allowedPrefixes[0]: must be a URL with a host, starting with https://, http://, ssh://, oci://, such as https://github.com/wolcn",
        ],
    ],
    [
        "an allowed-source prefix with credentials",
        (c) => {
            c.guardrails = { sources: { allowedPrefixes: ["https://bot:token@github.com/wolcn"] } };
        },
        [
            "fluxstack:guardrails.sources.allowedPrefixes[0]: must not hold credentials (user:password@): a source's credentials go in its secretRef",
        ],
    ],
    [
        "an allowed-source prefix that climbs out",
        (c) => {
            c.guardrails = { sources: { allowedPrefixes: ["https://github.com/wolcn/.."] } };
        },
        [
            "fluxstack:guardrails.sources.allowedPrefixes[0]: must not have a '.' or '..' path segment, an escaped '.' or '/', or a backslash",
        ],
    ],
    [
        "an allowed-source prefix with a query",
        (c) => {
            c.guardrails = { sources: { allowedPrefixes: ["https://github.com/wolcn?tab=repositories"] } };
        },
        [
            "fluxstack:guardrails.sources.allowedPrefixes[0]: must not have a query or fragment: a prefix matches by whole path segments",
        ],
    ],
    [
        "lockdown off while isolation is on and the tenant's role can write NetworkPolicies",
        (c) => {
            c.guardrails = { lockdown: { enabled: false } };
        },
        [
            'fluxstack:guardrails.lockdown.enabled: must stay true for tenant "fluxdemo-dev", bound to edit: through its RoleBinding, edit can create, change and delete NetworkPolicies there, and one that admits all traffic undoes the isolation',
        ],
    ],
    [
        "lockdown off for a cluster-admin tenant: every guardrail it could undo, at the tenant's key",
        (c) => {
            c.tenants[0].clusterRole = "cluster-admin";
            c.tenants[0].guardrails = { lockdown: { enabled: false }, isolation: { enabled: false } };
        },
        [
            'fluxstack:tenants[0].guardrails.lockdown.enabled: must stay true for tenant "fluxdemo-dev", bound to cluster-admin: through its RoleBinding, cluster-admin can change and delete its ResourceQuota and LimitRange; it can relabel its own Namespace, Pod Security labels included; it can bind its role to anyone, whom the sources and pod-security policies then do not hold',
        ],
    ],
    [
        "web UI namespaces without the web UI",
        (c) => {
            c.flux = { operator: { web: { allowFrom: ["ingress-nginx"] } } };
        },
        ["fluxstack:flux.operator.web.allowFrom: allowFrom opens the web UI to namespaces, so it needs enabled: true"],
    ],
    [
        "web UI namespace that is not a namespace name",
        (c) => {
            c.flux = { operator: { web: { enabled: true, allowFrom: ["Ingress"] } } };
        },
        [
            "fluxstack:flux.operator.web.allowFrom[0]: must be a Kubernetes DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
        ],
    ],
    [
        "a confirmed deletion of a tenant that is still configured",
        (c) => {
            c.confirmTenantDeletion = ["fluxdemo-dev"];
        },
        [
            'fluxstack:confirmTenantDeletion[0]: confirms deleting "fluxdemo-dev", which is still in fluxstack:tenants: take it out of one of them',
        ],
    ],
];

describe("loadStackConfig rejects bad input with one message per problem", () => {
    for (const [title, mutate, expected] of BAD) {
        it(title, () => {
            const config = base();
            mutate(config);
            assert.deepEqual(problemsOf(config), expected);
        });
    }

    it("reports every problem of a config at once, in one message", () => {
        const config = base();
        config.bogus = 1;
        config.syncs[0].path = "";
        config.syncs[0].tenant = "nobody";
        assert.throws(() => load(config), {
            name: "ConfigError",
            message: [
                "Invalid stack config (3 problems):",
                '  - fluxstack:bogus: unknown key "bogus" (known keys: cluster, flux, guardrails, tenants, syncs, confirmTenantDeletion, credentials)',
                "  - fluxstack:syncs[0].path: must not be empty",
                '  - fluxstack:syncs[0].tenant: unknown tenant "nobody" (tenants: fluxdemo-dev)',
            ].join("\n"),
        });
    });
});

/** Every tenant's guardrails when the config sets none: each one on, with the careful defaults. */
const DEFAULT_GUARDRAILS = {
    isolation: { enabled: true, allowFrom: [] },
    lockdown: { enabled: true },
    quota: {
        enabled: true,
        hard: {
            "requests.cpu": "4",
            "requests.memory": "8Gi",
            "limits.cpu": "8",
            "limits.memory": "16Gi",
            pods: "40",
            services: "20",
            "services.loadbalancers": "0",
            "services.nodeports": "0",
            persistentvolumeclaims: "10",
            "requests.storage": "100Gi",
            secrets: "100",
            configmaps: "100",
        },
        defaultRequest: { cpu: "100m", memory: "128Mi" },
        defaultLimit: { cpu: "500m", memory: "512Mi" },
    },
    podSecurity: { enabled: true, enforce: "baseline", warn: "restricted", audit: "restricted" },
    sources: { enabled: true },
};

const IMAGE = "kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f";

/** Unusual but valid configs: each loads. */
const GOOD: [title: string, mutate: (c: Record<string, any>) => void][] = [
    ["an ssh URL with its login user", (c) => (c.syncs[0].source.url = "ssh://git@github.com/wolcn/flux-dev")],
    ["a path that steps in and back out", (c) => (c.syncs[0].path = "./dev/../stage")],
    ["the source's root as the path", (c) => (c.syncs[0].path = ".")],
    ["a sub-second interval", (c) => (c.syncs[0].source.interval = "0.5s")],
    ["a sync name of 63 characters", (c) => (c.syncs[0].name = "s".repeat(63))],
    [
        "a source name of 253 characters",
        (c) => (c.syncs[0].source.name = `${"a".repeat(63)}.`.repeat(3) + "b".repeat(61)),
    ],
    ["a kind name of 50 characters", (c) => (c.cluster = { source: "kind", name: "k".repeat(50) })],
    ["a node image pinned by tag and digest", (c) => (c.cluster = { source: "kind", nodeImage: IMAGE })],
    ["a node image by tag only", (c) => (c.cluster = { source: "kind", nodeImage: "kindest/node:v1.34.0" })],
    [
        "a node image from a local registry, by digest only",
        (c) =>
            (c.cluster = {
                source: "kind",
                nodeImage: `localhost:5000/kindest/node@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f`,
            }),
    ],
    [
        "an eks node group that scales to zero",
        (c) => (c.cluster = { ...EKS, nodeGroup: { minSize: 0, desiredSize: 1 } }),
    ],
    [
        "an eks VPC over all six zones of us-east-1",
        (c) => (c.cluster = { ...EKS, region: "us-east-1", vpc: { availabilityZones: 6 } }),
    ],
    [
        "an eks VPC in a region the zone table does not know (AWS decides at deploy)",
        (c) => (c.cluster = { ...EKS, region: "xx-future-1", vpc: { availabilityZones: 5 } }),
    ],
    [
        "an existing VPC: its zones are the subnets', not the region table's",
        (c) =>
            (c.cluster = {
                ...EKS,
                vpc: { availabilityZones: 6, existingVpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"] },
            }),
    ],
    [
        "one host port on two addresses, or for two protocols",
        (c) =>
            (c.cluster = {
                source: "kind",
                extraPortMappings: [
                    { containerPort: 80, hostPort: 8080, listenAddress: "127.0.0.1" },
                    { containerPort: 80, hostPort: 8080, listenAddress: "127.0.0.2" },
                    { containerPort: 53, hostPort: 8080, protocol: "UDP" },
                ],
            }),
    ],
    [
        "instance types of other shapes",
        (c) =>
            (c.cluster = { ...EKS, nodeGroup: { instanceTypes: ["m7g.2xlarge", "trn1n.32xlarge", "u-6tb1.metal"] } }),
    ],
    ["quotas written as YAML numbers", (c) => (c.guardrails = { quota: { hard: { pods: 50, "requests.cpu": 0.5 } } })],
    [
        "quota resources by pattern: counts of any kind, per storage class",
        (c) =>
            (c.guardrails = {
                quota: {
                    hard: {
                        "count/gitrepositories.source.toolkit.fluxcd.io": "5",
                        "gp3.storageclass.storage.k8s.io/requests.storage": "10Gi",
                    },
                },
            }),
    ],
    [
        "lockdown off with isolation off, for an edit tenant",
        (c) => (c.guardrails = { lockdown: { enabled: false }, isolation: { enabled: false } }),
    ],
    [
        "lockdown off for a role the program cannot know",
        (c) => {
            c.tenants[0].clusterRole = "team-deployer";
            c.tenants[0].guardrails = { lockdown: { enabled: false } };
        },
    ],
    [
        "Pod Security privileged (labels only, no workload policy)",
        (c) => (c.guardrails = { podSecurity: { enforce: "privileged" } }),
    ],
    [
        "an ssh prefix with its login user, and one with a trailing /",
        (c) =>
            (c.guardrails = { sources: { allowedPrefixes: ["ssh://git@github.com/wolcn", "oci://ghcr.io/wolcn/"] } }),
    ],
    ["no allowed sources at all", (c) => (c.tenants[0].guardrails = { sources: { allowedPrefixes: [] } })],
    [
        "every guardrail off",
        (c) =>
            (c.guardrails = Object.fromEntries(
                ["isolation", "lockdown", "quota", "podSecurity", "sources"].map((g) => [g, { enabled: false }]),
            )),
    ],
    [
        "the web UI, open to one namespace",
        (c) => (c.flux = { operator: { web: { enabled: true, allowFrom: ["ingress-nginx"] } } }),
    ],
];

describe("loadStackConfig resolves a lab's defaults", () => {
    it("names the lab after its stack, keeps it in .lab/<name>, runs the toolchain's binaries", () => {
        const raw = toConfigMap({ [`${PROJECT}:cluster`]: { source: "lab" } });
        const config = loadStackConfig(raw, PROJECT, { ...ENV, stack: "mylab", env: {}, homeDir: "/home/me" });
        assert.deepEqual(config.cluster, {
            source: "lab",
            name: "mylab",
            dir: ".lab/mylab",
            bin: "/home/me/.cache/fluxstack-toolchain/bin",
            ports: {},
            repositories: { "flux-dev": "lab/demo/flux-dev", "flux-stage-prod": "lab/demo/flux-stage-prod" },
            artifacts: { "kcheck/kcheck-dev:latest": "lab/demo/kcheck-dev" },
        });
        // The FluxInstance asks for what the lab runs, from the operator's embedded manifests; up waits for syncs.
        assert.deepEqual(config.flux.instance.components, ["source-controller", "kustomize-controller"]);
        assert.equal(config.flux.instance.distribution.artifact, "");
        assert.equal(config.flux.waitForSyncs, true);
    });

    it("takes prebuilt binaries from FLUXSTACK_LAB_BIN, else the toolchain directory's bin", () => {
        const raw = toConfigMap({ [`${PROJECT}:cluster`]: { source: "lab" } });
        const bin = (env: NodeJS.ProcessEnv) => {
            const c = loadStackConfig(raw, PROJECT, { ...ENV, env, homeDir: "/h" }).cluster;
            return c.source === "lab" ? c.bin : "";
        };
        assert.equal(bin({ FLUXSTACK_LAB_BIN: "/opt/lab" }), "/opt/lab");
        assert.equal(bin({ FLUXSTACK_TOOLCHAIN_DIR: "/tc" }), "/tc/bin");
    });

    it("protects tenants on clusters the stack keeps (existing, eks), not on throwaway ones (kind, lab), unless told", () => {
        const protect = (cluster: Record<string, unknown>, tenant: Record<string, unknown> = {}) =>
            load({ ...base(), cluster, tenants: [{ name: "fluxdemo-dev", ...tenant }] }).tenants[0].protect;
        assert.equal(protect({ source: "existing" }), true);
        assert.equal(protect(EKS), true);
        assert.equal(protect({ source: "kind" }), false);
        assert.equal(protect({ source: "lab" }), false);
        assert.equal(protect({ source: "existing" }, { protect: false }), false);
        assert.equal(protect({ source: "kind" }, { protect: true }), true);
    });

    it("waits for syncs on a lab only, unless told", () => {
        assert.equal(load(base()).flux.waitForSyncs, false);
        assert.equal(load({ ...base(), flux: { waitForSyncs: true } }).flux.waitForSyncs, true);
        assert.equal(
            load({ ...base(), cluster: { source: "lab" }, flux: { waitForSyncs: false } }).flux.waitForSyncs,
            false,
        );
    });
});

describe("loadStackConfig accepts unusual but valid input", () => {
    for (const [title, mutate] of GOOD) {
        it(title, () => {
            const config = base();
            mutate(config);
            assert.doesNotThrow(() => load(config));
        });
    }
});

describe("loadStackConfig fills in defaults", () => {
    it("resolves tenant, sync and Flux defaults", () => {
        const config = load(base());
        assert.deepEqual(config.tenants, [
            {
                name: "fluxdemo-dev",
                namespace: "fluxdemo-dev",
                serviceAccount: "fluxdemo-dev",
                clusterRole: "edit",
                guardrails: DEFAULT_GUARDRAILS,
                // An existing cluster is kept: removing a tenant from it takes a confirmation.
                protect: true,
            },
        ]);
        assert.deepEqual(config.syncs[0], {
            name: "flux-dev",
            tenant: "fluxdemo-dev",
            source: {
                kind: "GitRepository",
                name: "flux-dev",
                url: "https://github.com/wolcn/flux-dev",
                ref: { branch: "main" },
                interval: "1m0s",
            },
            path: "./dev",
            prune: true,
            interval: "30m0s",
        });
        assert.equal(config.flux.namespace, "flux-system");
        assert.deepEqual(config.flux.instance.distribution, DOCUMENTED_DISTRIBUTION);
        assert.equal(config.flux.instance.clusterType, "kubernetes");
        assert.equal(config.flux.operator.multitenancy, true);
        assert.deepEqual(config.flux.charts, {
            source: "oci",
            repository: "oci://ghcr.io/controlplaneio-fluxcd/charts",
            version: "0.49.0",
        });
    });

    it("gives each tenant the platform's guardrails with its own over them: field by field, quota key by key", () => {
        const config = load({
            ...base(),
            guardrails: {
                isolation: { allowFrom: ["ingress-nginx"] },
                quota: { hard: { pods: "60" }, defaultLimit: { memory: "1Gi" } },
                podSecurity: { enforce: "restricted" },
            },
            tenants: [
                {
                    name: "fluxdemo-dev",
                    guardrails: { isolation: { allowFrom: ["monitoring"] }, quota: { hard: { secrets: "10" } } },
                },
                { name: "fluxdemo-qa", guardrails: { quota: { enabled: false }, podSecurity: { warn: "baseline" } } },
            ],
        });
        const [dev, qa] = config.tenants.map((t) => t.guardrails);
        assert.deepEqual(dev.isolation, { enabled: true, allowFrom: ["monitoring"] }, "a list replaces the platform's");
        assert.deepEqual(dev.quota.hard, { ...DEFAULT_GUARDRAILS.quota.hard, pods: "60", secrets: "10" });
        assert.deepEqual(dev.quota.defaultLimit, { cpu: "500m", memory: "1Gi" });
        assert.deepEqual(qa.isolation, { enabled: true, allowFrom: ["ingress-nginx"] });
        assert.equal(qa.quota.enabled, false);
        assert.deepEqual(qa.podSecurity, {
            enabled: true,
            enforce: "restricted",
            warn: "baseline",
            audit: "restricted",
        });
        assert.deepEqual(
            qa.sources,
            { enabled: true },
            "no prefixes: the platform derives them from the tenant's syncs",
        );
    });

    it("takes the kubeconfig from $KUBECONFIG when the stack names none", () => {
        assert.deepEqual(load(base()).cluster, { source: "existing", kubeconfig: "/tmp/kubeconfig" });
    });

    it("maps EKS to cluster type aws unless overridden", () => {
        const eks = { source: "eks", name: "lab", region: "eu-north-1", kubernetesVersion: "1.34" };
        assert.equal(load({ ...base(), cluster: eks }).flux.instance.clusterType, "aws");
        assert.equal(
            load({ ...base(), cluster: eks, flux: { instance: { clusterType: "kubernetes" } } }).flux.instance
                .clusterType,
            "kubernetes",
        );
        assert.equal(load({ ...base(), cluster: { source: "kind" } }).flux.instance.clusterType, "kubernetes");
    });

    it("gives EKS a VPC and a node group made of their own defaults only (no keys of other objects)", () => {
        assert.deepEqual(load({ ...base(), cluster: EKS }).cluster, {
            ...EKS,
            vpc: { cidr: "10.0.0.0/16", availabilityZones: 2 },
            nodeGroup: { instanceTypes: ["t3.medium"], minSize: 2, desiredSize: 2, maxSize: 3, diskSizeGiB: 20 },
            adminRoleArns: [],
            tags: {},
            fluxIdentity: { mode: "none" },
        });
    });

    it("fills an object given in part from its fields' defaults", () => {
        const config = load({ ...base(), cluster: { ...EKS, nodeGroup: { maxSize: 5 } } });
        assert.deepEqual(config.cluster.source === "eks" && config.cluster.nodeGroup, {
            instanceTypes: ["t3.medium"],
            minSize: 2,
            desiredSize: 2,
            maxSize: 5,
            diskSizeGiB: 20,
        });
        assert.deepEqual(load({ ...base(), flux: { operator: { multitenancy: false } } }).flux.operator, {
            multitenancy: false,
            timeoutSeconds: 600,
            web: { enabled: false, allowFrom: [] },
        });
    });

    it("accepts an empty artifact (manifests embedded in the operator)", () => {
        const config = load({ ...base(), flux: { instance: { distribution: { artifact: "" } } } });
        assert.deepEqual(config.flux.instance.distribution, { ...DOCUMENTED_DISTRIBUTION, artifact: "" });
    });

    it("leaves other namespaces' keys alone and freezes the result", () => {
        const raw = { ...toConfigMap({ "fluxstack:cluster": { source: "existing" } }), "kubernetes:context": "x" };
        const config = loadStackConfig(raw, PROJECT, ENV);
        assert.ok(Object.isFrozen(config) && Object.isFrozen(config.flux.instance));
    });
});
