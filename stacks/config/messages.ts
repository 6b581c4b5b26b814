import type { core, z } from "zod";
import { type ConfigProblem, keyOf } from "./errors";

/**
 * The one place zod's issues become plain sentences: what is wrong and what is allowed, in the project's words.
 * A schema's own `error` wins over this map (zod's precedence), so messages that need the project's reasons
 * (a name's rule, a URL's schemes) live beside their rule and everything else reads the same way.
 */
export function plainMessage(issue: core.$ZodRawIssue): string {
    switch (issue.code) {
        case "invalid_type":
            return typeMessage(issue.expected, issue.input, isInteger(issue));
        case "too_small":
        case "too_big":
            return sizeMessage(issue);
        case "invalid_value":
            return `must be ${alternatives(issue.values.map(String))}, got ${quoted(issue.input)}`;
        case "invalid_union": {
            if (issue.discriminator === undefined) return "does not match any of the allowed forms";
            const options = discriminatorValues(issue);
            const value = fieldOf(issue.input, issue.discriminator);
            if (value === undefined) return `is required: ${alternatives(options)}`;
            return `must be ${alternatives(options)}, got ${quoted(value)}`;
        }
        case "invalid_format":
            return FORMATS[issue.format] ?? `must be a valid ${issue.format}`;
        case "not_multiple_of":
            return `must be a multiple of ${String(issue.divisor)}, got ${quoted(issue.input)}`;
        case "unrecognized_keys":
            return "unknown key"; // replaced key by key in problemsFrom, which knows the object's keys
        case "invalid_key": {
            // A record's key broke its own rule (an artifact without a tag): say which key, and the rule.
            const inner = (issue as { issues?: { message?: string }[] }).issues?.[0]?.message;
            return inner ? `key ${quoted(issue.input)} ${inner}` : "has a key that is not allowed";
        }
        case "invalid_element":
            return "has an entry that is not allowed";
        default:
            return "is not valid";
    }
}

const FORMATS: Record<string, string> = {
    cidrv4: "must be an IPv4 CIDR such as 10.0.0.0/16",
    cidrv6: "must be an IPv6 CIDR such as fd00::/64",
    ipv4: "must be an IPv4 address such as 127.0.0.1",
    ipv6: "must be an IPv6 address such as ::1",
};

function typeMessage(expected: string, input: unknown, integer: boolean): string {
    if (input === undefined) return "is required";
    if (integer || expected === "int") {
        if (typeof input === "string" && /^\s*-?\d+\s*$/.test(input)) {
            return `must be a whole number, not the quoted string ${JSON.stringify(input)} (write ${input.trim()} without quotes)`;
        }
        return `must be a whole number, got ${describe(input)}`;
    }
    if (expected === "string" && (typeof input === "number" || typeof input === "boolean")) {
        return `must be a string, got ${describe(input)} (put it in quotes: "${String(input)}")`;
    }
    return `must be ${ARTICLES[expected] ?? expected}, got ${describe(input)}`;
}

const ARTICLES: Record<string, string> = {
    object: "an object",
    array: "an array",
    number: "a number",
    string: "a string",
    boolean: "a boolean (true or false)",
};

/** Whether the schema behind an issue takes whole numbers only (`z.int()`). */
function isInteger(issue: core.$ZodRawIssue): boolean {
    return (issue.schema as z.ZodNumber | undefined)?.isInt === true;
}

function sizeMessage(issue: core.$ZodRawIssue<core.$ZodIssueTooSmall | core.$ZodIssueTooBig>): string {
    const got = quoted(issue.input);
    switch (issue.origin) {
        case "number":
        case "int": {
            const schema = issue.schema as z.ZodNumber | undefined;
            const min = bounded(schema?.minValue);
            const max = bounded(schema?.maxValue);
            if (min !== undefined && max !== undefined) return `must be from ${min} to ${max}, got ${got}`;
            if (min !== undefined)
                return issue.code === "too_small" ? `must be at least ${min}, got ${got}` : `is too large, got ${got}`;
            if (max !== undefined)
                return issue.code === "too_big" ? `must be at most ${max}, got ${got}` : `is too small, got ${got}`;
            return issue.code === "too_small" ? `is too small, got ${got}` : `is too large, got ${got}`;
        }
        case "array":
        case "set": {
            const n = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
            if (issue.code === "too_small") return n === 1 ? "must not be empty" : `must have at least ${n} entries`;
            return `must have at most ${n} ${n === 1 ? "entry" : "entries"}`;
        }
        case "string": {
            const n = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
            if (issue.code === "too_small") return n === 1 ? "must not be empty" : `must be at least ${n} characters`;
            return `must be at most ${n} characters`;
        }
        default:
            return issue.code === "too_small" ? "is too small" : "is too large";
    }
}

/** A bound that means something to a user (not the safe-integer range zod gives every `z.int()`). */
function bounded(value: number | null | undefined): number | undefined {
    if (value === null || value === undefined || Math.abs(value) >= Number.MAX_SAFE_INTEGER) return undefined;
    return value;
}

function discriminatorValues(issue: core.$ZodRawIssue<core.$ZodIssueInvalidUnion>): string[] {
    const options = (issue as { options?: unknown[] }).options;
    return Array.isArray(options) ? options.map(String) : [];
}

/** `a`, `a or b`, `one of a, b, c`. */
export function alternatives(values: readonly string[]): string {
    if (values.length <= 1) return values.join("");
    if (values.length === 2) return `${values[0]} or ${values[1]}`;
    return `one of ${values.join(", ")}`;
}

/** A value with its type, for "must be a string, got number 2". */
export function describe(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "object") return "an object";
    return `${typeof value} ${JSON.stringify(value)}`;
}

/** A value as written, for "must be TCP or UDP, got "tcp"". */
function quoted(value: unknown): string {
    return value !== null && typeof value === "object" ? describe(value) : String(JSON.stringify(value));
}

function fieldOf(value: unknown, field: string): unknown {
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[field] : undefined;
}

/**
 * The known key a misspelt one most likely meant: the same once case, `-` and `_` are ignored, or one edit away
 * (two for keys of six letters or more), transpositions counting as one edit. Undefined when none is that close.
 */
export function nearestKey(unknown: string, known: readonly string[]): string | undefined {
    const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
    let best: { key: string; distance: number } | undefined;
    for (const key of known) {
        const distance = editDistance(norm(unknown), norm(key));
        if (distance <= (key.length >= 6 ? 2 : 1) && (best === undefined || distance < best.distance)) {
            best = { key, distance };
        }
    }
    return best?.key;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
function editDistance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i || j));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.length][b.length];
}

/**
 * The line for a key the schema does not know, and the known key it was taken for: the nearest known key not
 * already `present`, else none (and the line lists the known keys).
 */
export function unknownKey(
    key: string,
    known: readonly string[],
    present: readonly string[] = [],
): { message: string; meant?: string } {
    const meant = nearestKey(
        key,
        known.filter((k) => !present.includes(k)),
    );
    return meant === undefined
        ? { message: `unknown key ${JSON.stringify(key)} (known keys: ${known.join(", ")})` }
        : { message: `unknown key ${JSON.stringify(key)} (did you mean ${JSON.stringify(meant)}?)`, meant };
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; problems: ConfigProblem[] };

/**
 * Parses `value` with `schema` and, on failure, turns each issue into one problem keyed under `base`. An unknown
 * key that stands for a missing known one (`hostport` for `hostPort`) gives one line, not also "is required".
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, base: string): Parsed<z.output<S>> {
    // zod drops the schema from the issues it returns: note each strict object's keys while the map sees them.
    const knownKeys = new Map<unknown, string[]>();
    const error: core.$ZodErrorMap = (issue) => {
        const def = issue.inst?._zod.def as { type?: string; shape?: Record<string, unknown> } | undefined;
        if (issue.code === "unrecognized_keys" && def?.type === "object" && def.shape) {
            knownKeys.set(issue.input, Object.keys(def.shape));
        }
        return plainMessage(issue);
    };
    const result = schema.safeParse(value, { reportInput: true, error });
    if (result.success) return { ok: true, data: result.data };
    return { ok: false, problems: problemsFrom(base, result.error.issues, knownKeys) };
}

function problemsFrom(
    base: string,
    issues: readonly core.$ZodIssue[],
    knownKeys: ReadonlyMap<unknown, readonly string[]>,
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const missing = new Set<string>(); // keys reported as "is required"
    const meant = new Set<string>(); // keys a misspelt key was taken for
    const reportUnknown = (path: readonly PropertyKey[], key: string, known: readonly string[], input: unknown) => {
        const present = input !== null && typeof input === "object" ? Object.keys(input) : [];
        const { message, meant: k } = unknownKey(key, known, present);
        if (k !== undefined) meant.add(keyOf(base, [...path, k]));
        problems.push({ key: keyOf(base, [...path, key]), message });
    };
    for (const issue of issues) {
        const key = keyOf(base, issue.path);
        if (issue.code === "unrecognized_keys") {
            const known = knownKeys.get(issue.input) ?? [];
            for (const k of issue.keys) reportUnknown(issue.path, k, known, issue.input);
            continue;
        }
        if (issue.code === "invalid_union" && issue.discriminator !== undefined) {
            // `Source: kind` for `source: kind`: no branch was chosen, so zod names no unknown key. Name it here.
            const parentPath = issue.path.slice(0, -1);
            const input = issue.input as Record<string, unknown> | undefined;
            const misspelt =
                input && input[issue.discriminator] === undefined
                    ? Object.keys(input).find((k) => nearestKey(k, [issue.discriminator as string]) !== undefined)
                    : undefined;
            if (misspelt !== undefined) {
                reportUnknown(parentPath, misspelt, [issue.discriminator], undefined);
                continue;
            }
        }
        if (issue.code === "invalid_type" && issue.input === undefined) missing.add(key);
        problems.push({ key, message: issue.message });
    }
    const seen = new Set<string>();
    return problems.filter((p) => {
        const id = `${p.key}\n${p.message}`;
        if (seen.has(id) || (missing.has(p.key) && meant.has(p.key) && p.message.startsWith("is required")))
            return false;
        seen.add(id);
        return true;
    });
}
