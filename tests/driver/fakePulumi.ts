import * as fs from "node:fs";
import * as path from "node:path";

/** One stack of the stand-in backend: its outputs, and the engine events each operation emits. */
export interface FakeStack {
    outputs?: Record<string, { value: unknown; secret?: boolean }>;
    events?: Partial<Record<"preview" | "up" | "refresh" | "destroy", object[]>>;
}

/** A call the stand-in CLI received: its arguments, and the stack file as the operation saw it. */
export interface FakeCall {
    argv: string[];
    stackFile?: string;
}

/**
 * A stand-in `pulumi` CLI for the driver's tests, so that the driver and the Automation API run for real without
 * an engine. It answers the commands the Automation API sends (`version`, `stack select`, `stack init`, `config
 * set-all`, `stack output`, `preview`/`up`/`refresh`/`destroy`, `stack history`) from a JSON backend file and
 * records every call; anything else fails loudly. It sends the engine events as a CLI of 3.206 or later does, over
 * gRPC to the `--event-log tcp://…` address, and exits only once they are received (the older event-log file is
 * tailed every 200 ms and can lose the last events of a short command). `stack init` writes the stack file with an
 * encryption salt, as the real CLI does on a passphrase backend.
 */
export function installFakePulumi(
    dir: string,
    stacks: Record<string, FakeStack>,
): { dir: string; calls(): FakeCall[]; stacks(): Record<string, FakeStack> } {
    fs.mkdirSync(dir, { recursive: true });
    const backend = path.join(dir, "backend.json");
    const calls = path.join(dir, "calls.ndjson");
    fs.writeFileSync(backend, JSON.stringify(stacks));
    // The Automation API's own gRPC client code, so the stand-in speaks exactly what the API listens for.
    const proto = path.join(path.dirname(require.resolve("@pulumi/pulumi")), "proto");
    const grpc = require.resolve("@grpc/grpc-js", { paths: [proto] });
    fs.writeFileSync(
        path.join(dir, "pulumi"),
        `#!/usr/bin/env node
const fs = require("node:fs");
const backend = ${JSON.stringify(backend)};
const argv = process.argv.slice(2).filter((a) => a !== "--non-interactive");
const stacks = JSON.parse(fs.readFileSync(backend, "utf8"));
const flag = (name) => { const i = argv.indexOf(name); return i < 0 ? undefined : argv[i + 1]; };
const name = flag("--stack");
// \`--config-file\` names the stack's config for this command (the driver's overrides), else Pulumi.<stack>.yaml.
const stackFile = flag("--config-file") || (name && \`Pulumi.\${name}.yaml\`);
const record = (extra) => fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify({ argv, ...extra }) + "\\n");
const fail = (message) => { process.stderr.write(message + "\\n"); process.exit(255); };
const known = () => stacks[name] || fail(\`error: no stack named '\${name}' found\`);
const [verb, sub] = argv;
if (verb === "version") { process.stdout.write("v3.260.0\\n"); process.exit(0); }
if (["preview", "up", "refresh", "destroy"].includes(verb)) {
    record({ stackFile: fs.existsSync(stackFile) ? fs.readFileSync(stackFile, "utf8") : undefined });
    const events = [...(known().events?.[verb] ?? [])];
    // The engine always ends with a summary; without one the Automation API warns.
    const summary = { sequence: 1e6, timestamp: 0, summaryEvent: { resourceChanges: {} } };
    if (!events.some((e) => e.summaryEvent)) events.push(summary);
    process.stdout.write(\`fake pulumi: \${verb} \${name}\\n\`);
    const log = flag("--event-log");
    if (!log) process.exit(0);
    const grpc = require(${JSON.stringify(grpc)});
    const { EventsClient } = require(${JSON.stringify(path.join(proto, "events_grpc_pb.js"))});
    const { EventRequest } = require(${JSON.stringify(path.join(proto, "events_pb.js"))});
    const client = new EventsClient(log.replace(/^tcp:\\/\\//, ""), grpc.credentials.createInsecure());
    const call = client.streamEvents((error) => {
        if (error) process.stderr.write(\`fake pulumi: events: \${error.message}\\n\`);
        process.exit(error ? 1 : 0);
    });
    for (const event of events) call.write(new EventRequest().setEvent(JSON.stringify(event)));
    call.end();
    return;
}
record({});
if (verb === "stack" && sub === "select") { known(); process.exit(0); }
if (verb === "stack" && sub === "init") {
    const created = argv[2];
    if (stacks[created]) fail(\`error: stack '\${created}' already exists\`);
    stacks[created] = { outputs: {} };
    fs.writeFileSync(backend, JSON.stringify(stacks));
    fs.writeFileSync(\`Pulumi.\${created}.yaml\`, "encryptionsalt: v1:fake-salt\\n");
    process.exit(0);
}
if (verb === "config" && sub === "set-all") {
    known();
    const pairs = argv.flatMap((a, i) => (argv[i - 1] === "--plaintext" ? [a.split("=")] : []));
    let text = fs.existsSync(stackFile) ? fs.readFileSync(stackFile, "utf8") : "";
    if (!/^config:/m.test(text)) text += "config:\\n";
    fs.writeFileSync(stackFile, text + pairs.map(([k, ...v]) => \`  \${k}: \${v.join("=")}\\n\`).join(""));
    process.exit(0);
}
if (verb === "stack" && sub === "output") {
    const shown = argv.includes("--show-secrets");
    const outputs = Object.entries(known().outputs ?? {});
    const shownOutputs = outputs.map(([k, o]) => [k, o.secret && !shown ? "[secret]" : o.value]);
    process.stdout.write(JSON.stringify(Object.fromEntries(shownOutputs)));
    process.exit(0);
}
if (verb === "stack" && sub === "history") { process.stdout.write("[]"); process.exit(0); }
// What the driver reads before a run that changes the stack (an interrupted run's pending creates): none here.
if (verb === "stack" && sub === "export") { known(); process.stdout.write(JSON.stringify({ version: 3, deployment: {} })); process.exit(0); }
process.stderr.write(\`fake pulumi: unexpected: \${argv.join(" ")}\\n\`);
process.exit(2);
`,
        { mode: 0o755 },
    );
    return {
        dir,
        calls: () =>
            fs.existsSync(calls)
                ? fs
                      .readFileSync(calls, "utf8")
                      .trim()
                      .split("\n")
                      .map((l) => JSON.parse(l) as FakeCall)
                : [],
        stacks: () => JSON.parse(fs.readFileSync(backend, "utf8")) as Record<string, FakeStack>,
    };
}
