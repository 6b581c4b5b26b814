import type { core } from "zod";

/** One bad config value: the full config key (`fluxstack:tenants[0].name`) and what is wrong with it. */
export interface ConfigProblem {
    key: string;
    message: string;
}

/** Thrown before any resource is registered; lists every problem found in the stack config. */
export class ConfigError extends Error {
    constructor(
        public readonly problems: readonly ConfigProblem[],
        title = "Invalid stack config",
    ) {
        super(formatProblems(title, problems));
        this.name = "ConfigError";
    }
}

/** Thrown before any resource is registered when a tool or credential the stack needs is missing. */
export class PrerequisiteError extends ConfigError {
    constructor(problems: readonly ConfigProblem[]) {
        super(problems, "Missing prerequisites");
        this.name = "PrerequisiteError";
    }
}

export function formatProblems(title: string, problems: readonly ConfigProblem[]): string {
    const noun = problems.length === 1 ? "problem" : "problems";
    const lines = problems.map((p) => `  - ${p.key}: ${p.message}`);
    return [`${title} (${problems.length} ${noun}):`, ...lines].join("\n");
}

/** `fluxstack:syncs` + [0, "source", "url"] -> `fluxstack:syncs[0].source.url`. */
export function keyOf(base: string, path: readonly PropertyKey[]): string {
    return path.reduce<string>(
        (key, part) => (typeof part === "number" ? `${key}[${part}]` : `${key}.${String(part)}`),
        base,
    );
}

function describe(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "object") return "an object";
    return `${typeof value} ${JSON.stringify(value)}`;
}

/** Turns zod's issues into problems with full config keys and plain-spoken messages. */
export function problemsFromIssues(base: string, issues: readonly core.$ZodIssue[]): ConfigProblem[] {
    return issues.flatMap((issue): ConfigProblem[] => {
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((k) => ({ key: keyOf(base, [...issue.path, k]), message: "unknown key" }));
        }
        const key = keyOf(base, issue.path);
        if (issue.code === "invalid_type") {
            if (issue.input === undefined) return [{ key, message: "is required" }];
            return [{ key, message: `must be ${article(issue.expected)}, got ${describe(issue.input)}` }];
        }
        return [{ key, message: issue.message }];
    });
}

function article(expected: string): string {
    const names: Record<string, string> = {
        object: "an object",
        array: "an array",
        int: "an integer",
        number: "a number",
        string: "a string",
        boolean: "a boolean (true or false)",
    };
    return names[expected] ?? expected;
}
