// Where a `pulumi` run's time goes, read from the CLI's gRPC log (PULUMI_DEBUG_GRPC=<file>: one JSON line per call
// the engine makes or serves, each with its end time and duration). The engine's own calls carry their times: Run
// to the language host (the program's process, start to exit) and every call to a provider plugin. A resource's
// registration shows as the engine's Check of it at the provider, right after the program registers it.

/** One line of the log, as far as this reads it. */
interface Entry {
    method: string;
    progress?: string;
    /** RFC 3339; at `response_completed`, the end of the call. */
    timestamp: string;
    /** Nanoseconds, at `response_completed`. */
    duration?: number;
}

/** A run's wall clock cut into consecutive phases (they add up to `total`), and its provider calls. */
export interface RunPhases {
    total: number;
    /** Spawn → the engine asks the language host to run the program (CLI start, state and config read). */
    start: number;
    /**
     * → the engine's first call to a provider: Node, the SDK, ts-node and the program's modules loaded, config
     * checked, and the program's first registrations (the stack, its components, the Kubernetes provider).
     */
    load: number;
    /** → the first resource registered: the provider plugin started and configured. */
    providerStart: number;
    /** → the last resource registered: the program's evaluation, with provider calls and steps already running. */
    evaluation: number;
    /** → the program's exit: the steps still running after its last registration. */
    lastSteps: number;
    /** → the CLI's exit: the engine after the program (the last state write, the summary). */
    finish: number;
    /** Seconds in which at least one provider call was running (anywhere in the run). */
    providerBusy: number;
    /** Provider calls by method: how many, and their summed seconds (they overlap when run in parallel). */
    providerCalls: Record<string, { count: number; seconds: number }>;
}

const PROVIDER = "/pulumirpc.ResourceProvider/";
const RUN = "/pulumirpc.LanguageRuntime/Run";

/** Seconds since the epoch of an RFC 3339 time with nanoseconds (Date keeps milliseconds only). */
function epochSeconds(timestamp: string): number {
    const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
    if (!m) throw new Error(`not an RFC 3339 time: ${timestamp}`);
    return Date.parse(`${m[1]}${m[3]}`) / 1000 + Number(`0.${m[2] ?? "0"}`);
}

/** The total length of the union of `intervals`. */
function unionLength(intervals: [number, number][]): number {
    let total = 0;
    let end = -Infinity;
    for (const [s, e] of [...intervals].sort((a, b) => a[0] - b[0])) {
        if (e <= end) continue;
        total += e - Math.max(s, end);
        end = e;
    }
    return total;
}

/**
 * The phases of one run from its gRPC log; `spawned` and `exited`: the CLI's start and exit, seconds since the
 * epoch, as the caller measured them. Calls a plugin serves log no start (a zero time): those are left out.
 */
export function runPhases(log: string, spawned: number, exited: number): RunPhases {
    const completed = log
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as Entry)
        .filter((e) => e.progress === "response_completed" && e.duration !== undefined)
        .map((e) => {
            const end = epochSeconds(e.timestamp);
            return { method: e.method, start: end - e.duration! / 1e9, end };
        })
        .filter((e) => e.start >= spawned);
    const runs = completed.filter((e) => e.method === RUN);
    if (runs.length !== 1) throw new Error(`the gRPC log has ${runs.length} completed Runs: expected one program run`);
    const run = runs[0];
    const checks = completed.filter((e) => e.method === `${PROVIDER}Check`).map((e) => e.start);
    const firstRegistered = checks.length > 0 ? Math.min(...checks) : run.end;
    const lastRegistered = checks.length > 0 ? Math.max(...checks) : run.end;
    const provider = completed.filter((e) => e.method.startsWith(PROVIDER));
    const firstProviderCall = Math.min(firstRegistered, ...provider.map((e) => e.start));
    const providerCalls: RunPhases["providerCalls"] = {};
    for (const e of provider) {
        const name = e.method.slice(PROVIDER.length);
        const c = (providerCalls[name] ??= { count: 0, seconds: 0 });
        c.count += 1;
        c.seconds += e.end - e.start;
    }
    return {
        total: exited - spawned,
        start: run.start - spawned,
        load: firstProviderCall - run.start,
        providerStart: firstRegistered - firstProviderCall,
        evaluation: lastRegistered - firstRegistered,
        lastSteps: run.end - lastRegistered,
        finish: exited - run.end,
        providerBusy: unionLength(provider.map((e) => [e.start, e.end])),
        providerCalls,
    };
}
