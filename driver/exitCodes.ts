/** Exit codes a pipeline can act on. Never 0 after an error. */
export const EXIT = {
    ok: 0,
    /** The operation ran and failed (a resource failed, the program threw for another reason). */
    failed: 1,
    /** The command line was wrong. */
    usage: 2,
    /** The stack config was rejected by the program's validation. */
    badConfig: 3,
    /** A tool or credential is missing: the Pulumi CLI, kind, a container engine, AWS credentials, a passphrase. */
    prerequisites: 4,
    /** Another update holds the stack's lock. */
    concurrentUpdate: 5,
    /** `preview --expect-no-changes` found changes (drift). */
    changes: 6,
    /** `status`: something is not Ready. */
    notReady: 7,
    /** The stack does not exist (outputs, status, refresh, destroy or a drift gate's preview of an unknown stack). */
    stackNotFound: 8,
    /** The cluster's API server did not answer (the run stopped where it was; the next run takes over). */
    clusterUnreachable: 9,
    /** Interrupted (Ctrl-C, SIGTERM): the CLI finished the step in flight, saved the state and released the lock. */
    interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that already knows its exit code and its one-line explanation. */
export class DriverError extends Error {
    constructor(
        public readonly code: ExitCode,
        message: string,
    ) {
        super(message);
        this.name = "DriverError";
    }
}

/** How a cluster that does not answer shows in the CLI's output (client-go and the Kubernetes provider). */
const UNREACHABLE =
    /connect: connection refused|connection reset by peer|i\/o timeout|unreachable cluster|context deadline exceeded|no route to host|TLS handshake timeout|the server was unable to return a response|net\/http: request canceled|unexpected EOF/;

/** The first lines of the program's own validation error, as they reach the CLI's output. */
// A config error may carry the machine's problems too (one list, one round of fixes): keep both sections.
const CONFIG_ERROR =
    /Invalid stack config \(\d+ problems?\):(\n\s+- .*)+(\n\s*Missing prerequisites \(\d+ problems?\):(\n\s+- .*)+)?/;
const PREREQUISITE_ERROR = /Missing prerequisites \(\d+ problems?\):(\n\s+- .*)+/;

/** The first line of the CLI's output matching `pattern`, without the `stderr:` prefix the Automation API adds. */
function lineOf(text: string, pattern: RegExp): string | undefined {
    return text
        .split("\n")
        .find((l) => pattern.test(l))
        ?.replace(/^\s*(stderr|stdout):\s*/, "")
        .trim();
}

/**
 * Maps whatever an operation threw to an exit code and a message. `name` is the Automation API error class
 * (ConcurrentUpdateError, StackNotFoundError, CommandError); `text` its message with the CLI's output.
 */
export function classify(error: unknown): { code: ExitCode; message: string } {
    if (error instanceof DriverError) return { code: error.code, message: error.message };
    const name = (error as Error | undefined)?.name ?? "";
    const text = error instanceof Error ? error.message : String(error);
    const config = text.match(CONFIG_ERROR);
    if (config) return { code: EXIT.badConfig, message: config[0] };
    const prerequisites = text.match(PREREQUISITE_ERROR);
    if (prerequisites) return { code: EXIT.prerequisites, message: prerequisites[0] };
    if (name === "ConcurrentUpdateError" || /\[409\] Conflict|is currently locked by/.test(text)) {
        const locked = lineOf(text, /locked by|Conflict/) ?? text.trim();
        const holder = lineOf(text, /created by|Another update is currently in progress/);
        return {
            code: EXIT.concurrentUpdate,
            message: `another update is running on this stack: ${locked}${holder ? `\n  ${holder}` : ""}`,
        };
    }
    if (name === "StackNotFoundError" || /no stack named .* found/.test(text)) {
        return { code: EXIT.stackNotFound, message: lineOf(text, /no stack named/) ?? text.trim() };
    }
    if (/passphrase must be set|incorrect passphrase|PULUMI_CONFIG_PASSPHRASE/.test(text)) {
        return {
            code: EXIT.prerequisites,
            message:
                "the stack's secrets need a passphrase: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE",
        };
    }
    const unreachable = text.match(UNREACHABLE);
    if (unreachable) {
        const endpoint = text.match(/(https?:\/\/[\w.-]+(?::\d+)?)/)?.[1] ?? text.match(/dial tcp ([\d.:]+)/)?.[1];
        // The step: the resource the run was at, from its URN (`…$kubernetes:core/v1:Namespace::tenant-x-namespace`).
        const urn = text.match(/urn:pulumi:[^"'\s]+/)?.[0];
        const step = urn
            ? `${urn.split("::").pop()} (${urn.split("::").slice(-2, -1)[0]?.split("$").pop()})`
            : text.match(/([\w:./-]+ resource '[^']+')/)?.[1];
        return {
            code: EXIT.clusterUnreachable,
            message:
                `the cluster did not answer${endpoint ? ` at ${endpoint}` : ""}${step ? ` (at ${step})` : ""}: ${unreachable[0]}. ` +
                "Nothing after that step ran; once the API server is back, run the same command again: it takes over.",
        };
    }
    if (/ENOENT.*pulumi|pulumi: (command )?not found|Failed to find Pulumi CLI/i.test(text)) {
        return {
            code: EXIT.prerequisites,
            message: "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/)",
        };
    }
    return { code: EXIT.failed, message: text.trim() || "the operation failed" };
}
