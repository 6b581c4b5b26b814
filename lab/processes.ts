import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

/** A process this runtime started: its PID is kept, its output goes to a log file, it is stopped by that PID. */
export interface OwnedProcess {
    name: string;
    pid: number;
    logFile: string;
    /** Resolves with the exit code (or the signal's name) once the process has exited. */
    exited: Promise<number | string>;
    hasExited(): boolean;
    child: ChildProcess;
}

export interface StartOptions {
    name: string;
    command: string;
    args: readonly string[];
    logFile: string;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** A new session and process group (setsid): the process outlives its parent. */
    detached?: boolean;
}

/** Starts a process with its output appended to `logFile`; stdin is closed, no other descriptor is inherited. */
export function startProcess(options: StartOptions): OwnedProcess {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    const log = fs.openSync(options.logFile, "a");
    let child: ChildProcess;
    try {
        child = spawn(options.command, [...options.args], {
            stdio: ["ignore", log, log],
            env: options.env ?? process.env,
            cwd: options.cwd,
            detached: options.detached ?? false,
        });
    } finally {
        fs.closeSync(log);
    }
    let done = false;
    const exited = new Promise<number | string>((resolve) => {
        child.once("exit", (code, signal) => {
            done = true;
            resolve(code ?? signal ?? "unknown");
        });
        child.once("error", (e) => {
            done = true;
            fs.appendFileSync(options.logFile, `\n[lab] could not start ${options.command}: ${e.message}\n`);
            resolve("error");
        });
    });
    if (options.detached) child.unref();
    return { name: options.name, pid: child.pid ?? -1, logFile: options.logFile, exited, hasExited: () => done, child };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopProcess(proc: OwnedProcess, graceMs = 5_000): Promise<void> {
    if (proc.hasExited() || proc.pid <= 0) return;
    signal(proc.pid, "SIGTERM");
    const timer = setTimeout(() => signal(proc.pid, "SIGKILL"), graceMs);
    await proc.exited;
    clearTimeout(timer);
}

/** Sends a signal to a PID; false if there is no such process. */
export function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
    try {
        process.kill(pid, sig);
        return true;
    } catch {
        return false;
    }
}

/** Whether a process with this PID exists and is not a zombie. */
export function pidAlive(pid: number | undefined): boolean {
    if (!pid || pid <= 0 || !signal(pid, 0)) return false;
    const stat = readProc(pid, "stat");
    // Field 3 (after the parenthesised command) is the state; Z is a zombie, X is dead.
    const state = stat?.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
}

/** The command line of a PID (arguments joined by spaces), or undefined when it is gone. */
export function commandLine(pid: number): string | undefined {
    return readProc(pid, "cmdline")?.split("\0").filter(Boolean).join(" ");
}

/** The process group of a PID, or undefined when it is gone. */
export function processGroup(pid: number): number | undefined {
    const stat = readProc(pid, "stat");
    if (!stat) return undefined;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[2]); // state, ppid, pgrp
}

/** Every live PID whose process group is `pgid` (Linux /proc). */
export function groupMembers(pgid: number): number[] {
    return fs
        .readdirSync("/proc")
        .filter((entry) => /^\d+$/.test(entry))
        .map(Number)
        .filter((pid) => processGroup(pid) === pgid && pidAlive(pid));
}

function readProc(pid: number, file: string): string | undefined {
    try {
        return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
    } catch {
        return undefined;
    }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.unref();
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function portAnswers(port: number, timeoutMs = 1_000): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port });
        const done = (answer: boolean) => {
            socket.destroy();
            resolve(answer);
        };
        socket.setTimeout(timeoutMs, () => done(false));
        socket.once("connect", () => done(true));
        socket.once("error", () => done(false));
    });
}

/** Whether 127.0.0.1:`port` can be bound now (nothing else holds it). */
export function portFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
}

/** Polls `check` every `everyMs` until it is true; throws `what` after `seconds`. */
export async function waitUntil(
    what: string,
    check: () => boolean | Promise<boolean>,
    seconds: number,
    everyMs = 250,
): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        if (await check()) return;
        if (Date.now() > deadline) throw new Error(`${what} did not happen within ${seconds}s`);
        await new Promise((r) => setTimeout(r, everyMs));
    }
}

/** The last `lines` lines of a file, for error messages. */
export function tail(file: string, lines = 20): string {
    try {
        return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
        return "";
    }
}
