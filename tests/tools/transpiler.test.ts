import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { CreateTranspilerOptions } from "ts-node";
import * as ts from "typescript";
import { cachedTranspile, create } from "../../tools/transpiler";
import { STAMP } from "../../tools/typeGate";

const OPTIONS: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true };
const SOURCE = 'import * as path from "node:path";\nexport const here: string = path.basename(__filename);\n';

/** What ts-node hands a transpiler factory, as far as this one reads it. */
function service(): CreateTranspilerOptions["service"] {
    return { options: {}, config: { options: OPTIONS } } as unknown as CreateTranspilerOptions["service"];
}

describe("the program's transpiler", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxstack-transpiler-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("gives TypeScript's own transpile of a file, then the same from its cache", () => {
        const expected = ts.transpileModule(SOURCE, { fileName: "/p/a.ts", compilerOptions: OPTIONS });
        const first = cachedTranspile(ts, OPTIONS, "salt", SOURCE, "/p/a.ts", dir);
        assert.deepEqual([first.outputText, first.sourceMapText], [expected.outputText, expected.sourceMapText]);
        const [cached] = fs.readdirSync(path.join(dir, "transpiled"));
        // Proof that the second answer comes from the cache: change what it holds.
        fs.writeFileSync(path.join(dir, "transpiled", cached), JSON.stringify({ outputText: "cached" }));
        assert.equal(cachedTranspile(ts, OPTIONS, "salt", SOURCE, "/p/a.ts", dir).outputText, "cached");
    });

    it("keys the cache by the source, its file name and the salt (TypeScript version and options)", () => {
        cachedTranspile(ts, OPTIONS, "salt", SOURCE, "/p/a.ts", dir);
        cachedTranspile(ts, OPTIONS, "salt", `${SOURCE}// edited\n`, "/p/a.ts", dir);
        cachedTranspile(ts, OPTIONS, "salt", SOURCE, "/p/b.ts", dir);
        cachedTranspile(ts, OPTIONS, "other salt", SOURCE, "/p/a.ts", dir);
        assert.equal(fs.readdirSync(path.join(dir, "transpiled")).length, 4);
    });

    it("does not keep a transpile with errors: ts-node reports them every time", () => {
        const out = cachedTranspile(ts, OPTIONS, "salt", "export const = ;\n", "/p/a.ts", dir);
        assert.ok((out.diagnostics ?? []).length > 0);
        assert.equal(fs.existsSync(path.join(dir, "transpiled")), false);
    });

    it("runs the type gate before the first file: a program with a type error never starts", () => {
        fs.writeFileSync(
            path.join(dir, "tsconfig.json"),
            JSON.stringify({ compilerOptions: { strict: true, lib: ["es2022"], types: [] } }),
        );
        fs.writeFileSync(path.join(dir, "index.ts"), 'export const n: number = "1";\n');
        const transpiler = create({ service: service(), projectDir: dir });
        assert.throws(() => transpiler.transpile(SOURCE, { fileName: path.join(dir, "index.ts") }), /TS2322/);
        assert.equal(fs.existsSync(path.join(dir, ".fluxstack", "transpiled")), false, "nothing transpiled");

        fs.writeFileSync(path.join(dir, "index.ts"), "export const n: number = 1;\n");
        const out = transpiler.transpile(SOURCE, { fileName: path.join(dir, "index.ts") });
        assert.match(out.outputText, /exports\.here = /);
        assert.ok(fs.existsSync(path.join(dir, STAMP)), "the gate passed and said so");
    });
});
