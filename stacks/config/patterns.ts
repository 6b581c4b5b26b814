import * as path from "node:path";
import { type core, z } from "zod";
import { describe, nearestKey } from "./messages";

/**
 * A string checked by `rules` in order; only the first rule it breaks is reported, so a value gives one line
 * (`"abc"` is not a duration; it is not also "zero").
 */
export function checkedString(...rules: Rule[]) {
    return checked(z.string(), rules);
}

type Rule = [test: (value: string) => boolean, message: string | ((value: string) => string)];

function checked(base: z.ZodString, rules: Rule[]) {
    return base.superRefine((value, ctx) => {
        const broken = rules.find(([test]) => !test(value));
        if (broken) {
            const [, message] = broken;
            ctx.addIssue({
                code: "custom",
                input: value,
                message: typeof message === "string" ? message : message(value),
            });
        }
    });
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_RULE =
    "must be a Kubernetes DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit";
const SUBDOMAIN_RULE =
    "must be a Kubernetes DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";

/** A Kubernetes DNS-1123 label: namespaces and other names that must fit in a label (63 chars). */
export const kubernetesLabelName = checkedString(
    [(v) => v.length <= 63, "must be at most 63 characters (a Kubernetes DNS-1123 label)"],
    [(v) => DNS_LABEL.test(v), LABEL_RULE],
);

/** A Kubernetes DNS-1123 subdomain: the names of most namespaced objects (253 chars). */
export const kubernetesObjectName = checkedString(
    [(v) => v.length <= 253, "must be at most 253 characters (a Kubernetes DNS-1123 subdomain)"],
    [(v) => DNS_SUBDOMAIN.test(v), SUBDOMAIN_RULE],
);

/**
 * A Kustomization's name: an object name that kustomize-controller also writes into the label
 * `kustomize.toolkit.fluxcd.io/name` of every object it applies, and a label value holds at most 63 characters.
 * (Source names go into no label: the 253 of an object name is theirs.)
 */
export const kustomizationName = checkedString(
    [
        (v) => v.length <= 63,
        "must be at most 63 characters: Flux writes a sync's name into the label kustomize.toolkit.fluxcd.io/name of every object it applies, and a label value holds at most 63",
    ],
    [(v) => DNS_SUBDOMAIN.test(v), SUBDOMAIN_RULE],
);

/** A kind cluster's name: kind takes at most 50 characters (its node containers are `<name>-control-plane`). */
export const kindClusterName = checkedString(
    [
        (v) => v.length <= 50,
        "must be at most 50 characters: kind names its nodes <name>-control-plane, and a host name holds at most 64",
    ],
    [(v) => DNS_LABEL.test(v), LABEL_RULE],
);

const DURATION_RULE = "must be a duration such as 1m0s, 30m or 1h (digits followed by ms, s, m or h)";

/** A Go duration as the Flux CRDs accept it (`1m0s`, `30m`, `1h`): the CRDs' own pattern, and more than zero. */
export const fluxDuration = checked(
    // A bare number (`interval: 5`) is not a duration with quotes either: say what one looks like.
    z.string({
        error: (issue) => (issue.input === undefined ? undefined : `${DURATION_RULE}, got ${describe(issue.input)}`),
    }),
    [
        [(v) => /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(v), DURATION_RULE],
        [(v) => /[1-9]/.test(v), "must be longer than zero, such as 1m0s, 30m or 1h"],
    ],
);

/** A URL whose scheme is one of `schemes` (the CRDs' url patterns). */
function schemeRule(schemes: readonly string[]): [(value: string) => boolean, string] {
    return [
        (value) => schemes.some((scheme) => value.startsWith(`${scheme}://`) && value.length > scheme.length + 3),
        `must be a URL starting with ${schemes.map((s) => `${s}://`).join(", ")}`,
    ];
}

export function urlWithScheme(schemes: readonly string[]) {
    return checkedString(schemeRule(schemes));
}

/** A source's URL: one of `schemes`, and no credentials in it. */
export function sourceUrl(kind: "GitRepository" | "OCIRepository", schemes: readonly string[]) {
    return checkedString(schemeRule(schemes), [
        (value) => {
            // The user part of the authority. ssh names its login user there (`ssh://git@host`): only a password
            // is a credential. Any user part of an http(s) or oci URL is one (a token works as a user name).
            const userinfo = /^[a-z]+:\/\/([^/?#]*)@/.exec(value)?.[1];
            return userinfo === undefined || (value.startsWith("ssh://") && !userinfo.includes(":"));
        },
        `must not hold credentials (user:password@): they would be stored in plain text in the ${kind} and in the stack's state; set them as a credential (pulumi config set --secret --path 'fluxstack:credentials.<name>.${kind === "GitRepository" ? "token" : "password"}') and name it in source.credential`,
    ]);
}

/** A path in a sync's source: relative to the source's root, and never climbing out of it. */
export const sourcePath = checkedString(
    [(v) => v.length > 0, "must not be empty"],
    [(v) => !v.startsWith("/"), "must be relative to the source's root, such as ./apps"],
    [
        (v) => {
            const normal = path.posix.normalize(v);
            return normal !== ".." && !normal.startsWith("../");
        },
        (v) => `must stay inside the source: ${JSON.stringify(v)} climbs out of its root`,
    ],
);

/**
 * An OCI image reference as Docker and kind read it: `[host[:port]/]path[:tag][@sha256:<64 hex>]`, where the
 * host has a dot or a port (or is localhost) and the path is lower case (the distribution reference grammar).
 */
const IMAGE_PATH = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const HOST_LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
const IMAGE_HOST = `(?:(?:localhost|${HOST_LABEL}(?:\\.${HOST_LABEL})+)(?::[0-9]+)?|${HOST_LABEL}:[0-9]+)`;
const IMAGE_NAME_AND_TAG = new RegExp(`^(?:${IMAGE_HOST}/)?${IMAGE_PATH}(?:/${IMAGE_PATH})*(?::[\\w][\\w.-]{0,127})?$`);
export const imageReference = checkedString(
    [
        (v) => IMAGE_NAME_AND_TAG.test(v.split("@")[0]),
        "must be an image reference such as kindest/node:v1.35.0: a lower-case name, an optional :tag and an optional @sha256: digest",
    ],
    [
        (v) => !v.includes("@") || /@sha256:[0-9a-f]{64}$/.test(v),
        (v) => `must end in a whole digest, @sha256: and 64 hex digits, not ${JSON.stringify(v.slice(v.indexOf("@")))}`,
    ],
);

/** An EC2 instance type: family and generation, a dot, a size (`t3.medium`, `m7g.2xlarge`, `trn1n.32xlarge`). */
export const ec2InstanceType = checkedString([
    (v) => /^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(v),
    "must be an EC2 instance type such as t3.medium or m7g.2xlarge",
]);

/**
 * For a check across fields or entries: it runs only on a value whose own fields or entries passed, so that one
 * mistake gives one line (a port out of range is not also a duplicate; 7 zones is not also too many for a region).
 */
export const whenClean = { when: (payload: core.ParsePayload) => payload.issues.length === 0 };

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

/** AWS tags: keys of 1 to 128 characters, not in AWS's own `aws:` prefix, and values of at most 256. */
export const awsTags = z.record(z.string(), z.string()).superRefine((tags, ctx) => {
    for (const [key, value] of Object.entries(tags)) {
        const problem =
            key.length === 0 || key.length > 128
                ? "tag keys must be 1 to 128 characters long"
                : key.toLowerCase().startsWith("aws:")
                  ? "tag keys must not start with aws: (AWS keeps that prefix for its own tags)"
                  : value.length > 256
                    ? "must be at most 256 characters (an AWS tag value)"
                    : undefined;
        if (problem) ctx.addIssue({ code: "custom", path: [key], input: value, message: problem });
    }
}, whenClean);

/** An OCI artifact in the lab's registry: `repository:tag` (`kcheck/kcheck-dev:latest`). */
export const artifactReference = checkedString([
    (v) =>
        /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(v),
    "must be repository:tag, such as kcheck/kcheck-dev:latest (lower-case path segments, then a tag)",
]);
