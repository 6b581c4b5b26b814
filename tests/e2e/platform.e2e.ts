// The dev stack through the real Pulumi CLI, Kubernetes provider and charts, against a real API server.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as yaml from "js-yaml";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { main } from "../../driver/cli";
import { deploy, destroy, EXIT, openStack, preview } from "../../driver";
import type { Cluster as ControlPlane } from "./cluster";
import { getJson, helmReleases, mayServiceAccount } from "./fluxApi";
import { waitReady } from "./gitops";
import { type Harness, OFFLINE_FLUX, startHarness } from "./harness";
import type { E2eWorkspace } from "./workspace";

const TENANTS = {
    dev: { namespace: "fluxdemo-dev", name: "fluxdemo-dev" },
    stage: { namespace: "fluxdemo-stage", name: "fluxdemo-stage" },
};
const stageSync = (gitUrl: string) => ({
    name: "flux-stage-prod",
    tenant: "fluxdemo-stage",
    path: "./stage",
    interval: "20m0s",
    source: { kind: "GitRepository", url: `${gitUrl}/flux-stage-prod`, ref: { branch: "main" }, interval: "1m0s" },
});

describe("e2e: the dev stack on a real API server", () => {
    let harness: Harness;
    let cp: ControlPlane;
    let ws: E2eWorkspace;
    let run: Harness["run"];

    before(async () => {
        // The dev stack as it is, but for where its cluster, its charts and its repository are.
        harness = await startHarness("dev", (lab) => ({
            "fluxstack:cluster.kubeconfig": lab.kubeconfigPath,
            "fluxstack:syncs[0].source.url": `${lab.gitUrl}/flux-dev`,
            ...OFFLINE_FLUX,
        }));
        ({ cp, ws, run } = harness);
    });

    after(() => harness?.stop());

    it("1. up creates the releases, the FluxInstance, and the tenant's objects as specified", async () => {
        const events: EngineEvent[] = [];
        const { summary } = await deploy(run({ onEvent: (e) => events.push(e) }));
        assert.equal(summary.failed, 0);
        const creates = events.filter((e) => e.resourcePreEvent?.metadata.op === "create");
        assert.equal(summary.operations.create, creates.length);
        const created = creates
            // The engine's own provider for the StackReference the program reads its last outputs with.
            .filter((e) => e.resourcePreEvent!.metadata.type !== "pulumi:providers:pulumi")
            .map((e) => e.resourcePreEvent!.metadata.urn.split("::").pop())
            .sort();
        const sync = "sync-fluxdemo-dev/flux-dev";
        const tenant = "tenant-fluxdemo-dev";
        // The tenant's guardrails, all on by default: their component, a NetworkPolicy, a quota, a limit range, and
        // three admission policies with their bindings.
        const g = `${tenant}-guardrails`;
        assert.deepEqual(created, [
            "cluster",
            "cluster-provider",
            "flux",
            "flux-instance",
            "flux-namespace",
            "flux-operator",
            "flux-probe-policy",
            "fluxstack-dev",
            "fluxstack-tenant-guard",
            sync,
            `${sync}-kustomization`,
            `${sync}-source`,
            tenant,
            g,
            `${g}-isolation`,
            `${g}-limits`,
            `${g}-lockdown`,
            `${g}-lockdown-binding`,
            `${g}-pod-security`,
            `${g}-pod-security-binding`,
            `${g}-quota`,
            `${g}-sources`,
            `${g}-sources-binding`,
            `${tenant}-namespace`,
            `${tenant}-role-binding`,
            `${tenant}-service-account`,
        ]);
        assert.deepEqual(helmReleases(cp, "flux-system"), { "flux-operator": "deployed", flux: "deployed" });
        const instance = getJson(cp, ["fluxinstance", "flux", "-n", "flux-system"]);
        assert.deepEqual([instance.spec.cluster.type, instance.spec.cluster.multitenant], ["kubernetes", true]);
        assert.equal(
            instance.spec.distribution.artifact,
            undefined,
            "empty artifact: the operator's embedded manifests",
        );
        assert.ok(getJson(cp, ["networkpolicy", "allow-health-checks", "-n", "flux-system"]));

        const ns = TENANTS.dev.namespace;
        assert.deepEqual(getJson(cp, ["namespace", ns]).metadata.labels["toolkit.fluxcd.io/tenant"], "fluxdemo-dev");
        assert.ok(getJson(cp, ["serviceaccount", "fluxdemo-dev", "-n", ns]));
        const binding = getJson(cp, ["rolebinding", "fluxdemo-dev-reconciler", "-n", ns]);
        assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" });
        assert.deepEqual(getJson(cp, ["gitrepository", "flux-dev", "-n", ns]).spec, {
            interval: "1m0s",
            ref: { branch: "main" },
            url: `${harness.lab.gitUrl}/flux-dev`,
            timeout: "60s",
        });
        const k = getJson(cp, ["kustomization", "flux-dev", "-n", ns]).spec;
        assert.deepEqual(
            [k.path, k.prune, k.interval, k.serviceAccountName, k.sourceRef],
            ["./dev", true, "30m0s", "fluxdemo-dev", { kind: "GitRepository", name: "flux-dev" }],
        );
    });

    it("1b. status reads the cluster through the stack's kubeconfig: the instance and the sync Ready", async () => {
        await waitReady(cp, "Kustomization", "fluxdemo-dev", "flux-dev", 60);
        const io = quietIo();
        const code = await main(["status", "--stack", "dev", "--json"], process.env, io, ws.projectDir);
        assert.equal(code, EXIT.ok, io.text());
        const rows = io
            .text()
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l));
        assert.deepEqual(
            rows.map((r) => [r.kind, r.namespace, r.name, r.ready]),
            [
                ["FluxInstance", "flux-system", "flux", "True"],
                ["GitRepository", "fluxdemo-dev", "flux-dev", "True"],
                ["Kustomization", "fluxdemo-dev", "flux-dev", "True"],
            ],
        );
    });

    it("2. isolation: the tenant's account may deploy in its namespace only, and nothing cluster-wide", () => {
        const sa = { namespace: TENANTS.dev.namespace, name: TENANTS.dev.name };
        for (const [group, resource] of [
            ["apps", "deployments"],
            ["", "services"],
        ]) {
            assert.equal(
                mayServiceAccount(cp, sa, { verb: "create", group, resource, namespace: "fluxdemo-dev" }),
                true,
                `${resource} in its namespace`,
            );
            assert.equal(
                mayServiceAccount(cp, sa, { verb: "create", group, resource, namespace: "default" }),
                false,
                `${resource} elsewhere`,
            );
        }
        assert.equal(mayServiceAccount(cp, sa, { verb: "create", group: "", resource: "namespaces" }), false);
        assert.equal(
            mayServiceAccount(cp, sa, {
                verb: "create",
                group: "rbac.authorization.k8s.io",
                resource: "clusterrolebindings",
            }),
            false,
        );
        assert.equal(
            mayServiceAccount(cp, sa, {
                verb: "create",
                group: "rbac.authorization.k8s.io",
                resource: "rolebindings",
                namespace: "fluxdemo-dev",
            }),
            false,
            "edit cannot widen its own rights",
        );
    });

    it("3. a second up, and a preview, change nothing", async () => {
        const { summary } = await deploy(run());
        assert.equal(summary.changes, 0, JSON.stringify(summary.operations));
        await preview(run({ expectNoChanges: true }));
        const io = quietIo();
        assert.equal(
            await main(
                ["preview", "--stack", "dev", "--expect-no-changes", ...overrideFlags(harness)],
                process.env,
                io,
                ws.projectDir,
            ),
            EXIT.ok,
            io.text(),
        );
    });

    it("4. drift: a RoleBinding deleted out of band comes back with up --refresh", async () => {
        cp.kubectl(["delete", "rolebinding", "fluxdemo-dev-reconciler", "-n", "fluxdemo-dev"]);
        await assert.rejects(preview(run({ refresh: true, expectNoChanges: true })), { name: "DriverError" });
        const { summary } = await deploy(run({ refresh: true }));
        assert.equal(summary.operations.create, 1);
        assert.ok(getJson(cp, ["rolebinding", "fluxdemo-dev-reconciler", "-n", "fluxdemo-dev"]));
    });

    it("5. removing a tenant: refused unless confirmed (protected on a kept cluster); then exactly its objects go, syncs first", async () => {
        const config = {
            "fluxstack:tenants[1].name": "fluxdemo-stage",
            ...Object.fromEntries(flatten("fluxstack:syncs[1]", stageSync(harness.lab.gitUrl))),
        };
        // Overrides last one run: the next run, without them, has the dev tenant only.
        await deploy(run({ config: { ...run().config, ...config } }));
        assert.ok(getJson(cp, ["kustomization", "flux-stage-prod", "-n", "fluxdemo-stage"]));

        // On a cluster the stack keeps, a tenant is protected: taking it out of the config alone changes nothing.
        const io = quietIo();
        assert.equal(
            await main(["up", "--stack", "dev", ...overrideFlags(harness)], process.env, io, ws.projectDir, false),
            EXIT.badConfig,
            io.text(),
        );
        assert.match(
            io.text(),
            /fluxstack:tenants: this change deletes the protected tenant fluxdemo-stage: its namespace and everything in it/,
        );
        assert.ok(getJson(cp, ["kustomization", "flux-stage-prod", "-n", "fluxdemo-stage"]), "nothing was deleted");
        const gate = quietIo();
        assert.equal(
            await main(
                ["preview", "--stack", "dev", "--expect-no-changes", ...overrideFlags(harness)],
                process.env,
                gate,
                ws.projectDir,
                false,
            ),
            EXIT.badConfig,
            "the drift gate says so plainly",
        );
        assert.match(gate.text(), /deletes the protected tenant fluxdemo-stage/);

        // With the deletion confirmed in the same change, the tenant goes, in the order the program keeps.
        const events: EngineEvent[] = [];
        const { summary } = await deploy(
            run({
                config: { ...run().config, "fluxstack:confirmTenantDeletion[0]": "fluxdemo-stage" },
                onEvent: (e) => events.push(e),
            }),
        );
        const deleted = events
            .filter(
                (e) =>
                    e.resourcePreEvent?.metadata.op === "delete" &&
                    e.resourcePreEvent.metadata.type.startsWith("kubernetes:"),
            )
            .map((e) => e.resourcePreEvent!.metadata.urn.split("::").pop());
        const p = "sync-fluxdemo-stage/flux-stage-prod";
        const t = "tenant-fluxdemo-stage";
        const g = `${t}-guardrails`;
        const guardrails = ["isolation", "quota", "limits", "lockdown", "pod-security", "sources"].flatMap((c) =>
            ["isolation", "quota", "limits"].includes(c) ? [`${g}-${c}`] : [`${g}-${c}`, `${g}-${c}-binding`],
        );
        assert.deepEqual(
            [...deleted].sort(),
            [
                `${p}-kustomization`,
                `${p}-source`,
                `${t}-namespace`,
                `${t}-role-binding`,
                `${t}-service-account`,
                ...guardrails,
            ].sort(),
        );
        // Reverse of creation: each object goes before what it depends on.
        for (const [first, then] of [
            [`${p}-kustomization`, `${p}-source`],
            [`${p}-kustomization`, `${t}-role-binding`],
            [`${t}-role-binding`, `${t}-service-account`],
            [`${t}-service-account`, `${t}-namespace`],
            [`${p}-source`, `${t}-namespace`],
            // The guardrails go with the tenant: after its syncs and its binding, before its namespace.
            ...guardrails.flatMap((x) => [
                [`${p}-kustomization`, x],
                [`${t}-role-binding`, x],
                [x, `${t}-namespace`],
            ]),
        ]) {
            assert.ok(
                deleted.indexOf(first) < deleted.indexOf(then),
                `${first} is deleted before ${then}: ${deleted.join(", ")}`,
            );
        }
        // Plus the three components (FluxSync, Tenant and TenantGuardrails), and the guard's list of protected
        // tenants, updated.
        assert.deepEqual(summary.operations.update, 1, "the guard");
        assert.equal(summary.changes, deleted.length + 3 + 1);
        assert.equal(getJson(cp, ["namespace", "fluxdemo-stage"]), undefined);
        assert.ok(getJson(cp, ["kustomization", "flux-dev", "-n", "fluxdemo-dev"]), "the other tenant stays");
    });

    it("6. bad config is rejected before anything is created (real CLI, exit 3)", async () => {
        const { stack } = await openStack({ stack: "dev", projectDir: ws.projectDir, env: process.env, create: false });
        const resources = async () =>
            ((await stack.exportStack()).deployment.resources ?? []).map((r: { urn: string }) => r.urn);
        const before = await resources();
        const io = quietIo();
        const code = await main(
            ["up", "--stack", "dev", ...overrideFlags(harness), "-c", "fluxstack:syncs[0].tenant=nobody"],
            process.env,
            io,
            ws.projectDir,
        );
        assert.equal(code, EXIT.badConfig, io.text());
        assert.match(io.text(), /fluxstack:syncs\[0\]\.tenant: unknown tenant "nobody" \(tenants: fluxdemo-dev\)/);
        assert.deepEqual(await resources(), before, "nothing was created, changed or deleted");
        assert.doesNotMatch(
            fs.readFileSync(path.join(ws.projectDir, "Pulumi.dev.yaml"), "utf8"),
            /nobody/,
            "the override did not stay",
        );

        // The plain CLI, as a newcomer runs it: the message and the keys, no stack trace, no object dump.
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "e2e-bad-")), "Pulumi.dev.yaml");
        fs.writeFileSync(
            file,
            yaml.dump({
                config: {
                    "fluxstack:cluster": { source: "existing", kubeconfig: "/nonexistent/kubeconfig" },
                    "fluxstack:tenants": [{ name: "fluxdemo-dev", namespace: "kube-system" }],
                },
            }),
        );
        const plain = spawnSync("pulumi", ["preview", "--stack", "dev", "--config-file", file, "--non-interactive"], {
            cwd: ws.projectDir,
            env: process.env,
            encoding: "utf8",
        });
        const out = `${plain.stdout}${plain.stderr}`;
        assert.notEqual(plain.status, 0);
        assert.match(
            out,
            /Invalid stack config \(1 problem\):\n\s+- fluxstack:tenants\[0\]\.namespace: namespace "kube-system" is reserved/,
        );
        assert.match(
            out,
            /Missing prerequisites \(1 problem\):\n\s+- fluxstack:cluster\.kubeconfig: no kubeconfig at \/nonexistent\/kubeconfig/,
        );
        assert.doesNotMatch(out, /unhandled exception|\n\s+at [\w.<]+ \(|problems: \[/, out);
        assert.equal(out.includes("\u001b["), false, "no colour codes");
    });

    it("7. destroy asks for the confirmation where tenants are protected; then it leaves no tenant namespace and no Helm release", async () => {
        const refused = await destroy(run()).then(
            () => assert.fail("destroy went ahead over a protected tenant"),
            (e: Error & { code?: number }) => e,
        );
        assert.equal(refused.code, EXIT.badConfig, refused.message);
        assert.match(
            refused.message,
            /destroy would delete protected tenants .*confirmTenantDeletion: \["\*"\].*Nothing was deleted/s,
        );
        assert.ok(getJson(cp, ["namespace", "fluxdemo-dev"]), "the tenant is still there");

        await deploy(run({ config: { ...run().config, "fluxstack:confirmTenantDeletion[0]": "*" } }));
        const { summary } = await destroy(run());
        assert.equal(summary.failed, 0);
        const namespaces = JSON.parse(cp.kubectl(["get", "namespaces", "-o", "json"])).items.map(
            (n: any) => `${n.metadata.name}:${n.status.phase}`,
        );
        assert.deepEqual(
            namespaces.filter((n: string) => n.startsWith("fluxdemo-") || n.startsWith("flux-system")),
            [],
        );
        assert.deepEqual(helmReleases(cp, "flux-system"), {});
    });
});

/** The harness's config overrides as the driver's `-c KEY=VALUE` flags. */
function overrideFlags(harness: Harness): string[] {
    return Object.entries(harness.run().config ?? {}).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
}

function quietIo() {
    const chunks: string[] = [];
    return { out: (t: string) => chunks.push(t), err: (t: string) => chunks.push(t), text: () => chunks.join("") };
}

/** {a: {b: 1}} -> [["prefix.a.b", "1"]]: config paths for the driver's overrides. */
function flatten(prefix: string, value: unknown): [string, string][] {
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => flatten(`${prefix}.${k}`, v));
    }
    return [[prefix, String(value)]];
}
