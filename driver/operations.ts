import type { EngineEvent, OutputMap, Stack } from "@pulumi/pulumi/automation";
import * as crypto from "node:crypto";
import * as path from "node:path";
import { DriverError, EXIT } from "./exitCodes";
import { describeLock, judgeLock, parseLocks } from "./locks";
import { orphanedPlugins, stopLeftovers, stopProcesses } from "./leftovers";
import { kubectlOn, stripFluxFinalizers, stuckObjects } from "./finalizers";
import { kubectlWith, recoverPendingCreates } from "./recovery";
import { kubectlReader, notReadyLines, readStatus } from "./status";
import { type ChangeSummary, summarize } from "./summary";
import { type OpenedStack, openStack, type OpenStackOptions, PROJECT_DIR, whichOn } from "./workspace";

/** Options every operation takes; the importable face of the driver. */
export interface RunOptions extends Omit<OpenStackOptions, "create"> {
    /** Streamed human-readable output. */
    onOutput?: (text: string) => void;
    /** Streamed engine events (not the SDK's debug diagnostics: they can carry secrets in plain text). */
    onEvent?: (event: EngineEvent) => void;
    /** One-line notices of what the driver did on its own (a stale lock cleared, an interrupted run taken over). */
    onNotice?: (line: string) => void;
    /** preview/up: refresh the state first. */
    refresh?: boolean;
    /** preview: throw DriverError(EXIT.changes) if anything would change. */
    expectNoChanges?: boolean;
    /**
     * Clear a lock held by a run on another machine (a CI runner that is gone). Without it such a lock is exit 5; a
     * lock of a live run on this machine is always respected, and one of a run that is gone is always cleared.
     */
    breakLock?: boolean;
    /** Aborts the operation: the CLI gets SIGINT, finishes the step in flight, saves the state, releases the lock. */
    signal?: AbortSignal;
    /**
     * up/destroy: remove the Flux finalizers in the stack's namespaces first, for a teardown whose controllers are
     * down (crashed, scaled to zero, uninstalled). What Flux will then not prune is said first.
     */
    stripFluxFinalizers?: boolean;
}

export interface OperationResult {
    summary: ChangeSummary;
    outputs?: Record<string, unknown>;
}

/** What every operation passes the CLI: the streams, the abort signal, and the run's config file (overrides). */
interface Stream {
    onOutput?: (t: string) => void;
    onEvent: (e: EngineEvent) => void;
    configFile?: string;
    signal?: AbortSignal;
}

/**
 * Runs `op` on the stack, collecting the engine's events into a summary; removes the run's config file after.
 * Operations that change the stack (`takeOver`) first take over what an interrupted run left: its lock when the
 * run is provably gone, and its pending creates. Whatever the CLI left running is stopped afterwards.
 */
async function run<T>(
    options: RunOptions,
    create: boolean,
    op: (stack: Stack, stream: Stream) => Promise<T>,
    takeOver = false,
): Promise<{ result: T; summary: ChangeSummary }> {
    const runId = crypto.randomUUID();
    const notice = (line: string) => (options.onNotice ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
    const opened = await openStack({
        ...options,
        create,
        env: { ...(options.env ?? process.env), [RUN_MARKER]: runId },
        onRepair: notice,
    });
    const { stack, configFile, cleanup } = opened;
    // What an earlier run killed with its process group left: nothing of a run that is gone serves anyone.
    await stopProcesses(
        orphanedPlugins(RUN_MARKER, path.resolve(options.projectDir ?? PROJECT_DIR)),
        notice,
        "an earlier run that is gone left behind",
    );
    const events: EngineEvent[] = [];
    const stream: Stream = {
        configFile,
        signal: options.signal,
        onOutput: options.onOutput,
        onEvent: (e) => {
            // The SDK traces each RPC's response as a debug diagnostic, and a RegisterResource response carries
            // the resource's outputs with secrets in plain text (a credential's Secret data). The CLI shows
            // debug diagnostics only with --debug; the driver does not pass them on either.
            if ((e.diagnosticEvent?.severity as string | undefined) === "debug") return;
            events.push(e);
            options.onEvent?.(e);
        },
    };
    // A lock left by a run that is gone is cleared once (and what that run left is taken over), then retried.
    let cleared = false;
    const past = async <R>(f: () => Promise<R>): Promise<R> => {
        try {
            return await f();
        } catch (e) {
            if (cleared || !(await clearLock(opened, e, options, notice))) throw e;
            cleared = true;
            return f();
        }
    };
    try {
        if (takeOver) await past(() => takeOverInterruptedRun(opened, options, notice));
        const result = await past(() => {
            events.length = 0;
            return op(stack, stream);
        });
        return { result, summary: summarize(events) };
    } finally {
        cleanup();
        await stopLeftovers(RUN_MARKER, runId, notice);
    }
}

/** Set in the CLI's environment, so the processes a run started can be told from all others afterwards. */
const RUN_MARKER = "FLUXSTACK_DRIVER_RUN";

/** Pending creates of an interrupted run: taken over (see recovery.ts), with the stack's own CLI and kubectl. */
async function takeOverInterruptedRun(opened: OpenedStack, options: RunOptions, notice: (l: string) => void) {
    await recoverPendingCreates({
        project: "fluxstack",
        stack: options.stack,
        pulumi: opened.cli,
        kubectl: kubectlWith({ ...opened.env, KUBECTL: opened.env.KUBECTL ?? whichOn("kubectl", opened.env) }),
        notice,
    });
}

/**
 * On "the stack is currently locked": a lock whose run is provably gone (this machine, the PID no longer Pulumi)
 * is cleared with `pulumi cancel`, saying whose it was; one from another machine only with `breakLock`; a live
 * run's is respected. Returns whether the lock was cleared (the operation may then run again); otherwise throws
 * the exit-5 error naming the holder.
 */
async function clearLock(opened: OpenedStack, error: unknown, options: RunOptions, notice: (l: string) => void) {
    const text = error instanceof Error ? error.message : String(error);
    if (!/is currently locked by|ConcurrentUpdateError/.test(`${(error as Error)?.name} ${text}`)) return false;
    const locks = parseLocks(text);
    if (locks.length === 0) return false;
    const verdicts = locks.map((l) => ({ lock: l, verdict: judgeLock(l) }));
    const live = verdicts.filter((v) => v.verdict === "live");
    const foreign = verdicts.filter((v) => v.verdict === "foreign");
    if (live.length > 0) {
        throw new DriverError(
            EXIT.concurrentUpdate,
            `another update is running on this stack: ${live.map((v) => describeLock(v.lock)).join("; ")}. Wait for it to end.`,
        );
    }
    if (foreign.length > 0 && !options.breakLock) {
        throw new DriverError(
            EXIT.concurrentUpdate,
            `the stack is locked by a run on another machine: ${foreign.map((v) => describeLock(v.lock)).join("; ")}. ` +
                "If that run is gone (a cancelled CI job), run again with --break-lock.",
        );
    }
    await opened.stack.cancel();
    for (const v of verdicts) {
        notice(
            `cleared the stack's lock of ${describeLock(v.lock)}: ${v.verdict === "dead" ? "that run is gone" : "broken on request (--break-lock)"}`,
        );
    }
    return true;
}

export async function preview(options: RunOptions): Promise<OperationResult> {
    // A drift gate must not conjure up a stack that is not there (a typo would then "find changes").
    // A preview changes nothing, an interrupted run's leftovers included: the next up takes them over.
    const { summary } = await run(options, !options.expectNoChanges, (stack, stream) =>
        stack.preview({ ...stream, refresh: options.refresh }),
    );
    if (options.expectNoChanges && summary.changes > 0) {
        throw new DriverError(EXIT.changes, `preview found ${summary.changes} change(s) where none were expected`);
    }
    return { summary };
}

/** `up`: create or update the stack. A failed sync's await, or a stuck teardown, is explained in Flux's words. */
export async function deploy(options: RunOptions): Promise<OperationResult> {
    try {
        if (options.stripFluxFinalizers) await stripFinalizers(options);
        const { result, summary } = await run(
            options,
            true,
            async (stack, stream) => {
                await stack.up({ ...stream, refresh: options.refresh });
                return stack.outputs();
            },
            true,
        );
        return { summary, outputs: plainOutputs(result, true) };
    } catch (e) {
        throw await withStuckObjects(await withFluxReasons(e, options), options, "up");
    }
}

/** The stack's cluster as its last outputs describe it: kubectl on it, the Flux namespace, tenants' namespaces. */
async function stackCluster(options: RunOptions) {
    const values = await outputs({ ...options, onOutput: undefined, onEvent: undefined, showSecrets: true });
    if (typeof values.kubeconfig !== "string") return undefined;
    const env = options.env ?? process.env;
    const kubectlBinary = env.KUBECTL ?? whichOn("kubectl", env) ?? "kubectl";
    const fluxNamespace = typeof values.fluxNamespace === "string" ? values.fluxNamespace : "flux-system";
    const tenants = (values.tenants ?? {}) as Record<string, { namespace: string; syncs: string[] }>;
    return {
        kubeconfig: values.kubeconfig,
        kubectlBinary,
        kubectl: kubectlOn(values.kubeconfig, kubectlBinary, env),
        fluxNamespace,
        tenants,
        namespaces: [...Object.values(tenants).map((t) => t.namespace), fluxNamespace],
    };
}

/**
 * The Kubernetes provider's await fails with "Resource has condition Ready=False" and no reason; Flux has one.
 * When an `up` fails on a Flux object, the Flux objects that are not Ready are read (as `status` does) and their
 * messages added, so a pipeline's log says why. Anything else, or a cluster that cannot be read, passes unchanged.
 */
async function withFluxReasons(error: unknown, options: RunOptions): Promise<unknown> {
    const text = error instanceof Error ? error.message : String(error);
    if (!/condition Ready|Ready=False/.test(text)) return error;
    try {
        const cluster = await stackCluster(options);
        if (!cluster) return error;
        const rows = await readStatus(
            kubectlReader(cluster.kubeconfig, cluster.kubectlBinary),
            cluster.fluxNamespace,
            cluster.tenants,
        );
        const lines = notReadyLines(rows);
        if (lines.length === 0) return error;
        return new DriverError(
            EXIT.failed,
            `${firstError(text, "up failed")}\nFlux says:\n${lines.map((l) => `  - ${l}`).join("\n")}`,
        );
    } catch {
        return error;
    }
}

/**
 * A teardown that timed out (a tenant removed, or `destroy`) waited on a Flux finalizer whose controller is down:
 * the error then names each stuck object, the controller it waits for, and how to finish.
 */
async function withStuckObjects(error: unknown, options: RunOptions, operation: "up" | "destroy"): Promise<unknown> {
    const text = error instanceof Error ? error.message : String(error);
    if (!/timed out|timeout|deleting failed|context deadline/i.test(text)) return error;
    try {
        const cluster = await stackCluster(options);
        if (!cluster) return error;
        const stuck = await stuckObjects(cluster.kubectl, cluster.namespaces, cluster.fluxNamespace);
        if (stuck.length === 0) return error;
        return new DriverError(
            EXIT.failed,
            `${firstError(text, `${operation} failed`)}\nStuck:\n${stuck.map((l) => `  - ${l}`).join("\n")}\n` +
                `To finish without those controllers: npm run stack -- ${operation} --stack ${options.stack} --strip-flux-finalizers ` +
                "(it removes the Flux finalizers first and says what Flux will then not prune).",
        );
    } catch {
        return error;
    }
}

/** `--strip-flux-finalizers`: what is then not pruned is said, one line each, before the run. */
async function stripFinalizers(options: RunOptions): Promise<void> {
    const cluster = await stackCluster(options);
    if (!cluster) return;
    const notice = options.onNotice ?? ((l: string) => process.stderr.write(`${l}\n`));
    const consequences = await stripFluxFinalizers(cluster.kubectl, cluster.namespaces);
    notice(`removed the Flux finalizers in ${cluster.namespaces.join(", ")}`);
    for (const c of consequences) notice(`  ${c}`);
}

function firstError(text: string, fallback: string): string {
    return (
        text
            .split("\n")
            .find((l) => /error:/.test(l))
            ?.trim() ?? fallback
    );
}

export async function refresh(options: RunOptions): Promise<OperationResult> {
    const { summary } = await run(options, false, (stack, stream) => stack.refresh(stream), true);
    return { summary };
}

/** `destroy`: everything the stack made. A teardown stuck on a dead controller's finalizer says so, and how to finish. */
export async function destroy(options: RunOptions): Promise<OperationResult> {
    try {
        await refuseProtected(options);
        if (options.stripFluxFinalizers) await stripFinalizers(options);
        const { summary } = await run(options, false, (stack, stream) => stack.destroy(stream), true);
        return { summary };
    } catch (e) {
        throw await withStuckObjects(protectedTenants(e), options, "destroy");
    }
}

/**
 * A destroy that would meet a protected resource stops before it deletes anything. The engine checks protection
 * only when it reaches the resource, and the Automation API runs without the preview that would catch it first:
 * by then the resources deleted before it (a tenant's namespace, beside the guard) would be gone.
 */
async function refuseProtected(options: RunOptions): Promise<void> {
    const quiet = { ...options, onOutput: undefined, onEvent: undefined };
    const { result } = await run(quiet, false, (stack) => stack.exportStack());
    const deployment = result.deployment as { resources?: { urn: string; protect?: boolean }[] } | undefined;
    const resources = deployment?.resources ?? [];
    const urns = resources.filter((r) => r.protect).map((r) => r.urn);
    if (urns.length === 0) return;
    if (urns.some((u) => u.endsWith(`::${TENANT_GUARD}`))) throw tenantGuardError();
    throw new DriverError(
        EXIT.badConfig,
        `destroy would delete protected resources: ${urns.join(", ")}. Remove their protection (pulumi state ` +
            `unprotect <urn>, or the protect option and an up) first. Nothing was deleted.`,
    );
}

/** `pulumi destroy` refuses the protected tenant guard: say what it protects, and the one way to go ahead. */
function protectedTenants(error: unknown): unknown {
    const text = error instanceof Error ? error.message : String(error);
    if (!/protect/i.test(text) || !text.includes(TENANT_GUARD)) return error;
    return tenantGuardError();
}

function tenantGuardError(): DriverError {
    return new DriverError(
        EXIT.badConfig,
        `destroy would delete protected tenants (see the ${TENANT_GUARD} ConfigMap in the Flux namespace): their namespaces ` +
            `and everything in them. If that is meant, set fluxstack:confirmTenantDeletion: ["*"] in the stack's config, ` +
            `run up (it lifts the protection), then destroy. Nothing was deleted.`,
    );
}

/** The program's guard object (stacks/protection.ts GUARD_NAME; the driver does not import the program). */
const TENANT_GUARD = "fluxstack-tenant-guard";

/** The stack outputs; secret ones read `[secret]` unless `showSecrets` (as `pulumi stack output` does). */
export async function outputs(options: RunOptions & { showSecrets?: boolean }): Promise<Record<string, unknown>> {
    const { result } = await run(options, false, (stack) => stack.outputs());
    return plainOutputs(result, options.showSecrets ?? false);
}

function plainOutputs(map: OutputMap, showSecrets: boolean): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(map).map(([k, v]) => [k, v.secret && !showSecrets ? "[secret]" : v.value]),
    );
}
