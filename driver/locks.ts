import * as fs from "node:fs";
import * as os from "node:os";

/** A stack lock as the CLI reports it: `<lock url>: created by <user>@<host> (pid <n>) at <time>`. */
export interface LockHolder {
    url: string;
    user: string;
    host: string;
    pid: number;
    takenAt: Date;
}

/** What to do about a lock: clear it (its run is provably gone), respect it (a live run), or ask (elsewhere). */
export type LockVerdict = "dead" | "live" | "foreign";

/** The locks named in the CLI's "the stack is currently locked" error. */
export function parseLocks(text: string): LockHolder[] {
    const re = /(\S+\.json\S*): created by ([^@\s]+)@(\S+) \(pid (\d+)\) at (\S+)/g;
    // The Automation API repeats the CLI's output in its error: one lock, one entry.
    const unique = new Map([...text.matchAll(re)].map((m) => [m[1], m]));
    return [...unique.values()].map((m) => ({
        url: m[1],
        user: m[2],
        host: m[3],
        pid: Number(m[4]),
        takenAt: new Date(m[5]),
    }));
}

/** What this machine says of a process: gone, or alive and which program it runs. */
export interface ProcessTable {
    hostname: string;
    /** The command line of a live PID, or undefined when there is no such process. */
    commandLine(pid: number): string | undefined;
}

export const localProcesses: ProcessTable = {
    hostname: os.hostname(),
    commandLine(pid) {
        try {
            return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
        } catch {
            return undefined;
        }
    },
};

/**
 * A lock taken on this machine by a PID that is gone, or that now runs something other than Pulumi (the PID was
 * reused), belongs to a run that can never release it: "dead". One from a live Pulumi process is "live"; one from
 * another machine cannot be judged from here: "foreign".
 */
export function judgeLock(lock: LockHolder, machine: ProcessTable = localProcesses): LockVerdict {
    if (lock.host !== machine.hostname) return "foreign";
    const cmd = machine.commandLine(lock.pid);
    return cmd !== undefined && /pulumi/.test(cmd) ? "live" : "dead";
}

/** "root@ci-7 (pid 4242), taken 12 min ago at 2026-11-24T02:00:00Z" */
export function describeLock(lock: LockHolder, now = new Date()): string {
    const minutes = Math.max(0, Math.round((now.getTime() - lock.takenAt.getTime()) / 60_000));
    const age = minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
    return `${lock.user}@${lock.host} (pid ${lock.pid}), taken ${age} ago at ${lock.takenAt.toISOString()}`;
}
