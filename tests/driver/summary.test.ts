import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { formatSummary, summarize } from "../../driver";

let seq = 0;
const pre = (op: string, type = "kubernetes:core/v1:Namespace"): EngineEvent =>
    ({
        sequence: seq++,
        timestamp: 0,
        resourcePreEvent: { metadata: { op, urn: `urn:${seq}`, type } },
    }) as unknown as EngineEvent;
const failed = (): EngineEvent =>
    ({
        sequence: seq++,
        timestamp: 0,
        resOpFailedEvent: { metadata: { op: "create" }, status: 1, steps: 0 },
    }) as unknown as EngineEvent;
const diag = (severity: string, message: string): EngineEvent =>
    ({
        sequence: seq++,
        timestamp: 0,
        diagnosticEvent: { severity, message, color: "never" },
    }) as unknown as EngineEvent;

describe("summarize", () => {
    it("counts steps by operation and the ones that change something", () => {
        const s = summarize([
            pre("same", "pulumi:pulumi:Stack"),
            pre("create"),
            pre("create"),
            pre("update"),
            pre("same"),
            pre("replace"),
            pre("read"),
        ]);
        assert.deepEqual(s, {
            operations: { same: 2, create: 2, update: 1, replace: 1, read: 1 },
            changes: 4,
            failed: 0,
            errors: [],
        });
        assert.equal(formatSummary("up", s), "up: same 2, create 2, update 1, replace 1, read 1 (4 changes)");
    });

    it("finds no changes in a no-op run (what the drift gate relies on)", () => {
        const s = summarize([pre("same"), pre("same"), pre("refresh")]);
        assert.equal(s.changes, 0);
        assert.equal(formatSummary("preview", s), "preview: same 2, refresh 1 (0 changes)");
    });

    it("counts failures and keeps error diagnostics", () => {
        const s = summarize([
            pre("create"),
            failed(),
            diag("error", "  timed out waiting for flux-operator \n"),
            diag("warning", "ignored"),
        ]);
        assert.deepEqual([s.failed, s.errors], [1, ["timed out waiting for flux-operator"]]);
        assert.equal(formatSummary("up", s), "up: create 1 (1 change, 1 failed)");
    });

    it("says so when there was nothing", () =>
        assert.equal(formatSummary("destroy", summarize([])), "destroy: no resources (0 changes)"));
});
