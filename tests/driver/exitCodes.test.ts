import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classify, DriverError, EXIT } from "../../driver";

function named(name: string, message: string): Error {
    const e = new Error(message);
    e.name = name;
    return e;
}

const CLI_CONFIG_FAILURE = `code: 255
 stdout: Updating (dev):
 stderr: error: Running program '/work/main' failed with an unhandled exception:
    ConfigError: Invalid stack config (2 problems):
      - fluxstack:syncs[0].path: must not be empty
      - fluxstack:syncs[0].tenant: unknown tenant "x" (tenants: fluxdemo-dev)
        at loadStackConfig (/work/main/stacks/config/load.ts:99:15)`;

describe("classify maps failures to exit codes", () => {
    const cases: [string, unknown, number, string][] = [
        [
            "the program's config validation",
            named("CommandError", CLI_CONFIG_FAILURE),
            EXIT.badConfig,
            'Invalid stack config (2 problems):\n      - fluxstack:syncs[0].path: must not be empty\n      - fluxstack:syncs[0].tenant: unknown tenant "x" (tenants: fluxdemo-dev)',
        ],
        [
            "config problems and the machine's, in one list",
            named(
                "CommandError",
                'stderr: ConfigError: Invalid stack config (1 problem):\n  - fluxstack:syncs[0].path: must not be empty\n\n  Missing prerequisites (1 problem):\n  - fluxstack:cluster.kindBinary: "kind" is not on PATH\n    at x',
            ),
            EXIT.badConfig,
            'Invalid stack config (1 problem):\n  - fluxstack:syncs[0].path: must not be empty\n\n  Missing prerequisites (1 problem):\n  - fluxstack:cluster.kindBinary: "kind" is not on PATH',
        ],
        [
            "a cluster that does not answer, with its endpoint and the step",
            named(
                "CommandError",
                "stderr: error: kubernetes:core/v1:ServiceAccount resource 'tenant-fluxdemo-dev-service-account': Post \"https://127.0.0.1:36175/api/v1/namespaces/fluxdemo-dev/serviceaccounts\": dial tcp 127.0.0.1:36175: connect: connection refused",
            ),
            EXIT.clusterUnreachable,
            "the cluster did not answer at https://127.0.0.1:36175 (at kubernetes:core/v1:ServiceAccount resource 'tenant-fluxdemo-dev-service-account'): connect: connection refused. Nothing after that step ran; once the API server is back, run the same command again: it takes over.",
        ],
        [
            "a cluster that went away mid-request, the step from the resource's URN",
            named(
                "CommandError",
                'stderr: error: resource "urn:pulumi:dev::fluxstack::fluxstack:tenant:Tenant$kubernetes:core/v1:Namespace::tenant-fluxdemo-dev-namespace" was not successfully created by the Kubernetes API server: Patch "https://127.0.0.1:37057/api/v1/namespaces/fluxdemo-dev": read tcp 127.0.0.1:38144->127.0.0.1:37057: read: connection reset by peer',
            ),
            EXIT.clusterUnreachable,
            "the cluster did not answer at https://127.0.0.1:37057 (at tenant-fluxdemo-dev-namespace (kubernetes:core/v1:Namespace)): connection reset by peer. Nothing after that step ran; once the API server is back, run the same command again: it takes over.",
        ],
        [
            "the program's prerequisite check",
            named(
                "CommandError",
                "stderr: PrerequisiteError: Missing prerequisites (1 problem):\n  - fluxstack:cluster.source: kind needs a running container engine: `docker info` failed\n    at x",
            ),
            EXIT.prerequisites,
            "Missing prerequisites (1 problem):\n  - fluxstack:cluster.source: kind needs a running container engine: `docker info` failed",
        ],
        [
            "a concurrent update, with the lock holder",
            named(
                "ConcurrentUpdateError",
                "code: 255\n stderr: error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  file:///x/.pulumi/locks/dev/1.json: created by ci@runner-7 (pid 4242) at 2026-11-24T02:00:00Z",
            ),
            EXIT.concurrentUpdate,
            "another update is running on this stack: error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  file:///x/.pulumi/locks/dev/1.json: created by ci@runner-7 (pid 4242) at 2026-11-24T02:00:00Z",
        ],
        [
            "a missing stack",
            named("StackNotFoundError", "code: 255\n stderr: error: no stack named 'qa' found"),
            EXIT.stackNotFound,
            "error: no stack named 'qa' found",
        ],
        [
            "a missing passphrase",
            named(
                "CommandError",
                'stderr: error: constructing secrets manager of type "passphrase": passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables',
            ),
            EXIT.prerequisites,
            "the stack's secrets need a passphrase: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE",
        ],
        [
            "a failed resource",
            named(
                "CommandError",
                "stderr: error: update failed\n  kubernetes:helm.sh/v3:Release (flux-operator): timed out",
            ),
            EXIT.failed,
            "stderr: error: update failed\n  kubernetes:helm.sh/v3:Release (flux-operator): timed out",
        ],
        [
            "a DriverError keeps its own code",
            new DriverError(EXIT.changes, "preview found 2 change(s)"),
            EXIT.changes,
            "preview found 2 change(s)",
        ],
        ["something that is not an Error", "boom", EXIT.failed, "boom"],
    ];
    for (const [title, error, code, message] of cases) {
        it(title, () => assert.deepEqual(classify(error), { code, message }));
    }

    it("never maps an error to 0", () => {
        for (const [, error] of cases) assert.notEqual(classify(error).code, EXIT.ok);
    });
});
