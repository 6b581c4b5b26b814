import * as fs from "node:fs";
import * as path from "node:path";

/**
 * What a lab is asked to be: written by `start` into `<dir>/lab.json`, read by the daemon. Ports left out are
 * chosen free on the first start and kept (in `ports.json`) so that a restarted lab answers where it did.
 */
export interface LabSpec {
    name: string;
    /** The namespace whose Flux pods run as local processes (the Flux Operator's and the instance's). */
    fluxNamespace: string;
    /** Directory with the binaries (the toolchain's bin, or FLUXSTACK_LAB_BIN). */
    bin: string;
    ports: Partial<Record<PinnablePort, number>>;
    /** Git repositories to create on the first start: name -> directory whose files make the first commit. */
    repositories: Record<string, string>;
    /** OCI artifacts to push on the first start: `repository:tag` -> directory that becomes the artifact. */
    artifacts: Record<string, string>;
}

export const PINNABLE_PORTS = ["apiServer", "git", "registry"] as const;
export type PinnablePort = (typeof PINNABLE_PORTS)[number];

/** Every port a lab listens on (all on 127.0.0.1). */
export interface LabPorts extends Record<PinnablePort, number> {
    etcd: number;
    etcdPeer: number;
    /** crane's own port, behind the registry's auth proxy on `registry`. */
    registryBackend: number;
}

/** What the daemon reports in `<dir>/state.json`. */
export interface LabState {
    daemonPid: number;
    startedAt: string;
    ready: boolean;
    /** Set when the daemon failed to start; the reason in one paragraph. */
    error?: string;
    ports: LabPorts;
    /** Processes of the lab itself (control plane, registry), by name. */
    processes: Record<string, { pid: number; log: string }>;
    /** Flux pods running as processes: pod -> process. */
    pods: Record<string, { pod: string; pid: number; binary: string; version: string; image: string; log: string }>;
}

/** The files and folders of one lab directory. */
export function labPaths(dir: string) {
    const abs = path.resolve(dir);
    return {
        dir: abs,
        spec: path.join(abs, "lab.json"),
        state: path.join(abs, "state.json"),
        ports: path.join(abs, "ports.json"),
        kubeconfig: path.join(abs, "kubeconfig"),
        pki: path.join(abs, "pki"),
        adminToken: path.join(abs, "pki", "admin.token"),
        serviceAccountKey: path.join(abs, "pki", "sa.key"),
        tokens: path.join(abs, "pki", "tokens.csv"),
        servingCert: path.join(abs, "pki", "apiserver.crt"),
        etcd: path.join(abs, "etcd"),
        git: path.join(abs, "git"),
        gitAuth: path.join(abs, "git", "auth.json"),
        oci: path.join(abs, "oci"),
        ociAuth: path.join(abs, "oci", "auth.json"),
        pods: path.join(abs, "pods"),
        logs: path.join(abs, "logs"),
        daemonLog: path.join(abs, "logs", "daemon.log"),
    };
}

export type LabPaths = ReturnType<typeof labPaths>;

export function readJson<T>(file: string): T | undefined {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as T;
    } catch {
        return undefined;
    }
}

/** Writes JSON atomically (a reader never sees half a file). */
export function writeJson(file: string, value: unknown, mode = 0o644): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode });
    fs.renameSync(tmp, file);
}
