// Private sources for real: the lab's Git server asks for HTTP basic auth on one repository and its registry for
// a login on one artifact; the real source-controller pulls with the Secrets the program makes from Pulumi secret
// config. Each test fails when its claim is false.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { type ChangeSummary, deploy, openStack, summarize } from "../../driver";
import { labPaths, writeJson } from "../../lab/labDir";
import { pushArtifact } from "../../lab/ociArtifact";
import { freePort, type OwnedProcess, portAnswers, startProcess, stopProcess, waitUntil } from "../../lab/processes";
import type { Cluster } from "./cluster";
import { getJson } from "./fluxApi";
import { eventually, KIND, nudge, Repo, serveRepository, waitNotReady, waitReady } from "./gitops";
import { type Harness, OCI_ARTIFACT_DIR, OCI_REPOSITORY, REFERENCE, startHarness, toolchainBin } from "./harness";

const STACK = "creds";
const TENANTS = ["fluxdemo-dev", "fluxdemo-stage", "fluxdemo-prod"];
/** Tokens that look like nothing else in a state file or a log. */
const TOKEN_1 = "tok1-Q3JlZGVudGlhbE9uZQ-e2e";
const TOKEN_2 = "tok2-Q3JlZGVudGlhbFR3bw-e2e";
const PASSWORD_1 = "pw1-UmVnaXN0cnlPbmU-e2e";
const PASSWORD_2 = "pw2-UmVnaXN0cnlUd28-e2e";
const GIT_USER = "git";
const REGISTRY_USER = "puller";
const AUTH_FAILED = /authentication required|401|unauthorized/i;

/** Scenario 2 from one private repository (both tenants), and the demo's OCI sync from a private artifact. */
function stackConfig(lab: Harness["lab"]) {
    const git = (tenant: string, env: string) => ({
        name: "flux-stage-prod",
        tenant,
        source: { kind: "GitRepository", url: `${lab.gitUrl}/flux-stage-prod`, interval: "10s" },
        path: `./${env}`,
    });
    return {
        cluster: { source: "existing", kubeconfig: lab.kubeconfigPath },
        flux: {
            charts: { source: "local", directory: path.join(REFERENCE, "charts") },
            instance: { distribution: { artifact: "" }, components: ["source-controller", "kustomize-controller"] },
        },
        tenants: TENANTS.map((name) => ({ name })),
        syncs: [
            git("fluxdemo-stage", "stage"),
            git("fluxdemo-prod", "prod"),
            {
                name: "oci-dev",
                tenant: "fluxdemo-dev",
                source: {
                    kind: "OCIRepository",
                    name: "oci-demo-dev",
                    url: `oci://${lab.registry}/${OCI_REPOSITORY}`,
                    interval: "10s",
                    insecure: true,
                },
                path: "./",
            },
        ],
    };
}

/** What a user sees and keeps: the CLI's output and its engine events, as text to search. */
function recorder() {
    const chunks: string[] = [];
    const events: EngineEvent[] = [];
    return {
        onOutput: (t: string) => chunks.push(t),
        onEvent: (e: EngineEvent) => events.push(e),
        text: () => chunks.join("") + events.map((e) => JSON.stringify(e)).join("\n"),
        summary: (): ChangeSummary => summarize(events),
    };
}

/** The forms a secret could be found in, base64 included (as a Secret's data holds it). */
function forms(...secrets: string[]): string[] {
    return secrets.flatMap((s) => [s, Buffer.from(s).toString("base64")]);
}

/** Each secret found in `text`, with what surrounds its first appearance (to say where it leaked). */
/** An ed25519 key pair: the private key as PEM (PKCS#8, which Go's ssh package reads) and the public key's line. */
function sshKeyPair(): { privateKey: string; publicLine: string } {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
    const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
    const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    const blob = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]);
    return {
        privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        publicLine: `ssh-ed25519 ${blob.toString("base64")}`,
    };
}

/**
 * GitHub's API as source-controller's GitHub App client uses it: it signs a JWT with the app's private key and
 * asks for an installation token (POST /app/installations/<id>/access_tokens), then clones with
 * x-access-token:<token>. This one checks the JWT's RS256 signature against the app's public key, its issuer (the
 * app id) and expiry, and the installation id, and hands out `token`.
 */
function fakeGitHubApi(app: { id: string; installationId: string; publicKey: crypto.KeyObject }, token: string) {
    const issued: string[] = [];
    const server = http.createServer((req, res) => {
        const m = (req.url ?? "").match(/^(?:\/api\/v3)?\/app\/installations\/(\d+)\/access_tokens$/);
        const [header, payload, signature] = (req.headers.authorization ?? "").replace(/^Bearer /i, "").split(".");
        const claims = payload ? JSON.parse(Buffer.from(payload, "base64url").toString()) : {};
        const signed =
            signature !== undefined &&
            crypto.verify(
                "sha256",
                Buffer.from(`${header}.${payload}`),
                app.publicKey,
                Buffer.from(signature, "base64url"),
            );
        if (req.method !== "POST" || !m || m[1] !== app.installationId) {
            res.writeHead(404, { "Content-Type": "application/json" }).end('{"message":"Not Found"}');
        } else if (!signed || String(claims.iss) !== app.id || claims.exp * 1000 < Date.now()) {
            res.writeHead(401, { "Content-Type": "application/json" }).end('{"message":"Bad credentials"}');
        } else {
            issued.push(new Date().toISOString());
            const expires = new Date(Date.now() + 3600_000).toISOString();
            res.writeHead(201, { "Content-Type": "application/json" }).end(
                JSON.stringify({ token, expires_at: expires }),
            );
        }
    });
    return { server, issued };
}

function found(text: string, secrets: readonly string[]): string[] {
    return secrets
        .filter((s) => text.includes(s))
        .map((s) => {
            const at = text.indexOf(s);
            return `${s} in …${text.slice(Math.max(0, at - 1500), at + s.length + 100)}…`;
        });
}

describe("e2e: private sources with credentials from Pulumi secret config (real source-controller, real auth)", () => {
    let h: Harness;
    let cp: Cluster;
    const figures: string[] = [];
    const allOutput: string[] = [];
    /** What a test started (a server, a process), stopped in after() whatever happens. */
    const cleanups: (() => Promise<unknown>)[] = [];

    /** Sets config the way `pulumi config set [--secret] --path` does, in the stack's own file. */
    const setConfig = async (values: Record<string, { value: string; secret?: boolean }>) => {
        const { stack, cleanup } = await openStack({
            stack: STACK,
            projectDir: h.ws.projectDir,
            env: process.env,
            create: true,
        });
        try {
            await stack.setAllConfig(values, true);
        } finally {
            cleanup();
        }
    };
    const up = async () => {
        const rec = recorder();
        const { summary } = await deploy(h.run({ onOutput: rec.onOutput, onEvent: rec.onEvent }));
        allOutput.push(rec.text());
        assert.equal(summary.failed, 0, summary.errors.join("\n"));
        return summary;
    };
    /** Other private repositories of the Git server: name -> its one user. */
    const moreGitUsers: Record<string, { username: string; password: string }[]> = {};
    const serve = (git: string[], registry: string[]) => {
        const paths = labPaths(h.lab.dir);
        writeJson(paths.gitAuth, {
            ...moreGitUsers,
            "flux-stage-prod": git.map((password) => ({ username: GIT_USER, password })),
        });
        writeJson(paths.ociAuth, {
            [OCI_REPOSITORY]: registry.map((password) => ({ username: REGISTRY_USER, password })),
        });
    };
    const sources = () =>
        [
            ["GitRepository", "fluxdemo-stage", "flux-stage-prod"],
            ["GitRepository", "fluxdemo-prod", "flux-stage-prod"],
            ["OCIRepository", "fluxdemo-dev", "oci-demo-dev"],
        ] as const;

    before(async () => {
        h = await startHarness(STACK, () => ({}), { stackFile: (lab) => stackConfig(lab) });
        cp = h.cp;
        serve([TOKEN_1], [PASSWORD_1]);
    });

    after(async () => {
        for (const stop of cleanups.reverse()) await stop().catch(() => undefined);
        if (figures.length > 0) process.stdout.write(`\n# figures\n${figures.map((f) => `#   ${f}`).join("\n")}\n`);
        await h?.stop();
    });

    it("1. without a credential, each private source fails with the controller's authentication message", async () => {
        await up();
        for (const [kind, ns, name] of sources()) {
            const r = await waitNotReady(cp, kind, ns, name, AUTH_FAILED, 120);
            figures.push(`${kind} ${ns}/${name} without a credential: ${r.message}`);
        }
    });

    it("2. with credentials set by `pulumi config set --secret --path`, each tenant gets its own Secret and its syncs become Ready", async () => {
        const c = "fluxstack:credentials";
        // First without --secret: the program refuses before it registers anything (the engine tells it which
        // keys hold secrets), naming the key and the command.
        await setConfig({
            [`${c}.stage-prod-token.type`]: { value: "https" },
            [`${c}.stage-prod-token.tenants[0]`]: { value: "fluxdemo-stage" },
            [`${c}.stage-prod-token.username`]: { value: GIT_USER },
            [`${c}.stage-prod-token.token`]: { value: TOKEN_1 },
        });
        const refused = await deploy(h.run()).then(
            () => assert.fail("up took a token set without --secret"),
            (e: Error) => e.message,
        );
        assert.match(
            refused,
            /fluxstack:credentials\.stage-prod-token\.token: is in plain text in the stack's config file: set it with pulumi config set --secret --path 'fluxstack:credentials\.stage-prod-token\.token'/,
        );
        assert.ok(!refused.includes(TOKEN_1), "the refusal does not repeat the token");
        assert.equal(getJson(cp, ["secret", "stage-prod-token", "-n", "fluxdemo-stage"]), undefined, "nothing made");
        await setConfig({
            [`${c}.stage-prod-token.type`]: { value: "https" },
            [`${c}.stage-prod-token.tenants[0]`]: { value: "fluxdemo-stage" },
            [`${c}.stage-prod-token.tenants[1]`]: { value: "fluxdemo-prod" },
            [`${c}.stage-prod-token.username`]: { value: GIT_USER },
            [`${c}.stage-prod-token.token`]: { value: TOKEN_1, secret: true },
            [`${c}.kcheck-registry.type`]: { value: "registry" },
            [`${c}.kcheck-registry.tenants[0]`]: { value: "fluxdemo-dev" },
            [`${c}.kcheck-registry.username`]: { value: REGISTRY_USER },
            [`${c}.kcheck-registry.password`]: { value: PASSWORD_1, secret: true },
            "fluxstack:syncs[0].source.credential": { value: "stage-prod-token" },
            "fluxstack:syncs[1].source.credential": { value: "stage-prod-token" },
            "fluxstack:syncs[2].source.credential": { value: "kcheck-registry" },
        });
        const stackFile = fs.readFileSync(path.join(h.ws.projectDir, `Pulumi.${STACK}.yaml`), "utf8");
        assert.deepEqual(found(stackFile, forms(TOKEN_1, PASSWORD_1)), [], "the stack file holds them encrypted");
        assert.match(stackFile, /secure: /);

        const t0 = Date.now();
        await up();
        for (const [kind, ns, name] of sources()) nudge(cp, kind, ns, name);
        for (const [kind, ns, name] of sources()) await waitReady(cp, kind, ns, name, 120);
        for (const ns of TENANTS) {
            const k = ns === "fluxdemo-dev" ? "oci-dev" : "flux-stage-prod";
            await waitReady(cp, "Kustomization", ns, k, 120);
        }
        figures.push(`up with credentials -> every private sync Ready: ${Date.now() - t0} ms`);

        for (const ns of ["fluxdemo-stage", "fluxdemo-prod"]) {
            const secret = getJson(cp, ["secret", "stage-prod-token", "-n", ns]);
            assert.equal(Buffer.from(secret.data.password, "base64").toString(), TOKEN_1, `${ns}'s own copy`);
            const repo = getJson(cp, [KIND.GitRepository, "flux-stage-prod", "-n", ns]);
            assert.deepEqual(repo.spec.secretRef, { name: "stage-prod-token" });
        }
        const registry = getJson(cp, ["secret", "kcheck-registry", "-n", "fluxdemo-dev"]);
        assert.equal(registry.type, "kubernetes.io/dockerconfigjson");
        const auths = JSON.parse(Buffer.from(registry.data[".dockerconfigjson"], "base64").toString()).auths;
        assert.deepEqual(Object.keys(auths), [h.lab.registry]);
        assert.equal(auths[h.lab.registry].password, PASSWORD_1);
        assert.equal(getJson(cp, ["secret", "stage-prod-token", "-n", "fluxdemo-dev"]), undefined, "dev has no copy");
        assert.equal(getJson(cp, ["secret", "kcheck-registry", "-n", "fluxdemo-stage"]), undefined, "stage has none");
        assert.ok(getJson(cp, ["deployment", "kcheck-oci", "-n", "fluxdemo-dev"]), "the private artifact applied");
    });

    it("3. the credentials are nowhere in plain text: not in the CLI's output or events, the stack outputs, `pulumi stack export`, or any object but the Secrets' data", async () => {
        // The Secrets' data as the cluster holds it: the search must find it there (a control), and nowhere else.
        const ours = [
            ["fluxdemo-stage", "stage-prod-token"],
            ["fluxdemo-prod", "stage-prod-token"],
            ["fluxdemo-dev", "kcheck-registry"],
        ].map(([ns, name]) => getJson(cp, ["secret", name, "-n", ns]));
        // The values holding a secret part (not the username: "git" is no secret, and too short to search for).
        const dataValues = ours.flatMap((s) =>
            Object.entries(s.data as Record<string, string>)
                .filter(([key]) => key !== "username")
                .map(([, value]) => value),
        );
        const needles = [...forms(TOKEN_1, PASSWORD_1), ...dataValues];
        assert.ok(
            found(JSON.stringify(ours.map((s) => s.data)), needles).length >= 3,
            "the control: found in the data",
        );

        const { stack, cleanup } = await openStack({
            stack: STACK,
            projectDir: h.ws.projectDir,
            env: process.env,
            create: false,
        });
        try {
            // `pulumi stack export` as a user runs it (the Automation API's exportStack adds --show-secrets), and
            // the state file the backend keeps.
            const exported = execFileSync("pulumi", ["stack", "export", "--stack", STACK], {
                cwd: h.ws.projectDir,
                env: process.env,
                encoding: "utf8",
            });
            assert.deepEqual(found(exported, needles), [], "pulumi stack export");
            const backend = (process.env.PULUMI_BACKEND_URL ?? "").replace(/^file:\/\//, "");
            const stateFile = path.join(backend, ".pulumi", "stacks", "fluxstack", `${STACK}.json`);
            assert.deepEqual(found(fs.readFileSync(stateFile, "utf8"), needles), [], stateFile);
            // What the state holds for each Secret's data is ciphertext.
            const deployment = JSON.parse(exported).deployment as { resources: any[] };
            const secrets = deployment.resources.filter((r) => r.type === "kubernetes:core/v1:Secret");
            assert.equal(secrets.length, 3);
            for (const r of secrets) {
                assert.ok(r.inputs.data?.ciphertext, `${r.urn}: inputs.data is encrypted`);
                assert.ok(r.outputs.data?.ciphertext, `${r.urn}: outputs.data is encrypted`);
            }
            const outputs = JSON.stringify(await stack.outputs());
            assert.deepEqual(found(outputs, needles), [], "stack outputs");
        } finally {
            cleanup();
        }
        assert.deepEqual(found(allOutput.join("\n"), needles), [], "the CLI's output and engine events");

        // Every object of the cluster's namespaced and cluster-wide kinds the program or Flux touch, the Secrets
        // without their data.
        const kinds = [
            KIND.GitRepository,
            KIND.OCIRepository,
            KIND.Kustomization,
            KIND.FluxInstance,
            "configmaps",
            "deployments",
            "serviceaccounts",
            "rolebindings",
            "namespaces",
            "events",
        ];
        for (const kind of kinds) {
            const text = cp.kubectl(["get", kind, "-A", "-o", "json"]);
            assert.deepEqual(found(text, needles), [], kind);
        }
        const secrets = JSON.parse(cp.kubectl(["get", "secrets", "-A", "-o", "json"])).items;
        for (const s of secrets) {
            const rest = { ...s, data: undefined };
            assert.deepEqual(
                found(JSON.stringify(rest), needles),
                [],
                `secret ${s.metadata.namespace}/${s.metadata.name} outside its data`,
            );
        }
    });

    it("4. rotation after the old token is revoked: the sync fails, a new secret value and `up` update the Secrets in place, nothing else changes, Flux recovers", async () => {
        const before = Object.fromEntries(
            ["fluxdemo-stage", "fluxdemo-prod"].flatMap((ns) =>
                (
                    [
                        ["GitRepository", "flux-stage-prod"],
                        ["Kustomization", "flux-stage-prod"],
                    ] as const
                ).map(([kind, name]) => {
                    const o = getJson(cp, [KIND[kind], name, "-n", ns]);
                    return [`${kind} ${ns}`, { uid: o.metadata.uid, generation: o.metadata.generation, spec: o.spec }];
                }),
            ),
        );
        // The server revokes the old token and accepts a new one.
        serve([TOKEN_2], [PASSWORD_1]);
        for (const ns of ["fluxdemo-stage", "fluxdemo-prod"]) nudge(cp, "GitRepository", ns, "flux-stage-prod");
        for (const ns of ["fluxdemo-stage", "fluxdemo-prod"])
            await waitNotReady(cp, "GitRepository", ns, "flux-stage-prod", AUTH_FAILED, 60);

        await setConfig({ "fluxstack:credentials.stage-prod-token.token": { value: TOKEN_2, secret: true } });
        // What a reviewer looks at before an up: the plain CLI's diff, which shows the change as [secret].
        const diff = execFileSync("pulumi", ["preview", "--diff", "--stack", STACK, "--non-interactive"], {
            cwd: h.ws.projectDir,
            env: process.env,
            encoding: "utf8",
        });
        assert.match(diff, /stage-prod-token-secret/);
        assert.deepEqual(found(diff, forms(TOKEN_1, TOKEN_2)), [], "pulumi preview --diff");
        const t0 = Date.now();
        const summary = await up();
        assert.deepEqual(summary.operations.update, 2, `exactly the two copies: ${JSON.stringify(summary.operations)}`);
        assert.equal(summary.changes, 2, JSON.stringify(summary.operations));
        for (const ns of ["fluxdemo-stage", "fluxdemo-prod"]) {
            const secret = getJson(cp, ["secret", "stage-prod-token", "-n", ns]);
            assert.equal(Buffer.from(secret.data.password, "base64").toString(), TOKEN_2);
        }
        // `flux reconcile source git` (the requestedAt annotation, not a spec change) rather than waiting out the
        // controller's back-off after the failures.
        for (const ns of ["fluxdemo-stage", "fluxdemo-prod"]) nudge(cp, "GitRepository", ns, "flux-stage-prod");
        for (const ns of ["fluxdemo-stage", "fluxdemo-prod"])
            await waitReady(cp, "GitRepository", ns, "flux-stage-prod", 120);
        figures.push(`revoked -> rotated with up -> Ready again: ${Date.now() - t0} ms`);
        for (const [what, was] of Object.entries(before)) {
            const [kind, ns] = what.split(" ") as ["GitRepository" | "Kustomization", string];
            const now = getJson(cp, [KIND[kind], "flux-stage-prod", "-n", ns]);
            assert.deepEqual(
                { uid: now.metadata.uid, generation: now.metadata.generation, spec: now.spec },
                was,
                `${what}: not replaced, not changed`,
            );
        }
        // The new commit arrives through the new token.
        const repo = new Repo(`http://${GIT_USER}:${TOKEN_2}@${h.lab.gitUrl.slice("http://".length)}/flux-stage-prod`);
        try {
            repo.write(
                "stage/rotated.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rotated, namespace: fluxdemo-stage}\n",
            );
            const rev = repo.push("after the rotation");
            await waitReady(cp, "Kustomization", "fluxdemo-stage", "flux-stage-prod", 120, rev);
        } finally {
            repo.dispose();
        }
        assert.deepEqual(found(allOutput.join("\n"), forms(TOKEN_2)), [], "the new token is not in the output either");
    });

    it("5. rotation done in order (new password first, then the old one revoked): Flux's next pull uses the new one, no nudge", async () => {
        serve([TOKEN_2], [PASSWORD_1, PASSWORD_2]);
        await setConfig({ "fluxstack:credentials.kcheck-registry.password": { value: PASSWORD_2, secret: true } });
        const summary = await up();
        assert.equal(summary.changes, 1, JSON.stringify(summary.operations));
        serve([TOKEN_2], [PASSWORD_2]);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-oci-"));
        try {
            const text = fs
                .readFileSync(path.join(OCI_ARTIFACT_DIR, "app.yaml"), "utf8")
                .replace("replicas: 2", "replicas: 3");
            fs.writeFileSync(path.join(dir, "app.yaml"), text);
            const auth = { username: REGISTRY_USER, password: PASSWORD_2 };
            const digest = await pushArtifact({
                registry: h.lab.registry,
                repository: OCI_REPOSITORY,
                tag: "latest",
                dir,
                source: "e2e",
                revision: "rotated",
                auth,
            });
            const t0 = Date.now();
            await waitReady(cp, "OCIRepository", "fluxdemo-dev", "oci-demo-dev", 90, `latest@${digest}`);
            figures.push(
                `new artifact pulled with the rotated password, poll interval 10s alone: ${Date.now() - t0} ms`,
            );
            await eventually(
                "3 replicas",
                () => getJson(cp, ["deployment", "kcheck-oci", "-n", "fluxdemo-dev"])?.spec.replicas === 3,
                60,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        assert.deepEqual(found(allOutput.join("\n"), forms(PASSWORD_2)), [], "the new password is not in the output");
    });

    it("6. GitHub App: the program's Secret and provider: github let the real source-controller get an installation token and clone", async () => {
        const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
        const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
        const installationToken = "ghs_InstallationTokenForE2e0123";
        const api = fakeGitHubApi({ id: "424242", installationId: "777", publicKey }, installationToken);
        const port = await freePort();
        await new Promise<void>((resolve) => api.server.listen(port, "127.0.0.1", resolve));
        cleanups.push(() => new Promise((resolve) => api.server.close(resolve)));

        serveRepository(h.lab.dir, "flux-app", {
            "app/config.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-the-app, namespace: fluxdemo-dev}\ndata: {via: github-app}\n",
        });
        moreGitUsers["flux-app"] = [{ username: "x-access-token", password: installationToken }];
        serve([TOKEN_2], [PASSWORD_2]);

        const c = "fluxstack:credentials.github-app";
        await setConfig({
            [`${c}.type`]: { value: "githubApp" },
            [`${c}.tenants[0]`]: { value: "fluxdemo-dev" },
            [`${c}.appId`]: { value: "424242" },
            [`${c}.installationId`]: { value: "777" },
            [`${c}.privateKey`]: { value: pem, secret: true },
            [`${c}.baseUrl`]: { value: `http://127.0.0.1:${port}` },
            "fluxstack:syncs[3].name": { value: "flux-app" },
            "fluxstack:syncs[3].tenant": { value: "fluxdemo-dev" },
            "fluxstack:syncs[3].path": { value: "./app" },
            "fluxstack:syncs[3].source.kind": { value: "GitRepository" },
            "fluxstack:syncs[3].source.url": { value: `${h.lab.gitUrl}/flux-app` },
            "fluxstack:syncs[3].source.interval": { value: "10s" },
            "fluxstack:syncs[3].source.credential": { value: "github-app" },
        });
        await up();
        nudge(cp, "GitRepository", "fluxdemo-dev", "flux-app");
        const repo = await waitReady(cp, "GitRepository", "fluxdemo-dev", "flux-app", 120);
        assert.equal(repo.spec.provider, "github");
        assert.deepEqual(repo.spec.secretRef, { name: "github-app" });
        await waitReady(cp, "Kustomization", "fluxdemo-dev", "flux-app", 120);
        assert.equal(getJson(cp, ["configmap", "from-the-app", "-n", "fluxdemo-dev"])?.data.via, "github-app");
        assert.ok(api.issued.length >= 1, "the controller asked the API for an installation token");
        figures.push(`GitHub App: ${api.issued.length} installation token(s) issued to source-controller`);
        const keyLine = pem.split("\n")[1];
        assert.deepEqual(found(allOutput.join("\n"), [keyLine, installationToken]), [], "the app's key in the output");
    });

    it("7. SSH: a private key and known_hosts against a Git server over SSH on loopback; a revoked key fails, and an unknown host key is refused", async (t) => {
        const server = path.join(toolchainBin(), "git-ssh-server");
        if (!fs.existsSync(server)) {
            t.skip(`no ${server}: build it with \`bash lab/toolchain.sh git-ssh-server\``);
            return;
        }
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-ssh-"));
        cleanups.push(() => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })));
        const host = sshKeyPair();
        const client = sshKeyPair();
        fs.writeFileSync(path.join(dir, "host.pem"), host.privateKey, { mode: 0o600 });
        fs.writeFileSync(path.join(dir, "authorized_keys"), `${client.publicLine}\n`);
        const port = await freePort();
        const proc: OwnedProcess = startProcess({
            name: "git-ssh-server",
            command: server,
            args: [
                "-listen",
                `127.0.0.1:${port}`,
                "-host-key",
                path.join(dir, "host.pem"),
                "-authorized-keys",
                path.join(dir, "authorized_keys"),
                "-root",
                path.join(h.lab.dir, "git"),
            ],
            logFile: path.join(dir, "server.log"),
        });
        cleanups.push(() => stopProcess(proc));
        await waitUntil("the SSH Git server", () => portAnswers(port), 20);

        const c = "fluxstack:credentials.deploy-key";
        await setConfig({
            [`${c}.type`]: { value: "ssh" },
            [`${c}.tenants[0]`]: { value: "fluxdemo-dev" },
            [`${c}.privateKey`]: { value: client.privateKey, secret: true },
            [`${c}.knownHosts`]: { value: `[127.0.0.1]:${port} ${host.publicLine}\n` },
            "fluxstack:syncs[4].name": { value: "flux-dev-ssh" },
            "fluxstack:syncs[4].tenant": { value: "fluxdemo-dev" },
            "fluxstack:syncs[4].path": { value: "./dev" },
            "fluxstack:syncs[4].source.kind": { value: "GitRepository" },
            "fluxstack:syncs[4].source.url": { value: `ssh://git@127.0.0.1:${port}/flux-dev` },
            "fluxstack:syncs[4].source.interval": { value: "10s" },
            "fluxstack:syncs[4].source.credential": { value: "deploy-key" },
        });
        await up();
        nudge(cp, "GitRepository", "fluxdemo-dev", "flux-dev-ssh");
        const head = execFileSync("git", ["rev-parse", "main"], {
            cwd: path.join(h.lab.dir, "git", "flux-dev.git"),
            encoding: "utf8",
        }).trim();
        await waitReady(cp, "GitRepository", "fluxdemo-dev", "flux-dev-ssh", 120, `main@sha1:${head}`);
        await waitReady(cp, "Kustomization", "fluxdemo-dev", "flux-dev-ssh", 120);
        assert.ok(getJson(cp, ["deployment", "kcheck", "-n", "fluxdemo-dev"]), "scenario 1's app, cloned over SSH");
        const keyLine = client.privateKey.split("\n")[1];
        assert.deepEqual(found(allOutput.join("\n"), [keyLine]), [], "the private key in the output");

        // The server forgets the key: the next pull is refused.
        fs.writeFileSync(path.join(dir, "authorized_keys"), "");
        nudge(cp, "GitRepository", "fluxdemo-dev", "flux-dev-ssh");
        const refused = await waitNotReady(
            cp,
            "GitRepository",
            "fluxdemo-dev",
            "flux-dev-ssh",
            /unable to authenticate|handshake failed/i,
            60,
        );
        figures.push(`SSH key revoked: ${refused.message}`);

        // known_hosts is checked: a server with another host key (a man in the middle) is refused.
        fs.writeFileSync(path.join(dir, "authorized_keys"), `${client.publicLine}\n`);
        await setConfig({ [`${c}.knownHosts`]: { value: `[127.0.0.1]:${port} ${sshKeyPair().publicLine}\n` } });
        await up();
        nudge(cp, "GitRepository", "fluxdemo-dev", "flux-dev-ssh");
        const mitm = await waitNotReady(
            cp,
            "GitRepository",
            "fluxdemo-dev",
            "flux-dev-ssh",
            /knownhosts|host key|mismatch/i,
            60,
        );
        figures.push(`SSH host key not in known_hosts: ${mitm.message}`);
    });
});
