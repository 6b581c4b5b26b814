import { parseArgs as parseTokens } from "node:util";
import { DriverError, EXIT } from "./exitCodes";

export const OPERATIONS = ["preview", "up", "refresh", "destroy", "outputs", "status"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What one driver invocation does. */
export interface DriverOptions {
    operation: Operation;
    stack: string;
    /** Config overrides, `project:key.path` -> value (pulumi config set --path semantics). */
    config: Record<string, string>;
    json: boolean;
    expectNoChanges: boolean;
    /** up/preview: refresh first. */
    refresh: boolean;
    /** outputs: print secret values instead of `[secret]`. */
    showSecrets: boolean;
    /** up/preview/refresh/destroy: clear a lock held by a run on another machine. */
    breakLock: boolean;
    /** up/destroy: remove the Flux finalizers first (controllers down). */
    stripFluxFinalizers: boolean;
}

export const USAGE = `usage: npm run stack -- <${OPERATIONS.join("|")}> --stack NAME [options]

  --stack, -s NAME          the stack (dev, kind, eks, ...); env FLUXSTACK_STACK
  --config, -c KEY=VALUE    config override for this run, repeatable; KEY may be a path:
                            fluxstack:flux.namespace=flux (env FLUXSTACK_CONFIG: the same pairs, one per line)
  --json                    newline-delimited JSON engine events (status: JSON rows), then a JSON summary
  --expect-no-changes       preview: exit ${EXIT.changes} if anything would change (a drift gate)
  --refresh                 preview/up: refresh the state from the cluster first
  --show-secrets            outputs: print secret values (the kubeconfig) instead of [secret]
  --break-lock              clear a lock held by a run on another machine (a CI job that is gone); a lock
                            of a run on this machine that is gone is cleared anyway, a live run's never
  --strip-flux-finalizers   up/destroy: the Flux controllers are down, so remove the Flux finalizers in the
                            stack's namespaces first (says what Flux will then not prune)
  --help, -h                this text

State: a local file backend in .pulumi-state/ unless PULUMI_BACKEND_URL names another.
Secrets: PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE for passphrase-encrypted stacks.
Exit codes: 0 ok, 1 failed, 2 usage, 3 bad config, 4 missing prerequisite, 5 concurrent update,
            6 changes found (--expect-no-changes), 7 not ready (status), 8 no such stack,
            9 cluster unreachable, 130 interrupted (Ctrl-C, SIGTERM: the step in flight finished, the lock released).`;

function pair(text: string, from: string): [string, string] {
    const at = text.indexOf("=");
    if (at <= 0) throw new DriverError(EXIT.usage, `${from}: expected KEY=VALUE, got "${text}"`);
    const key = text.slice(0, at).trim();
    // A bare key belongs to this project, as with `pulumi config set`.
    return [key.includes(":") ? key : `fluxstack:${key}`, text.slice(at + 1)];
}

/** The options USAGE lists, for node:util's parseArgs. */
const OPTIONS = {
    stack: { type: "string", short: "s" },
    config: { type: "string", short: "c", multiple: true },
    json: { type: "boolean" },
    "expect-no-changes": { type: "boolean" },
    refresh: { type: "boolean" },
    "show-secrets": { type: "boolean" },
    "break-lock": { type: "boolean" },
    "strip-flux-finalizers": { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;
type Option = keyof typeof OPTIONS;

/**
 * Parses the command line (and FLUXSTACK_* env); throws a usage DriverError naming what is wrong. node:util's
 * parseArgs splits the line into tokens (`--stack=dev` and `-sdev` work too); the tokens are read in order here,
 * so the first problem on the line is the one reported, in this program's words.
 */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): DriverOptions | "help" {
    const config: Record<string, string> = {};
    for (const line of (env.FLUXSTACK_CONFIG ?? "")
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)) {
        const [k, v] = pair(line, "FLUXSTACK_CONFIG");
        config[k] = v;
    }
    const { tokens } = parseTokens({
        args: [...argv],
        options: OPTIONS,
        strict: false, // unknown options and missing values come back as tokens, to be reported as below
        allowPositionals: true,
        tokens: true,
    });
    let operation: Operation | undefined;
    let stack = env.FLUXSTACK_STACK;
    const flags = {
        json: false,
        expectNoChanges: false,
        refresh: false,
        showSecrets: false,
        breakLock: false,
        stripFluxFinalizers: false,
    };
    for (const token of tokens) {
        if (token.kind === "option-terminator") throw new DriverError(EXIT.usage, "unknown option --");
        if (token.kind === "positional") {
            const arg = token.value;
            if (operation) throw new DriverError(EXIT.usage, `one operation at a time: got ${operation} and ${arg}`);
            if (!(OPERATIONS as readonly string[]).includes(arg)) {
                throw new DriverError(EXIT.usage, `unknown operation "${arg}": use one of ${OPERATIONS.join(", ")}`);
            }
            operation = arg as Operation;
            continue;
        }
        if (!Object.hasOwn(OPTIONS, token.name)) throw new DriverError(EXIT.usage, `unknown option ${token.rawName}`);
        const name = token.name as Option;
        let value: string | undefined;
        if (OPTIONS[name].type === "string") {
            // A flag right after the option means its value was left out (`--stack --json`).
            value = token.value;
            if (value === undefined || (!token.inlineValue && value.startsWith("--"))) {
                throw new DriverError(EXIT.usage, `${token.rawName} needs a value`);
            }
        } else if (token.value !== undefined) {
            throw new DriverError(EXIT.usage, `${token.rawName} takes no value`);
        }
        switch (name) {
            case "help":
                return "help";
            case "stack":
                stack = value;
                break;
            case "config": {
                const [k, v] = pair(value!, token.rawName);
                config[k] = v;
                break;
            }
            case "json":
                flags.json = true;
                break;
            case "expect-no-changes":
                flags.expectNoChanges = true;
                break;
            case "refresh":
                flags.refresh = true;
                break;
            case "show-secrets":
                flags.showSecrets = true;
                break;
            case "break-lock":
                flags.breakLock = true;
                break;
            case "strip-flux-finalizers":
                flags.stripFluxFinalizers = true;
                break;
            default: {
                const unreachable: never = name;
                throw new DriverError(EXIT.usage, `unknown option ${String(unreachable)}`);
            }
        }
    }
    if (!operation) throw new DriverError(EXIT.usage, `no operation: use one of ${OPERATIONS.join(", ")}`);
    if (!stack) throw new DriverError(EXIT.usage, "no stack: pass --stack NAME (or set FLUXSTACK_STACK)");
    if (flags.expectNoChanges && operation !== "preview") {
        throw new DriverError(EXIT.usage, "--expect-no-changes goes with preview");
    }
    if (flags.refresh && operation !== "preview" && operation !== "up") {
        throw new DriverError(EXIT.usage, "--refresh goes with preview or up");
    }
    if (flags.stripFluxFinalizers && operation !== "up" && operation !== "destroy") {
        throw new DriverError(EXIT.usage, "--strip-flux-finalizers goes with up or destroy");
    }
    if (flags.showSecrets && operation !== "outputs")
        throw new DriverError(EXIT.usage, "--show-secrets goes with outputs");
    return { operation, stack, config, ...flags };
}
