import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ConfigError, loadStackConfig, PrerequisiteError } from "../../stacks/config";
import { checkPrerequisites, type Machine } from "../../stacks/prerequisites";
import { PROJECT, PROJECT_DIR, toConfigMap } from "../helpers/stackFiles";

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

describe("the loader reports config and machine problems in one error", () => {
    const NO_KIND = machine({ binaries: ["docker"], running: ["docker"] });
    const load = (config: Record<string, unknown>, m: Machine) =>
        loadStackConfig(
            toConfigMap(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v]))),
            PROJECT,
            { env: { KUBECONFIG: "/kube/config" }, checkMachine: (stack) => checkPrerequisites(stack, m) },
        );
    const badSync = { name: "x", tenant: "nobody", path: "", source: { kind: "GitRepository", url: "https://h/r" } };

    it("lists both, the config's first, under their own titles (the first is the one the driver matches)", () => {
        assert.throws(
            () => load({ cluster: { source: "kind" }, tenants: [{ name: "t" }], syncs: [badSync] }, NO_KIND),
            {
                name: "ConfigError",
                message: [
                    "Invalid stack config (2 problems):",
                    "  - fluxstack:syncs[0].path: must not be empty",
                    '  - fluxstack:syncs[0].tenant: unknown tenant "nobody" (tenants: t)',
                    "Missing prerequisites (1 problem):",
                    `  - fluxstack:cluster.kindBinary: "kind" is not on PATH: install kind (${KIND_DOCS})`,
                ].join("\n"),
            },
        );
    });

    it("keeps them apart on the error, for code that needs either", () => {
        try {
            load({ cluster: { source: "kind" }, syncs: [badSync] }, NO_KIND);
            assert.fail("expected a ConfigError");
        } catch (e) {
            assert.ok(e instanceof ConfigError);
            assert.equal(e.problems.length, 2);
            assert.deepEqual(
                e.missing.map((p) => p.key),
                ["fluxstack:cluster.kindBinary"],
            );
        }
    });

    it("checks the existing cluster's kubeconfig at the path the loader resolved", () => {
        assert.throws(() => load({ cluster: { source: "existing" }, tenants: "x" }, machine()), {
            name: "ConfigError",
            message: [
                "Invalid stack config (1 problem):",
                '  - fluxstack:tenants: must be a YAML object or list, got the plain string "x"',
                "Missing prerequisites (1 problem):",
                "  - fluxstack:cluster.kubeconfig: no kubeconfig at /kube/config (set cluster.kubeconfig or KUBECONFIG)",
            ].join("\n"),
        });
    });

    it("throws a PrerequisiteError when only the machine has problems", () => {
        assert.throws(
            () => load({ cluster: { source: "kind" } }, NO_KIND),
            (e) => {
                assert.ok(e instanceof PrerequisiteError && !(e instanceof ConfigError));
                assert.equal(
                    e.message,
                    `Missing prerequisites (1 problem):\n  - fluxstack:cluster.kindBinary: "kind" is not on PATH: install kind (${KIND_DOCS})`,
                );
                return true;
            },
        );
    });

    it("cannot check the machine for a cluster key that is itself wrong, and says only that", () => {
        assert.throws(() => load({ cluster: { source: "kind", workers: -1 } }, machine()), {
            name: "ConfigError",
            message: "Invalid stack config (1 problem):\n  - fluxstack:cluster.workers: must be from 0 to 20, got -1",
        });
    });

    it("passes a good config on a good machine", () => {
        assert.equal(
            load({ cluster: { source: "kind" } }, machine({ binaries: ["kind", "docker"], running: ["docker"] }))
                .cluster.source,
            "kind",
        );
    });
});

describe("README's config reference", () => {
    it("shows the message the program gives for its example", () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        const section = readme.slice(readme.indexOf("## Config reference"));
        const example = /```\n([\s\S]*?)\n```/.exec(section)?.[1];
        const config = toConfigMap({
            [`${PROJECT}:cluster`]: { source: "kind" },
            [`${PROJECT}:tenant`]: [{ name: "fluxdemo-dev" }],
            [`${PROJECT}:syncs`]: [
                {
                    name: "flux-dev",
                    tenant: "fluxdemo-dev",
                    path: "../dev",
                    interval: "0s",
                    source: { kind: "GitRepository", url: "https://github.com/wolcn/flux-dev" },
                },
            ],
        });
        const dockerOnly = machine({ binaries: ["docker"], running: ["docker"] });
        assert.throws(
            () => loadStackConfig(config, PROJECT, { checkMachine: (s) => checkPrerequisites(s, dockerOnly) }),
            {
                message: example,
            },
        );
    });
});
