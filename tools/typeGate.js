// @ts-check
// The program's type gate. Pulumi runs the program through ts-node without type checks (tsconfig.json "ts-node"),
// because checking it took about 9 s of every run. Instead, the first run after the program's sources change checks
// them once, as `tsc` would, and stops with the errors before any of the program runs. A stamp in .fluxstack/ keeps
// the hashes of the sources that passed. JavaScript: ts-node loads it before it can load TypeScript.
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

/** What the program is made of: its entry and the folders it loads from (not tests/ or the driver). */
const PROGRAM_ROOTS = ["index.ts", "components", "stacks", "lab", "tools"];
/** What else changes a check's result: the compiler options and the installed packages (their types). */
const CHECK_INPUTS = ["tsconfig.json", "package.json", "node_modules/.package-lock.json"];
/** The project's own cache folder (git-ignored); deleting it costs one type check and one transpile of each file. */
const CACHE_DIR = ".fluxstack";
/** The stamp, relative to the project. */
const STAMP = path.join(CACHE_DIR, "typecheck.json");
/** Hashes kept: switching between a few branches does not check again. */
const KEEP = 10;

/**
 * The program's source files, relative to `projectDir` with `/`, sorted.
 * @param {string} projectDir
 * @returns {string[]}
 */
function programFiles(projectDir) {
    /** @type {string[]} */
    const files = [];
    /** @param {string} rel */
    const walk = (rel) => {
        const abs = path.join(projectDir, rel);
        let stat;
        try {
            stat = fs.statSync(abs);
        } catch {
            return;
        }
        if (stat.isDirectory()) {
            for (const entry of fs.readdirSync(abs)) {
                if (entry !== "node_modules" && !entry.startsWith(".")) walk(path.posix.join(rel, entry));
            }
        } else if (/\.(ts|js)$/.test(rel)) {
            files.push(rel);
        }
    };
    for (const root of PROGRAM_ROOTS) walk(root);
    return files.sort();
}

/**
 * One hash of the files' names and contents, the other check inputs and `salt` (the TypeScript version).
 * @param {string} projectDir
 * @param {string[]} files
 * @param {string} salt
 * @returns {string}
 */
function sourceHash(projectDir, files, salt) {
    const hash = crypto.createHash("sha256").update(salt);
    for (const file of [...files, ...CHECK_INPUTS]) {
        let content;
        try {
            content = fs.readFileSync(path.join(projectDir, file));
        } catch {
            content = "<missing>";
        }
        hash.update(`\0${file}\0`).update(content);
    }
    return hash.digest("hex");
}

/**
 * Type-checks `files` with the options of the project's tsconfig.json; the errors as `tsc` prints them.
 * @param {typeof import("typescript")} ts
 * @param {string} projectDir
 * @param {string[]} files
 * @returns {string[]}
 */
function checkTypes(ts, projectDir, files) {
    const configPath = path.join(projectDir, "tsconfig.json");
    const parsed = ts.getParsedCommandLineOfConfigFile(
        configPath,
        { noEmit: true },
        {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (d) => {
                throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
            },
        },
    );
    if (!parsed) throw new Error(`cannot read ${configPath}`);
    const program = ts.createProgram({
        rootNames: files.map((f) => path.join(projectDir, f)),
        options: parsed.options,
    });
    const formatHost = {
        getCanonicalFileName: (/** @type {string} */ f) => f,
        getCurrentDirectory: () => projectDir,
        getNewLine: () => "\n",
    };
    return ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.category === ts.DiagnosticCategory.Error)
        .map((d) => ts.formatDiagnostic(d, formatHost).trimEnd());
}

/**
 * @param {string} projectDir
 * @returns {string[]}
 */
function readStamp(projectDir) {
    try {
        const file = path.join(projectDir, STAMP);
        const stamp = /** @type {{ passed?: unknown }} */ (JSON.parse(fs.readFileSync(file, "utf8")));
        return Array.isArray(stamp.passed) ? stamp.passed.filter((h) => typeof h === "string") : [];
    } catch {
        return [];
    }
}

/**
 * Written whole and renamed into place, so that two runs at once never leave half a file.
 * @param {string} file
 * @param {string} text
 */
function writeAtomically(file, text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
}

/**
 * Checks the program's types unless these very sources passed before: "cached" or "checked". Throws a RunError
 * listing every error when they do not pass (Pulumi prints its message alone), and then records nothing.
 * @param {string} projectDir
 * @param {{ ts?: typeof import("typescript"), check?: typeof checkTypes }} [options]
 * @returns {"cached" | "checked"}
 */
function ensureTypeChecked(projectDir, options = {}) {
    /** @type {typeof import("typescript")} */
    const ts = options.ts ?? require("typescript");
    const check = options.check ?? checkTypes;
    const files = programFiles(projectDir);
    const hash = sourceHash(projectDir, files, ts.version);
    const passed = readStamp(projectDir);
    if (passed.includes(hash)) return "cached";
    const errors = check(ts, projectDir, files);
    if (errors.length > 0) {
        /** @type {typeof import("@pulumi/pulumi")} */
        const { RunError } = require("@pulumi/pulumi");
        throw new RunError(
            `The program does not type-check, so it was not run (${errors.length} error${errors.length > 1 ? "s" : ""}; ` +
                `npm run typecheck shows them too):\n${errors.join("\n")}`,
        );
    }
    try {
        const stamp = { passed: [hash, ...passed].slice(0, KEEP) };
        writeAtomically(path.join(projectDir, STAMP), `${JSON.stringify(stamp, null, 1)}\n`);
    } catch {
        // A read-only checkout: the next run checks again.
    }
    return "checked";
}

module.exports = {
    CACHE_DIR,
    STAMP,
    PROGRAM_ROOTS,
    programFiles,
    sourceHash,
    checkTypes,
    ensureTypeChecked,
    writeAtomically,
};
