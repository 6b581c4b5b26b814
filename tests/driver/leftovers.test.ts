import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { orphanedPlugins, processesMarked, stopLeftovers } from "../../driver/leftovers";

describe("what a run leaves behind", () => {
    it("finds the processes carrying the run's marker, in this session only, and stops them by PID", async () => {
        const marked = spawn("sleep", ["60"], {
            env: { ...process.env, FLUXSTACK_DRIVER_RUN: "run-1" },
            stdio: "ignore",
        });
        const other = spawn("sleep", ["60"], {
            env: { ...process.env, FLUXSTACK_DRIVER_RUN: "run-2" },
            stdio: "ignore",
        });
        // A process of the run in a session of its own (as a lab daemon is): not the run's to stop.
        const detached = spawn("sleep", ["60"], {
            env: { ...process.env, FLUXSTACK_DRIVER_RUN: "run-1" },
            stdio: "ignore",
            detached: true,
        });
        try {
            await new Promise((r) => setTimeout(r, 200));
            assert.deepEqual(processesMarked("FLUXSTACK_DRIVER_RUN", "run-1"), [marked.pid]);
            const notices: string[] = [];
            const exited = new Promise((r) => marked.once("exit", r));
            await stopLeftovers("FLUXSTACK_DRIVER_RUN", "run-1", (l) => notices.push(l));
            await exited;
            assert.deepEqual(notices, [`stopped 1 process(es) the run left behind (PIDs ${marked.pid})`]);
            assert.equal(other.exitCode, null, "another run's process runs on");
            assert.equal(detached.exitCode, null, "a process in its own session runs on");
        } finally {
            for (const p of [marked, other, detached]) p.kill("SIGKILL");
        }
    });

    it("finds the plugins of a run that is gone in the project (their CLI is not of that run), and only those", async () => {
        const project = fs.mkdtempSync(path.join(os.tmpdir(), "fluxstack-orphans-"));
        const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "fluxstack-orphans-"));
        // A plugin is told by its executable's name; a copy of sleep stands in for one.
        const plugin = path.join(project, "pulumi-resource-stand-in");
        fs.copyFileSync("/bin/sleep", plugin);
        fs.chmodSync(plugin, 0o755);
        const marked = (run: string) => ({ ...process.env, FLUXSTACK_DRIVER_RUN: run });
        const spawned = [
            // Its run's CLI is gone: this test process, which carries no marker, is its parent now.
            spawn(plugin, ["60"], { cwd: project, env: marked("gone"), stdio: "ignore" }),
            // The program a language host of that run was running (its runner's path is in its command line).
            spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", "@pulumi/pulumi/cmd/run/index.js"], {
                cwd: project,
                env: marked("gone"),
                stdio: "ignore",
            }),
            // A dynamic provider of that run (the lab cluster's).
            spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", "@pulumi/pulumi/cmd/dynamic-provider"], {
                cwd: project,
                env: marked("gone"),
                stdio: "ignore",
            }),
            // A live run: the parent (standing in for its CLI) carries the same marker.
            spawn("sh", ["-c", `'${plugin}' 60; true`], { cwd: project, env: marked("live"), stdio: "ignore" }),
            // Another project's, and a process that is not a plugin (a lab daemon carries the marker too).
            spawn(plugin, ["60"], { cwd: elsewhere, env: marked("gone"), stdio: "ignore" }),
            spawn("sleep", ["60"], { cwd: project, env: marked("gone"), stdio: "ignore" }),
        ];
        try {
            await new Promise((r) => setTimeout(r, 300));
            assert.deepEqual(
                orphanedPlugins("FLUXSTACK_DRIVER_RUN", project).sort(),
                [spawned[0].pid!, spawned[1].pid!, spawned[2].pid!].sort(),
            );
        } finally {
            for (const p of spawned) p.kill("SIGKILL");
            // The live run's plugin, a child of its sh: stopped by its own PID.
            for (const pid of processesMarked("FLUXSTACK_DRIVER_RUN", "live")) process.kill(pid, "SIGKILL");
            fs.rmSync(project, { recursive: true, force: true });
            fs.rmSync(elsewhere, { recursive: true, force: true });
        }
    });
});
