/** One bad config value: the full config key (`fluxstack:tenants[0].name`) and what is wrong with it. */
export interface ConfigProblem {
    key: string;
    message: string;
}

export const CONFIG_TITLE = "Invalid stack config";
export const PREREQUISITES_TITLE = "Missing prerequisites";

/**
 * Thrown before any resource is registered; lists every problem found in the stack config and, so that one round
 * fixes everything, the machine's problems found in the same run (`missing`) under their own title after them.
 * The message starts with "Invalid stack config (N problems):" either way, which the driver maps to its exit code.
 */
export class ConfigError extends Error {
    constructor(
        public readonly problems: readonly ConfigProblem[],
        public readonly missing: readonly ConfigProblem[] = [],
    ) {
        const sections = [formatProblems(CONFIG_TITLE, problems)];
        if (missing.length > 0) sections.push(formatProblems(PREREQUISITES_TITLE, missing));
        super(sections.join("\n"));
        this.name = "ConfigError";
    }
}

/** Thrown before any resource is registered when the config is good but a tool or credential it needs is missing. */
export class PrerequisiteError extends Error {
    constructor(public readonly problems: readonly ConfigProblem[]) {
        super(formatProblems(PREREQUISITES_TITLE, problems));
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
