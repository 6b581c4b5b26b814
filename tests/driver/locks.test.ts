import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeLock, judgeLock, parseLocks, type ProcessTable } from "../../driver/locks";

const CLI_ERROR = `code: 255
 stderr: error: the stack is currently locked by 2 lock(s). Either wait for the other process(es) to end or delete the lock file with \`pulumi cancel\`.
  file:///p/.pulumi-state/.pulumi/locks/organization/fluxstack/dev/3874cf4e.json?no_tmp_dir=true: created by root@vm (pid 13359) at 2026-12-01T02:48:27Z
  s3://bucket/.pulumi/locks/organization/fluxstack/dev/9a1b.json: created by ci@runner-7 (pid 4242) at 2026-12-01T01:00:00Z`;

const table = (hostname: string, processes: Record<number, string>): ProcessTable => ({
    hostname,
    commandLine: (pid) => processes[pid],
});

describe("stack locks", () => {
    it("reads every lock the CLI names: where, whose, which PID, since when", () => {
        assert.deepEqual(parseLocks(CLI_ERROR), [
            {
                url: "file:///p/.pulumi-state/.pulumi/locks/organization/fluxstack/dev/3874cf4e.json?no_tmp_dir=true",
                user: "root",
                host: "vm",
                pid: 13359,
                takenAt: new Date("2026-12-01T02:48:27Z"),
            },
            {
                url: "s3://bucket/.pulumi/locks/organization/fluxstack/dev/9a1b.json",
                user: "ci",
                host: "runner-7",
                pid: 4242,
                takenAt: new Date("2026-12-01T01:00:00Z"),
            },
        ]);
        assert.deepEqual(parseLocks("error: something else"), []);
        assert.equal(
            parseLocks(`${CLI_ERROR}\n err?: ${CLI_ERROR}`).length,
            2,
            "a lock repeated in the error is one lock",
        );
    });

    const [local, remote] = parseLocks(CLI_ERROR);
    const cases: [string, ProcessTable, "dead" | "live" | "foreign"][] = [
        ["this machine, the PID gone: its run can never release it", table("vm", {}), "dead"],
        [
            "this machine, the PID now another program (reused): gone too",
            table("vm", { 13359: "/usr/bin/sleep 99" }),
            "dead",
        ],
        ["this machine, a live pulumi: respected", table("vm", { 13359: "/opt/bin/pulumi up --yes" }), "live"],
    ];
    for (const [title, machine, verdict] of cases) {
        it(title, () => assert.equal(judgeLock(local, machine), verdict));
    }
    it("another machine: cannot be judged from here", () => {
        assert.equal(judgeLock(remote, table("vm", {})), "foreign");
    });

    it("says whose a lock is and how old", () => {
        assert.equal(
            describeLock(remote, new Date("2026-12-01T01:12:00Z")),
            "ci@runner-7 (pid 4242), taken 12 min ago at 2026-12-01T01:00:00.000Z",
        );
        assert.equal(
            describeLock(remote, new Date("2026-12-01T05:00:00Z")),
            "ci@runner-7 (pid 4242), taken 4 h ago at 2026-12-01T01:00:00.000Z",
        );
    });
});
