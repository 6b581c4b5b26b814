import * as yaml from "js-yaml";

interface Named {
    name: string;
    [k: string]: unknown;
}
interface Kubeconfig {
    contexts?: (Named & { context?: { cluster?: string; user?: string } })[];
    clusters?: Named[];
    users?: Named[];
    "current-context"?: string;
    [k: string]: unknown;
}

/**
 * The kubeconfig cut down to one context, its cluster and its user, with that context current (`kubectl config
 * view --minify --flatten`, without kubectl). So the provider, the stack output and anything that reads the output
 * reach the same cluster, and other contexts' credentials stay out of the state.
 */
export function minifyKubeconfig(text: string, context?: string): { kubeconfig: string; context: string } {
    const doc = (yaml.load(text) ?? {}) as Kubeconfig;
    const name = context ?? doc["current-context"];
    const ctx = doc.contexts?.find((c) => c.name === name);
    if (!name || !ctx) throw new Error(`kubeconfig has no context ${JSON.stringify(name ?? "")}`);
    const pick = (list: Named[] | undefined, wanted: string | undefined) =>
        (list ?? []).filter((e) => e.name === wanted);
    const minified: Kubeconfig = {
        apiVersion: doc.apiVersion ?? "v1",
        kind: "Config",
        clusters: pick(doc.clusters, ctx.context?.cluster),
        users: pick(doc.users, ctx.context?.user),
        contexts: [ctx],
        "current-context": name,
    };
    return { kubeconfig: yaml.dump(minified, { noRefs: true }), context: name };
}
