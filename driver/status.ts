import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DriverError, EXIT } from "./exitCodes";

/** The fields of a Flux object that status reads. */
export interface FluxObject {
    metadata: { name: string };
    status?: {
        conditions?: { type: string; status: string; message?: string }[];
        artifact?: { revision?: string };
        lastAppliedRevision?: string;
    };
}

/** Reads Flux objects from the cluster; kubectl in real use, a fake in tests. */
export interface ClusterReader {
    /** All objects of a resource (`gitrepositories.source.toolkit.fluxcd.io`) in a namespace. */
    list(resource: string, namespace: string): Promise<FluxObject[]>;
}

/** One line of the status table. */
export interface StatusRow {
    tenant: string;
    kind: string;
    namespace: string;
    name: string;
    ready: string;
    revision: string;
    message: string;
}

export const RESOURCES = {
    FluxInstance: "fluxinstances.fluxcd.controlplane.io",
    GitRepository: "gitrepositories.source.toolkit.fluxcd.io",
    OCIRepository: "ocirepositories.source.toolkit.fluxcd.io",
    Kustomization: "kustomizations.kustomize.toolkit.fluxcd.io",
} as const;

type Tenants = Record<string, { namespace: string; syncs: string[] }>;

function row(tenant: string, kind: string, namespace: string, name: string, obj: FluxObject | undefined): StatusRow {
    if (!obj)
        return { tenant, kind, namespace, name, ready: "Missing", revision: "", message: "not found in the cluster" };
    const ready = (obj.status?.conditions ?? []).find((c) => c.type === "Ready");
    const revision = obj.status?.artifact?.revision ?? obj.status?.lastAppliedRevision ?? "";
    return {
        tenant,
        kind,
        namespace,
        name,
        ready: ready?.status ?? "Unknown",
        revision,
        message: (ready?.message ?? "no Ready condition yet").replace(/\s+/g, " ").trim(),
    };
}

/** The FluxInstance's Ready condition, then each tenant's sources and Kustomizations. */
export async function readStatus(reader: ClusterReader, fluxNamespace: string, tenants: Tenants): Promise<StatusRow[]> {
    const instances = await reader.list(RESOURCES.FluxInstance, fluxNamespace);
    const rows = [
        row(
            "(flux)",
            "FluxInstance",
            fluxNamespace,
            "flux",
            instances.find((i) => i.metadata.name === "flux"),
        ),
    ];
    for (const [tenant, { namespace, syncs }] of Object.entries(tenants)) {
        for (const kind of ["GitRepository", "OCIRepository"] as const) {
            for (const obj of await reader.list(RESOURCES[kind], namespace))
                rows.push(row(tenant, kind, namespace, obj.metadata.name, obj));
        }
        // The stack's syncs (Missing if absent), then any other Kustomization there (a tenant's own, or a sync the
        // last run failed to record).
        const kustomizations = await reader.list(RESOURCES.Kustomization, namespace);
        for (const name of syncs) {
            rows.push(
                row(
                    tenant,
                    "Kustomization",
                    namespace,
                    name,
                    kustomizations.find((k) => k.metadata.name === name),
                ),
            );
        }
        for (const k of kustomizations.filter((k) => !syncs.includes(k.metadata.name))) {
            rows.push(row(tenant, "Kustomization", namespace, k.metadata.name, k));
        }
    }
    return rows;
}

export const allReady = (rows: readonly StatusRow[]) => rows.every((r) => r.ready === "True");

/** A plain text table, columns padded to their widest cell. */
export function formatTable(rows: readonly StatusRow[]): string {
    const header: StatusRow = {
        tenant: "TENANT",
        kind: "KIND",
        namespace: "NAMESPACE",
        name: "NAME",
        ready: "READY",
        revision: "REVISION",
        message: "MESSAGE",
    };
    const cols = Object.keys(header) as (keyof StatusRow)[];
    const widths = cols.map((c) => Math.max(...[header, ...rows].map((r) => r[c].length)));
    return [header, ...rows]
        .map((r) =>
            cols
                .map((c, i) => (i === cols.length - 1 ? r[c] : r[c].padEnd(widths[i])))
                .join("  ")
                .trimEnd(),
        )
        .join("\n");
}

/** Reads through kubectl with the stack's kubeconfig (kept in a private temp file for the call). */
export function kubectlReader(kubeconfig: string, kubectl = "kubectl"): ClusterReader {
    return {
        async list(resource, namespace) {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxstack-"));
            const file = path.join(dir, "kubeconfig");
            fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
            try {
                const stdout = await new Promise<string>((resolve, reject) => {
                    execFile(
                        kubectl,
                        ["--kubeconfig", file, "get", resource, "-n", namespace, "-o", "json"],
                        { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
                        (error, out, stderr) => {
                            if (!error) return resolve(out);
                            if ((error as NodeJS.ErrnoException).code === "ENOENT") {
                                return reject(
                                    new DriverError(
                                        EXIT.prerequisites,
                                        `status needs kubectl on PATH (or KUBECTL): ${error.message}`,
                                    ),
                                );
                            }
                            // A CRD that is not installed yet reads as "nothing there", which the table then shows.
                            if (/the server doesn't have a resource type/.test(stderr)) return resolve('{"items": []}');
                            reject(
                                new DriverError(
                                    EXIT.failed,
                                    `kubectl get ${resource} -n ${namespace}: ${stderr.trim()}`,
                                ),
                            );
                        },
                    );
                });
                return (JSON.parse(stdout) as { items?: FluxObject[] }).items ?? [];
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        },
    };
}

/** "Kustomization fluxdemo-qa/broken is not Ready: …", one line per row that is not Ready. */
export function notReadyLines(rows: readonly StatusRow[]): string[] {
    return rows
        .filter((r) => r.ready !== "True")
        .map(
            (r) =>
                `${r.kind} ${r.namespace}/${r.name}${r.kind === "Kustomization" ? " is not Ready" : ""}: ${r.message}`,
        );
}
