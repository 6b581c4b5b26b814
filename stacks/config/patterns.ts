import { type core, z } from "zod";
import { nearestKey } from "./messages";

/** A Kubernetes DNS-1123 label: namespaces and other names that must fit in a label (63 chars). */
export const kubernetesLabelName = z
    .string()
    .max(63, { error: "must be at most 63 characters (a Kubernetes DNS-1123 label)" })
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
        error: "must be a Kubernetes DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    });

/** A Kubernetes DNS-1123 subdomain: the names of most namespaced objects (253 chars). */
export const kubernetesObjectName = z
    .string()
    .max(253, { error: "must be at most 253 characters (a Kubernetes DNS-1123 subdomain)" })
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
        error: "must be a Kubernetes DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
    });

/** A Go duration as the Flux CRDs accept it (`1m0s`, `30m`, `1h`): the CRDs' own pattern. */
export const fluxDuration = z.string().regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, {
    error: "must be a duration such as 1m0s, 30m or 1h (digits followed by ms, s, m or h)",
});

/** A URL whose scheme is one of `schemes` (the CRDs' url patterns). */
export function urlWithScheme(schemes: readonly string[]) {
    const list = schemes.map((s) => `${s}://`).join(", ");
    return z
        .string()
        .refine(
            (value) => schemes.some((scheme) => value.startsWith(`${scheme}://`) && value.length > scheme.length + 3),
            { error: `must be a URL starting with ${list}` },
        );
}

/** A non-empty string ("must not be empty": the message map's words for a one-character minimum). */
export const nonEmpty = z.string().min(1);

/**
 * The message for an object that must hold exactly one of `keys` (a Git or OCI ref, a union of one-key objects):
 * zod cannot tell which branch a misspelt key was meant for, so the nearest one is named here.
 */
export function exactlyOneKey(keys: readonly string[]) {
    const allowed = `must be exactly one of ${keys.map((k) => `{${k}}`).join(", ")}`;
    return (issue: core.$ZodRawIssue): string => {
        const input = issue.input;
        if (input === null || typeof input !== "object" || Array.isArray(input)) return allowed;
        const unknown = Object.keys(input).filter((k) => !keys.includes(k));
        const meant = unknown.length === 1 ? nearestKey(unknown[0], keys) : undefined;
        return meant === undefined ? allowed : `${allowed}: unknown key "${unknown[0]}" (did you mean "${meant}"?)`;
    };
}
