import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ConfigError, loadStackConfig, PrerequisiteError } from "../../stacks/config";
import { LAB_BINARIES } from "../../lab/binaries";
import { checkPrerequisites, localMachine, type Machine } from "../../stacks/prerequisites";
import { PROJECT, PROJECT_DIR, toConfigMap } from "../helpers/stackFiles";

const KUBECONFIG = `apiVersion: v1
kind: Config
contexts: [{name: lab, context: {cluster: lab, user: a}}]
current-context: lab
`;

function machine(
    overrides: Partial<Machine> & {
        binaries?: string[];
        running?: string[];
        files?: Record<string, string>;
        ports?: number[];
        readOnly?: string[];
        labs?: string[];
    } = {},
): Machine {
    const { binaries = [], running = [], files = {}, ports = [], readOnly = [], labs = [] } = overrides;
    return {
        env: {},
        homeDir: "/home/me",
        which: (b) => (binaries.includes(b) ? `/usr/bin/${b}` : undefined),
        succeeds: (b, args) => args[0] === "info" && running.includes(b),
        readFile: (f) => files[f],
        exists: (f) => f in files,
        writable: (d) => !readOnly.includes(d),
        listening: (p) => ports.includes(p),
        labRunning: (d) => labs.includes(d),
        ...overrides,
    };
}

const config = (cluster: Record<string, unknown>) =>
    loadStackConfig(toConfigMap({ [`${PROJECT}:cluster`]: cluster }), PROJECT, { env: { KUBECONFIG: "/kube/config" } });
const problems = (cluster: Record<string, unknown>, m: Machine) =>
    checkPrerequisites(config(cluster), m).map((p) => `${p.key}: ${p.message}`);

const LAB = { source: "lab", dir: "/labs/a", bin: "/opt/lab" };
const LAB_FILES = Object.fromEntries(LAB_BINARIES.map((b) => [`/opt/lab/${b}`, ""]));

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
        ["lab: every binary, git, a writable directory", LAB, machine({ binaries: ["git"], files: LAB_FILES }), []],
        [
            "lab: an empty bin directory and no git",
            LAB,
            machine(),
            [
                "fluxstack:cluster.bin: /opt/lab lacks the lab's etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok, stages.yaml, registry, flux-operator, flux-operator-cli, flux-operator-data, source-controller, kustomize-controller: `npm run lab` builds them (Go and the Go module proxy needed; or `bash lab/toolchain.sh`), or set FLUXSTACK_LAB_BIN to a directory of prebuilt ones",
                "fluxstack:cluster.source: the lab's Git server needs git on PATH (it runs git http-backend)",
            ],
        ],
        [
            "lab: one binary missing, a directory it cannot write",
            { ...LAB, dir: "/ro/lab" },
            machine({
                binaries: ["git"],
                files: Object.fromEntries(Object.entries(LAB_FILES).filter(([f]) => !f.endsWith("/registry"))),
                readOnly: ["/ro/lab"],
            }),
            [
                "fluxstack:cluster.bin: /opt/lab lacks the lab's registry: `npm run lab` builds them (Go and the Go module proxy needed; or `bash lab/toolchain.sh`), or set FLUXSTACK_LAB_BIN to a directory of prebuilt ones",
                "fluxstack:cluster.dir: /ro/lab is not writable: the lab keeps its data and logs there",
            ],
        ],
        [
            "lab: a pinned port another process holds",
            { ...LAB, ports: { apiServer: 16443, git: 18080 } },
            machine({ binaries: ["git"], files: LAB_FILES, ports: [18080] }),
            ["fluxstack:cluster.ports.git: 18080 is in use on 127.0.0.1 by another process"],
        ],
        [
            "lab: a pinned port the running lab itself holds",
            { ...LAB, ports: { git: 18080 } },
            machine({ binaries: ["git"], files: LAB_FILES, ports: [18080], labs: ["/labs/a"] }),
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

describe("localMachine's view of ports, folders and labs", () => {
    it("sees a port something listens on, and not one nobody does", async () => {
        const net = await import("node:net");
        const server = net.createServer();
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const { port } = server.address() as { port: number };
        assert.equal(localMachine().listening(port), true);
        await new Promise<void>((r) => server.close(() => r()));
        assert.equal(localMachine().listening(port), false);
    });

    it("a folder that does not exist yet is writable where its nearest parent is", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prereq-"));
        assert.equal(localMachine().writable(path.join(dir, "a", "b")), true);
        fs.writeFileSync(path.join(dir, "file"), "");
        assert.equal(localMachine().writable(path.join(dir, "file", "lab")), false, "under a file");
        fs.chmodSync(dir, 0o500);
        try {
            // root may write anywhere; the check then rightly says so
            assert.equal(localMachine().writable(path.join(dir, "a")), process.getuid?.() === 0);
        } finally {
            fs.chmodSync(dir, 0o700);
        }
    });

    it("a lab runs when its state names a live daemon", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prereq-"));
        assert.equal(localMachine().labRunning(dir), false);
        fs.writeFileSync(path.join(dir, "state.json"), JSON.stringify({ daemonPid: process.pid }));
        assert.equal(localMachine().labRunning(dir), true);
        fs.writeFileSync(path.join(dir, "state.json"), JSON.stringify({ daemonPid: 2 ** 22 + 1 }));
        assert.equal(localMachine().labRunning(dir), false);
    });
});
