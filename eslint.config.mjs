// ESLint: the recommended and type-aware rules of typescript-eslint, plus Pulumi's rules (no Output in a
// template literal: use pulumi.interpolate).
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

/** Files matching `files` may not import from the folders (or files) named in `forbidden`, reached by `../`. */
function layer(files, forbidden) {
    const patterns = forbidden.map((name) => ({
        regex: `^(\\.\\./)+${name}(/|$)`,
        message: `${files.replace(/\/\*\*.*$/, "")}/ must not import ${name}: see the layering rule in README.md`,
    }));
    return { files: [files], rules: { "no-restricted-imports": ["error", { patterns }] } };
}

/** What components/ may not import: it is reusable, so it knows nothing of a stack, the driver or the lab. */
const OUTSIDE_COMPONENTS = ["stacks", "driver", "lab", "index"];
const COMPONENT_AREAS = ["cluster", "flux", "tenant"];

export default tseslint.config(
    { ignores: ["node_modules/", "bin/", ".pulumi-state/", "eslint.config.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { pulumi },
        rules: {
            "pulumi/no-output-in-template-literal": "error",
            "pulumi/no-output-instance-in-template-literal": "error",
            // Pulumi resources are made for their side effect: `new X(...)` without keeping it is the idiom.
            "no-new": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
        },
    },
    // Layers import one way: components (reusable) <- stacks (what a stack is) <- index.ts; the driver and the lab
    // runtime stand beside the program and reach it only as Pulumi runs it.
    layer("components/**/*.ts", OUTSIDE_COMPONENTS),
    // Within components/, an area imports only components/shared, so each stands alone. (For its files this entry
    // replaces the one above, so it names the outside folders again.)
    ...[...COMPONENT_AREAS, "shared"].map((area) =>
        layer(`components/${area}/**/*.ts`, [...OUTSIDE_COMPONENTS, ...COMPONENT_AREAS.filter((a) => a !== area)]),
    ),
    layer("stacks/**/*.ts", ["driver", "index"]),
    layer("lab/**/*.ts", ["stacks", "components", "driver", "index"]),
    layer("driver/**/*.ts", ["stacks", "components", "index"]),
    layer("tools/**/*.js", ["stacks", "components", "driver", "lab", "index"]),
    {
        // What ts-node loads before it can load TypeScript (the transpiler and the type gate): CommonJS, whose
        // types tsc checks through their JSDoc (checkJs); the linter does not read JSDoc casts, so the unsafe-any
        // rules would flag each require() and JSON.parse() that a cast types.
        files: ["tools/**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { require: "readonly", module: "writable", __dirname: "readonly", process: "readonly" },
        },
        rules: {
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-return": "off",
        },
    },
    {
        // Tests read loosely typed YAML and JSON and assert on it.
        files: ["tests/**/*.ts"],
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-unsafe-call": "off",
            "@typescript-eslint/no-unsafe-return": "off",
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-non-null-assertion": "off",
            // node:test's describe/it return promises that the runner itself awaits.
            "@typescript-eslint/no-floating-promises": "off",
        },
    },
);
