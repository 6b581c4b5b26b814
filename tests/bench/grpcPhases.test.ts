import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runPhases } from "./grpcPhases";

/** A completed call as the CLI logs it: its end (seconds after 10:00:00 UTC) and its duration. */
const done = (method: string, end: number, seconds: number) =>
    JSON.stringify({
        method,
        progress: "response_completed",
        timestamp: `2026-12-01T10:00:${end.toFixed(9).padStart(12, "0")}Z`,
        duration: Math.round(seconds * 1e9),
    });
const AT = Date.parse("2026-12-01T10:00:00Z") / 1000;
const P = "/pulumirpc.ResourceProvider/";

describe("grpcPhases: a run's phases from the CLI's gRPC log", () => {
    it("cuts the wall clock at the program's start, first and last registration and exit; unions provider calls", () => {
        const log = [
            JSON.stringify({ method: `${P}Check`, progress: "request_started", timestamp: "0001-01-01T00:00:00Z" }),
            done(`${P}Configure`, 11.5, 0.5),
            done(`${P}Check`, 12.1, 0.1),
            done(`${P}Create`, 13.1, 1.0),
            done(`${P}Create`, 14.0, 1.5),
            done(`${P}Check`, 15.1, 0.1),
            // Served by a plugin: logged with a zero start, the longest duration Go has; left out.
            done(`${P}Check`, 15.2, 9.2e9),
            done("/pulumirpc.LanguageRuntime/Run", 15.3, 9.2e9),
            done("/pulumirpc.LanguageRuntime/Run", 20.0, 10.0),
            "",
        ].join("\n");
        const p = runPhases(log, AT + 9, AT + 21);
        const near = (actual: number, expected: number, what: string) =>
            assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual}, expected ${expected}`);
        near(p.total, 12, "total");
        near(p.start, 1, "start");
        near(p.load, 1, "load: to the first provider call");
        near(p.providerStart, 1, "provider start: to the first Check");
        near(p.evaluation, 3, "evaluation");
        near(p.lastSteps, 5, "last steps");
        near(p.finish, 1, "finish");
        const sum = p.start + p.load + p.providerStart + p.evaluation + p.lastSteps + p.finish;
        near(sum, p.total, "the phases add up");
        near(p.providerBusy, 0.5 + 2.0 + 0.1, "provider busy: [11,11.5] + [12,14] + [15,15.1]");
        assert.deepEqual(Object.keys(p.providerCalls).sort(), ["Check", "Configure", "Create"]);
        assert.equal(p.providerCalls.Create.count, 2);
        near(p.providerCalls.Create.seconds, 2.5, "Create summed");
    });

    it("refuses a log without exactly one run of the program", () => {
        assert.throws(() => runPhases(done(`${P}Check`, 1, 0.1), AT, AT + 2), /0 completed Runs/);
        const twice = [done("/pulumirpc.LanguageRuntime/Run", 2, 1), done("/pulumirpc.LanguageRuntime/Run", 4, 1)];
        assert.throws(() => runPhases(twice.join("\n"), AT, AT + 5), /2 completed Runs/);
    });
});
