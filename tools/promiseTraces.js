// @ts-check
// The Pulumi SDK makes a stack trace for every promise it tracks (runtime/debuggable.js: `new Error().stack`), some
// 25 per Kubernetes resource, and prints them only when PULUMI_DEBUG_PROMISE_LEAKS is set. Capturing the frames
// alone cost a sixth of the program's evaluation (500 tenants under mocks: 11.0 s, 9.2 s with none captured). Here
// those traces capture no frames (the trace is `Error`); the SDK's tracking, its leak check at exit and every other
// stack trace are as before; only an error thrown inside the SDK's call itself has no frames. stackTraces.js spares
// the mapping of the frames, if this finds no SDK to wrap.

/** Marks the wrapper, so that it is installed once. */
const WRAPPED = Symbol.for("fluxstack.promiseTraces");

/** @typedef {{ debuggablePromise?: unknown }} DebuggableModule */

/**
 * Wraps `debuggable.debuggablePromise` (the SDK calls it through the module's exports) so that the stack trace it
 * makes captures no frames. Does nothing if the module has no such function, or it is wrapped already.
 * @param {DebuggableModule} debuggable the SDK's runtime/debuggable module
 * @returns {boolean} whether it is wrapped now
 */
function wrap(debuggable) {
    const original = /** @type {((...args: unknown[]) => unknown) | undefined} */ (
        typeof debuggable.debuggablePromise === "function" ? debuggable.debuggablePromise : undefined
    );
    if (!original) return false;
    if (Reflect.get(original, WRAPPED)) return true;
    /** @param {unknown[]} args */
    const wrapped = (...args) => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return original(...args);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
    Reflect.set(wrapped, WRAPPED, true);
    debuggable.debuggablePromise = wrapped;
    return true;
}

/**
 * Installs the wrapper in the SDK that `projectDir`'s program runs with (the Node language host runs the program's
 * own installed SDK). Not with PULUMI_DEBUG_PROMISE_LEAKS, which prints those traces; not without the SDK.
 * @param {string} projectDir
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {boolean} whether it is installed
 */
function install(projectDir, env = process.env) {
    if (env.PULUMI_DEBUG_PROMISE_LEAKS) return false;
    let file;
    try {
        file = require.resolve("@pulumi/pulumi/runtime/debuggable", { paths: [projectDir] });
    } catch {
        return false;
    }
    /** @type {DebuggableModule} */
    const debuggable = require(file);
    return wrap(debuggable);
}

module.exports = { install, wrap };
