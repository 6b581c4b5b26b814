// The unhappy paths a platform run from CI meets: a cancelled job kills `up` in the middle, the driver is
// interrupted, the Flux controllers are down when someone tears down, the API server goes away mid-run.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { deploy, destroy, EXIT, openStack, preview } from "../../driver";
import { main } from "../../driver/cli";
import type { Cluster } from "./cluster";
import { helmReleases } from "./fluxApi";
import { type Harness, OFFLINE_FLUX, startHarness } from "./harness";
import { eventually, waitReady } from "./gitops";
import { markedProcesses, runAndInterrupt } from "./killer";

const OWNER = "fluxstack.dev/owner";

/** `<name>` of every resource in the stack's state, sorted: what a run left the stack knowing. */
async function stateNames(h: Harness): Promise<string[]> {
    const { stack } = await openStack({ stack: "dev", projectDir: h.ws.projectDir, env: process.env, create: false });
    const deployment = (await stack.exportStack()).deployment as {
        resources?: { urn: string }[];
        pending_operations?: unknown[];
    };
    assert.deepEqual(deployment.pending_operations ?? [], [], "no pending operation left in the state");
    return (deployment.resources ?? []).map((r) => r.urn.split("::").pop()!).sort();
}

/** The Kubernetes objects the state holds (Helm releases aside), as `kind namespace/name`. */
async function stateObjects(h: Harness): Promise<string[]> {
    const { stack } = await openStack({ stack: "dev", projectDir: h.ws.projectDir, env: process.env, create: false });
    const resources = ((await stack.exportStack()).deployment.resources ?? []) as {
        type: string;
        outputs?: { kind?: string; metadata?: { name?: string; namespace?: string } };
    }[];
    return resources
        .filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/") && r.outputs?.kind)
        .map((r) => `${r.outputs!.kind} ${r.outputs!.metadata?.namespace ?? ""}/${r.outputs!.metadata?.name}`)
        .sort();
}

/** The objects in the cluster that carry this stack's owner annotation, as `kind namespace/name`. */
function markedObjects(cp: Cluster): string[] {
    const kinds = [
        "namespaces",
        "serviceaccounts",
        "rolebindings.rbac.authorization.k8s.io",
        "networkpolicies.networking.k8s.io",
        "secrets",
        "configmaps",
        // The tenant's guardrails: its quota and limit range, and the cluster-wide admission policies bound to it.
        "resourcequotas",
        "limitranges",
        "validatingadmissionpolicies.admissionregistration.k8s.io",
        "validatingadmissionpolicybindings.admissionregistration.k8s.io",
        "gitrepositories.source.toolkit.fluxcd.io",
        "ocirepositories.source.toolkit.fluxcd.io",
        "kustomizations.kustomize.toolkit.fluxcd.io",
    ];
    return kinds
        .flatMap((k) => {
            let items: any[] = [];
            try {
                items = JSON.parse(cp.kubectl(["get", k, "-A", "-o", "json"])).items;
            } catch {
                // a kind whose CRD is not installed (yet): nothing of it
            }
            return items
                .filter((o) => o.metadata.annotations?.[OWNER] === "fluxstack/dev" && !o.metadata.deletionTimestamp)
                .map((o) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`);
        })
        .sort();
}

/** Every Pulumi process (the CLI, a plugin, the program) working in `dir`, in any session, zombies aside. */
function pulumiProcessesIn(dir: string): number[] {
    return fs
        .readdirSync("/proc")
        .filter((e) => /^\d+$/.test(e))
        .map(Number)
        .filter((pid) => {
            try {
                const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
                return (
                    (path.basename(fs.readlinkSync(`/proc/${pid}/exe`)).startsWith("pulumi") ||
                        fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("@pulumi/pulumi/cmd/run")) &&
                    fs.readlinkSync(`/proc/${pid}/cwd`) === dir &&
                    stat[stat.lastIndexOf(")") + 2] !== "Z"
                );
            } catch {
                return false;
            }
        });
}

/** The Flux pods the lab runs as processes right now. */
function labPods(h: Harness): Record<string, unknown> {
    return (
        JSON.parse(fs.readFileSync(path.join(h.lab.dir, "state.json"), "utf8")) as { pods: Record<string, unknown> }
    ).pods;
}

const createOf = (name: string) => (e: EngineEvent) =>
    e.resourcePreEvent?.metadata.op === "create" && e.resourcePreEvent.metadata.urn.endsWith(`::${name}`);

describe("e2e: faults — interrupted runs, dead controllers, a lost API server", () => {
    let h: Harness;
    let cp: Cluster;
    let reference: string[];
    const figures: string[] = [];
    const overrides = (lab: Harness["lab"]) => ({
        "fluxstack:cluster.kubeconfig": lab.kubeconfigPath,
        "fluxstack:syncs[0].source.url": `${lab.gitUrl}/flux-dev`,
        // A throwaway lab: the tenant is not protected (protection is tested in platform.e2e.ts).
        "fluxstack:tenants[0].protect": "false",
        ...OFFLINE_FLUX,
    });
    const flags = () => Object.entries(h.run().config ?? {}).flatMap(([k, v]) => ["-c", `${k}=${v}`]);

    before(async () => {
        h = await startHarness("dev", overrides);
        cp = h.cp;
        // An uninterrupted run: what every interrupted one must converge to.
        const { summary } = await deploy(h.run());
        assert.equal(summary.failed, 0, summary.errors.join("\n"));
        reference = await stateNames(h);
        assert.deepEqual(markedObjects(cp), await stateObjects(h));
        await destroy(h.run());
    });

    after(async () => {
        if (figures.length > 0) process.stdout.write(`\n# figures\n${figures.map((f) => `#   ${f}`).join("\n")}\n`);
        await h?.stop();
    });

    it("1. a killed run is taken over by the next: no manual step, the same objects and state as an uninterrupted run", async () => {
        const points: {
            title: string;
            when: (e: EngineEvent) => boolean;
            target: "cli" | "driver";
            signal: NodeJS.Signals;
            delayMs?: number;
        }[] = [
            {
                title: "CLI killed while creating the Flux namespace",
                when: createOf("flux-namespace"),
                target: "cli",
                signal: "SIGKILL",
            },
            {
                title: "CLI killed while the flux-operator Helm release installs",
                when: createOf("flux-operator"),
                target: "cli",
                signal: "SIGKILL",
                delayMs: 2_500,
            },
            {
                title: "CLI killed while creating a tenant's ServiceAccount",
                when: createOf("tenant-fluxdemo-dev-service-account"),
                target: "cli",
                signal: "SIGKILL",
            },
            {
                title: "driver interrupted (SIGTERM, as a CI runner cancels) while the instance installs",
                when: createOf("flux-instance"),
                target: "driver",
                signal: "SIGTERM",
                delayMs: 1_000,
            },
        ];
        let converged = 0;
        for (const p of points) {
            const t0 = Date.now();
            const killed = await runAndInterrupt({
                projectDir: h.ws.projectDir,
                args: ["up", "--stack", "dev", ...flags()],
                env: process.env,
                when: p.when,
                target: p.target,
                signal: p.signal,
                delayMs: p.delayMs,
            });
            assert.notEqual(killed.exitCode, 0, `${p.title}: the run did not finish`);
            if (p.target === "driver") {
                assert.equal(killed.exitCode, EXIT.interrupted, killed.output);
                assert.match(killed.output, /SIGTERM: stopping after the step in flight/);
            }
            assert.deepEqual(markedProcesses(), [], `${p.title}: nothing of the run is left running`);

            const notices: string[] = [];
            const next = await deploy(h.run({ onNotice: (l) => notices.push(l) }));
            assert.equal(next.summary.failed, 0, `${p.title}: ${next.summary.errors.join("\n")}`);
            if (p.target === "cli") {
                assert.ok(
                    notices.some((n) => /^cleared the stack's lock of \S+ \(pid \d+\).*: that run is gone$/.test(n)),
                    notices.join("\n"),
                );
            }
            assert.deepEqual(await stateNames(h), reference, `${p.title}: the state is an uninterrupted run's`);
            assert.deepEqual(
                markedObjects(cp),
                await stateObjects(h),
                `${p.title}: every marked object is in the state, and only those`,
            );
            assert.deepEqual(
                helmReleases(cp, "flux-system"),
                { "flux-operator": "deployed", flux: "deployed" },
                `${p.title}: no release pending`,
            );
            await preview(h.run({ expectNoChanges: true }));
            converged++;
            figures.push(
                `${p.title} (at ${killed.at}): taken over and converged in ${Date.now() - t0} ms, notices: ${notices.join(" | ")}`,
            );
            await destroy(h.run());
        }
        figures.push(`killed ${points.length} times, converged ${converged} times`);
        process.stdout.write(`# killed ${points.length} times, converged ${converged} times\n`);
        assert.equal(converged, points.length);
    });

    it("1b. a cancelled job (driver, CLI and plugins killed as a group): no override outlives it, no plugin either", async () => {
        const file = path.join(h.ws.projectDir, "Pulumi.dev.yaml");
        const before = fs.readFileSync(file, "utf8");
        await runAndInterrupt({
            projectDir: h.ws.projectDir,
            args: ["up", "--stack", "dev", ...flags(), "-c", "fluxstack:flux.operator.timeoutSeconds=601"],
            env: process.env,
            when: createOf("flux-namespace"),
            target: "group",
            signal: "SIGKILL",
        });
        assert.equal(fs.readFileSync(file, "utf8"), before);
        // The CLI starts its plugins in process groups of their own: the group's kill leaves them running.
        const left = pulumiProcessesIn(h.ws.projectDir);
        figures.push(`a cancelled job left ${left.length} Pulumi process(es) running`);
        // The next run clears the lock, takes over, and stops them by PID.
        const notices: string[] = [];
        const next = await deploy(h.run({ onNotice: (l) => notices.push(l) }));
        assert.equal(next.summary.failed, 0, next.summary.errors.join("\n"));
        assert.deepEqual(await stateNames(h), reference);
        assert.deepEqual(pulumiProcessesIn(h.ws.projectDir), [], "no Pulumi process of any run is left");
        if (left.length > 0) assert.ok(notices.some((n) => n.includes("an earlier run that is gone left behind")));
    });

    it("1c. objects a killed run made but never recorded are taken over: the guardrails' admission policies too", async () => {
        // What a run killed between the API server's answer and its state write leaves: objects in the cluster the
        // state does not hold. The engine then creates them again; the policies' matchConstraints, stored whole
        // with the API server's defaults, conflicted with the killed run's field manager even on the same spec.
        const { stack } = await openStack({
            stack: "dev",
            projectDir: h.ws.projectDir,
            env: process.env,
            create: false,
        });
        const resources = ((await stack.exportStack()).deployment.resources ?? []) as { urn: string }[];
        const forgotten = resources
            .map((r) => r.urn)
            .filter((u) => /:ValidatingAdmissionPolicy::|:ServiceAccount::|:LimitRange::/.test(u));
        assert.ok(
            forgotten.some((u) => u.includes(":ValidatingAdmissionPolicy::")),
            "the dev stack has guardrail policies",
        );
        for (const urn of forgotten) {
            // With --target-dependents the policy's binding goes too; what is already gone is skipped.
            if (!(await stateNames(h)).includes(urn.split("::").pop()!)) continue;
            execFileSync("pulumi", ["state", "delete", urn, "--yes", "--stack", "dev", "--target-dependents"], {
                cwd: h.ws.projectDir,
                env: process.env,
                stdio: "pipe",
            });
        }
        assert.notDeepEqual(await stateNames(h), reference, "the state forgot them");
        const next = await deploy(h.run());
        assert.equal(next.summary.failed, 0, next.summary.errors.join("\n"));
        assert.deepEqual(await stateNames(h), reference);
        assert.deepEqual(markedObjects(cp), await stateObjects(h));
    });

    it("2. with the Flux controllers down, destroy ends in bounded time naming what is stuck; --strip-flux-finalizers finishes it", async () => {
        const bounded = { ...h.run().config, "fluxstack:flux.deleteTimeoutSeconds": "40" };
        const up = await deploy(h.run({ config: bounded }));
        assert.equal(up.summary.failed, 0, up.summary.errors.join("\n"));
        await waitReady(cp, "Kustomization", "fluxdemo-dev", "flux-dev", 90);
        // The operator first (it would put the controllers back), then the controllers: as scaled to zero.
        for (const d of ["flux-operator", "kustomize-controller", "source-controller"]) {
            cp.kubectl(["scale", "deployment", d, "-n", "flux-system", "--replicas=0"]);
        }
        await eventually("no Flux process left", () => Object.keys(labPods(h)).length === 0, 60);

        const t0 = Date.now();
        const failed = await destroy(h.run({ config: bounded })).then(
            () => assert.fail("destroy finished although Flux's finalizers cannot be removed"),
            (e: Error) => e,
        );
        const took = Date.now() - t0;
        figures.push(`destroy with the controllers down: failed clearly after ${took} ms (delete timeout 40 s)`);
        assert.ok(took < 150_000, `bounded: ${took} ms`);
        assert.match(
            failed.message,
            /Kustomization fluxdemo-dev\/flux-dev is stuck deleting: its finalizer finalizers\.fluxcd\.io is removed by kustomize-controller, which is not running/,
        );
        assert.match(failed.message, /--strip-flux-finalizers/);

        const notices: string[] = [];
        const t1 = Date.now();
        const done = await destroy(
            h.run({ config: bounded, stripFluxFinalizers: true, onNotice: (l) => notices.push(l) }),
        );
        figures.push(`destroy --strip-flux-finalizers with the controllers down: ${Date.now() - t1} ms`);
        assert.equal(done.summary.failed, 0, done.summary.errors.join("\n"));
        assert.ok(
            notices.some((n) => /FluxInstance flux-system\/flux will not uninstall the Flux controllers/.test(n)),
            notices.join("\n"),
        );
        const namespaces = JSON.parse(cp.kubectl(["get", "namespaces", "-o", "json"])).items.map(
            (n: any) => n.metadata.name,
        );
        assert.deepEqual(
            namespaces.filter((n: string) => n === "fluxdemo-dev" || n === "flux-system"),
            [],
            "nothing left",
        );
        assert.deepEqual(await stateNames(h), [], "the stack is empty");
    });

    it("3. the API server lost mid-up: one clear error naming the cluster and the step (exit 9), then the next up converges", async () => {
        const state = JSON.parse(fs.readFileSync(path.join(h.lab.dir, "state.json"), "utf8"));
        const apiserver = state.processes["kube-apiserver"].pid as number;
        const io = {
            chunks: [] as string[],
            out: (t: string) => io.chunks.push(t),
            err: (t: string) => io.chunks.push(t),
        };
        let stopped = false;
        const watch = (t: string) => {
            io.chunks.push(t);
            if (
                !stopped &&
                /"op":"create".*tenant-fluxdemo-dev-namespace|tenant-fluxdemo-dev-namespace.*"op":"create"/.test(t)
            ) {
                stopped = true;
                // The daemon frozen (it would restart the API server), the API server gone: the cluster does not answer.
                process.kill(state.daemonPid, "SIGSTOP");
                process.kill(apiserver, "SIGKILL");
            }
        };
        const t0 = Date.now();
        let code: number;
        try {
            code = await main(
                ["up", "--stack", "dev", "--json", ...flags()],
                process.env,
                { out: watch, err: watch },
                h.ws.projectDir,
                false,
            );
        } finally {
            process.kill(state.daemonPid, "SIGCONT");
        }
        const text = io.chunks.join("");
        figures.push(`up with the API server gone mid-run: exit ${code} after ${Date.now() - t0} ms`);
        assert.ok(stopped, "the API server was stopped mid-run");
        assert.equal(code, EXIT.clusterUnreachable, text.slice(-3000));
        assert.match(
            text,
            new RegExp(`the cluster did not answer at https://127\\.0\\.0\\.1:${state.ports.apiServer}`),
        );
        assert.doesNotMatch(
            text
                .split("\n")
                .filter((l) => l.startsWith("error:"))
                .join("\n"),
            /\n\s+at /,
            "no stack trace",
        );

        await eventually(
            "the API server back",
            () => {
                try {
                    cp.kubectl(["get", "--raw", "/readyz"]);
                    return true;
                } catch {
                    return false;
                }
            },
            90,
        );
        const t1 = Date.now();
        const next = await deploy(h.run());
        figures.push(`the next up, API server back: converged in ${Date.now() - t1} ms`);
        assert.equal(next.summary.failed, 0, next.summary.errors.join("\n"));
        assert.deepEqual(await stateNames(h), reference);
        await preview(h.run({ expectNoChanges: true }));
    });
});
