import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import { checkTypes, ensureTypeChecked, programFiles, sourceHash, STAMP } from "../../tools/typeGate";

const TSCONFIG = {
    compilerOptions: { strict: true, allowJs: true, target: "es2022", lib: ["es2022"], module: "commonjs", types: [] },
};
const BAD = 'export const replicas: number = "3";\n';
const GOOD = "export const replicas: number = 3;\n";

/** A small project as the gate sees one: an entry, a stack module, and files it must leave out. */
function fixture(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxstack-typegate-"));
    const files: Record<string, string> = {
        "tsconfig.json": JSON.stringify(TSCONFIG),
        "package.json": "{}",
        "index.ts": 'import { replicas } from "./stacks/replicas";\nexport const doubled = replicas * 2;\n',
        "stacks/replicas.ts": GOOD,
        "components/tenant/tenant.ts": "export {};\n",
        "tools/helper.js": "module.exports = {};\n",
        "lab/sshgit/main.go": "package main\n",
        "tests/index.test.ts": 'const broken: number = "not checked by the gate";\n',
        "driver/cli.ts": "export {};\n",
        "components/.hidden/skip.ts": "export {};\n",
    };
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
}

/** The real check, counted. */
function countingCheck() {
    const calls: string[][] = [];
    const check = (t: typeof ts, dir: string, files: string[]) => {
        calls.push(files);
        return checkTypes(t, dir, files);
    };
    return { calls, check };
}

describe("the program's type gate", () => {
    let dir: string;
    beforeEach(() => (dir = fixture()));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("takes the program's files: index.ts, components, stacks, lab and tools; not tests, the driver or other files", () => {
        assert.deepEqual(programFiles(dir), [
            "components/tenant/tenant.ts",
            "index.ts",
            "stacks/replicas.ts",
            "tools/helper.js",
        ]);
    });

    it("hashes names and contents, the compiler options, the installed packages and the TypeScript version", () => {
        const hash = () => sourceHash(dir, programFiles(dir), "5.9.3");
        const before = hash();
        assert.equal(hash(), before, "stable");
        const changes: [string, () => void][] = [
            ["an edit", () => fs.appendFileSync(path.join(dir, "stacks/replicas.ts"), "// more\n")],
            ["a new file", () => fs.writeFileSync(path.join(dir, "stacks/new.ts"), "export {};\n")],
            ["tsconfig.json", () => fs.writeFileSync(path.join(dir, "tsconfig.json"), "{}")],
            [
                "the installed packages",
                () => {
                    fs.mkdirSync(path.join(dir, "node_modules"));
                    fs.writeFileSync(path.join(dir, "node_modules/.package-lock.json"), "{}");
                },
            ],
        ];
        let last = before;
        for (const [what, change] of changes) {
            change();
            assert.notEqual(hash(), last, what);
            last = hash();
        }
        assert.notEqual(sourceHash(dir, programFiles(dir), "5.9.4"), last, "another TypeScript");
    });

    it("stops on a type error with every error as tsc prints it, and records nothing", () => {
        fs.writeFileSync(path.join(dir, "stacks/replicas.ts"), BAD);
        assert.throws(
            () => ensureTypeChecked(dir, { ts }),
            (e: unknown) => {
                assert.ok(pulumi.RunError.isInstance(e), "a RunError: Pulumi prints its message without a stack");
                assert.equal(
                    e.message,
                    "The program does not type-check, so it was not run (1 error; npm run typecheck shows them too):\n" +
                        "stacks/replicas.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.",
                );
                return true;
            },
        );
        assert.equal(fs.existsSync(path.join(dir, STAMP)), false);
    });

    it("checks once per version of the sources: a run on the same sources does not check again", () => {
        const { calls, check } = countingCheck();
        assert.equal(ensureTypeChecked(dir, { ts, check }), "checked");
        assert.equal(ensureTypeChecked(dir, { ts, check }), "cached");
        assert.equal(calls.length, 1);
        assert.deepEqual(calls[0], programFiles(dir));

        fs.writeFileSync(path.join(dir, "stacks/replicas.ts"), BAD);
        assert.throws(() => ensureTypeChecked(dir, { ts, check }), /TS2322/);
        assert.throws(() => ensureTypeChecked(dir, { ts, check }), /TS2322/, "a failed check is not remembered");
        fs.writeFileSync(path.join(dir, "stacks/replicas.ts"), GOOD);
        assert.equal(ensureTypeChecked(dir, { ts, check }), "cached", "back to sources that passed");
        assert.equal(calls.length, 3);
    });

    it("keeps the last ten versions that passed, newest first", () => {
        const check = () => [];
        const hashes: string[] = [];
        for (let i = 0; i < 12; i++) {
            fs.writeFileSync(path.join(dir, "stacks/replicas.ts"), `export const replicas: number = ${i};\n`);
            ensureTypeChecked(dir, { ts, check });
            hashes.unshift(sourceHash(dir, programFiles(dir), ts.version));
        }
        const stamp = JSON.parse(fs.readFileSync(path.join(dir, STAMP), "utf8"));
        assert.deepEqual(stamp, { passed: hashes.slice(0, 10) });
    });
});
