import type { Cluster as ControlPlane } from "./cluster";

/** Reads an object as JSON, or undefined when it does not exist. */
export function getJson(cp: ControlPlane, args: string[]): any {
    try {
        return JSON.parse(cp.kubectl(["get", ...args, "-o", "json"]));
    } catch (e) {
        if (/NotFound|not found/.test(String((e as { stderr?: string }).stderr ?? e))) return undefined;
        throw e;
    }
}

/** The API server's own answer (SubjectAccessReview, i.e. the real RBAC authorizer) to "may this account do that?". */
export function mayServiceAccount(
    cp: ControlPlane,
    account: { namespace: string; name: string },
    attributes: {
        verb: string;
        group: string;
        resource: string;
        subresource?: string;
        name?: string;
        namespace?: string;
    },
): boolean {
    const review = {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
            user: `system:serviceaccount:${account.namespace}:${account.name}`,
            groups: ["system:serviceaccounts", `system:serviceaccounts:${account.namespace}`, "system:authenticated"],
            resourceAttributes: attributes,
        },
    };
    return JSON.parse(cp.kubectl(["create", "-o", "json", "-f", "-"], JSON.stringify(review))).status.allowed === true;
}

/** Helm's release records (Secrets labelled owner=helm) in a namespace: name -> status. */
export function helmReleases(cp: ControlPlane, namespace: string): Record<string, string> {
    const secrets = JSON.parse(cp.kubectl(["get", "secrets", "-n", namespace, "-l", "owner=helm", "-o", "json"])).items;
    return Object.fromEntries(secrets.map((s: any) => [s.metadata.labels.name, s.metadata.labels.status]));
}

/** The Flux CRDs the operator would install when it reconciles the FluxInstance; no operator runs here. */
export const FLUX_CRDS = [
    "source.toolkit.fluxcd.io_gitrepositories.yaml",
    "source.toolkit.fluxcd.io_ocirepositories.yaml",
    "kustomize.toolkit.fluxcd.io_kustomizations.yaml",
];
