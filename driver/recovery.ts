import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DriverError, EXIT } from "./exitCodes";

/** The annotation every Kubernetes object the program makes carries: which stack owns it (`project/stack`). */
export const OWNER_ANNOTATION = "fluxstack.dev/owner";

/** What recovery needs of an open stack: its name and project, and the Pulumi CLI with the run's environment. */
export interface RecoveryContext {
    project: string;
    stack: string;
    /** Runs `pulumi <args>` for this stack; resolves with its stdout. */
    pulumi(args: string[]): Promise<string>;
    /** Runs `kubectl --kubeconfig <file> <args>`; resolves with its stdout. */
    kubectl(kubeconfig: string, args: string[]): Promise<string>;
    notice(line: string): void;
}

/** The fields of a Kubernetes object's (or a Helm release's) inputs and outputs recovery reads. */
interface KubeFields {
    name?: string;
    namespace?: string;
    metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
    kubeconfig?: unknown;
}

interface PendingOperation {
    type: string;
    resource: { urn: string; type: string; inputs?: KubeFields };
}

interface StateResource {
    urn: string;
    type: string;
    inputs?: KubeFields;
    outputs?: KubeFields;
}

interface Deployment {
    resources?: StateResource[];
    pending_operations?: PendingOperation[];
}

/** The Kubernetes ID of an object the provider was creating (`namespace/name`, or `name` when cluster-scoped). */
export function kubernetesId(type: string, inputs: KubeFields | undefined): string | undefined {
    if (!inputs) return undefined;
    if (type === "kubernetes:helm.sh/v3:Release") {
        return inputs.name && inputs.namespace ? `${inputs.namespace}/${inputs.name}` : undefined;
    }
    const name = inputs.metadata?.name;
    if (typeof name !== "string") return undefined;
    const namespace = inputs.metadata?.namespace;
    return typeof namespace === "string" && namespace ? `${namespace}/${name}` : name;
}

/**
 * A killed run leaves pending CREATE operations in the state: objects it was creating, which may or may not have
 * reached the cluster. The next run takes over those the stack owns and drops the rest:
 *
 * - Kubernetes objects: `refresh --import-pending-creates` reads each by its name: one that exists is imported (if
 *   it carries this stack's owner annotation — anything else is not ours to adopt: it leaves the state again and
 *   the run stops, naming it), one that never reached the cluster is dropped, and the next `up` creates it.
 * - Helm releases the killed run left `pending-install`: Helm refuses to install over them ("cannot re-use a name
 *   that is still in use"), so their pending record is removed and the release installed again; the objects it
 *   had made carry the release's own ownership annotations, so Helm takes them back.
 * - Anything else pending (a cloud resource): cleared, as `pulumi refresh --clear-pending-creates` does.
 *
 * Returns whether it changed anything.
 */
export async function recoverPendingCreates(ctx: RecoveryContext): Promise<boolean> {
    const deployment = await exportState(ctx);
    const pending = (deployment.pending_operations ?? []).filter((op) => op.type === "creating");
    if (pending.length === 0) return false;
    ctx.notice(`a run of this stack was interrupted while creating ${pending.length} resource(s): taking them over`);

    const kubeconfig = providerKubeconfig(deployment);
    const helm = pending.filter((op) => op.resource.type === "kubernetes:helm.sh/v3:Release");
    for (const op of helm) {
        const id = kubernetesId(op.resource.type, op.resource.inputs);
        if (id && kubeconfig) await clearPendingRelease(ctx, kubeconfig, id);
    }

    const imports = pending
        .filter((op) => op.resource.type.startsWith("kubernetes:") && !helm.includes(op))
        .flatMap((op) => {
            const id = kubernetesId(op.resource.type, op.resource.inputs);
            return id ? [op.resource.urn, id] : [];
        });
    // Import what can be looked up; clear the rest (Helm releases among them: installed afresh).
    if (imports.length > 0) {
        // The flag takes one word at a time: URN, then ID, then the next URN…
        const flags = imports.flatMap((word) => ["--import-pending-creates", word]);
        await ctx.pulumi(["refresh", "--yes", "--skip-preview", ...flags]);
    }
    const left = await exportState(ctx);
    if ((left.pending_operations ?? []).length > 0) {
        await ctx.pulumi(["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
    }

    // Adopt only what this stack made.
    const imported = new Set(imports.filter((_, i) => i % 2 === 0));
    const owner = `${ctx.project}/${ctx.stack}`;
    const foreign = ((await exportState(ctx)).resources ?? []).filter(
        (r) => imported.has(r.urn) && r.outputs?.metadata?.annotations?.[OWNER_ANNOTATION] !== owner,
    );
    for (const r of foreign) await ctx.pulumi(["state", "delete", r.urn, "--yes"]);
    if (foreign.length > 0) {
        const names = foreign.map((r) => `${r.type.split(":").pop()} ${kubernetesId(r.type, r.outputs)}`).join(", ");
        throw new DriverError(
            EXIT.failed,
            `${names} exist${foreign.length === 1 ? "s" : ""} in the cluster without this stack's ${OWNER_ANNOTATION}: ${owner}: ` +
                "not made by this stack, so not adopted. Delete it, or adopt it on purpose with `pulumi import`.",
        );
    }
    return true;
}

/** A Helm release left pending-install by a killed run: its pending record goes, so it can be installed again. */
async function clearPendingRelease(ctx: RecoveryContext, kubeconfig: string, id: string): Promise<void> {
    const [namespace, name] = id.split("/");
    const out = await ctx
        .kubectl(kubeconfig, ["get", "secrets", "-n", namespace, "-l", `owner=helm,name=${name}`, "-o", "json"])
        .catch(() => '{"items": []}');
    const records = (JSON.parse(out) as { items: { metadata: { name: string; labels: Record<string, string> } }[] })
        .items;
    const pending = records.filter((r) => /^pending-/.test(r.metadata.labels.status ?? ""));
    for (const r of pending) {
        await ctx.kubectl(kubeconfig, ["delete", "secret", "-n", namespace, r.metadata.name]);
        ctx.notice(
            `Helm release ${id} was left ${r.metadata.labels.status} by the interrupted run: installing it again`,
        );
    }
}

async function exportState(ctx: RecoveryContext): Promise<Deployment> {
    const text = await ctx.pulumi(["stack", "export", "--show-secrets"]);
    return (JSON.parse(text) as { deployment?: Deployment }).deployment ?? {};
}

/** The kubeconfig the stack's Kubernetes provider uses, from the state (decrypted), into a private temp file. */
function providerKubeconfig(deployment: Deployment): string | undefined {
    const provider = (deployment.resources ?? []).find((r) => r.type === "pulumi:providers:kubernetes");
    const value: unknown = provider?.inputs?.kubeconfig;
    const text = typeof value === "string" ? value : (value as { plaintext?: string } | undefined)?.plaintext;
    if (!text) return undefined;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxstack-recovery-"));
    const file = path.join(dir, "kubeconfig");
    fs.writeFileSync(file, text.startsWith('"') ? (JSON.parse(text) as string) : text, { mode: 0o600 });
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    return file;
}

/** kubectl as RecoveryContext wants it, with the run's environment. */
export function kubectlWith(env: NodeJS.ProcessEnv): RecoveryContext["kubectl"] {
    return (kubeconfig, args) =>
        new Promise((resolve, reject) => {
            execFile(
                env.KUBECTL ?? "kubectl",
                ["--kubeconfig", kubeconfig, ...args],
                { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
                (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout)),
            );
        });
}

/**
 * A file backend's checkpoint a killed run left half-written: the data file is replaced atomically, but its
 * `.attrs` metadata sidecar is not, and an empty one reads as "failed to load checkpoint: EOF". A sidecar that is
 * not JSON is removed (the blob store does without); a data file that is not JSON is restored from the `.bak` the
 * backend keeps (the broken one is kept beside it). Returns what it repaired, for the notice; [] when nothing.
 */
export function repairCheckpoint(backendUrl: string, project: string, stack: string): string[] {
    if (!backendUrl.startsWith("file://")) return [];
    const root = backendUrl.slice("file://".length).replace(/\?.*$/, "");
    const dir = path.join(root, ".pulumi", "stacks", project);
    const file = path.join(dir, `${stack}.json`);
    const repaired: string[] = [];
    const valid = (f: string) => {
        try {
            JSON.parse(fs.readFileSync(f, "utf8"));
            return true;
        } catch {
            return false;
        }
    };
    for (const attrs of [`${file}.attrs`, `${file}.bak.attrs`]) {
        if (fs.existsSync(attrs) && !valid(attrs)) {
            fs.rmSync(attrs);
            repaired.push(`removed the half-written ${path.basename(attrs)}`);
        }
    }
    if (fs.existsSync(file) && !valid(file) && valid(`${file}.bak`)) {
        fs.renameSync(file, `${file}.broken-${Date.now()}`);
        fs.copyFileSync(`${file}.bak`, file);
        repaired.push(`restored ${path.basename(file)} from the backend's backup (the broken copy is kept beside it)`);
    }
    return repaired;
}
