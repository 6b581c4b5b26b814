import * as fs from "node:fs";

/** The session of a process (Linux /proc), or undefined when it is gone. */
function sessionOf(pid: number): number | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3]); // state, ppid, pgrp, session
    } catch {
        return undefined;
    }
}

/** Live processes whose environment holds `name=value`, in this process's session (Linux /proc). */
export function processesMarked(name: string, value: string): number[] {
    const mine = sessionOf(process.pid);
    const needle = `${name}=${value}\0`;
    return fs
        .readdirSync("/proc")
        .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
        .map(Number)
        .filter((pid) => {
            try {
                return fs.readFileSync(`/proc/${pid}/environ`, "latin1").includes(needle) && sessionOf(pid) === mine;
            } catch {
                return false;
            }
        });
}

/**
 * Stops what a run left running: the CLI, its language host and provider plugins carry the run's marker in their
 * environment (a killed CLI leaves its plugins behind). Only this session's: a lab daemon the run started lives in
 * a session of its own and is the stack's, not the run's. SIGTERM, then SIGKILL after `graceMs`.
 */
export async function stopLeftovers(name: string, value: string, notice: (line: string) => void, graceMs = 3_000) {
    const left = processesMarked(name, value);
    if (left.length === 0) return;
    for (const pid of left) signal(pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && left.some((pid) => sessionOf(pid) !== undefined)) {
        await new Promise((r) => setTimeout(r, 100));
    }
    const stubborn = left.filter((pid) => sessionOf(pid) !== undefined);
    for (const pid of stubborn) signal(pid, "SIGKILL");
    notice(`stopped ${left.length} process(es) the run left behind (PIDs ${left.join(", ")})`);
}

function signal(pid: number, sig: NodeJS.Signals): void {
    try {
        process.kill(pid, sig);
    } catch {
        // gone already
    }
}
