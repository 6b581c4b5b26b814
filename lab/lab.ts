import * as fs from "node:fs";
import * as path from "node:path";
import { adminApi } from "./controlPlane";
import { type LabPorts, type LabSpec, type LabState, labPaths, PINNABLE_PORTS, readJson, writeJson } from "./labDir";
import {
    commandLine,
    groupMembers,
    pidAlive,
    portFree,
    processGroup,
    signal,
    startProcess,
    tail,
    waitUntil,
} from "./processes";

/** Where a running lab answers. */
export interface LabInfo {
    dir: string;
    /** The admin kubeconfig (token auth). */
    kubeconfig: string;
    kubeconfigPath: string;
    apiServer: string;
    /** `http://127.0.0.1:PORT`: repositories are `${gitUrl}/<name>`. */
    gitUrl: string;
    /** `127.0.0.1:PORT`: artifacts are `oci://${registry}/<repository>`. */
    registry: string;
    daemonPid: number;
    ports: LabPorts;
}

export interface StartLabOptions extends Omit<LabSpec, "ports" | "repositories" | "artifacts"> {
    dir: string;
    ports?: LabSpec["ports"];
    repositories?: LabSpec["repositories"];
    artifacts?: LabSpec["artifacts"];
    /** How long to wait for the lab to be ready. */
    timeoutSeconds?: number;
}

const DAEMON = path.join(__dirname, "daemon.ts");

/**
 * Starts the lab in `dir`, or repairs it: a lab whose daemon runs and whose API server answers is left alone; one
 * whose processes died (a reboot, a killed run) has what is left of it stopped and is started again from its
 * directory, with the same ports, data and credentials — so clients (and Pulumi's state) see the same cluster.
 */
export async function startLab(o: StartLabOptions): Promise<LabInfo> {
    const paths = labPaths(o.dir);
    if ((await labHealth(o.dir)).healthy) return labInfo(o.dir);
    await stopLab(o.dir, { remove: false });
    checkWritable(paths.dir);
    const spec: LabSpec = {
        name: o.name,
        fluxNamespace: o.fluxNamespace,
        bin: o.bin,
        ports: o.ports ?? {},
        repositories: o.repositories ?? {},
        artifacts: o.artifacts ?? {},
    };
    await checkPorts(paths.ports, spec);
    writeJson(paths.spec, spec);
    fs.rmSync(paths.state, { force: true });
    const daemon = startProcess({
        name: "lab daemon",
        command: process.execPath,
        args: ["--import", require.resolve("tsx"), DAEMON, paths.dir],
        logFile: path.join(paths.logs, "daemon.out"),
        detached: true, // its own session: it outlives whoever started it (the Pulumi provider, a test)
        cwd: path.dirname(__dirname),
        // The lab is the stack's, not the run's: it does not carry the run's marker (driver/leftovers.ts).
        env: { ...process.env, FLUXSTACK_DRIVER_RUN: undefined },
    });
    const timeout = o.timeoutSeconds ?? 180;
    try {
        await waitUntil(
            "the lab",
            () => {
                const state = readJson<LabState>(paths.state);
                if (state?.error || daemon.hasExited()) {
                    throw new Error(
                        `the lab in ${paths.dir} failed to start: ${state?.error ?? "the daemon exited"}\n` +
                            `${tail(paths.daemonLog, 15)}\n${tail(path.join(paths.logs, "daemon.out"), 15)}`,
                    );
                }
                return state?.ready === true;
            },
            timeout,
            250,
        );
    } catch (e) {
        await stopLab(o.dir, { remove: false });
        throw e;
    }
    return labInfo(o.dir);
}

/** Where the lab in `dir` answers (it must have started at least once). */
export function labInfo(dir: string): LabInfo {
    const paths = labPaths(dir);
    const state = readJson<LabState>(paths.state);
    if (!state) throw new Error(`no lab in ${paths.dir}`);
    return {
        dir: paths.dir,
        kubeconfig: fs.readFileSync(paths.kubeconfig, "utf8"),
        kubeconfigPath: paths.kubeconfig,
        apiServer: `https://127.0.0.1:${state.ports.apiServer}`,
        gitUrl: `http://127.0.0.1:${state.ports.git}`,
        registry: `127.0.0.1:${state.ports.registry}`,
        daemonPid: state.daemonPid,
        ports: state.ports,
    };
}

export interface LabHealth {
    healthy: boolean;
    /** What is wrong, one line each (empty when healthy). */
    problems: string[];
    state?: LabState;
}

/** Whether the lab in `dir` runs: its daemon, each of its processes, and an API server that says it is ready. */
export async function labHealth(dir: string): Promise<LabHealth> {
    const paths = labPaths(dir);
    const state = readJson<LabState>(paths.state);
    if (!state) return { healthy: false, problems: [`no lab has run in ${paths.dir}`] };
    const problems: string[] = [];
    if (!isDaemon(state.daemonPid, paths.dir)) problems.push(`the lab daemon (PID ${state.daemonPid}) is not running`);
    if (!state.ready) problems.push(state.error ?? "the lab is not ready");
    for (const [name, p] of Object.entries(state.processes)) {
        if (!pidAlive(p.pid)) problems.push(`${name} (PID ${p.pid}) is not running`);
    }
    if (problems.length === 0) {
        // Generous: on a busy machine (two CPUs compiling a Pulumi program) a live API server can be slow to answer,
        // and a false "dead" would restart a healthy lab.
        const api = adminApi(paths, state.ports);
        let answer = "";
        for (let attempt = 0; attempt < 3 && answer !== "ok"; attempt++) {
            answer = await api.text("/readyz", 10_000).catch((e: Error) => `no answer: ${e.message}`);
        }
        api.close();
        if (answer !== "ok") problems.push(`the API server is not ready (${answer.trim().split("\n")[0]})`);
    }
    return { healthy: problems.length === 0, problems, state };
}

/**
 * Stops the lab in `dir`: SIGTERM to its daemon (which stops everything it started, in order), then SIGKILL to
 * anything left in its process group. With `remove`, deletes the directory too. Safe to call on a dead lab.
 */
export async function stopLab(dir: string, options: { remove: boolean }): Promise<void> {
    const paths = labPaths(dir);
    const state = readJson<LabState>(paths.state);
    if (state) {
        const pids = [
            state.daemonPid,
            ...Object.values(state.processes).map((p) => p.pid),
            ...Object.values(state.pods).map((p) => p.pid),
        ];
        // The daemon leads its own process group; its children (the whole lab) are in it.
        const group = isDaemon(state.daemonPid, paths.dir) ? state.daemonPid : undefined;
        if (group) {
            signal(state.daemonPid, "SIGTERM");
            await waitUntil("the lab daemon to stop", () => !pidAlive(state.daemonPid), 30).catch(() => undefined);
        }
        // What is left: children of a daemon that died (SIGKILL, a crash) keep its group id.
        const leftovers = new Set<number>([
            ...(group ? groupMembers(group) : []),
            ...pids.filter((pid) => pidAlive(pid) && processGroup(pid) === state.daemonPid),
            ...groupMembers(state.daemonPid),
        ]);
        for (const pid of leftovers) signal(pid, "SIGKILL");
        await waitUntil("the lab's processes to exit", () => [...leftovers].every((pid) => !pidAlive(pid)), 15);
        const s = readJson<LabState>(paths.state);
        if (s) writeJson(paths.state, { ...s, ready: false, pods: {} });
    }
    if (options.remove) fs.rmSync(paths.dir, { recursive: true, force: true });
}

/** The daemon of the lab in `labDir` (not some other process that got its PID after a reboot). */
function isDaemon(pid: number, labDir: string): boolean {
    const cmd = pidAlive(pid) ? commandLine(pid) : undefined;
    return cmd !== undefined && cmd.includes("daemon.ts") && cmd.includes(labDir);
}

function checkWritable(dir: string): void {
    try {
        fs.mkdirSync(dir, { recursive: true });
        fs.accessSync(dir, fs.constants.W_OK);
    } catch (e) {
        throw new Error(`the lab directory ${dir} is not writable: ${(e as Error).message}`, { cause: e });
    }
}

/** Pinned ports (and, on a restart, the ports the lab had) must be free before anything starts. */
async function checkPorts(portsFile: string, spec: LabSpec): Promise<void> {
    const kept = readJson<LabPorts>(portsFile);
    const wanted: [string, number][] = kept
        ? (Object.entries(kept) as [string, number][])
        : PINNABLE_PORTS.flatMap((p) => (spec.ports[p] ? [[p, spec.ports[p]] as [string, number]] : []));
    const taken: string[] = [];
    for (const [name, port] of wanted) if (!(await portFree(port))) taken.push(`${name} ${port}`);
    if (taken.length > 0) {
        throw new Error(
            `port${taken.length > 1 ? "s" : ""} ${taken.join(", ")} on 127.0.0.1 ${taken.length > 1 ? "are" : "is"} in use by another process` +
                (kept
                    ? ` (the lab in ${path.dirname(portsFile)} had ${taken.length > 1 ? "them" : "it"} before; stop what holds ${taken.length > 1 ? "them" : "it"}, or destroy the lab)`
                    : ""),
        );
    }
}

/**
 * The emergency stop, synchronous (for `exit` handlers, where nothing async runs): SIGKILL to the lab daemon's
 * process group and to every process the lab recorded. Leaves the directory as it is.
 */
export function killLabNow(dir: string): void {
    const paths = labPaths(dir);
    const state = readJson<LabState>(paths.state);
    if (!state) return;
    if (isDaemon(state.daemonPid, paths.dir)) signal(-state.daemonPid, "SIGKILL");
    for (const pid of groupMembers(state.daemonPid)) signal(pid, "SIGKILL");
}
