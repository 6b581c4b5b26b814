import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { EXIT } from "../../driver";
import { main } from "../../driver/cli";
import { type FakeStack, installFakePulumi } from "./fakePulumi";

// The driver's promises run through main(), the Automation API and a stand-in pulumi CLI (./fakePulumi.ts).
// What needs the real engine (a held lock, exit 5) is for the e2e suite.

const root = fs.mkdtempSync(path.join(os.tmpdir(), "driver-pipeline-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const DEV_FILE = "config:\n  fluxstack:cluster:\n    source: existing\n";
const urn = (name: string) => `urn:pulumi:dev::fluxstack::kubernetes:core/v1:Namespace::${name}`;
const step = (sequence: number, op: string, name: string) => ({
    sequence,
    timestamp: 1700000000 + sequence,
    resourcePreEvent: { metadata: { op, urn: urn(name), type: "kubernetes:core/v1:Namespace" } },
});

/** A project folder with a stand-in pulumi first on PATH, its backend holding `stacks`. */
function project(stacks: Record<string, FakeStack>, stackFiles: Record<string, string> = {}) {
    const dir = fs.mkdtempSync(path.join(root, "project-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: fluxstack\nruntime: nodejs\n");
    for (const [stack, text] of Object.entries(stackFiles))
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    const fake = installFakePulumi(fs.mkdtempSync(path.join(root, "bin-")), stacks);
    // The Automation API finds `pulumi` on this process's PATH; the driver checks the PATH it is given.
    process.env.PATH = [
        fake.dir,
        ...(process.env.PATH ?? "").split(path.delimiter).filter((p) => !p.startsWith(root)),
    ].join(path.delimiter);
    const env = { ...process.env, PULUMI_CONFIG_PASSPHRASE: "" };
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    const run = (...argv: string[]) => main(argv, env, io, dir);
    return { dir, fake, env, out, err, run };
}

describe("driver through the Automation API, with a stand-in pulumi", () => {
    const DEV: FakeStack = {
        outputs: {
            clusterName: { value: "lab" },
            kubeconfig: { value: "apiVersion: v1\nkind: Config\n", secret: true },
        },
    };

    it("outputs prints secret outputs as [secret], and their values with --show-secrets", async () => {
        const p = project({ dev: DEV }, { dev: DEV_FILE });
        assert.equal(await p.run("outputs", "-s", "dev"), EXIT.ok, p.err.join(""));
        assert.deepEqual(JSON.parse(p.out.join("")), { clusterName: "lab", kubeconfig: "[secret]" });
        p.out.length = 0;
        assert.equal(await p.run("outputs", "-s", "dev", "--show-secrets"), EXIT.ok, p.err.join(""));
        assert.deepEqual(JSON.parse(p.out.join("")), {
            clusterName: "lab",
            kubeconfig: "apiVersion: v1\nkind: Config\n",
        });
    });

    it("--json prints each engine event on its own line, then the summary", async () => {
        const events = [
            step(1, "same", "pulumi-stack"),
            step(2, "create", "flux-namespace"),
            step(3, "create", "flux-probe-policy"),
            { sequence: 4, timestamp: 1700000004, summaryEvent: { resourceChanges: { create: 2, same: 1 } } },
        ];
        const p = project({ dev: { ...DEV, events: { up: events } } }, { dev: DEV_FILE });
        assert.equal(await p.run("up", "-s", "dev", "--json"), EXIT.ok, p.err.join(""));
        const lines = p.out
            .join("")
            .trimEnd()
            .split("\n")
            .map((l) => JSON.parse(l));
        assert.deepEqual(lines, [
            ...events,
            { summary: { operations: { same: 1, create: 2 }, changes: 2, failed: 0, errors: [] } },
        ]);
    });

    it("--json leaves out the SDK's debug diagnostics: they trace RPC responses, secrets in plain text", async () => {
        const trace = {
            sequence: 2,
            timestamp: 1700000002,
            diagnosticEvent: {
                prefix: "debug: ",
                message:
                    "RegisterResource RPC finished: resource:credential-dev/git-secret; resp: data,,,cGxhaW4tdG9rZW4=",
                color: "never",
                severity: "debug",
            },
        };
        const warning = {
            sequence: 3,
            timestamp: 1700000003,
            diagnosticEvent: { message: "careful", color: "never", severity: "warning" },
        };
        const events = [step(1, "create", "flux-namespace"), trace, warning];
        const p = project({ dev: { ...DEV, events: { up: events } } }, { dev: DEV_FILE });
        assert.equal(await p.run("up", "-s", "dev", "--json"), EXIT.ok, p.err.join(""));
        const text = p.out.join("");
        assert.ok(!text.includes("cGxhaW4tdG9rZW4="), text);
        assert.deepEqual(
            text
                .trimEnd()
                .split("\n")
                .slice(0, 2)
                .map((l) => JSON.parse(l)),
            [events[0], warning],
        );
    });

    it("without --json, the CLI's own output, then the summary line", async () => {
        const p = project(
            { dev: { ...DEV, events: { up: [step(1, "create", "flux-namespace")] } } },
            { dev: DEV_FILE },
        );
        assert.equal(await p.run("up", "-s", "dev"), EXIT.ok, p.err.join(""));
        assert.equal(p.out.join(""), "fake pulumi: up dev\n\nup: create 1 (1 change)\n");
    });

    it("a drift gate exits 6 through the CLI when the preview finds changes, 0 when it finds none", async () => {
        const changed = project(
            { dev: { ...DEV, events: { preview: [step(1, "update", "flux-namespace")] } } },
            { dev: DEV_FILE },
        );
        assert.equal(await changed.run("preview", "-s", "dev", "--expect-no-changes"), EXIT.changes);
        assert.equal(changed.err.join(""), "error: preview found 1 change(s) where none were expected\n");
        const same = project(
            { dev: { ...DEV, events: { preview: [step(1, "same", "flux-namespace")] } } },
            { dev: DEV_FILE },
        );
        assert.equal(await same.run("preview", "-s", "dev", "--expect-no-changes"), EXIT.ok, same.err.join(""));
    });

    it("a drift gate never creates a stack: an unknown one exits 8 and stays unknown", async () => {
        const p = project({ dev: DEV }, { dev: DEV_FILE });
        assert.equal(await p.run("preview", "-s", "qa", "--expect-no-changes"), EXIT.stackNotFound);
        assert.match(p.err.join(""), /^error: .*no stack named 'qa' found/);
        assert.deepEqual(
            p.fake.calls().map((c) => c.argv.slice(0, 2)),
            [["stack", "select"]],
        );
        assert.deepEqual(Object.keys(p.fake.stacks()), ["dev"]);
        assert.equal(fs.existsSync(path.join(p.dir, "Pulumi.qa.yaml")), false);
        // A plain preview of the same name does create it (as up does).
        assert.equal(await p.run("preview", "-s", "qa"), EXIT.ok, p.err.join(""));
        assert.deepEqual(Object.keys(p.fake.stacks()), ["dev", "qa"]);
    });

    it("outputs of an unknown stack exits 8", async () => {
        const p = project({ dev: DEV }, { dev: DEV_FILE });
        assert.equal(await p.run("outputs", "-s", "qa"), EXIT.stackNotFound);
        assert.deepEqual(Object.keys(p.fake.stacks()), ["dev"]);
    });

    it("an override holds for the run only: it goes into a config file of the run's, never into the stack file", async () => {
        const p = project({ dev: DEV }, { dev: DEV_FILE });
        assert.equal(await p.run("up", "-s", "dev", "-c", "flux.namespace=flux"), EXIT.ok, p.err.join(""));
        const calls = p.fake.calls();
        const set = calls.find((c) => c.argv[0] === "config")!;
        const up = calls.find((c) => c.argv[0] === "up")!;
        const file = up.argv[up.argv.indexOf("--config-file") + 1];
        assert.equal(set.argv[set.argv.indexOf("--config-file") + 1], file, "the override went where the run reads");
        assert.notEqual(path.dirname(file), p.dir, "outside the project");
        assert.equal(up.stackFile, `${DEV_FILE}  fluxstack:flux.namespace: flux\n`, "the run saw the override");
        assert.equal(fs.readFileSync(path.join(p.dir, "Pulumi.dev.yaml"), "utf8"), DEV_FILE, "never written");
        assert.equal(fs.existsSync(file), false, "the run's config file is removed with the run");
    });

    it("a new stack keeps the encryption salt it was created with, and its overrides stay out of it", async () => {
        const p = project({});
        assert.equal(await p.run("up", "-s", "qa", "-c", "flux.namespace=flux"), EXIT.ok, p.err.join(""));
        const up = p.fake.calls().find((c) => c.argv[0] === "up")!;
        assert.equal(up.stackFile, "encryptionsalt: v1:fake-salt\nconfig:\n  fluxstack:flux.namespace: flux\n");
        assert.equal(fs.readFileSync(path.join(p.dir, "Pulumi.qa.yaml"), "utf8"), "encryptionsalt: v1:fake-salt\n");
    });

    it("status exits 4, naming kubectl, when there is no kubectl", async () => {
        const p = project(
            {
                dev: {
                    outputs: {
                        ...DEV.outputs,
                        fluxNamespace: { value: "flux-system" },
                        tenants: { value: { "fluxdemo-dev": { namespace: "fluxdemo-dev", syncs: ["flux-dev"] } } },
                    },
                },
            },
            { dev: DEV_FILE },
        );
        const code = await main(
            ["status", "-s", "dev"],
            { ...p.env, KUBECTL: path.join(root, "no-kubectl") },
            {
                out: (t) => p.out.push(t),
                err: (t) => p.err.push(t),
            },
            p.dir,
        );
        assert.equal(code, EXIT.prerequisites, p.err.join(""));
        assert.match(p.err.join(""), /^error: status needs kubectl on PATH \(or KUBECTL\)/);
        assert.equal(p.out.join(""), "", "nothing printed, the kubeconfig least of all");
    });
});
