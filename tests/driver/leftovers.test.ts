import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { processesMarked, stopLeftovers } from "../../driver/leftovers";

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
});
