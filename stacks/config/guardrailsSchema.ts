import { z } from "zod";
import { POD_SECURITY_LEVELS } from "../../components/tenant/guardrails";
import { describe, nearestKey } from "./messages";
import { kubernetesLabelName, whenClean } from "./patterns";
import { parseQuantity, QUANTITY_RULE } from "./quantity";

/** A quantity as YAML gives it: `4Gi` and `"2"` are strings, `2` and `0.5` numbers; the program writes strings. */
export const quantity = z
    .union([z.string(), z.number()], {
        error: (issue) => `${QUANTITY_RULE}, got ${describe(issue.input)}`,
    })
    .transform((v) => String(v))
    .superRefine((v, ctx) => {
        const value = parseQuantity(v);
        if (value === undefined) ctx.addIssue({ code: "custom", input: v, message: `${QUANTITY_RULE}, got "${v}"` });
        else if (value < 0) ctx.addIssue({ code: "custom", input: v, message: `must not be negative, got "${v}"` });
    });

/** The quota resources that count objects: whole numbers only (the API server refuses `1.5` pods). */
const COUNTS = [
    "pods",
    "services",
    "services.loadbalancers",
    "services.nodeports",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "replicationcontrollers",
    "resourcequotas",
];
const COMPUTE = [
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "requests.storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
];
/** A quota resource named by pattern: object counts of any kind, per storage class, extended resources, huge pages. */
const PATTERNS = [
    /^count\/[a-z0-9-]+(\.[a-z0-9.-]+)?$/,
    /^[a-z0-9.-]+\.storageclass\.storage\.k8s\.io\/(requests\.storage|persistentvolumeclaims)$/,
    /^requests\.[a-z0-9.-]+\/[a-zA-Z0-9._-]+$/,
    /^(requests\.|limits\.)?hugepages-[0-9]+[KMGT]i$/,
];

const isCount = (key: string) =>
    COUNTS.includes(key) ||
    key.startsWith("count/") ||
    key.endsWith(".storageclass.storage.k8s.io/persistentvolumeclaims");

/** A ResourceQuota's `spec.hard`: known resource names, each a quantity; counts whole. */
export const quotaHard = z
    .record(
        z.string().superRefine((key, ctx) => {
            if ([...COUNTS, ...COMPUTE].includes(key) || PATTERNS.some((p) => p.test(key))) return;
            const meant = nearestKey(key, [...COMPUTE, ...COUNTS]);
            ctx.addIssue({
                code: "custom",
                input: key,
                message: meant
                    ? `is not a quota resource (did you mean "${meant}"?)`
                    : "is not a quota resource: such as requests.cpu, limits.memory, pods, services or count/<resource>.<group>",
            });
        }),
        quantity,
    )
    .superRefine((hard, ctx) => {
        for (const [key, value] of Object.entries(hard)) {
            if (isCount(key) && !/^\d+$/.test(value)) {
                ctx.addIssue({
                    code: "custom",
                    path: [key],
                    input: value,
                    message: `must be a whole number: ${key} counts objects, got "${value}"`,
                });
            }
        }
    }, whenClean);

const resources = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });
const level = z.enum(POD_SECURITY_LEVELS);
const namespaces = z
    .array(kubernetesLabelName)
    .refine((items) => new Set(items).size === items.length, { error: "must not repeat an entry", ...whenClean });

const PREFIX_SCHEMES = ["https", "http", "ssh", "oci"];
/** An allowed-source prefix: a URL with a host, no credentials, no query or fragment, no `.` or `..` segment. */
export const sourcePrefix = z.string().superRefine((v, ctx) => {
    const problem = (message: string) => ctx.addIssue({ code: "custom", input: v, message });
    const match = /^([a-z]+):\/\/([^/]*)(.*)$/.exec(v);
    if (!match || !PREFIX_SCHEMES.includes(match[1]) || match[2] === "")
        return problem(
            `must be a URL with a host, starting with ${PREFIX_SCHEMES.map((s) => `${s}://`).join(", ")}, such as https://github.com/wolcn`,
        );
    if (/[?#]/.test(v)) return problem("must not have a query or fragment: a prefix matches by whole path segments");
    const [, scheme, authority, path] = match;
    const user = authority.includes("@") ? authority.slice(0, authority.lastIndexOf("@")) : undefined;
    if (user !== undefined && (scheme !== "ssh" || user.includes(":")))
        return problem("must not hold credentials (user:password@): a source's credentials go in its secretRef");
    if (/(^|\/)\.\.?(\/|$)/.test(path) || /%2[ef]|\\/i.test(path))
        return problem("must not have a '.' or '..' path segment, an escaped '.' or '/', or a backslash");
});

/** The platform-wide guardrails, every field with its default (`fluxstack:guardrails`). */
export const guardrailsSchema = z.strictObject({
    isolation: z.strictObject({ enabled: z.boolean().default(true), allowFrom: namespaces.default([]) }).prefault({}),
    lockdown: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
    quota: z
        .strictObject({
            enabled: z.boolean().default(true),
            /** Merged over the built-in defaults key by key. */
            hard: quotaHard.default({}),
            defaultRequest: resources.default({}),
            defaultLimit: resources.default({}),
        })
        .prefault({}),
    podSecurity: z
        .strictObject({
            enabled: z.boolean().default(true),
            enforce: level.default("baseline"),
            warn: level.default("restricted"),
            audit: level.default("restricted"),
        })
        .prefault({}),
    sources: z
        .strictObject({
            enabled: z.boolean().default(true),
            /** Default: per tenant, the owner prefixes of its syncs' URLs. */
            allowedPrefixes: z.array(sourcePrefix).optional(),
        })
        .prefault({}),
});

/** A tenant's own guardrails (`tenants[].guardrails`): any field, over the platform's. */
export const guardrailOverridesSchema = z.strictObject({
    isolation: z.strictObject({ enabled: z.boolean().optional(), allowFrom: namespaces.optional() }).optional(),
    lockdown: z.strictObject({ enabled: z.boolean().optional() }).optional(),
    quota: z
        .strictObject({
            enabled: z.boolean().optional(),
            hard: quotaHard.optional(),
            defaultRequest: resources.optional(),
            defaultLimit: resources.optional(),
        })
        .optional(),
    podSecurity: z
        .strictObject({
            enabled: z.boolean().optional(),
            enforce: level.optional(),
            warn: level.optional(),
            audit: level.optional(),
        })
        .optional(),
    sources: z
        .strictObject({ enabled: z.boolean().optional(), allowedPrefixes: z.array(sourcePrefix).optional() })
        .optional(),
});

export type GuardrailsConfig = z.output<typeof guardrailsSchema>;
export type GuardrailOverrides = z.output<typeof guardrailOverridesSchema>;
