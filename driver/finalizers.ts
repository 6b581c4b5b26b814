import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The Flux kinds whose deletion waits on a controller's finalizer, and the controller that removes it. */
export const FINALIZED_KINDS = {
    "kustomizations.kustomize.toolkit.fluxcd.io": "kustomize-controller",
    "gitrepositories.source.toolkit.fluxcd.io": "source-controller",
    "ocirepositories.source.toolkit.fluxcd.io": "source-controller",
    "helmrepositories.source.toolkit.fluxcd.io": "source-controller",
    "buckets.source.toolkit.fluxcd.io": "source-controller",
    "fluxinstances.fluxcd.controlplane.io": "flux-operator",
} as const;

type Kind = keyof typeof FINALIZED_KINDS;

interface Obj {
    kind: string;
    metadata: { name: string; namespace?: string; finalizers?: string[]; deletionTimestamp?: string };
    spec?: { prune?: boolean };
    status?: { inventory?: { entries?: unknown[] } };
}

/** kubectl on the stack's cluster. */
export type Kubectl = (args: string[]) => Promise<string>;

/** kubectl with a kubeconfig given as text (kept in a private temp file for the call). */
export function kubectlOn(kubeconfig: string, binary: string, env: NodeJS.ProcessEnv): Kubectl {
    return async (args) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxstack-"));
        const file = path.join(dir, "kubeconfig");
        fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
        try {
            return await new Promise<string>((resolve, reject) =>
                execFile(
                    binary,
                    ["--kubeconfig", file, ...args],
                    { env, encoding: "utf8", maxBuffer: 64 << 20, timeout: 60_000 },
                    (e, out, err) => (e ? reject(new Error(err || e.message)) : resolve(out)),
                ),
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    };
}

async function list(kubectl: Kubectl, kind: Kind, namespace: string): Promise<Obj[]> {
    try {
        return (JSON.parse(await kubectl(["get", kind, "-n", namespace, "-o", "json"])) as { items: Obj[] }).items;
    } catch {
        return []; // the CRD is gone, or the namespace: nothing of that kind there
    }
}

/** Whether a controller's Deployment in the Flux namespace has a Ready replica. */
async function running(kubectl: Kubectl, fluxNamespace: string, controller: string): Promise<boolean> {
    try {
        const d = JSON.parse(await kubectl(["get", "deployment", controller, "-n", fluxNamespace, "-o", "json"])) as {
            status?: { readyReplicas?: number };
        };
        return (d.status?.readyReplicas ?? 0) > 0;
    } catch {
        return false;
    }
}

/**
 * Flux objects in `namespaces` that are being deleted and wait on a finalizer: one line each, saying which
 * controller removes it and whether that controller runs. What a teardown that timed out was waiting for.
 */
export async function stuckObjects(
    kubectl: Kubectl,
    namespaces: readonly string[],
    fluxNamespace: string,
): Promise<string[]> {
    const lines: string[] = [];
    for (const ns of namespaces) {
        for (const [kind, controller] of Object.entries(FINALIZED_KINDS) as [Kind, string][]) {
            for (const o of await list(kubectl, kind, ns)) {
                if (!o.metadata.deletionTimestamp || !(o.metadata.finalizers ?? []).length) continue;
                const up = await running(kubectl, fluxNamespace, controller);
                lines.push(
                    `${o.kind} ${ns}/${o.metadata.name} is stuck deleting: its finalizer ${o.metadata.finalizers!.join(", ")} is ` +
                        `removed by ${controller}, which ${up ? "runs (look at its log)" : "is not running"}`,
                );
            }
        }
    }
    return lines;
}

/**
 * Removes the Flux finalizers from every Flux object in `namespaces`, so a teardown with the controllers down can
 * finish. Returns what is then not done, one line each: a Kustomization with `prune` no longer deletes what it
 * applied (it goes with its namespace, if that is deleted too), a FluxInstance no longer uninstalls its controllers.
 */
export async function stripFluxFinalizers(kubectl: Kubectl, namespaces: readonly string[]): Promise<string[]> {
    const consequences: string[] = [];
    for (const ns of namespaces) {
        for (const kind of Object.keys(FINALIZED_KINDS) as Kind[]) {
            for (const o of await list(kubectl, kind, ns)) {
                if (!(o.metadata.finalizers ?? []).length) continue;
                await kubectl([
                    "patch",
                    kind,
                    o.metadata.name,
                    "-n",
                    ns,
                    "--type",
                    "merge",
                    "-p",
                    '{"metadata":{"finalizers":null}}',
                ]);
                if (o.kind === "Kustomization" && o.spec?.prune) {
                    const n = o.status?.inventory?.entries?.length ?? 0;
                    consequences.push(
                        `Kustomization ${ns}/${o.metadata.name} will not prune the ${n} object(s) it applied (they go with namespace ${ns} if it is deleted)`,
                    );
                }
                if (o.kind === "FluxInstance") {
                    consequences.push(
                        `FluxInstance ${ns}/${o.metadata.name} will not uninstall the Flux controllers (they go with namespace ${ns} if it is deleted)`,
                    );
                }
            }
        }
    }
    return consequences;
}
