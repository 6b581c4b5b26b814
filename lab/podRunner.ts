import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { LAB_NODE } from "./controlPlane";
import { ApiError, type KubeApi } from "./kubeApi";
import { imageName, ownedByRunner } from "./kwokStages";
import { adaptArgs, expandVars, memoryBytes, POD_ADAPTERS, type PodAdapter } from "./podAdapters";
import { freePort, type OwnedProcess, portFree, startProcess, stopProcess } from "./processes";

/** The parts of a Pod the runner reads. */
export interface Pod {
    metadata: {
        name: string;
        namespace: string;
        uid: string;
        deletionTimestamp?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
    };
    spec: {
        containers: Container[];
        serviceAccountName?: string;
        restartPolicy?: "Always" | "OnFailure" | "Never";
        nodeName?: string;
        volumes?: { name: string; emptyDir?: unknown }[];
        terminationGracePeriodSeconds?: number;
    };
    status?: { phase?: string };
}

interface Container {
    name: string;
    image: string;
    args?: string[];
    env?: EnvVar[];
    ports?: { name?: string; containerPort: number }[];
    readinessProbe?: { httpGet?: { path?: string; port: number | string } };
    resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
    volumeMounts?: { name: string; mountPath: string }[];
}

interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: {
        fieldRef?: { fieldPath: string };
        resourceFieldRef?: { resource: string };
        secretKeyRef?: { name: string; key: string; optional?: boolean };
        configMapKeyRef?: { name: string; key: string; optional?: boolean };
    };
}

export interface RunnerOptions {
    api: KubeApi;
    fluxNamespace: string;
    /** The lab's bin directory. */
    bin: string;
    /** The API server's URL and the CA file the pods' kubeconfigs trust. */
    apiServer: string;
    caFile: string;
    podsDir: string;
    logsDir: string;
    /** binary -> version, for the status output (the image asks for one version; the lab may run another). */
    versions: Record<string, string>;
    log: (line: string) => void;
    /** Called with the running pods whenever one starts or stops. */
    onChange?: (pods: RunningPodInfo[]) => void;
}

export interface RunningPodInfo {
    pod: string;
    image: string;
    binary: string;
    version: string;
    pid: number;
    log: string;
}

/** One owned pod and its process. */
interface Slot {
    pod: Pod;
    container: Container;
    adapter?: PodAdapter;
    dir: string;
    log: string;
    argv: string[];
    env: NodeJS.ProcessEnv;
    portMap: Record<number, number>;
    proc?: OwnedProcess;
    startedAt?: string;
    restarts: number;
    notBefore: number;
    ready: boolean;
    terminated?: { exitCode: number; finishedAt: string; startedAt: string };
    waiting?: { reason: string; message: string };
    lastStatus?: string;
    tokenAt: number;
}

const TOKEN_REFRESH_MS = 6 * 3600_000;

/**
 * A kubelet for the Flux pods: every pod of a Flux image in the Flux namespace that lands on the lab's node runs
 * as a local process with that pod's args, env and service account (a token bound to the pod), and the runner
 * reports the pod's status as a kubelet would: Running and Ready only while the process answers its readiness
 * probe; restarts with back-off; a Job's pod Succeeded or Failed by the process's exit code. A deleted pod's
 * process is stopped. Pods of any other image are kwok's (simulated).
 */
export class PodRunner {
    private readonly slots = new Map<string, Slot>();
    private timer?: NodeJS.Timeout;
    private busy = false;
    private stopped = false;

    constructor(private readonly o: RunnerOptions) {}

    start(everyMs = 1_000): void {
        const tick = () => {
            if (this.stopped) return;
            void this.sync()
                .catch((e: Error) => this.o.log(`runner: ${e.message}`))
                .finally(() => {
                    if (!this.stopped) this.timer = setTimeout(tick, everyMs);
                });
        };
        tick();
    }

    async stop(): Promise<void> {
        this.stopped = true;
        if (this.timer) clearTimeout(this.timer);
        await Promise.all([...this.slots.values()].map((s) => this.kill(s)));
        this.slots.clear();
        this.changed();
    }

    /** One pass: start what is new, restart what crashed, stop what is gone, report statuses. */
    async sync(): Promise<void> {
        if (this.busy) return;
        this.busy = true;
        try {
            const ns = this.o.fluxNamespace;
            const list = await this.o.api.get<{ items: Pod[] }>(
                `/api/v1/namespaces/${ns}/pods?fieldSelector=spec.nodeName%3D${LAB_NODE}`,
            );
            const owned = list.items.filter((p) => ownedByRunner(p, ns) && !p.metadata.deletionTimestamp);
            const live = new Set(owned.map((p) => p.metadata.uid));
            for (const [uid, slot] of this.slots) {
                if (!live.has(uid)) {
                    this.slots.delete(uid);
                    await this.kill(slot);
                    this.o.log(`runner: stopped ${key(slot.pod)} (pod deleted)`);
                    this.changed();
                }
            }
            for (const pod of owned) {
                let slot = this.slots.get(pod.metadata.uid);
                if (!slot) {
                    slot = await this.prepare(pod);
                    this.slots.set(pod.metadata.uid, slot);
                }
                await this.drive(slot);
                await this.report(slot);
            }
        } finally {
            this.busy = false;
        }
    }

    /** Pods with a running process, for the lab's state file. */
    info(): RunningPodInfo[] {
        return [...this.slots.values()]
            .filter((s) => s.proc && !s.proc.hasExited() && s.adapter)
            .map((s) => ({
                pod: key(s.pod),
                image: s.container.image,
                binary: s.adapter!.binary,
                version: this.o.versions[s.adapter!.binary] ?? "unknown",
                pid: s.proc!.pid,
                log: s.log,
            }));
    }

    private changed(): void {
        this.o.onChange?.(this.info());
    }

    private async prepare(pod: Pod): Promise<Slot> {
        const container = pod.spec.containers.find((c) => POD_ADAPTERS[imageName(c.image)]) ?? pod.spec.containers[0];
        const adapter = POD_ADAPTERS[imageName(container.image)];
        const dir = path.join(this.o.podsDir, `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);
        const log = path.join(
            this.o.logsDir,
            "pods",
            `${pod.metadata.namespace}_${pod.metadata.name}_${container.name}.log`,
        );
        const slot: Slot = {
            pod,
            container,
            adapter,
            dir,
            log,
            argv: [],
            env: {},
            portMap: {},
            restarts: 0,
            notBefore: 0,
            ready: false,
            tokenAt: 0,
        };
        const binary = adapter && path.join(this.o.bin, adapter.binary);
        if (!adapter || !binary || !fs.existsSync(binary)) {
            slot.waiting = {
                reason: "ErrImagePull",
                message: `the lab has no local binary for ${container.image}: it runs ${Object.keys(POD_ADAPTERS)
                    .filter((n) => fs.existsSync(path.join(this.o.bin, n)))
                    .join(", ")} (from ${this.o.bin})`,
            };
            this.o.log(`runner: ${key(pod)}: ${slot.waiting.message}`);
            return slot;
        }
        try {
            fs.mkdirSync(dir, { recursive: true });
            await this.writeCredentials(slot);
            const mounts = this.mounts(slot);
            const env = await this.resolveEnv(pod, container, mounts);
            const args = (container.args ?? []).map((a) => rewritePaths(expandVars(a, env), mounts));
            const ports = await podPorts(
                path.join(dir, "ports.json"),
                adapter.listen.map((l) => l.flag),
            );
            const { argv, portMap } = adaptArgs(adapter, args, ports, this.o.bin);
            Object.assign(env, adapter.env?.({ ports, bin: this.o.bin }) ?? {});
            slot.argv = argv;
            slot.portMap = portMap;
            slot.env = {
                PATH: process.env.PATH,
                HOME: dir,
                TMPDIR: mounts.find((m) => m.mountPath === "/tmp")?.hostPath ?? path.join(dir, "tmp"),
                KUBECONFIG: path.join(dir, "kubeconfig"),
                ...env,
            };
            fs.mkdirSync(slot.env.TMPDIR!, { recursive: true });
        } catch (e) {
            slot.waiting = { reason: "CreateContainerConfigError", message: (e as Error).message };
            this.o.log(`runner: ${key(pod)}: ${slot.waiting.message}`);
        }
        return slot;
    }

    /** Starts the process when it should run and is not running; handles its exit by the pod's restart policy. */
    private async drive(slot: Slot): Promise<void> {
        if (
            !slot.adapter ||
            slot.waiting?.reason === "ErrImagePull" ||
            slot.waiting?.reason === "CreateContainerConfigError"
        ) {
            return;
        }
        if (Date.now() - slot.tokenAt > TOKEN_REFRESH_MS) await this.writeCredentials(slot);
        const policy = slot.pod.spec.restartPolicy ?? "Always";
        if (slot.proc && slot.proc.hasExited()) {
            const code = await slot.proc.exited;
            const exitCode = typeof code === "number" ? code : 137;
            slot.terminated = { exitCode, startedAt: slot.startedAt!, finishedAt: new Date().toISOString() };
            slot.proc = undefined;
            slot.ready = false;
            this.o.log(`runner: ${key(slot.pod)} exited (${String(code)})`);
            this.changed();
            if (policy === "Always" || (policy === "OnFailure" && exitCode !== 0)) {
                slot.restarts++;
                const backoff = Math.min(30_000, 1_000 * 2 ** Math.min(slot.restarts - 1, 5));
                slot.notBefore = Date.now() + backoff;
                slot.waiting = {
                    reason: "CrashLoopBackOff",
                    message: `back-off ${backoff / 1000}s restarting failed container`,
                };
            }
        }
        const finished = slot.terminated && !slot.waiting && slot.notBefore === 0;
        if (!slot.proc && !finished && Date.now() >= slot.notBefore && (policy !== "Never" || !slot.terminated)) {
            fs.mkdirSync(path.dirname(slot.log), { recursive: true });
            fs.appendFileSync(
                slot.log,
                `\n[lab] ${new Date().toISOString()} starting ${slot.adapter.binary} ${slot.argv.join(" ")}\n`,
            );
            slot.proc = startProcess({
                name: key(slot.pod),
                command: path.join(this.o.bin, slot.adapter.binary),
                args: slot.argv,
                env: slot.env,
                cwd: slot.dir,
                logFile: slot.log,
            });
            slot.startedAt = new Date().toISOString();
            slot.waiting = undefined;
            slot.notBefore = 0;
            link(slot.log, path.join(this.o.logsDir, `${slot.adapter.binary}.log`));
            this.o.log(`runner: started ${key(slot.pod)} as PID ${slot.proc.pid}: ${slot.adapter.binary}`);
            this.changed();
        }
        slot.ready = slot.proc !== undefined && !slot.proc.hasExited() && (await this.probe(slot));
    }

    private async probe(slot: Slot): Promise<boolean> {
        const get = slot.container.readinessProbe?.httpGet;
        if (!get) return Date.now() - Date.parse(slot.startedAt ?? "") > 1_000;
        const containerPort =
            typeof get.port === "number"
                ? get.port
                : slot.container.ports?.find((p) => p.name === get.port)?.containerPort;
        const port = containerPort === undefined ? undefined : slot.portMap[containerPort];
        if (!port) return true; // a probe on a port the process does not serve here: judged by running
        return new Promise((resolve) => {
            const req = http.get({ host: "127.0.0.1", port, path: get.path ?? "/", timeout: 1_000 }, (res) => {
                res.resume();
                resolve((res.statusCode ?? 500) < 400);
            });
            req.on("timeout", () => req.destroy());
            req.on("error", () => resolve(false));
        });
    }

    /** Patches the pod's status when it changed, as a kubelet does. */
    private async report(slot: Slot): Promise<void> {
        const now = new Date().toISOString();
        const running = slot.proc !== undefined && !slot.proc.hasExited();
        const policy = slot.pod.spec.restartPolicy ?? "Always";
        let phase = "Pending";
        if (running || (slot.restarts > 0 && policy !== "Never")) phase = "Running";
        if (!running && slot.terminated && !slot.waiting && slot.notBefore === 0) {
            phase = slot.terminated.exitCode === 0 ? "Succeeded" : "Failed";
        }
        const state = running
            ? { running: { startedAt: slot.startedAt } }
            : slot.waiting
              ? { waiting: slot.waiting }
              : slot.terminated
                ? { terminated: { ...slot.terminated, reason: slot.terminated.exitCode === 0 ? "Completed" : "Error" } }
                : { waiting: { reason: "ContainerCreating" } };
        const cond = (type: string, ok: boolean) => ({ type, status: ok ? "True" : "False" });
        const status = {
            phase,
            conditions: [
                cond("PodScheduled", true),
                cond("Initialized", true),
                cond("ContainersReady", slot.ready),
                cond("Ready", slot.ready),
            ],
            containerStatuses: slot.pod.spec.containers.map((c) => ({
                name: c.name,
                image: c.image,
                imageID:
                    c === slot.container && slot.adapter
                        ? `lab://${slot.adapter.binary}@${this.o.versions[slot.adapter.binary] ?? "unknown"}`
                        : "",
                ready: c === slot.container && slot.ready,
                started: c === slot.container && running,
                restartCount: c === slot.container ? slot.restarts : 0,
                state: c === slot.container ? state : { waiting: { reason: "NotRunInLab" } },
                ...(c === slot.container && slot.terminated && running
                    ? { lastState: { terminated: { ...slot.terminated, reason: "Error" } } }
                    : {}),
            })),
            hostIP: "127.0.0.1",
            hostIPs: [{ ip: "127.0.0.1" }],
            podIP: "127.0.0.1",
            podIPs: [{ ip: "127.0.0.1" }],
        };
        const text = JSON.stringify(status);
        if (text === slot.lastStatus) return;
        const { name, namespace } = slot.pod.metadata;
        try {
            await this.o.api.mergePatch(`/api/v1/namespaces/${namespace}/pods/${name}/status`, {
                status: { ...status, startTime: slot.startedAt ?? now },
            });
            slot.lastStatus = text;
        } catch (e) {
            if (!(e instanceof ApiError && e.status === 404)) throw e;
        }
    }

    private async kill(slot: Slot): Promise<void> {
        if (!slot.proc) return;
        const grace = Math.min(slot.pod.spec.terminationGracePeriodSeconds ?? 10, 10) * 1000;
        await stopProcess(slot.proc, grace);
        slot.proc = undefined;
    }

    /** A token for the pod's service account, bound to the pod (invalid once it is deleted), and its kubeconfig. */
    private async writeCredentials(slot: Slot): Promise<void> {
        const { name, namespace, uid } = slot.pod.metadata;
        const account = slot.pod.spec.serviceAccountName ?? "default";
        const request = await this.o.api.post<{ status: { token: string } }>(
            `/api/v1/namespaces/${namespace}/serviceaccounts/${account}/token`,
            {
                apiVersion: "authentication.k8s.io/v1",
                kind: "TokenRequest",
                spec: { expirationSeconds: 86_400, boundObjectRef: { apiVersion: "v1", kind: "Pod", name, uid } },
            },
        );
        const tokenFile = path.join(slot.dir, "token");
        fs.writeFileSync(tokenFile, request.status.token, { mode: 0o600 });
        fs.writeFileSync(
            path.join(slot.dir, "kubeconfig"),
            [
                "apiVersion: v1",
                "kind: Config",
                `clusters: [{name: lab, cluster: {server: "${this.o.apiServer}", certificate-authority: "${this.o.caFile}"}}]`,
                // tokenFile, not token: client-go re-reads it, so a refreshed token reaches the running process.
                `users: [{name: ${account}, user: {tokenFile: "${tokenFile}"}}]`,
                `contexts: [{name: lab, context: {cluster: lab, user: ${account}, namespace: ${namespace}}}]`,
                "current-context: lab",
                "",
            ].join("\n"),
            { mode: 0o600 },
        );
        slot.tokenAt = Date.now();
    }

    /** The container's emptyDir mounts, each given a directory of the pod's. */
    private mounts(slot: Slot): { mountPath: string; hostPath: string }[] {
        const emptyDirs = new Set(
            (slot.pod.spec.volumes ?? []).filter((v) => v.emptyDir !== undefined).map((v) => v.name),
        );
        return (slot.container.volumeMounts ?? [])
            .filter((m) => emptyDirs.has(m.name))
            .map((m) => {
                const hostPath = path.join(slot.dir, "volumes", m.name);
                fs.mkdirSync(hostPath, { recursive: true });
                return { mountPath: m.mountPath, hostPath };
            });
    }

    /** The container's env as the kubelet resolves it: values, the downward API, Secrets and ConfigMaps. */
    private async resolveEnv(pod: Pod, c: Container, mounts: { mountPath: string; hostPath: string }[]) {
        const env: Record<string, string> = {};
        for (const e of c.env ?? []) {
            const value = await this.envValue(pod, c, e);
            if (value !== undefined) env[e.name] = rewritePaths(expandVars(value, env), mounts);
        }
        return env;
    }

    private async envValue(pod: Pod, c: Container, e: EnvVar): Promise<string | undefined> {
        if (e.value !== undefined) return e.value;
        const from = e.valueFrom;
        if (from?.fieldRef) {
            const p = from.fieldRef.fieldPath;
            const label = p.match(/^metadata\.(labels|annotations)\['(.+)'\]$/);
            if (label) return pod.metadata[label[1] as "labels" | "annotations"]?.[label[2]];
            const fields: Record<string, string | undefined> = {
                "metadata.name": pod.metadata.name,
                "metadata.namespace": pod.metadata.namespace,
                "metadata.uid": pod.metadata.uid,
                "spec.nodeName": pod.spec.nodeName,
                "spec.serviceAccountName": pod.spec.serviceAccountName,
                "status.podIP": "127.0.0.1",
                "status.hostIP": "127.0.0.1",
            };
            return fields[p];
        }
        if (from?.resourceFieldRef) {
            const [kind, resource] = from.resourceFieldRef.resource.split(".") as ["limits" | "requests", string];
            const quantity = c.resources?.[kind]?.[resource];
            if (resource === "memory") return memoryBytes(quantity)?.toString();
            return quantity;
        }
        const ref = from?.secretKeyRef ?? from?.configMapKeyRef;
        if (ref) {
            const kind = from?.secretKeyRef ? "secrets" : "configmaps";
            const obj = await this.o.api.find<{ data?: Record<string, string> }>(
                `/api/v1/namespaces/${pod.metadata.namespace}/${kind}/${ref.name}`,
            );
            const raw = obj?.data?.[ref.key];
            if (raw === undefined) {
                if (ref.optional) return undefined;
                throw new Error(`env ${e.name}: ${kind} ${ref.name} has no key ${ref.key}`);
            }
            return kind === "secrets" ? Buffer.from(raw, "base64").toString("utf8") : raw;
        }
        return undefined;
    }
}

/**
 * The loopback ports of a pod's listen flags, kept in its directory: a pod that outlives its process (a restarted
 * lab) listens where it did, so what others recorded (the artifact URLs source-controller advertised) still holds.
 */
async function podPorts(file: string, flags: readonly string[]): Promise<Record<string, number>> {
    let kept: Record<string, number> = {};
    try {
        kept = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, number>;
    } catch {
        // first start
    }
    const ports: Record<string, number> = {};
    for (const flag of flags) {
        ports[flag] = kept[flag] && (await portFree(kept[flag])) ? kept[flag] : await freePort();
    }
    fs.writeFileSync(file, JSON.stringify(ports));
    return ports;
}

function key(pod: Pod): string {
    return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

/** A path in the container (`/data/x`, `--storage-path=/data`) moved to the pod's directory for that mount. */
export function rewritePaths(value: string, mounts: readonly { mountPath: string; hostPath: string }[]): string {
    for (const { mountPath, hostPath } of mounts) {
        const re = new RegExp(`(^|=)${mountPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=/|$)`);
        if (re.test(value)) return value.replace(re, `$1${hostPath}`);
    }
    return value;
}

function link(target: string, at: string): void {
    try {
        fs.rmSync(at, { force: true });
        fs.symlinkSync(target, at);
    } catch {
        // a missing convenience link is not worth failing a pod over
    }
}
