import * as assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { install, wrap } from "../../tools/promiseTraces";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** A stand-in for the SDK's module: its debuggablePromise keeps the stack trace it makes, as the SDK's does. */
function fakeDebuggable() {
    return {
        debuggablePromise: <T>(p: Promise<T>, ctx: string) =>
            Object.assign(p, { _debugCtx: ctx, _debugStackTrace: new Error().stack }),
    };
}

describe("promise traces: the SDK's per-promise stack traces capture no frames", () => {
    it("makes the trace `Error` alone, and hands back the SDK's own promise", async () => {
        const module = fakeDebuggable();
        const before = module.debuggablePromise(Promise.resolve(1), "before") as { _debugStackTrace?: string };
        assert.match(String(before._debugStackTrace), /\n\s+at /, "unwrapped, the trace has frames");

        assert.equal(wrap(module), true);
        const p = module.debuggablePromise(Promise.resolve(2), "after");
        assert.equal((p as { _debugStackTrace?: string })._debugStackTrace, "Error");
        assert.equal((p as { _debugCtx?: string })._debugCtx, "after");
        assert.equal(await p, 2);
        assert.match(String(new Error("later").stack), /\n\s+at /, "every other stack trace keeps its frames");
    });

    it("restores the frame limit even when the SDK throws", () => {
        const limit = Error.stackTraceLimit;
        const module = {
            debuggablePromise: () => {
                throw new Error("boom");
            },
        };
        wrap(module);
        assert.throws(() => module.debuggablePromise(), /boom/);
        assert.equal(Error.stackTraceLimit, limit);
    });

    it("wraps once, and leaves a module without the function alone", () => {
        const module = fakeDebuggable();
        wrap(module);
        const once = module.debuggablePromise;
        wrap(module);
        assert.equal(module.debuggablePromise, once);
        const other: { debuggablePromise?: unknown } = {};
        assert.equal(wrap(other), false);
        assert.equal(other.debuggablePromise, undefined);
    });

    it("wraps the installed SDK's module, where the SDK calls it; not with PULUMI_DEBUG_PROMISE_LEAKS", async () => {
        const sdk = require("@pulumi/pulumi/runtime/debuggable");
        assert.equal(install(PROJECT_DIR, { PULUMI_DEBUG_PROMISE_LEAKS: "1" }), false);
        assert.equal(install(PROJECT_DIR, {}), true);
        // The SDK marks the promise it is given, and hands back one chained to it.
        const given = Promise.resolve("v");
        assert.equal(await sdk.debuggablePromise(given, "ctx"), "v");
        assert.equal((given as { _debugStackTrace?: string })._debugStackTrace, "Error");
        assert.equal((given as { _debugCtx?: string })._debugCtx, "ctx");
        assert.equal(install(path.join(path.sep, "nowhere"), {}), false, "no SDK there: nothing to wrap");
    });
});
