import * as fs from "node:fs";
import * as path from "node:path";

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

/** The fields of /proc/<pid>/stat after the command: state, ppid, pgrp, session… (undefined when it is gone). */
function statOf(pid: number): string[] | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    } catch {
        return undefined;
    }
}

/** The value of `name` in a process's environment, or undefined. */
function envOf(pid: number, name: string): string | undefined {
    try {
        const entry = fs
            .readFileSync(`/proc/${pid}/environ`, "latin1")
            .split("\0")
            .find((e) => e.startsWith(`${name}=`));
        return entry?.slice(name.length + 1);
    } catch {
        return undefined;
    }
}

/**
 * A Pulumi plugin (`pulumi-language-*`, `pulumi-resource-*`), or a Node.js process of the SDK's: the program the
 * language host runs (`cmd/run`), a dynamic provider such as the lab cluster's (`cmd/dynamic-provider`).
 */
function isPulumiProcess(pid: number): boolean {
    try {
        if (path.basename(fs.readlinkSync(`/proc/${pid}/exe`)).startsWith("pulumi-")) return true;
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(SDK_COMMANDS);
    } catch {
        return false;
    }
}

/** Where the SDK's own Node.js entry points live. */
const SDK_COMMANDS = path.join("@pulumi", "pulumi", "cmd") + path.sep;

/**
 * Pulumi plugins (language hosts, resource providers, the program a language host runs) a run that is gone left
 * running in `projectDir`: they carry
 * a run's marker, but the process that started them (that run's CLI) is gone or is not of that run. A CLI killed
 * with its process group (a cancelled CI job) leaves them, since the CLI starts its plugins in groups of their
 * own; no later run's own clean-up would ever stop them. A live run's plugins have their live CLI as parent.
 */
export function orphanedPlugins(name: string, projectDir: string): number[] {
    return fs
        .readdirSync("/proc")
        .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
        .map(Number)
        .filter((pid) => {
            const run = envOf(pid, name);
            if (run === undefined) return false;
            try {
                if (!isPulumiProcess(pid) || fs.readlinkSync(`/proc/${pid}/cwd`) !== projectDir) return false;
            } catch {
                return false;
            }
            const stat = statOf(pid);
            if (!stat || stat[0] === "Z") return false;
            return envOf(Number(stat[1]), name) !== run;
        });
}

/**
 * Stops what a run left running: the CLI, its language host and provider plugins carry the run's marker in their
 * environment (a killed CLI leaves its plugins behind). Only this session's: a lab daemon the run started lives in
 * a session of its own and is the stack's, not the run's. SIGTERM, then SIGKILL after `graceMs`.
 */
export async function stopLeftovers(name: string, value: string, notice: (line: string) => void, graceMs = 3_000) {
    await stopProcesses(processesMarked(name, value), notice, "the run left behind", graceMs);
}

/** SIGTERM, then SIGKILL after `graceMs` for those still there; one notice naming them, when there were any. */
export async function stopProcesses(left: number[], notice: (line: string) => void, what: string, graceMs = 3_000) {
    if (left.length === 0) return;
    for (const pid of left) signal(pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && left.some((pid) => sessionOf(pid) !== undefined)) {
        await new Promise((r) => setTimeout(r, 100));
    }
    const stubborn = left.filter((pid) => sessionOf(pid) !== undefined);
    for (const pid of stubborn) signal(pid, "SIGKILL");
    notice(`stopped ${left.length} process(es) ${what} (PIDs ${left.join(", ")})`);
}

function signal(pid: number, sig: NodeJS.Signals): void {
    try {
        process.kill(pid, sig);
    } catch {
        // gone already
    }
}
