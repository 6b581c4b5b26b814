// The lab daemon: one detached process per lab that owns everything the lab runs (the control plane, the Git
// server, the OCI registry, the pod runner and the Flux processes it starts) and stops it all on SIGTERM.
// Started by lab.ts's startLab(); not meant to be run by hand.
import * as fs from "node:fs";
import type * as http from "node:http";
import * as path from "node:path";
import { adminKubeconfig, startControlPlane } from "./controlPlane";
import { createRepository, startGitServer } from "./gitServer";
import { writeLabStages } from "./kwokStages";
import { type LabPorts, type LabSpec, type LabState, labPaths, readJson, writeJson } from "./labDir";
import { pushArtifact } from "./ociArtifact";
import { startRegistryFront, writeRegistryConfig } from "./ociRegistry";
import { PodRunner } from "./podRunner";
import { freePort, portAnswers, waitUntil } from "./processes";
import { Supervisor } from "./supervisor";

async function main(dir: string): Promise<void> {
    const paths = labPaths(dir);
    const spec = readJson<LabSpec>(paths.spec);
    if (!spec) throw new Error(`no lab spec at ${paths.spec}`);
    fs.mkdirSync(paths.logs, { recursive: true });
    // Logging must never be what stops a shutdown (the directory may be gone).
    const log = (line: string) => {
        try {
            fs.appendFileSync(paths.daemonLog, `${new Date().toISOString()} ${line}\n`);
        } catch {
            process.stderr.write(`${line}\n`);
        }
    };
    const ports = await ensurePorts(paths.ports, spec);
    const state: LabState = {
        daemonPid: process.pid,
        startedAt: new Date().toISOString(),
        ready: false,
        ports,
        processes: {},
        pods: {},
    };
    const save = () => {
        try {
            writeJson(paths.state, state);
        } catch (e) {
            log(`cannot write ${paths.state}: ${(e as Error).message}`);
        }
    };
    const supervisor = new Supervisor(spec.bin, paths.logs, log, () => {
        state.processes = supervisor.processes();
        save();
    });
    const servers: http.Server[] = [];
    let runner: PodRunner | undefined;
    let stopping = false;
    const shutdown = async (code: number) => {
        if (stopping) return;
        stopping = true;
        log(`stopping (exit ${code})`);
        clearInterval(watchdog);
        await runner?.stop().catch((e: Error) => log(`stopping the Flux processes: ${e.message}`));
        for (const s of servers) s.close();
        await supervisor.stopAll().catch((e: Error) => log(`stopping the lab's processes: ${e.message}`));
        state.ready = false;
        state.pods = {};
        save();
        log("stopped");
        process.exit(code);
    };
    // A lab whose directory was deleted under it has nowhere to keep its data: stop rather than run on unowned.
    const watchdog = setInterval(() => {
        if (!fs.existsSync(paths.spec)) void shutdown(0);
    }, 2_000);
    for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(sig, () => void shutdown(0));
    save();
    log(`daemon PID ${process.pid} starting lab ${spec.name} in ${paths.dir}`);

    try {
        const stages = path.join(paths.dir, "stages.yaml");
        writeLabStages(path.join(spec.bin, "stages.yaml"), stages, spec.fluxNamespace);
        const api = await startControlPlane(paths, ports, spec.name, supervisor.launch, stages);
        fs.writeFileSync(paths.kubeconfig, adminKubeconfig(paths, ports, spec.name), { mode: 0o600 });
        log(`API server ready on 127.0.0.1:${ports.apiServer}`);

        supervisor.launch("registry", "registry", ["serve", writeRegistryConfig(paths.oci, ports.registryBackend)]);
        await waitUntil("the OCI registry", () => portAnswers(ports.registryBackend), 60);
        servers.push(await startRegistryFront(paths.oci, ports.registry, ports.registryBackend, log));
        servers.push(await startGitServer(paths.git, ports.git, log));
        await seed(paths, spec, ports, log);

        runner = new PodRunner({
            api,
            fluxNamespace: spec.fluxNamespace,
            bin: spec.bin,
            apiServer: `https://127.0.0.1:${ports.apiServer}`,
            caFile: paths.servingCert,
            podsDir: paths.pods,
            logsDir: paths.logs,
            versions: readJson<Record<string, string>>(path.join(spec.bin, "VERSIONS.json")) ?? {},
            log,
            onChange: (pods) => {
                state.pods = Object.fromEntries(pods.map((p) => [p.pod, p]));
                save();
            },
        });
        runner.start();
        state.ready = true;
        save();
        log("ready");
    } catch (e) {
        state.error = (e as Error).message;
        log(`failed: ${state.error}`);
        save();
        await shutdown(1);
    }
}

/** The lab's ports: pinned ones from the spec, the rest chosen free on the first start and kept after that. */
async function ensurePorts(file: string, spec: LabSpec): Promise<LabPorts> {
    const kept = readJson<LabPorts>(file);
    if (kept) return kept;
    const ports: LabPorts = {
        apiServer: spec.ports.apiServer ?? (await freePort()),
        git: spec.ports.git ?? (await freePort()),
        registry: spec.ports.registry ?? (await freePort()),
        etcd: await freePort(),
        etcdPeer: await freePort(),
        registryBackend: await freePort(),
    };
    writeJson(file, ports);
    return ports;
}

/** The lab's Git repositories and OCI artifacts, made on the first start only: a lab keeps what users push. */
async function seed(paths: ReturnType<typeof labPaths>, spec: LabSpec, ports: LabPorts, log: (l: string) => void) {
    for (const [name, from] of Object.entries(spec.repositories)) createRepository(paths.git, name, from);
    const done = path.join(paths.oci, "seeded.json");
    const seeded = readJson<string[]>(done) ?? [];
    for (const [ref, from] of Object.entries(spec.artifacts)) {
        if (seeded.includes(ref)) continue;
        const [repository, tag = "latest"] = ref.split(":");
        const digest = await pushArtifact({
            registry: `127.0.0.1:${ports.registry}`,
            repository,
            tag,
            dir: from,
            source: `file://${from}`,
            revision: "lab-seed",
        });
        log(`pushed ${ref} (${digest})`);
        seeded.push(ref);
        writeJson(done, seeded);
    }
}

const dir = process.argv[2];
if (!dir) {
    process.stderr.write("usage: daemon.ts <lab directory>\n");
    process.exit(2);
}
main(dir).catch((e: Error) => {
    process.stderr.write(`lab daemon: ${e.stack ?? e.message}\n`);
    process.exit(1);
});
