import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { DriverError, EXIT } from "./exitCodes";
import { type ChangeSummary, summarize } from "./summary";
import { openStack, type OpenStackOptions } from "./workspace";

/** Options every operation takes; the importable face of the driver. */
export interface RunOptions extends Omit<OpenStackOptions, "create"> {
    /** Streamed human-readable output. */
    onOutput?: (text: string) => void;
    /** Streamed engine events. */
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

/** Runs `op` on the stack, collecting the engine's events into a summary. */
async function run(options: RunOptions, create: boolean,
    op: (stack: Stack, stream: { onOutput?: (t: string) => void; onEvent: (e: EngineEvent) => void }) => Promise<unknown>):
    Promise<{ stack: Stack; summary: ChangeSummary }> {
    const stack = await openStack({ ...options, create });
    const events: EngineEvent[] = [];
    await op(stack, {
        onOutput: options.onOutput,
        onEvent: (e) => { events.push(e); options.onEvent?.(e); },
    });
    return { stack, summary: summarize(events) };
}

export async function preview(options: RunOptions): Promise<OperationResult> {
    const { summary } = await run(options, true, (stack, stream) => stack.preview({ ...stream, refresh: options.refresh }));
    if (options.expectNoChanges && summary.changes > 0) {
        throw new DriverError(EXIT.changes, `preview found ${summary.changes} change(s) where none were expected`);
    }
    return { summary };
}

/** `up`: create or update the stack. */
export async function deploy(options: RunOptions): Promise<OperationResult> {
    const { stack, summary } = await run(options, true, (s, stream) => s.up({ ...stream, refresh: options.refresh }));
    return { summary, outputs: plainOutputs(await stack.outputs()) };
}

export async function refresh(options: RunOptions): Promise<OperationResult> {
    const { summary } = await run(options, false, (stack, stream) => stack.refresh(stream));
    return { summary };
}

export async function destroy(options: RunOptions): Promise<OperationResult> {
    const { summary } = await run(options, false, (stack, stream) => stack.destroy(stream));
    return { summary };
}

/** The stack outputs, secrets included (for status and pipelines that need the kubeconfig). */
export async function outputs(options: RunOptions): Promise<Record<string, unknown>> {
    const stack = await openStack({ ...options, create: false });
    return plainOutputs(await stack.outputs());
}

function plainOutputs(map: Record<string, { value: unknown }>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v.value]));
}
