import {
    DEFAULT_CONTAINER_LIMIT,
    DEFAULT_CONTAINER_REQUEST,
    DEFAULT_QUOTA_HARD,
    type PodSecurityLevel,
} from "../../components/tenant/guardrails";
import type { Indexed } from "./crossChecks";
import type { ConfigProblem } from "./errors";
import type { GuardrailOverrides, GuardrailsConfig } from "./guardrailsSchema";
import { parseQuantity } from "./quantity";

/** One tenant's guardrails: the platform's (`fluxstack:guardrails`) with the tenant's own over them. */
export interface ResolvedGuardrails {
    isolation: { enabled: boolean; allowFrom: readonly string[] };
    lockdown: { enabled: boolean };
    quota: {
        enabled: boolean;
        hard: Readonly<Record<string, string>>;
        defaultRequest: { cpu: string; memory: string };
        defaultLimit: { cpu: string; memory: string };
    };
    podSecurity: { enabled: boolean; enforce: PodSecurityLevel; warn: PodSecurityLevel; audit: PodSecurityLevel };
    /** `allowedPrefixes` unset: the owner prefixes of the tenant's own syncs' URLs (resolved by the platform). */
    sources: { enabled: boolean; allowedPrefixes?: readonly string[] };
}

/**
 * Field by field, the tenant's over the platform's; the quota's `hard`, `defaultRequest` and `defaultLimit` key by
 * key over the built-in defaults (a tenant's `hard: {pods: "80"}` keeps every other limit); lists replace.
 */
export function resolveGuardrails(platform: GuardrailsConfig, own: GuardrailOverrides = {}): ResolvedGuardrails {
    const pick = <T extends object>(base: T, over: Partial<T> | undefined): T => ({
        ...base,
        ...Object.fromEntries(Object.entries(over ?? {}).filter(([, v]) => v !== undefined)),
    });
    return {
        isolation: pick(platform.isolation, own.isolation),
        lockdown: pick(platform.lockdown, own.lockdown),
        quota: {
            enabled: own.quota?.enabled ?? platform.quota.enabled,
            hard: { ...DEFAULT_QUOTA_HARD, ...platform.quota.hard, ...own.quota?.hard },
            defaultRequest: pick(
                pick(DEFAULT_CONTAINER_REQUEST, platform.quota.defaultRequest),
                own.quota?.defaultRequest,
            ),
            defaultLimit: pick(pick(DEFAULT_CONTAINER_LIMIT, platform.quota.defaultLimit), own.quota?.defaultLimit),
        },
        podSecurity: pick(platform.podSecurity, own.podSecurity),
        sources: pick(platform.sources, own.sources),
    };
}

/** The built-in roles, and what each can write, through a RoleBinding, that a guardrail protects (README). */
const DEFEATS: Record<string, { isolation?: string; quota?: string; podSecurity?: string; delegation?: string }> = {
    edit: {
        isolation:
            "can create, change and delete NetworkPolicies there, and one that admits all traffic undoes the isolation",
    },
    admin: {
        isolation:
            "can create, change and delete NetworkPolicies there, and one that admits all traffic undoes the isolation",
        delegation: "can bind its role to anyone, whom the sources and pod-security policies then do not hold",
    },
    "cluster-admin": {
        isolation:
            "can create, change and delete NetworkPolicies there, and one that admits all traffic undoes the isolation",
        quota: "can change and delete its ResourceQuota and LimitRange",
        podSecurity: "can relabel its own Namespace, Pod Security labels included",
        delegation: "can bind its role to anyone, whom the sources and pod-security policies then do not hold",
    },
};

/** A tenant as the guardrail checks see it. */
interface GuardedTenant {
    name: string;
    clusterRole: string;
    guardrails: ResolvedGuardrails;
    /** The tenant's own `guardrails` key as written. */
    own?: GuardrailOverrides;
}

/**
 * Checks that span the guardrails: a quota too small for one pod of the tenant's own defaults, container defaults
 * whose request exceeds their limit, and lockdown off for a tenant whose role can then undo the other guardrails.
 * Each problem is named by the key that caused it: a tenant's own, else the platform's (once, for its defaults).
 */
export function guardrailChecks(
    project: string,
    platform: GuardrailsConfig | undefined,
    tenants: readonly Indexed<GuardedTenant>[],
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const platformKey = (k: string) => `${project}:guardrails.${k}`;
    const platformQuota = platform ? quotaProblems(resolveGuardrails(platform).quota) : [];
    if (platform?.quota.enabled)
        for (const p of platformQuota) problems.push({ key: platformKey(`quota.${p.key}`), message: p.message });
    for (const { index, value: t } of tenants) {
        const tenantKey = (k: string) => `${project}:tenants[${index}].guardrails.${k}`;
        // A tenant's quota has problems of its own only through what it sets itself; the platform's are reported once.
        if (t.guardrails.quota.enabled && t.own?.quota !== undefined) {
            const inherited = new Set(
                platform?.quota.enabled ? platformQuota.map((p) => `${p.key}\n${p.message}`) : [],
            );
            for (const p of quotaProblems(t.guardrails.quota)) {
                if (!inherited.has(`${p.key}\n${p.message}`))
                    problems.push({ key: tenantKey(`quota.${p.key}`), message: p.message });
            }
        }
        const reasons = lockdownReasons(t);
        if (reasons.length > 0) {
            const key =
                t.own?.lockdown?.enabled === false ? tenantKey("lockdown.enabled") : platformKey("lockdown.enabled");
            problems.push({
                key,
                message: `must stay true for tenant "${t.name}", bound to ${t.clusterRole}: through its RoleBinding, ${t.clusterRole} ${reasons.join("; it ")}`,
            });
        }
    }
    return problems;
}

/** What the tenant's role could undo with lockdown off, of the guardrails that are on. */
function lockdownReasons(t: GuardedTenant): string[] {
    const g = t.guardrails;
    const defeats = DEFEATS[t.clusterRole];
    if (g.lockdown.enabled || !defeats) return [];
    const reasons: (string | undefined)[] = [
        g.isolation.enabled ? defeats.isolation : undefined,
        g.quota.enabled ? defeats.quota : undefined,
        g.podSecurity.enabled ? defeats.podSecurity : undefined,
        g.sources.enabled || (g.podSecurity.enabled && g.podSecurity.enforce !== "privileged")
            ? defeats.delegation
            : undefined,
    ];
    return reasons.filter((r): r is string => r !== undefined);
}

/**
 * A quota that cannot hold one pod of the tenant's own defaults (each container gets the LimitRange's request and
 * limit), and defaults the API server would refuse (a request above its limit). Keys are relative to `quota.`.
 */
function quotaProblems(quota: ResolvedGuardrails["quota"]): { key: string; message: string }[] {
    const problems: { key: string; message: string }[] = [];
    const value = (q: string) => parseQuantity(q) ?? 0;
    for (const r of ["cpu", "memory"] as const) {
        const request = quota.defaultRequest[r];
        const limit = quota.defaultLimit[r];
        if (value(request) > value(limit)) {
            problems.push({
                key: `defaultRequest.${r}`,
                message: `${request} is more than the default limit (defaultLimit.${r}: ${limit}): the API server refuses such a LimitRange`,
            });
            continue;
        }
        const checks: [key: string, need: string, what: string][] = [
            [`requests.${r}`, request, `one pod's default request (defaultRequest.${r})`],
            [r, request, `one pod's default request (defaultRequest.${r})`],
            [`limits.${r}`, limit, `one pod's default limit (defaultLimit.${r})`],
        ];
        for (const [key, need, what] of checks) {
            const hard = quota.hard[key];
            if (hard !== undefined && value(hard) < value(need)) {
                problems.push({
                    key: `hard.${key}`,
                    message: `${hard} is less than ${what}, ${need}: the tenant could not run a single pod`,
                });
            }
        }
    }
    const pods = quota.hard.pods;
    if (pods !== undefined && value(pods) < 1)
        problems.push({ key: "hard.pods", message: `${pods} leaves the tenant no pod at all: at least 1` });
    return problems;
}
