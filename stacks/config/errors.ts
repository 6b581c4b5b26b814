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
