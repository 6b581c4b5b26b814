import * as assert from "node:assert/strict";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { install, sparingly } from "../../tools/stackTraces";

/** A call site as V8 hands it to Error.prepareStackTrace, as far as the formatter reads it. */
const frame = (file: string) => ({ getFileName: () => file }) as NodeJS.CallSite;
const SDK = path.join("/p", "node_modules", "@pulumi", "pulumi");
type Formatter = (error: Error, frames: NodeJS.CallSite[]) => unknown;
/** Error.prepareStackTrace: typed as always there, it is unset without source maps. */
const formatter = () => Reflect.get(Error, "prepareStackTrace") as Formatter | undefined;
const setFormatter = (f: Formatter | undefined) => Reflect.set(Error, "prepareStackTrace", f);

describe("stack traces: the SDK's bookkeeping ones are not source-mapped", () => {
    const mapped = (error: Error, frames: NodeJS.CallSite[]) => `mapped ${error.message} ${frames.length}`;
    let saved: Formatter | undefined;
    beforeEach(() => (saved = formatter()));
    afterEach(() => setFormatter(saved));

    it("gives a promise's bookkeeping stack (made in runtime/debuggable.js) its first line only", () => {
        const format = sparingly(mapped);
        const frames = [frame(path.join(SDK, "runtime", "debuggable.js")), frame("/p/index.ts")];
        assert.equal(format(new Error(""), frames), "Error");
    });

    it("maps every other stack trace as before: errors, the resources' source positions", () => {
        const format = sparingly(mapped);
        assert.equal(format(new Error("boom"), [frame("/p/stacks/platform.ts")]), "mapped boom 1");
        assert.equal(format(new Error("pos"), [frame(path.join(SDK, "resource.js"))]), "mapped pos 1");
        assert.equal(format(new Error("none"), []), "mapped none 0");
    });

    it("installs around the formatter there is, once; not without one, nor with PULUMI_DEBUG_PROMISE_LEAKS", () => {
        setFormatter(undefined);
        install({});
        assert.equal(formatter(), undefined, "no source maps: nothing to spare");

        setFormatter(mapped);
        install({ PULUMI_DEBUG_PROMISE_LEAKS: "1" });
        assert.equal(formatter(), mapped, "the SDK prints those stack traces then");

        install({});
        const installed = formatter();
        assert.notEqual(installed, mapped);
        install({});
        assert.equal(formatter(), installed, "not wrapped twice");
        assert.match(String(new Error("real").stack), /^mapped real \d+$/, "an error's stack goes through it");
    });
});
