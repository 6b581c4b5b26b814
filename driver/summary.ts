import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";

/** What an operation did (or, for preview, would do): resource steps by operation, and failures. */
export interface ChangeSummary {
    operations: Partial<Record<OpType, number>>;
    /** Steps that change something (everything but same, read and refresh). */
    changes: number;
    failed: number;
    errors: string[];
}

const UNCHANGING: ReadonlySet<OpType> = new Set(["same", "read", "refresh"]);

/** Folds the engine's events into a summary: one resourcePreEvent per step. */
export function summarize(events: readonly EngineEvent[]): ChangeSummary {
    const operations: Partial<Record<OpType, number>> = {};
    let failed = 0;
    const errors: string[] = [];
    for (const event of events) {
        const op = event.resourcePreEvent?.metadata.op;
        if (op) operations[op] = (operations[op] ?? 0) + 1;
        if (event.resOpFailedEvent) failed++;
        const diag = event.diagnosticEvent;
        if (diag?.severity === "error") errors.push(diag.message.trim());
    }
    const changes = Object.entries(operations)
        .filter(([op]) => !UNCHANGING.has(op as OpType))
        .reduce((sum, [, n]) => sum + (n ?? 0), 0);
    return { operations, changes, failed, errors };
}

/** `create 3, same 10 (3 changes)`, the line a person reads at the end. */
export function formatSummary(operation: string, s: ChangeSummary): string {
    const ops =
        Object.entries(s.operations)
            .map(([op, n]) => `${op} ${n}`)
            .join(", ") || "no resources";
    const failed = s.failed > 0 ? `, ${s.failed} failed` : "";
    return `${operation}: ${ops} (${s.changes} change${s.changes === 1 ? "" : "s"}${failed})`;
}
