import type * as pulumi from "@pulumi/pulumi";
import { admissionPolicy, cel, celList, policyName, type TenantIdentities } from "./admissionPolicy";
import type { Manifest } from "../tenantManifests";

/** Which Flux sources a tenant may create: URLs under these prefixes only. */
export interface SourcesOptions {
    /**
     * URL prefixes, each matching itself and whatever lies under it by whole path segments: `https://github.com/wolcn`
     * admits `https://github.com/wolcn/flux-dev`, never `https://github.com/wolcnx/…`. An empty list admits no source
     * of the tenant's own. Required (a stack defaults it to `ownerPrefix` of each of the tenant's sync URLs).
     */
    allowedPrefixes: pulumi.Input<readonly string[]>;
}

/**
 * The kinds that make Flux fetch from a URL, by the field that holds it: the four source kinds, and the Flux
 * Operator's ResourceSetInputProvider (a Static one has none). HelmChart, ExternalArtifact and ArtifactGenerator
 * name no URL, only other sources of the namespace.
 */
export const URL_KINDS = [
    { group: "source.toolkit.fluxcd.io", resource: "gitrepositories", kind: "GitRepository", field: "spec.url" },
    { group: "source.toolkit.fluxcd.io", resource: "ocirepositories", kind: "OCIRepository", field: "spec.url" },
    { group: "source.toolkit.fluxcd.io", resource: "helmrepositories", kind: "HelmRepository", field: "spec.url" },
    {
        group: "source.toolkit.fluxcd.io",
        resource: "buckets",
        kind: "Bucket",
        field: "spec.endpoint and spec.bucketName",
    },
    {
        group: "fluxcd.controlplane.io",
        resource: "resourcesetinputproviders",
        kind: "ResourceSetInputProvider",
        field: "spec.url",
    },
] as const;

/** The API groups whose objects' status carries an artifact URL that kustomize- and helm-controller fetch. */
export const ARTIFACT_GROUPS = ["source.toolkit.fluxcd.io", "source.extensions.fluxcd.io"] as const;

/**
 * The owner prefix of a source URL: scheme, host and the first path segment, when there are two or more
 * (`https://github.com/wolcn/flux-dev` → `https://github.com/wolcn`, `oci://ghcr.io/wolcn/kcheck/kcheck-dev` →
 * `oci://ghcr.io/wolcn`), else scheme and host (`http://127.0.0.1:8080/flux-dev` → `http://127.0.0.1:8080`).
 */
export function ownerPrefix(url: string): string {
    const match = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)(\/[^?#]*)?/i.exec(url);
    if (!match) return url;
    const segments = (match[2] ?? "").split("/").filter((s) => s.length > 0);
    return segments.length >= 2 ? `${match[1]}/${segments[0]}` : match[1];
}

/** A prefix as the policy compares it: without a trailing `/` (the policy adds the segment boundary). */
export function normalPrefix(prefix: string): string {
    return prefix.replace(/\/+$/, "");
}

/**
 * Allowed sources: every Flux object of the tenant that names a URL must name one under an allowed prefix, by
 * whole path segments, with no `.`/`..` segment or escaped `.` or `/` that could climb out of it; and the tenant
 * may not write the status of any source (a forged artifact URL there would be fetched as if the source had
 * produced it; the `edit` role aggregates Flux's `flux-edit`, which grants that).
 */
export function sourcePolicy(o: {
    tenant: string;
    namespace: string;
    identities: TenantIdentities;
    allowedPrefixes: readonly string[];
}): { policy: Manifest; binding: Manifest } {
    const prefixes = [...new Set(o.allowedPrefixes.map(normalPrefix))];
    const groups = [...new Set(URL_KINDS.map((k) => k.group))];
    const allowedText = prefixes.length > 0 ? `under ${prefixes.join(", ")}` : "none: the tenant may add no source";
    return admissionPolicy({
        name: policyName("sources", o.namespace),
        tenant: o.tenant,
        namespace: o.namespace,
        rules: [
            ...groups.map((group) => ({
                apiGroups: [group],
                apiVersions: ["*"],
                operations: ["CREATE" as const, "UPDATE" as const],
                resources: URL_KINDS.filter((k) => k.group === group).map((k) => k.resource),
            })),
            { apiGroups: [...ARTIFACT_GROUPS], apiVersions: ["*"], operations: ["UPDATE"], resources: ["*/status"] },
        ],
        identities: o.identities,
        variables: [
            {
                name: "url",
                expression: [
                    "request.?subResource.orValue('') != '' ? '' :",
                    "object.kind == 'Bucket' ?",
                    "  (object.spec.endpoint.contains('://') ? object.spec.endpoint :",
                    "    (object.spec.?insecure.orValue(false) ? 'http://' : 'https://') + object.spec.endpoint)",
                    "  + '/' + object.spec.bucketName :",
                    "object.spec.?url.orValue('')",
                ].join("\n"),
            },
            { name: "prefixes", expression: celList(prefixes) },
        ],
        validations: [
            {
                expression: "request.?subResource.orValue('') == ''",
                message:
                    "the status of a Flux source is written by its controller only: a forged artifact URL there would be " +
                    "fetched as if the source had produced it",
                reason: "Forbidden",
            },
            {
                // A CEL raw string: the regular expression as RE2 reads it.
                expression: String.raw`!variables.url.matches(r'/\.\.?(/|$)|%2[eEfF]|\\')`,
                messageExpression: `${cel("source URL ")} + variables.url + ${cel(" has a '.' or '..' path segment, an escaped '.' or '/', or a backslash: write it plainly")}`,
                reason: "Forbidden",
            },
            {
                expression:
                    "variables.url == '' || variables.prefixes.exists(p, variables.url == p || variables.url.startsWith(p + '/'))",
                messageExpression: `${cel("source URL ")} + variables.url + ${cel(` is not allowed for tenant ${o.tenant}: allowed URLs are ${allowedText} (whole path segments)`)}`,
                reason: "Forbidden",
            },
        ],
    });
}
