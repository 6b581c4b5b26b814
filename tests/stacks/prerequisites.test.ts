import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadStackConfig } from "../../stacks/config";
import { checkPrerequisites, type Machine } from "../../stacks/prerequisites";
import { PROJECT, toConfigMap } from "../helpers/stackFiles";

const KUBECONFIG = `apiVersion: v1
kind: Config
contexts: [{name: lab, context: {cluster: lab, user: a}}]
current-context: lab
`;

function machine(
    overrides: Partial<Machine> & { binaries?: string[]; running?: string[]; files?: Record<string, string> } = {},
): Machine {
    const { binaries = [], running = [], files = {} } = overrides;
    return {
        env: {},
        homeDir: "/home/me",
        which: (b) => (binaries.includes(b) ? `/usr/bin/${b}` : undefined),
        succeeds: (b, args) => args[0] === "info" && running.includes(b),
        readFile: (f) => files[f],
        ...overrides,
    };
}

const config = (cluster: Record<string, unknown>) =>
    loadStackConfig(toConfigMap({ [`${PROJECT}:cluster`]: cluster }), PROJECT, { env: { KUBECONFIG: "/kube/config" } });
const problems = (cluster: Record<string, unknown>, m: Machine) =>
    checkPrerequisites(config(cluster), m).map((p) => `${p.key}: ${p.message}`);

const KIND_DOCS = "https://kind.sigs.k8s.io/docs/user/quick-start/#installation";

describe("checkPrerequisites", () => {
    const cases: [string, Record<string, unknown>, Machine, string[]][] = [
        [
            "existing: kubeconfig with a current context",
            { source: "existing" },
            machine({ files: { "/kube/config": KUBECONFIG } }),
            [],
        ],
        [
            "existing: no kubeconfig file",
            { source: "existing" },
            machine(),
            ["fluxstack:cluster.kubeconfig: no kubeconfig at /kube/config (set cluster.kubeconfig or KUBECONFIG)"],
        ],
        [
            "existing: unknown context",
            { source: "existing", context: "prod" },
            machine({ files: { "/kube/config": KUBECONFIG } }),
            ['fluxstack:cluster.context: no context "prod" in /kube/config (contexts: lab)'],
        ],
        [
            "existing: no current context",
            { source: "existing" },
            machine({ files: { "/kube/config": "apiVersion: v1\nkind: Config\n" } }),
            ["fluxstack:cluster.context: /kube/config has no current-context: name one"],
        ],
        [
            "kind: kind and a running Docker",
            { source: "kind" },
            machine({ binaries: ["kind", "docker"], running: ["docker"] }),
            [],
        ],
        [
            "kind: no kind, no engine",
            { source: "kind" },
            machine(),
            [
                `fluxstack:cluster.kindBinary: "kind" is not on PATH: install kind (${KIND_DOCS})`,
                "fluxstack:cluster.source: kind needs a container engine (docker, podman, nerdctl) and none is on PATH",
            ],
        ],
        [
            "kind: Docker client without a daemon",
            { source: "kind" },
            machine({ binaries: ["kind", "docker"] }),
            ["fluxstack:cluster.source: kind needs a running container engine: `docker info` failed"],
        ],
        [
            "kind: podman asked for but missing",
            { source: "kind" },
            machine({
                binaries: ["kind", "docker"],
                running: ["docker"],
                env: { KIND_EXPERIMENTAL_PROVIDER: "podman" },
            }),
            ["fluxstack:cluster.source: kind needs a container engine (podman) and none is on PATH"],
        ],
        [
            "eks: no AWS credentials, no AWS CLI",
            { source: "eks", name: "lab", region: "eu-north-1", kubernetesVersion: "1.34" },
            machine(),
            [
                "fluxstack:cluster.source: eks needs AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws configure`",
                "fluxstack:cluster.source: eks needs the AWS CLI on PATH (the kubeconfig runs `aws eks get-token`)",
            ],
        ],
        [
            "eks: a profile in the environment and the CLI",
            { source: "eks", name: "lab", region: "eu-north-1", kubernetesVersion: "1.34" },
            machine({ env: { AWS_PROFILE: "lab" }, binaries: ["aws"] }),
            [],
        ],
        [
            "eks: a shared credentials file and the CLI",
            { source: "eks", name: "lab", region: "eu-north-1", kubernetesVersion: "1.34" },
            machine({ files: { "/home/me/.aws/credentials": "[default]\n" }, binaries: ["aws"] }),
            [],
        ],
    ];
    for (const [title, cluster, m, expected] of cases) {
        it(title, () => assert.deepEqual(problems(cluster, m), expected));
    }
});
