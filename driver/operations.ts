import type { EngineEvent, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { DriverError, EXIT } from "./exitCodes";
import { kubectlReader, notReadyLines, readStatus } from "./status";
import { type ChangeSummary, summarize } from "./summary";
import { openStack, type OpenStackOptions, whichOn } from "./workspace";

/** Options every operation takes; the importable face of the driver. */
export interface RunOptions extends Omit<OpenStackOptions, "create"> {
    /** Streamed human-readable output. */
    onOutput?: (text: string) => void;
    /** Streamed engine events (not the SDK's debug diagnostics: they can carry secrets in plain text). */
    onEvent?: (event: EngineEvent) => void;
    /** preview/up: refresh the state first. */
    refresh?: boolean;
    /** preview: throw DriverError(EXIT.changes) if anything would change. */
    expectNoChanges?: boolean;
}

export interface OperationResult {
    summary: ChangeSummary;
    outputs?: Record<string, unknown>;
}

/** What every operation passes the CLI: the streams, and the run's config file when there are overrides. */
interface Stream {
    onOutput?: (t: string) => void;
    onEvent: (e: EngineEvent) => void;
    configFile?: string;
}

/** Runs `op` on the stack, collecting the engine's events into a summary; removes the run's config file after. */
async function run<T>(
    options: RunOptions,
    create: boolean,
    op: (stack: Stack, stream: Stream) => Promise<T>,
): Promise<{ result: T; summary: ChangeSummary }> {
    const { stack, configFile, cleanup } = await openStack({ ...options, create });
    const events: EngineEvent[] = [];
    try {
        const result = await op(stack, {
            configFile,
            onOutput: options.onOutput,
            onEvent: (e) => {
                // The SDK traces each RPC's response as a debug diagnostic, and a RegisterResource response carries
                // the resource's outputs with secrets in plain text (a credential's Secret data). The CLI shows
                // debug diagnostics only with --debug; the driver does not pass them on either.
                if ((e.diagnosticEvent?.severity as string | undefined) === "debug") return;
                events.push(e);
                options.onEvent?.(e);
            },
        });
        return { result, summary: summarize(events) };
    } finally {
        cleanup();
    }
}

export async function preview(options: RunOptions): Promise<OperationResult> {
    // A drift gate must not conjure up a stack that is not there (a typo would then "find changes").
    const { summary } = await run(options, !options.expectNoChanges, (stack, stream) =>
        stack.preview({ ...stream, refresh: options.refresh }),
    );
    if (options.expectNoChanges && summary.changes > 0) {
        throw new DriverError(EXIT.changes, `preview found ${summary.changes} change(s) where none were expected`);
    }
    return { summary };
}

/** `up`: create or update the stack. A failed sync's await is explained with Flux's own words. */
export async function deploy(options: RunOptions): Promise<OperationResult> {
    try {
        const { result, summary } = await run(options, true, async (stack, stream) => {
            await stack.up({ ...stream, refresh: options.refresh });
            return stack.outputs();
        });
        return { summary, outputs: plainOutputs(result, true) };
    } catch (e) {
        throw await withFluxReasons(e, options);
    }
}

/**
 * The Kubernetes provider's await fails with "Resource has condition Ready=False" and no reason; Flux has one.
 * When an `up` fails on a Flux object, the Flux objects that are not Ready are read (as `status` does) and their
 * messages added, so a pipeline's log says why. Anything else, or a cluster that cannot be read, passes unchanged.
 */
async function withFluxReasons(error: unknown, options: RunOptions): Promise<unknown> {
    const text = error instanceof Error ? error.message : String(error);
    if (!/condition Ready|Ready=False|kustomize\.toolkit\.fluxcd\.io|source\.toolkit\.fluxcd\.io/.test(text))
        return error;
    try {
        const values = await outputs({ ...options, onOutput: undefined, onEvent: undefined, showSecrets: true });
        if (typeof values.kubeconfig !== "string") return error;
        const env = options.env ?? process.env;
        const rows = await readStatus(
            kubectlReader(values.kubeconfig, env.KUBECTL ?? whichOn("kubectl", env) ?? "kubectl"),
            typeof values.fluxNamespace === "string" ? values.fluxNamespace : "flux-system",
            (values.tenants ?? {}) as Record<string, { namespace: string; syncs: string[] }>,
        );
        const lines = notReadyLines(rows);
        if (lines.length === 0) return error;
        const first =
            text
                .split("\n")
                .find((l) => /error:/.test(l))
                ?.trim() ?? "up failed";
        return new DriverError(EXIT.failed, `${first}\nFlux says:\n${lines.map((l) => `  - ${l}`).join("\n")}`);
    } catch {
        return error;
    }
}

export async function refresh(options: RunOptions): Promise<OperationResult> {
    const { summary } = await run(options, false, (stack, stream) => stack.refresh(stream));
    return { summary };
}

export async function destroy(options: RunOptions): Promise<OperationResult> {
    const { summary } = await run(options, false, (stack, stream) => stack.destroy(stream));
    return { summary };
}

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
