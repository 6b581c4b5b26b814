// @ts-check
// ts-node maps every stack trace through source maps (@cspotcode/source-map-support). The Pulumi SDK formats a
// stack trace for every promise it tracks (runtime/debuggable.js), some 25 per resource, and prints them only when
// PULUMI_DEBUG_PROMISE_LEAKS is set; mapping them took about half the program's CPU time (some 1.3 ms per
// resource). Here those are not mapped. promiseTraces.js now has them capture no frames, so this is the fallback
// for an SDK it cannot wrap. Every other stack trace (errors, the resources' source positions) is mapped as before.
const path = require("node:path");

/** Where the SDK makes the stack traces of the promises it tracks. */
const BOOKKEEPING = path.join("@pulumi", "pulumi", "runtime", "debuggable.js");

/** @typedef {(error: Error, frames: NodeJS.CallSite[]) => unknown} Formatter */

/**
 * `mapped`, except for the SDK's bookkeeping stack traces, which are the error's first line only.
 * @param {Formatter} mapped
 * @returns {Formatter}
 */
function sparingly(mapped) {
    return (error, frames) => (frames[0]?.getFileName()?.endsWith(BOOKKEEPING) ? String(error) : mapped(error, frames));
}

/**
 * Installs `sparingly` around the source-mapping formatter, once. It does nothing without one (no source maps),
 * or when PULUMI_DEBUG_PROMISE_LEAKS asks for those stack traces.
 * @param {NodeJS.ProcessEnv} [env]
 */
function install(env = process.env) {
    // Typed as always there, it is unset unless something installed source maps.
    const mapped = /** @type {Formatter | undefined} */ (Reflect.get(Error, "prepareStackTrace"));
    if (!mapped || mapped.name === "sparinglyMapped" || env.PULUMI_DEBUG_PROMISE_LEAKS) return;
    const wrapped = sparingly(mapped);
    Object.defineProperty(wrapped, "name", { value: "sparinglyMapped" });
    Reflect.set(Error, "prepareStackTrace", wrapped);
}

module.exports = { install, sparingly };
