// Flux, driven by this program, really reconciles: the real Flux Operator, source-controller and
// kustomize-controller run as the lab's processes for the pods the charts and the FluxInstance ask for; the
// tenants' syncs pull from the lab's Git server and OCI registry. Each test fails when its claim is false.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { deploy, destroy, EXIT } from "../../driver";
import { main } from "../../driver/cli";
import type { LabState } from "../../lab/labDir";
import { pushArtifact } from "../../lab/ociArtifact";
import { commandLine, pidAlive } from "../../lab/processes";
import type { Cluster } from "./cluster";
import { getJson } from "./fluxApi";
import { eventually, KIND, nudge, Repo, serveRepository, waitNotReady, waitReady } from "./gitops";
import { type Harness, OCI_ARTIFACT_DIR, OCI_REPOSITORY, REFERENCE, startHarness, writeStackFile } from "./harness";

const STACK = "flux";
const TENANTS = ["fluxdemo-dev", "fluxdemo-stage", "fluxdemo-prod"];
const git = (url: string, ...more: Record<string, unknown>[]) => ({
    kind: "GitRepository",
    url,
    interval: "10s",
    ...Object.assign({}, ...more),
});

/** The kind stack's tenants and syncs (scenarios 1 and 2) plus the demo's OCI sync, on the lab's servers. */
function stackConfig(lab: Harness["lab"], extra: { syncs?: unknown[]; tenants?: string[] } = {}) {
    const tenants = extra.tenants ?? TENANTS;
    const syncs = [
        {
            name: "flux-dev",
            tenant: "fluxdemo-dev",
            source: git(`${lab.gitUrl}/flux-dev`),
            path: "./dev",
            interval: "30m0s",
        },
        {
            name: "flux-stage-prod",
            tenant: "fluxdemo-stage",
            source: git(`${lab.gitUrl}/flux-stage-prod`),
            path: "./stage",
            interval: "20m0s",
        },
        // prune: false on prod, to prove that the setting is honoured both ways.
        {
            name: "flux-stage-prod",
            tenant: "fluxdemo-prod",
            source: git(`${lab.gitUrl}/flux-stage-prod`),
            path: "./prod",
            interval: "20m0s",
            prune: false,
        },
        {
            name: "oci-dev",
            tenant: "fluxdemo-dev",
            source: {
                kind: "OCIRepository",
                name: "oci-demo-dev",
                url: `oci://${lab.registry}/${OCI_REPOSITORY}`,
                ref: { tag: "latest" },
                interval: "10s",
            },
            path: "./",
            interval: "1h",
        },
        ...(extra.syncs ?? []),
    ].filter((s) => tenants.includes((s as { tenant: string }).tenant));
    return {
        cluster: { source: "existing", kubeconfig: lab.kubeconfigPath },
        flux: {
            charts: { source: "local", directory: path.join(REFERENCE, "charts") },
            instance: { distribution: { artifact: "" }, components: ["source-controller", "kustomize-controller"] },
        },
        // A throwaway lab: its tenants are not protected (on an existing cluster they would be by default).
        tenants: tenants.map((name) => ({ name, protect: false })),
        syncs,
    };
}

function quietIo() {
    const chunks: string[] = [];
    return { out: (t: string) => chunks.push(t), err: (t: string) => chunks.push(t), text: () => chunks.join("") };
}

function deployment(cp: Cluster, ns: string, name: string) {
    return getJson(cp, ["deployment", name, "-n", ns]);
}

/** No Flux object anywhere, no tenant namespace (and so none of what Flux applied), no Helm release. */
function assertNothingLeft(cp: Cluster): void {
    for (const kind of ["GitRepository", "OCIRepository", "Kustomization", "FluxInstance"] as const) {
        let items: any[] = [];
        try {
            const list = cp.kubectl(["get", KIND[kind], "-A", "-o", "json"]).trim();
            items = list ? JSON.parse(list).items : [];
        } catch (e) {
            // The operator's uninstall removed the CRD too: then there is no object of that kind either.
            if (!/the server doesn't have a resource type/.test(String((e as { stderr?: string }).stderr))) throw e;
        }
        assert.deepEqual(
            items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`),
            [],
            `no ${kind} left`,
        );
    }
    const namespaces = JSON.parse(cp.kubectl(["get", "namespaces", "-o", "json"])).items.map(
        (n: any) => n.metadata.name,
    );
    assert.deepEqual(
        namespaces.filter((n: string) => n.startsWith("fluxdemo-")),
        [],
        "no tenant namespace left",
    );
    const releases = JSON.parse(cp.kubectl(["get", "secrets", "-A", "-l", "owner=helm", "-o", "json"])).items;
    assert.deepEqual(
        releases.map((r: any) => r.metadata.name),
        [],
        "no Helm release left",
    );
}

function labState(h: Harness): LabState {
    return JSON.parse(fs.readFileSync(path.join(h.lab.dir, "state.json"), "utf8"));
}

/** The manifest digest the registry serves for a tag. */
async function digestOf(registry: string, repository: string, tag: string): Promise<string> {
    const res = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
        method: "HEAD",
        headers: { Accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    return res.headers.get("docker-content-digest") ?? "";
}

describe("e2e: Flux reconciles for real (operator, source- and kustomize-controller as the lab's processes)", () => {
    let h: Harness;
    let cp: Cluster;
    const figures: string[] = [];

    before(async () => {
        h = await startHarness(STACK, () => ({}), { stackFile: (lab) => stackConfig(lab) });
        cp = h.cp;
        const { summary } = await deploy(h.run());
        assert.equal(summary.failed, 0, summary.errors.join("\n"));
    });

    after(async () => {
        if (figures.length > 0) process.stdout.write(`\n# figures\n${figures.map((f) => `#   ${f}`).join("\n")}\n`);
        await h?.stop();
    });

    it("1. the FluxInstance, every source and every Kustomization become Ready at the expected revision", async () => {
        const instance = await waitReady(cp, "FluxInstance", "flux-system", "flux", 120);
        assert.match(instance.status.lastAppliedRevision, /^v2\.9\.\d+@sha256:/, "the operator's embedded Flux");
        const head = (repo: string) =>
            `main@sha1:${execFileSync("git", ["rev-parse", "main"], { cwd: path.join(h.lab.dir, "git", `${repo}.git`), encoding: "utf8" }).trim()}`;
        for (const [ns, repo] of [
            ["fluxdemo-dev", "flux-dev"],
            ["fluxdemo-stage", "flux-stage-prod"],
            ["fluxdemo-prod", "flux-stage-prod"],
        ]) {
            const name = repo;
            await waitReady(cp, "GitRepository", ns, name, 90, head(repo));
            await waitReady(cp, "Kustomization", ns, name, 90, head(repo));
        }
        const digest = await digestOf(h.lab.registry, OCI_REPOSITORY, "latest");
        assert.match(digest, /^sha256:[0-9a-f]{64}$/);
        await waitReady(cp, "OCIRepository", "fluxdemo-dev", "oci-demo-dev", 90, `latest@${digest}`);
        await waitReady(cp, "Kustomization", "fluxdemo-dev", "oci-dev", 90, `latest@${digest}`);
    });

    it("1b. the demo app is deployed in each tenant's namespace: scenario 1, scenario 2 from one repo, and the OCI sync", async () => {
        for (const ns of TENANTS) {
            const d = await eventually(`kcheck in ${ns}`, () => deployment(cp, ns, "kcheck"), 30);
            assert.equal(d.spec.replicas, 2);
            assert.equal(
                d.metadata.labels["kustomize.toolkit.fluxcd.io/name"],
                "flux-" + (ns === "fluxdemo-dev" ? "dev" : "stage-prod"),
            );
            assert.ok(getJson(cp, ["service", "kcheck-service", "-n", ns]), `kcheck-service in ${ns}`);
        }
        const colours = TENANTS.map((ns) => deployment(cp, ns, "kcheck").spec.template.spec.containers[0].env[0].value);
        assert.deepEqual(
            colours,
            ["Cornsilk", "Wheat", "LightSteelBlue"],
            "each path of the scenario-2 repo went to its own namespace",
        );
        assert.ok(await eventually("kcheck-oci", () => deployment(cp, "fluxdemo-dev", "kcheck-oci"), 30));
    });

    it("1c. what reconciles is real processes, started for the pods the charts and the FluxInstance asked for", () => {
        const pods = Object.values(labState(h).pods);
        const byBinary = Object.fromEntries(pods.map((p) => [p.binary, p]));
        for (const b of ["flux-operator", "source-controller", "kustomize-controller"]) {
            assert.ok(byBinary[b], `a ${b} process (have: ${Object.keys(byBinary).join(", ")})`);
            assert.ok(pidAlive(byBinary[b].pid), `${b} PID ${byBinary[b].pid} is alive`);
        }
        // The multi-tenant flags come from what the operator rendered for `multitenant: true`, not from the lab.
        const argv = commandLine(byBinary["kustomize-controller"].pid) ?? "";
        assert.match(argv, /--no-cross-namespace-refs=true/);
        assert.match(argv, /--default-service-account=default/);
        assert.match(argv, /--no-remote-bases=true/);
        const pod = getJson(cp, ["pods", "-n", "flux-system", "-l", "app=kustomize-controller"]).items[0];
        assert.equal(pod.status.phase, "Running");
        assert.match(pod.status.containerStatuses[0].imageID, /^lab:\/\/kustomize-controller@/);
    });

    it("2. the loop: a pushed commit changes the Deployment (nudged, then by the poll interval alone); so does a new OCI artifact", async () => {
        const repo = new Repo(`${h.lab.gitUrl}/flux-dev`);
        try {
            const gen0 = deployment(cp, "fluxdemo-dev", "kcheck").metadata.generation;
            const change = (replicas: number, colour: string) =>
                repo.editYaml("dev/app.yaml", (docs) => {
                    docs[0].spec.replicas = replicas;
                    docs[0].spec.template.spec.containers[0].env[0].value = colour;
                    return docs;
                });
            const changed = (replicas: number, colour: string) => () => {
                const d = deployment(cp, "fluxdemo-dev", "kcheck");
                return d?.spec.replicas === replicas && d.spec.template.spec.containers[0].env[0].value === colour
                    ? d
                    : undefined;
            };
            change(3, "Lavender");
            let t0 = Date.now();
            repo.push("replicas 3, Lavender");
            nudge(cp, "GitRepository", "fluxdemo-dev", "flux-dev");
            const d1 = await eventually("the nudged change", changed(3, "Lavender"), 30);
            figures.push(`push -> Deployment changed, nudged (requestedAt): ${Date.now() - t0} ms`);
            assert.ok(d1.metadata.generation > gen0, "the Deployment's generation went up");

            change(4, "Honeydew");
            t0 = Date.now();
            repo.push("replicas 4, Honeydew");
            const d2 = await eventually("the change, by the 10s poll interval alone", changed(4, "Honeydew"), 40);
            figures.push(`push -> Deployment changed, poll interval 10s alone: ${Date.now() - t0} ms`);
            assert.ok(d2.metadata.generation > d1.metadata.generation);
        } finally {
            repo.dispose();
        }

        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-oci-"));
        try {
            const push = async (replicas: number) => {
                const text = fs
                    .readFileSync(path.join(OCI_ARTIFACT_DIR, "app.yaml"), "utf8")
                    .replace("replicas: 2", `replicas: ${replicas}`);
                fs.writeFileSync(path.join(dir, "app.yaml"), text);
                return pushArtifact({
                    registry: h.lab.registry,
                    repository: OCI_REPOSITORY,
                    tag: "latest",
                    dir,
                    source: "e2e",
                    revision: `r${replicas}`,
                });
            };
            const replicas = (n: number) => () =>
                deployment(cp, "fluxdemo-dev", "kcheck-oci")?.spec.replicas === n ? true : undefined;
            let t0 = Date.now();
            const digest = await push(3);
            nudge(cp, "OCIRepository", "fluxdemo-dev", "oci-demo-dev");
            await eventually("the new artifact, nudged", replicas(3), 30);
            figures.push(`OCI push -> Deployment changed, nudged: ${Date.now() - t0} ms`);
            await waitReady(cp, "Kustomization", "fluxdemo-dev", "oci-dev", 30, `latest@${digest}`);
            t0 = Date.now();
            await push(4);
            await eventually("the new artifact, by the poll interval alone", replicas(4), 40);
            figures.push(`OCI push -> Deployment changed, poll interval 10s alone: ${Date.now() - t0} ms`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("3. isolation, enforced by Flux: writes outside the tenant's namespace and cross-namespace references are refused", async () => {
        const repo = new Repo(`${h.lab.gitUrl}/flux-dev`);
        const escapes: [string, string, RegExp, string[]][] = [
            [
                "a ConfigMap in another tenant's namespace",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stolen, namespace: fluxdemo-stage}\ndata: {a: b}\n",
                /configmaps "stolen" is forbidden: User "system:serviceaccount:fluxdemo-dev:fluxdemo-dev" cannot/,
                ["configmap", "stolen", "-n", "fluxdemo-stage"],
            ],
            [
                "a ClusterRole",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: tenant-escape}\nrules: []\n",
                /clusterroles.* "tenant-escape" is forbidden: User "system:serviceaccount:fluxdemo-dev:fluxdemo-dev" cannot/,
                ["clusterrole", "tenant-escape"],
            ],
            [
                "a Namespace",
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-escape}\n",
                /namespaces "tenant-escape" is forbidden: User "system:serviceaccount:fluxdemo-dev:fluxdemo-dev" cannot/,
                ["namespace", "tenant-escape"],
            ],
        ];
        try {
            for (const [what, manifest, message, where] of escapes) {
                repo.write("dev/escape.yaml", manifest);
                repo.push(`escape: ${what}`);
                nudge(cp, "GitRepository", "fluxdemo-dev", "flux-dev");
                await waitNotReady(cp, "Kustomization", "fluxdemo-dev", "flux-dev", message, 60);
                assert.equal(getJson(cp, where), undefined, `${what} was not created`);
                repo.remove("dev/escape.yaml");
                const rev = repo.push(`revert: ${what}`);
                nudge(cp, "GitRepository", "fluxdemo-dev", "flux-dev");
                await waitReady(cp, "Kustomization", "fluxdemo-dev", "flux-dev", 60, rev);
            }
            for (const ns of ["fluxdemo-stage", "fluxdemo-prod"])
                await waitReady(cp, "Kustomization", ns, "flux-stage-prod", 5);
        } finally {
            repo.dispose();
        }

        // A tenant may create Kustomizations (edit aggregates Flux's edit role), but not one that reads another
        // tenant's source.
        const stage = new Repo(`${h.lab.gitUrl}/flux-stage-prod`);
        try {
            stage.write(
                "stage/cross.yaml",
                [
                    "apiVersion: kustomize.toolkit.fluxcd.io/v1",
                    "kind: Kustomization",
                    "metadata: {name: steal, namespace: fluxdemo-stage}",
                    "spec:",
                    "  interval: 10m",
                    "  path: ./dev",
                    "  prune: true",
                    "  serviceAccountName: fluxdemo-stage",
                    "  sourceRef: {kind: GitRepository, name: flux-dev, namespace: fluxdemo-dev}",
                    "",
                ].join("\n"),
            );
            const rev = stage.push("a Kustomization that reads the dev tenant's repository");
            nudge(cp, "GitRepository", "fluxdemo-stage", "flux-stage-prod");
            await waitReady(cp, "Kustomization", "fluxdemo-stage", "flux-stage-prod", 60, rev);
            const refused = await waitNotReady(
                cp,
                "Kustomization",
                "fluxdemo-stage",
                "steal",
                /cross-namespace references have been blocked/,
                60,
            );
            assert.equal(refused.reason, "AccessDenied");
            stage.remove("stage/cross.yaml");
            const back = stage.push("remove the cross-namespace Kustomization");
            nudge(cp, "GitRepository", "fluxdemo-stage", "flux-stage-prod");
            await waitReady(cp, "Kustomization", "fluxdemo-stage", "flux-stage-prod", 60, back);
            await eventually(
                "steal pruned",
                () =>
                    getJson(cp, ["kustomizations.kustomize.toolkit.fluxcd.io", "steal", "-n", "fluxdemo-stage"]) ===
                    undefined,
                60,
            );
        } finally {
            stage.dispose();
        }
        await waitReady(cp, "Kustomization", "fluxdemo-dev", "flux-dev", 5);
    });

    it("4. pruning: a Service removed from Git is deleted with prune: true and kept with prune: false", async () => {
        const repo = new Repo(`${h.lab.gitUrl}/flux-stage-prod`);
        try {
            for (const p of ["stage/app.yaml", "prod/app.yaml"])
                repo.editYaml(p, (docs) => docs.filter((d) => d.kind !== "Service"));
            const rev = repo.push("drop the Services");
            for (const ns of ["fluxdemo-stage", "fluxdemo-prod"]) nudge(cp, "GitRepository", ns, "flux-stage-prod");
            for (const ns of ["fluxdemo-stage", "fluxdemo-prod"])
                await waitReady(cp, "Kustomization", ns, "flux-stage-prod", 60, rev);
            await eventually(
                "the stage Service pruned",
                () => getJson(cp, ["service", "kcheck-service", "-n", "fluxdemo-stage"]) === undefined,
                30,
            );
            assert.ok(getJson(cp, ["service", "kcheck-service", "-n", "fluxdemo-prod"]), "prune: false keeps it");
            assert.ok(deployment(cp, "fluxdemo-stage", "kcheck"), "only what left Git went");
        } finally {
            repo.dispose();
        }
    });

    it("5. status: every row Ready with its revision (exit 0); a broken sync is named with the controller's message (exit 7)", async () => {
        let io = quietIo();
        assert.equal(
            await main(["status", "--stack", STACK, "--json"], process.env, io, h.ws.projectDir),
            EXIT.ok,
            io.text(),
        );
        const rows = io
            .text()
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l));
        assert.equal(rows.length, 1 + 4 + 4, JSON.stringify(rows));
        for (const r of rows) {
            assert.equal(r.ready, "True", JSON.stringify(r));
            assert.match(r.revision, /^(v2\.9\.\d+|main|latest)@sha(1|256):[0-9a-f]+$/, JSON.stringify(r));
        }

        const broken = {
            name: "broken",
            tenant: "fluxdemo-prod",
            source: git(`${h.lab.gitUrl}/no-such-repo`),
            path: "./",
        };
        writeStackFile(h.ws.projectDir, STACK, stackConfig(h.lab, { syncs: [broken] }));
        await deploy(h.run());
        await waitNotReady(cp, "GitRepository", "fluxdemo-prod", "broken", /404|not found/i, 60);
        io = quietIo();
        assert.equal(
            await main(["status", "--stack", STACK], process.env, io, h.ws.projectDir),
            EXIT.notReady,
            io.text(),
        );
        const line = io
            .text()
            .split("\n")
            .find((l) => /GitRepository\s+fluxdemo-prod\s+broken\s+False/.test(l));
        assert.ok(line, io.text());
        assert.match(line, /404|not found/i);
        writeStackFile(h.ws.projectDir, STACK, stackConfig(h.lab));
        await deploy(h.run());
    });

    it("6. removing a tenant removes its synced workloads: Flux prunes them as the tenant, before its namespace goes", async () => {
        // Watch, while `up` runs, for the order of two events: the Deployment Flux applied disappears, and the
        // namespace starts terminating. Pruned by Flux (while the tenant's account and binding exist) means first.
        const seen: { deploymentGone?: number; namespaceTerminating?: number } = {};
        let watching = true;
        const watch = (async () => {
            while (watching) {
                const d = getJson(cp, ["deployment", "kcheck", "-n", "fluxdemo-stage"]);
                const ns = getJson(cp, ["namespace", "fluxdemo-stage"]);
                if (seen.deploymentGone === undefined && (!d || d.metadata.deletionTimestamp))
                    seen.deploymentGone = Date.now();
                if (seen.namespaceTerminating === undefined && (!ns || ns.metadata.deletionTimestamp)) {
                    seen.namespaceTerminating = Date.now();
                }
                await new Promise((r) => setTimeout(r, 100));
            }
        })();
        const logFile = path.join(h.lab.dir, "logs", "kustomize-controller.log");
        const logFrom = fs.statSync(logFile).size;
        writeStackFile(h.ws.projectDir, STACK, stackConfig(h.lab, { tenants: ["fluxdemo-dev", "fluxdemo-prod"] }));
        try {
            const { summary } = await deploy(h.run());
            assert.equal(summary.failed, 0, summary.errors.join("\n"));
            await eventually(
                "fluxdemo-stage gone",
                () => getJson(cp, ["namespace", "fluxdemo-stage"]) === undefined,
                60,
            );
        } finally {
            watching = false;
            await watch;
        }
        assert.ok(seen.deploymentGone && seen.namespaceTerminating, JSON.stringify(seen));
        assert.ok(
            seen.deploymentGone < seen.namespaceTerminating,
            `the Deployment went ${seen.namespaceTerminating - seen.deploymentGone} ms before the namespace started terminating`,
        );
        // What the controller logged while the tenant went: no refusal, no finalizer trouble.
        const log = fs.readFileSync(logFile).subarray(logFrom).toString("utf8");
        assert.doesNotMatch(log, /fluxdemo-stage.*(forbidden|no new finalizers|Reconciler error)/i, log);
        await waitReady(cp, "Kustomization", "fluxdemo-dev", "flux-dev", 5);
    });

    it("7. up tells the truth when asked (flux.waitForSyncs): it returns once a new sync is Ready, and fails on one that cannot be", async () => {
        // A repository of a new tenant's own, served by the lab's Git server from now on.
        serveRepository(h.lab.dir, "flux-qa", {
            "qa/config.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: qa-settings, namespace: fluxdemo-qa}\ndata: {colour: Khaki}\n",
        });
        const qaSync = { name: "flux-qa", tenant: "fluxdemo-qa", source: git(`${h.lab.gitUrl}/flux-qa`), path: "./qa" };
        const waiting = (extra: Record<string, unknown>) => ({
            ...stackConfig(h.lab, {
                tenants: [...TENANTS.filter((t) => t !== "fluxdemo-stage"), "fluxdemo-qa"],
                ...extra,
            }),
            flux: { ...stackConfig(h.lab).flux, waitForSyncs: true, syncTimeoutSeconds: 40 },
        });

        writeStackFile(h.ws.projectDir, STACK, waiting({ syncs: [qaSync] }));
        const t0 = Date.now();
        const { summary } = await deploy(h.run());
        assert.equal(summary.failed, 0, summary.errors.join("\n"));
        // No polling here: when up returned, the sync was Ready and its objects applied.
        const k = getJson(cp, ["kustomizations.kustomize.toolkit.fluxcd.io", "flux-qa", "-n", "fluxdemo-qa"]);
        assert.equal(k.status.conditions.find((c: any) => c.type === "Ready").status, "True");
        assert.ok(getJson(cp, ["configmap", "qa-settings", "-n", "fluxdemo-qa"]), "the sync's ConfigMap was applied");
        figures.push(`up with a new sync, waiting for it to be Ready: ${Date.now() - t0} ms`);

        const broken = {
            name: "broken",
            tenant: "fluxdemo-qa",
            source: git(`${h.lab.gitUrl}/no-such-repo`),
            path: "./",
        };
        writeStackFile(h.ws.projectDir, STACK, waiting({ syncs: [qaSync, broken] }));
        const failed = await deploy(h.run()).then(
            () => assert.fail("up succeeded with a sync that cannot become Ready"),
            (e: Error) => e,
        );
        assert.match(failed.message, /Kustomization fluxdemo-qa\/broken is not Ready/);
        assert.match(
            failed.message,
            /GitRepository fluxdemo-qa\/broken: .*(404|not found)/i,
            "the controller's own message",
        );

        writeStackFile(h.ws.projectDir, STACK, stackConfig(h.lab, { tenants: ["fluxdemo-dev", "fluxdemo-prod"] }));
        await deploy(h.run());
    });

    it("8. destroy with Flux running leaves no Flux object, no tenant namespace, no workload and no Flux process", async () => {
        const pods = () => Object.values(labState(h).pods).map((p) => p.pid);
        const before = pods();
        assert.ok(before.length >= 3, "the operator and two controllers run");
        const t0 = Date.now();
        const { summary } = await destroy(h.run());
        assert.equal(summary.failed, 0, summary.errors.join("\n"));
        figures.push(`destroy with Flux running: ${Date.now() - t0} ms`);
        assertNothingLeft(cp);
        await eventually("every Flux process stopped", () => before.every((pid) => !pidAlive(pid)), 30);
    });

    it("9. up -> destroy, three times over: nothing stuck, nothing left", async () => {
        writeStackFile(h.ws.projectDir, STACK, {
            ...stackConfig(h.lab),
            flux: { ...stackConfig(h.lab).flux, waitForSyncs: true, syncTimeoutSeconds: 120 },
        });
        for (let round = 1; round <= 3; round++) {
            const t0 = Date.now();
            const up = await deploy(h.run());
            assert.equal(up.summary.failed, 0, `round ${round}: ${up.summary.errors.join("\n")}`);
            for (const ns of TENANTS) assert.ok(deployment(cp, ns, "kcheck"), `round ${round}: kcheck in ${ns}`);
            const down = await destroy(h.run());
            assert.equal(down.summary.failed, 0, `round ${round}: ${down.summary.errors.join("\n")}`);
            assertNothingLeft(cp);
            figures.push(`round ${round}: up (syncs Ready) + destroy: ${Date.now() - t0} ms`);
        }
    });
});
