import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import type { EngineEvent } from "@pulumi/pulumi/automation";

/** Direct children of a PID (Linux /proc). */
function childrenOf(pid: number): number[] {
    return fs
        .readdirSync("/proc")
        .filter((e) => /^\d+$/.test(e))
        .map(Number)
        .filter((p) => {
            try {
                const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
                return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
            } catch {
                return false;
            }
        });
}

function commandLine(pid: number): string {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
        return "";
    }
}

/** Live processes of this session that carry a driver run's marker (what an interrupted run may leave behind). */
export function markedProcesses(): { pid: number; cmd: string }[] {
    const session = (pid: number) => {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3]);
    };
    const mine = session(process.pid);
    return fs
        .readdirSync("/proc")
        .filter((e) => /^\d+$/.test(e))
        .map(Number)
        .flatMap((pid) => {
            try {
                const env = fs.readFileSync(`/proc/${pid}/environ`, "latin1");
                const state = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
                const zombie = state.slice(state.lastIndexOf(")") + 2, state.lastIndexOf(")") + 3) === "Z";
                return env.includes("FLUXSTACK_DRIVER_RUN=") && !zombie && session(pid) === mine
                    ? [{ pid, cmd: commandLine(pid) }]
                    : [];
            } catch {
                return [];
            }
        });
}

export interface KillResult {
    /** The event at which the kill was sent. */
    at: string;
    exitCode: number | null;
    output: string;
}

/**
 * Runs the driver's command line (`driver/cli.ts` of `projectDir`) with `--json`, and when an engine event
 * matches `when`, sends `signal` after `delayMs` to the Pulumi CLI it runs (`target: "cli"`: what a cancelled CI
 * job's kill does to it) or to the driver itself (`"driver"`: Ctrl-C or a runner's SIGTERM). Resolves when the
 * driver has exited.
 */
export async function runAndInterrupt(o: {
    projectDir: string;
    args: string[];
    env: NodeJS.ProcessEnv;
    when: (e: EngineEvent) => boolean;
    /** "group": the driver's whole process group, as a cancelled CI job's runner kills it (driver, CLI, plugins). */
    target: "cli" | "driver" | "group";
    signal: NodeJS.Signals;
    delayMs?: number;
}): Promise<KillResult> {
    const child: ChildProcess = spawn(
        process.execPath,
        ["--import", "tsx", path.join(o.projectDir, "driver", "cli.ts"), ...o.args, "--json"],
        { cwd: o.projectDir, env: o.env, stdio: ["ignore", "pipe", "pipe"], detached: o.target === "group" },
    );
    const chunks: string[] = [];
    child.stderr!.on("data", (d: Buffer) => chunks.push(d.toString()));
    let at = "";
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
        chunks.push(`${line}\n`);
        if (at) return;
        let event: EngineEvent;
        try {
            event = JSON.parse(line) as EngineEvent;
        } catch {
            return;
        }
        if (!o.when(event)) return;
        at = event.resourcePreEvent?.metadata.urn.split("::").pop() ?? "event";
        setTimeout(() => {
            const cli = childrenOf(child.pid!).find((pid) =>
                /(^|\/)pulumi (up|preview|destroy|refresh)\b/.test(commandLine(pid)),
            );
            const target = o.target === "group" ? -child.pid! : o.target === "driver" ? child.pid! : cli;
            if (target === undefined) {
                const seen = childrenOf(child.pid!).map((pid) => `${pid}: ${commandLine(pid)}`);
                child.kill("SIGKILL");
                throw new Error(
                    `no pulumi CLI under the driver (PID ${child.pid}) to interrupt; its children: ${seen.join("; ")}`,
                );
            }
            process.kill(target, o.signal);
        }, o.delayMs ?? 0);
    });
    const exitCode = await new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    if (!at) throw new Error(`the run ended before the event to interrupt it at:\n${chunks.join("")}`);
    return { at, exitCode, output: chunks.join("") };
}
