import { toConfigMap } from "../helpers/stackFiles";

/** Every guardrail off: the demo has none, so that the program and `kubectl apply` make the same objects. */
export const GUARDRAILS_OFF = {
    "fluxstack:guardrails": Object.fromEntries(
        ["isolation", "lockdown", "quota", "podSecurity", "sources"].map((g) => [g, { enabled: false }]),
    ),
};

/** The names of `n` bench tenants. */
const tenantNames = (n: number) => Array.from({ length: n }, (_, i) => `bench-${String(i).padStart(3, "0")}`);

/** Lets a run delete the tenants there are (each is protected until its deletion is confirmed). */
export const CONFIRM_DELETION = { "fluxstack:confirmTenantDeletion": ["*"] };

/** A dev-stack config map with `n` tenants, one Git sync each (the demo's scenario 1, repeated). */
export function tenantsConfig(
    n: number,
    cluster: Record<string, unknown>,
    flux: Record<string, unknown> = {},
    more: Record<string, unknown> = {},
): Record<string, string> {
    const names = tenantNames(n);
    return toConfigMap({
        "fluxstack:cluster": cluster,
        "fluxstack:flux": flux,
        "fluxstack:tenants": names.map((name) => ({ name })),
        "fluxstack:syncs": names.map((tenant) => ({
            name: "app",
            tenant,
            path: "./dev",
            source: { kind: "GitRepository", url: "https://github.com/wolcn/flux-dev", ref: { branch: "main" } },
        })),
        ...more,
    });
}
