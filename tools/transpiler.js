// @ts-check
// ts-node's transpiler for the program (tsconfig.json "ts-node"): before the first file runs, the type gate
// (typeGate.js); then each file is TypeScript's own transpile of it, kept in .fluxstack/transpiled/ by a hash of
// the file, its name, the compiler options and the TypeScript version. Transpiling the program's files took about
// 1 s of every run on 2 cores; reading them back takes a few milliseconds. JavaScript: ts-node loads it before it
// can load TypeScript.
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const promiseTraces = require("./promiseTraces");
const stackTraces = require("./stackTraces");
const { CACHE_DIR, ensureTypeChecked, writeAtomically } = require("./typeGate");

const PROJECT_DIR = path.resolve(__dirname, "..");
/** Part of every cache key: bump it when what this file does with TypeScript's output changes. */
const CACHE_VERSION = "1";
/** The projects whose type gate passed in this process: it runs once, before the first file. */
const gated = new Set();

/**
 * Called by ts-node once per kind of module output it may need. `projectDir` (for tests): the project to gate and
 * cache for; default this one.
 * @param {import("ts-node").CreateTranspilerOptions & { nodeModuleEmitKind?: "nodeesm" | "nodecjs", projectDir?: string }} options
 * @returns {import("ts-node").Transpiler}
 */
function create({ service, nodeModuleEmitKind, projectDir = PROJECT_DIR }) {
    // ts-node has installed its source-mapping stack traces by now.
    stackTraces.install();
    promiseTraces.install(projectDir);
    const ts = /** @type {typeof import("typescript")} */ (require(service.options.compiler ?? "typescript"));
    const compilerOptions = { ...service.config.options };
    // As ts-node's own transpile-only output does for files whose package type decides their module kind.
    if (nodeModuleEmitKind === "nodecjs") compilerOptions.module = ts.ModuleKind.CommonJS;
    if (nodeModuleEmitKind === "nodeesm") compilerOptions.module = ts.ModuleKind.ESNext;
    const salt = `${CACHE_VERSION}\0${ts.version}\0${JSON.stringify(compilerOptions)}\0`;
    const cacheDir = path.join(projectDir, CACHE_DIR);
    return {
        transpile(input, { fileName }) {
            if (!gated.has(projectDir)) {
                ensureTypeChecked(projectDir, { ts });
                gated.add(projectDir);
            }
            return cachedTranspile(ts, compilerOptions, salt, input, fileName, cacheDir);
        },
    };
}

/**
 * TypeScript's transpile of one file, from the cache when it holds it; outputs with diagnostics are not kept.
 * @param {typeof import("typescript")} ts
 * @param {import("typescript").CompilerOptions} compilerOptions
 * @param {string} salt
 * @param {string} input
 * @param {string} fileName
 * @param {string} cacheDir
 * @returns {import("ts-node").TranspileOutput}
 */
function cachedTranspile(ts, compilerOptions, salt, input, fileName, cacheDir) {
    const key = crypto.createHash("sha256").update(salt).update(fileName).update("\0").update(input).digest("hex");
    const file = path.join(cacheDir, "transpiled", `${key}.json`);
    try {
        const cached = /** @type {import("ts-node").TranspileOutput} */ (JSON.parse(fs.readFileSync(file, "utf8")));
        if (typeof cached.outputText === "string") return cached;
    } catch {
        // Not cached yet (or unreadable): transpile it.
    }
    const { outputText, sourceMapText, diagnostics } = ts.transpileModule(input, {
        fileName,
        compilerOptions,
        reportDiagnostics: true,
    });
    if (!diagnostics?.length) {
        try {
            writeAtomically(file, JSON.stringify({ outputText, sourceMapText }));
        } catch {
            // A read-only checkout: transpiled again next time.
        }
    }
    return { outputText, sourceMapText, diagnostics };
}

module.exports = { create, cachedTranspile };
