import { inspect } from "node:util";

/**
 * A credential's secret part (a token, a password, a private key) as the loader hands it on: it prints, logs and
 * serialises as `[secret]`, so a config object that reaches a message, a log line or JSON never carries it. Only
 * `reveal()` gives the value, and the program's one caller wraps it in `pulumi.secret` at once.
 */
export class SecretValue {
    readonly #value: string;

    constructor(value: string) {
        this.#value = value;
    }

    /** The value itself: only for `pulumi.secret(...)`. */
    reveal(): string {
        return this.#value;
    }

    toString(): string {
        return "[secret]";
    }

    toJSON(): string {
        return "[secret]";
    }

    [inspect.custom](): string {
        return "[secret]";
    }
}
