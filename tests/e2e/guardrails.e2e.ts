// Tenant guardrails, enforced by the real API server (RBAC, Pod Security Admission, ResourceQuota, LimitRanger,
// ValidatingAdmissionPolicy) while the real kustomize-controller applies each tenant's repository as the tenant.
// Each breach is a commit in a tenant's repository (or a request with the tenant's own token): it is refused with
// a message naming the policy, nothing beyond the guardrail exists, and the other tenants stay Ready.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as yaml from "js-yaml";
import { deploy, destroy } from "../../driver";
import type { Cluster } from "./cluster";
import { getJson } from "./fluxApi";
import { eventually, KIND, nudge, Repo, waitNotReady, waitReady } from "./gitops";
import { type Harness, REFERENCE, startHarness, toolchainBin, writeStackFile } from "./harness";
import { asServiceAccount, attempt, may, removeTokens } from "./tenantAccess";

const STACK = "guardrails";
const DEV = "fluxdemo-dev";
/** Tenants without syncs, one per role and level the suite needs. */
const ADMIN = "team-admin";
const ROOT = "team-root";
const STRICT = "team-strict";
const policy = (guardrail: string, ns: string) => `fluxstack-${guardrail}-${ns}`;
const refusedBy = (guardrail: string, ns: string) =>
    new RegExp(`ValidatingAdmissionPolicy '${policy(guardrail, ns)}' with binding '${policy(guardrail, ns)}' denied`);

const git = (url: string) => ({ kind: "GitRepository", url, interval: "10s" });

/** Scenario 1 and 2 of the demo with the default guardrails, and three tenants that only the suite acts as. */
function stackConfig(
    lab: Harness["lab"],
    change: { devCpu?: string; allowFrom?: string[]; drop?: string; confirm?: string[] } = {},
) {
    const tenants = [
        // Room for the demo app (2 pods of the default 100m/500m) and exactly two of the quota case's pods.
        { name: DEV, guardrails: { quota: { hard: { "requests.cpu": change.devCpu ?? "1", "limits.cpu": "2" } } } },
        { name: "fluxdemo-stage" },
        { name: "fluxdemo-prod" },
        { name: ADMIN, clusterRole: "admin", guardrails: { sources: { allowedPrefixes: PREFIXES } } },
        { name: ROOT, clusterRole: "cluster-admin" },
        { name: STRICT, guardrails: { podSecurity: { enforce: "restricted" } } },
    ].filter((t) => t.name !== change.drop);
    return {
        cluster: { source: "existing", kubeconfig: lab.kubeconfigPath },
        flux: {
            charts: { source: "local", directory: path.join(REFERENCE, "charts") },
            instance: { distribution: { artifact: "" }, components: ["source-controller", "kustomize-controller"] },
        },
        guardrails: { isolation: { allowFrom: change.allowFrom ?? ["ingress-nginx"] } },
        tenants,
        // An existing cluster: its tenants are protected, and removing one (or destroying) takes this confirmation.
        ...(change.confirm ? { confirmTenantDeletion: change.confirm } : {}),
        syncs: [
            // wait: the quota case shows on the Kustomization too; timeout: it fails within the test's patience.
            {
                name: "flux-dev",
                tenant: DEV,
                source: git(`${lab.gitUrl}/flux-dev`),
                path: "./dev",
                wait: true,
                timeout: "40s",
            },
            {
                name: "flux-stage-prod",
                tenant: "fluxdemo-stage",
                source: git(`${lab.gitUrl}/flux-stage-prod`),
                path: "./stage",
            },
            {
                name: "flux-stage-prod",
                tenant: "fluxdemo-prod",
                source: git(`${lab.gitUrl}/flux-stage-prod`),
                path: "./prod",
            },
        ],
    };
}
/** team-admin's allowed sources, for the prefix cases. */
const PREFIXES = ["https://github.com/wolcn", "oci://ghcr.io/wolcn/"];

/** A compliant container (restricted, so baseline too). */
const CONTAINER = {
    name: "c",
    image: "ghcr.io/wolcn/kcheck:1.0.2",
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
};
const POD_SPEC = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [CONTAINER],
};

function deploymentOf(ns: string, name: string, spec: Record<string, unknown>, replicas = 1, annotations = {}) {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: ns },
        spec: {
            replicas,
            selector: { matchLabels: { app: name } },
            template: { metadata: { labels: { app: name }, annotations }, spec },
        },
    };
}
function podOf(ns: string, name: string, spec: Record<string, unknown>, annotations = {}) {
    return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns, annotations }, spec };
}

describe("e2e: tenant guardrails, enforced by the API server while Flux applies as the tenant", () => {
    let h: Harness;
    let cp: Cluster;
    const figures: string[] = [];
    /** What a user reads where they look: each refusal's message. */
    const messages: string[] = [];
    const bin = () => toolchainBin();

    /** The other tenants still Ready at the revision they had. */
    async function othersReady(): Promise<void> {
        for (const ns of ["fluxdemo-stage", "fluxdemo-prod"])
            await waitReady(cp, "Kustomization", ns, "flux-stage-prod", 5);
    }

    /**
     * Commits `manifest` to the dev repository, waits for the Kustomization to say `message`, checks that nothing it
     * asked for exists (`absent`), then reverts and waits for Ready again. Returns the refusal's Ready condition.
     */
    async function refusedCommit(what: string, manifest: object, message: RegExp, absent: string[][]) {
        const repo = new Repo(`${h.lab.gitUrl}/flux-dev`);
        try {
            repo.write("dev/breach.yaml", yaml.dump(manifest));
            const t0 = Date.now();
            repo.push(`breach: ${what}`);
            pending = () => revert(repo, "dev/breach.yaml");
            nudge(cp, "GitRepository", DEV, "flux-dev");
            const refused = await waitNotReady(cp, "Kustomization", DEV, "flux-dev", message, 90);
            messages.push(`${what}: ${refused.message}`);
            figures.push(`${what}: push -> refusal on the Kustomization ${Date.now() - t0} ms`);
            for (const where of absent)
                assert.equal(getJson(cp, where), undefined, `${where.join(" ")} does not exist`);
            await othersReady();
            pending = undefined;
            repo.remove("dev/breach.yaml");
            const back = repo.push(`revert: ${what}`);
            nudge(cp, "GitRepository", DEV, "flux-dev");
            await waitReady(cp, "Kustomization", DEV, "flux-dev", 90, back);
            return refused;
        } finally {
            pending?.();
            repo.dispose();
        }
    }

    /** A breach still in the repository when a test failed: removed, so that the next test starts clean. */
    let pending: (() => void) | undefined;
    function revert(repo: Repo, file: string): void {
        pending = undefined;
        repo.remove(file);
        repo.push(`revert ${file} after a failed test`);
        nudge(cp, "GitRepository", DEV, "flux-dev");
    }

    before(async () => {
        h = await startHarness(STACK, () => ({}), { stackFile: (lab) => stackConfig(lab) });
        cp = h.cp;
        const t0 = Date.now();
        const { summary } = await deploy(h.run());
        assert.equal(summary.failed, 0, summary.errors.join("\n"));
        figures.push(`up with 6 tenants and their guardrails: ${Date.now() - t0} ms`);
        await waitReady(cp, "Kustomization", DEV, "flux-dev", 120);
        for (const ns of ["fluxdemo-stage", "fluxdemo-prod"])
            await waitReady(cp, "Kustomization", ns, "flux-stage-prod", 120);
    });

    after(async () => {
        if (figures.length > 0) process.stdout.write(`\n# figures\n${figures.map((f) => `#   ${f}`).join("\n")}\n`);
        if (messages.length > 0) process.stdout.write(`\n# messages\n${messages.map((m) => `#   ${m}`).join("\n")}\n`);
        removeTokens();
        await h?.stop();
    });

    it("1. each tenant has its guardrails as configured, and the Flux Operator's web UI is off", () => {
        const isolation = getJson(cp, ["networkpolicy", "fluxstack-isolation", "-n", DEV]);
        assert.deepEqual(isolation.spec.ingress, [
            {
                from: [
                    { podSelector: {} },
                    {
                        namespaceSelector: {
                            matchExpressions: [
                                { key: "kubernetes.io/metadata.name", operator: "In", values: ["ingress-nginx"] },
                            ],
                        },
                    },
                ],
            },
        ]);
        assert.equal(getJson(cp, ["resourcequota", "fluxstack-quota", "-n", DEV]).spec.hard["requests.cpu"], "1");
        assert.equal(getJson(cp, ["resourcequota", "fluxstack-quota", "-n", "fluxdemo-stage"]).spec.hard.pods, "40");
        assert.deepEqual(getJson(cp, ["limitrange", "fluxstack-limits", "-n", DEV]).spec.limits[0].defaultRequest, {
            cpu: "100m",
            memory: "128Mi",
        });
        const labels = (ns: string) => getJson(cp, ["namespace", ns]).metadata.labels;
        assert.equal(labels(DEV)["pod-security.kubernetes.io/enforce"], "baseline");
        assert.equal(labels(DEV)["pod-security.kubernetes.io/warn"], "restricted");
        assert.equal(labels(STRICT)["pod-security.kubernetes.io/enforce"], "restricted");
        // The demo app got the LimitRange's defaults, so it counts against the quota.
        const pod = getJson(cp, ["pods", "-n", DEV, "-l", "app=kcheck"]).items[0];
        assert.deepEqual(pod.spec.containers[0].resources.requests, { cpu: "100m", memory: "128Mi" });
        for (const ns of [DEV, ADMIN, ROOT, STRICT]) {
            for (const g of ["lockdown", "pod-security", "sources"]) {
                assert.ok(getJson(cp, ["validatingadmissionpolicy", policy(g, ns)]), `${policy(g, ns)}`);
                assert.deepEqual(getJson(cp, ["validatingadmissionpolicybinding", policy(g, ns)]).spec, {
                    policyName: policy(g, ns),
                    validationActions: ["Deny"],
                });
            }
        }
        // Web UI off: no UI port on the operator's Service, no NetworkPolicy opening it.
        const service = getJson(cp, ["service", "flux-operator", "-n", "flux-system"]);
        assert.deepEqual(
            service.spec.ports.map((p: any) => p.port),
            [8080],
        );
        // (Flux's own policies there admit the metrics and webhook ports, 8080 and 9292.)
        const policies = getJson(cp, ["networkpolicies", "-n", "flux-system"]).items;
        const ports = policies.flatMap((p: any) =>
            (p.spec.ingress ?? []).flatMap((i: any) => (i.ports ?? []).map((port: any) => port.port)),
        );
        assert.ok(!ports.includes(9080), `no policy admits the UI port: ${JSON.stringify(ports)}`);
        assert.ok(!policies.some((p: any) => p.metadata.name.startsWith("flux-operator-web")));
    });

    it("2. isolation is the platform's: a tenant NetworkPolicy admitting all ingress, and one under the platform policy's name, are refused as Flux applies them", async () => {
        const allowAll = {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "allow-everyone", namespace: DEV },
            spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] },
        };
        const refused = await refusedCommit("an allow-all NetworkPolicy", allowAll, refusedBy("lockdown", DEV), [
            ["networkpolicy", "allow-everyone", "-n", DEV],
        ]);
        assert.match(refused.message ?? "", /the NetworkPolicies of namespace fluxdemo-dev are the platform's/);

        const before = getJson(cp, ["networkpolicy", "fluxstack-isolation", "-n", DEV]);
        await refusedCommit(
            "a NetworkPolicy under the platform policy's name",
            { ...allowAll, metadata: { name: "fluxstack-isolation", namespace: DEV } },
            refusedBy("lockdown", DEV),
            [],
        );
        const now = getJson(cp, ["networkpolicy", "fluxstack-isolation", "-n", DEV]);
        assert.equal(
            now.metadata.resourceVersion,
            before.metadata.resourceVersion,
            "the platform's policy is unchanged",
        );
    });

    it("3. the tenant's own token (kubectl create token) cannot delete the platform's policy", () => {
        const tenant = asServiceAccount(cp, bin(), DEV, DEV);
        const del = attempt(tenant, ["delete", "networkpolicy", "fluxstack-isolation", "-n", DEV]);
        assert.equal(del.ok, false);
        assert.match(del.text, /networkpolicies.networking.k8s.io "fluxstack-isolation" is forbidden/);
        assert.match(del.text, refusedBy("lockdown", DEV));
        assert.ok(getJson(cp, ["networkpolicy", "fluxstack-isolation", "-n", DEV]), "still there");
        // What the token can do, it still can: the guardrails hold the platform's objects only.
        const cm = attempt(tenant, ["create", "configmap", "mine", "-n", DEV, "--from-literal=a=b"]);
        assert.ok(cm.ok, cm.text);
        assert.ok(attempt(tenant, ["delete", "configmap", "mine", "-n", DEV]).ok);
        // The user Flux impersonates for the tenant when a Kustomization names no account is held the same way.
        const gotk = attempt(cp, [
            "delete",
            "networkpolicy",
            "fluxstack-isolation",
            "-n",
            DEV,
            "--as",
            `gotk:${DEV}:reconciler`,
        ]);
        assert.equal(gotk.ok, false);
        assert.match(gotk.text, refusedBy("lockdown", DEV));
        // The program's own objects in the namespace: the tenant's account (edit may delete service accounts).
        const sa = attempt(tenant, ["delete", "serviceaccount", DEV, "-n", DEV]);
        assert.equal(sa.ok, false);
        assert.match(sa.text, refusedBy("lockdown", DEV));
    });

    it("4. quota: a Deployment beyond it gets only the pods that fit; its ReplicaSet names the quota, and the Kustomization (wait: true) is not Ready", async () => {
        const hog = deploymentOf(
            DEV,
            "hog",
            {
                containers: [
                    { name: "hog", image: "x", resources: { requests: { cpu: "300m" }, limits: { cpu: "300m" } } },
                ],
            },
            3,
        );
        const repo = new Repo(`${h.lab.gitUrl}/flux-dev`);
        try {
            repo.write("dev/hog.yaml", yaml.dump(hog));
            const t0 = Date.now();
            repo.push("three pods of 300m where 800m is left");
            pending = () => revert(repo, "dev/hog.yaml");
            nudge(cp, "GitRepository", DEV, "flux-dev");
            const failure = await eventually(
                "the ReplicaSet's ReplicaFailure condition",
                () => {
                    const rs = getJson(cp, ["replicasets", "-n", DEV, "-l", "app=hog"])?.items?.[0];
                    return (rs?.status?.conditions ?? []).find((c: any) => c.type === "ReplicaFailure");
                },
                90,
            );
            figures.push(`quota: push -> ReplicaSet condition ${Date.now() - t0} ms`);
            assert.equal(failure.reason, "FailedCreate");
            assert.match(
                failure.message,
                /exceeded quota: fluxstack-quota, requested: requests\.cpu=300m, used: requests\.cpu=800m, limited: requests\.cpu=1/,
            );
            const k = await waitNotReady(cp, "Kustomization", DEV, "flux-dev", /Deployment\/fluxdemo-dev\/hog/, 120);
            messages.push(`quota, ReplicaSet: ${failure.message}`, `quota, Kustomization: ${k.message}`);
            figures.push(`quota: push -> Kustomization not Ready (health check, timeout 40s) ${Date.now() - t0} ms`);
            assert.equal(k.reason, "HealthCheckFailed", JSON.stringify(k));
            // No pod beyond the quota: two fit, and stay two.
            for (let i = 0; i < 5; i++) {
                assert.equal(getJson(cp, ["pods", "-n", DEV, "-l", "app=hog"]).items.length, 2);
                await new Promise((r) => setTimeout(r, 1000));
            }
            const used = getJson(cp, ["resourcequota", "fluxstack-quota", "-n", DEV]).status.used;
            assert.equal(used["requests.cpu"], "800m");
            // The defaults allow no Service that opens the namespace past its NetworkPolicy.
            for (const type of ["nodeport", "loadbalancer"]) {
                const svc = attempt(cp, [
                    ...["create", "service", type, "exposed", "--tcp=80", "-n", DEV, "--dry-run=server"],
                    ...["--as", `system:serviceaccount:${DEV}:${DEV}`],
                ]);
                assert.equal(svc.ok, false, svc.text);
                assert.match(svc.text, /exceeded quota: fluxstack-quota, requested: .*services\.nodeports=1/);
            }
            await othersReady();
            pending = undefined;
            repo.remove("dev/hog.yaml");
            const back = repo.push("remove hog");
            nudge(cp, "GitRepository", DEV, "flux-dev");
            await waitReady(cp, "Kustomization", DEV, "flux-dev", 120, back);
        } finally {
            pending?.();
            repo.dispose();
        }
    });

    it("5. pod security: a privileged Deployment is refused as Flux applies it (the policy), a bare privileged Pod too (Pod Security Admission)", async () => {
        const privileged = { containers: [{ name: "c", image: "x", securityContext: { privileged: true } }] };
        const deployment = await refusedCommit(
            "a privileged Deployment",
            deploymentOf(DEV, "priv", privileged),
            refusedBy("pod-security", DEV),
            [["deployment", "priv", "-n", DEV]],
        );
        assert.match(deployment.message ?? "", /privileged: containers must not set securityContext.privileged=true/);
        assert.equal(getJson(cp, ["replicasets", "-n", DEV, "-l", "app=priv"]).items.length, 0, "no ReplicaSet");
        const pod = await refusedCommit(
            "a bare privileged Pod",
            podOf(DEV, "priv", privileged),
            /pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged/,
            [["pod", "priv", "-n", DEV]],
        );
        assert.ok(pod);
    });

    it("6. pod security: for each baseline and restricted rule, the policy refuses the workload exactly when Pod Security Admission refuses its pod", () => {
        const with_ = (patch: (s: any) => void, annotations = {}) => {
            const spec = structuredClone(POD_SPEC) as any;
            patch(spec);
            return { spec, annotations };
        };
        const ctr = (patch: (c: any) => void) => with_((s) => patch(s.containers[0]));
        const cases: [string, { spec: any; annotations: object }, "baseline" | "restricted" | "none"][] = [
            ["compliant", with_(() => {}), "none"],
            ["hostNetwork", with_((s) => (s.hostNetwork = true)), "baseline"],
            ["hostPID", with_((s) => (s.hostPID = true)), "baseline"],
            ["hostIPC", with_((s) => (s.hostIPC = true)), "baseline"],
            // (The API server refuses privileged or SYS_ADMIN with allowPrivilegeEscalation: false as invalid.)
            [
                "privileged",
                ctr((c) => {
                    c.securityContext.privileged = true;
                    delete c.securityContext.allowPrivilegeEscalation;
                }),
                "baseline",
            ],
            [
                "add SYS_ADMIN",
                ctr((c) => {
                    c.securityContext.capabilities.add = ["SYS_ADMIN"];
                    delete c.securityContext.allowPrivilegeEscalation;
                }),
                "baseline",
            ],
            ["add CHOWN", ctr((c) => (c.securityContext.capabilities.add = ["CHOWN"])), "restricted"],
            ["add NET_BIND_SERVICE", ctr((c) => (c.securityContext.capabilities.add = ["NET_BIND_SERVICE"])), "none"],
            ["hostPath", with_((s) => (s.volumes = [{ name: "root", hostPath: { path: "/" } }])), "baseline"],
            ["hostPort", ctr((c) => (c.ports = [{ containerPort: 80, hostPort: 8080 }])), "baseline"],
            [
                "AppArmor Unconfined",
                ctr((c) => (c.securityContext.appArmorProfile = { type: "Unconfined" })),
                "baseline",
            ],
            [
                "AppArmor annotation unconfined",
                with_(() => {}, { "container.apparmor.security.beta.kubernetes.io/c": "unconfined" }),
                "baseline",
            ],
            ["SELinux type spc_t", ctr((c) => (c.securityContext.seLinuxOptions = { type: "spc_t" })), "baseline"],
            ["SELinux user", with_((s) => (s.securityContext.seLinuxOptions = { user: "system_u" })), "baseline"],
            [
                "procMount Unmasked, in a user namespace",
                with_((s) => {
                    s.hostUsers = false;
                    s.containers[0].securityContext.procMount = "Unmasked";
                }),
                // Allowed at baseline since Kubernetes 1.35, never at restricted.
                "restricted",
            ],
            [
                "a probe to another host",
                ctr((c) => (c.readinessProbe = { httpGet: { host: "10.0.0.1", port: 80 } })),
                "baseline",
            ],
            ["a probe to its own pod", ctr((c) => (c.readinessProbe = { httpGet: { port: 80 } })), "none"],
            ["seccomp Unconfined", ctr((c) => (c.securityContext.seccompProfile = { type: "Unconfined" })), "baseline"],
            [
                "unsafe sysctl",
                with_((s) => (s.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }])),
                "baseline",
            ],
            [
                "safe sysctl",
                with_((s) => (s.securityContext.sysctls = [{ name: "net.ipv4.tcp_keepalive_time", value: "60" }])),
                "none",
            ],
            [
                "nfs volume",
                with_((s) => (s.volumes = [{ name: "n", nfs: { server: "nfs.local", path: "/x" } }])),
                "restricted",
            ],
            [
                "allowPrivilegeEscalation unset",
                ctr((c) => delete c.securityContext.allowPrivilegeEscalation),
                "restricted",
            ],
            ["runAsNonRoot unset", with_((s) => delete s.securityContext.runAsNonRoot), "restricted"],
            ["runAsNonRoot false in a container", ctr((c) => (c.securityContext.runAsNonRoot = false)), "restricted"],
            ["runAsUser 0", with_((s) => (s.securityContext.runAsUser = 0)), "restricted"],
            ["seccomp unset", with_((s) => delete s.securityContext.seccompProfile), "restricted"],
            ["capabilities not dropped", ctr((c) => delete c.securityContext.capabilities), "restricted"],
            [
                "an init container running privileged",
                with_((s) => (s.initContainers = [{ name: "i", image: "x", securityContext: { privileged: true } }])),
                "baseline",
            ],
        ];
        const rows: string[] = [];
        for (const [ns, level] of [
            [DEV, "baseline"],
            [STRICT, "restricted"],
        ] as const) {
            const tenant = ["--as", `system:serviceaccount:${ns}:${ns}`];
            for (const [what, { spec, annotations }, breaks] of cases) {
                const name = what.toLowerCase().replace(/[^a-z0-9]+/g, "-");
                const run = (obj: object) =>
                    attempt(
                        cp,
                        ["create", "--dry-run=server", "-o", "name", ...tenant, "-f", "-"],
                        JSON.stringify(obj),
                    );
                const pod = run(podOf(ns, name, spec, annotations));
                const workload = run(deploymentOf(ns, name, spec, 1, annotations));
                const psa = !pod.ok && /violates PodSecurity/.test(pod.text);
                const vap = !workload.ok && refusedBy("pod-security", ns).test(workload.text);
                const expected = breaks === "baseline" || (breaks === "restricted" && level === "restricted");
                rows.push(
                    `${level.padEnd(10)} ${what.padEnd(40)} pod ${psa ? "refused" : "admitted"}, Deployment ${vap ? "refused" : "admitted"}`,
                );
                assert.ok(pod.ok || psa, `${level} ${what}: the Pod failed for another reason: ${pod.text}`);
                assert.ok(
                    workload.ok || vap,
                    `${level} ${what}: the Deployment failed for another reason: ${workload.text}`,
                );
                assert.equal(
                    psa,
                    expected,
                    `${level} ${what}: Pod Security Admission ${psa ? "refused" : "admitted"} the pod`,
                );
                assert.equal(
                    vap,
                    psa,
                    `${level} ${what}: the policy ${vap ? "refused" : "admitted"} the Deployment, PSA ${psa ? "refused" : "admitted"} its pod`,
                );
            }
        }
        process.stdout.write(
            `\n# pod security, PSA on the pod vs the policy on its Deployment\n${rows.map((r) => `#   ${r}`).join("\n")}\n`,
        );
    });

    it("7. allowed sources: a GitRepository outside the tenant's prefixes is refused as Flux applies it; prefixes match whole path segments, for every kind that names a URL, and source status is the controller's", async () => {
        const refused = await refusedCommit(
            "a GitRepository outside the allowed prefixes",
            {
                apiVersion: "source.toolkit.fluxcd.io/v1",
                kind: "GitRepository",
                metadata: { name: "elsewhere", namespace: DEV },
                spec: { url: "https://github.com/someone-else/flux-dev", interval: "10m" },
            },
            refusedBy("sources", DEV),
            [[KIND.GitRepository, "elsewhere", "-n", DEV]],
        );
        const lab = new URL(h.lab.gitUrl);
        assert.match(
            refused.message ?? "",
            new RegExp(
                `source URL https://github.com/someone-else/flux-dev is not allowed for tenant fluxdemo-dev: allowed URLs are under http://127.0.0.1:${lab.port}`,
            ),
        );

        const ns = ADMIN;
        const as = ["--as", `system:serviceaccount:${ns}:${ns}`];
        const source = (kind: string, spec: object) =>
            kind === "ResourceSetInputProvider"
                ? { apiVersion: "fluxcd.controlplane.io/v1", kind, metadata: { name: "s", namespace: ns }, spec }
                : {
                      apiVersion: "source.toolkit.fluxcd.io/v1",
                      kind,
                      metadata: { name: "s", namespace: ns },
                      spec: { interval: "10m", ...spec },
                  };
        const cases: [string, object, boolean][] = [
            [
                "GitRepository under the owner",
                source("GitRepository", { url: "https://github.com/wolcn/flux-dev" }),
                true,
            ],
            ["GitRepository, the prefix itself", source("GitRepository", { url: "https://github.com/wolcn" }), true],
            [
                "GitRepository, a longer owner name",
                source("GitRepository", { url: "https://github.com/wolcnx/flux-dev" }),
                false,
            ],
            [
                "GitRepository climbing out with ..",
                source("GitRepository", { url: "https://github.com/wolcn/../evil/x" }),
                false,
            ],
            [
                "GitRepository climbing out with %2e%2e",
                source("GitRepository", { url: "https://github.com/wolcn/%2e%2e/evil" }),
                false,
            ],
            [
                "GitRepository on a look-alike host",
                source("GitRepository", { url: "https://github.com.evil.example/wolcn/x" }),
                false,
            ],
            [
                "GitRepository with a user part",
                source("GitRepository", { url: "https://github.com@evil.example/wolcn/x" }),
                false,
            ],
            ["OCIRepository under the owner", source("OCIRepository", { url: "oci://ghcr.io/wolcn/kcheck" }), true],
            ["OCIRepository elsewhere", source("OCIRepository", { url: "oci://ghcr.io/wolcnx/kcheck" }), false],
            [
                "HelmRepository (OCI) under the owner",
                source("HelmRepository", { type: "oci", url: "oci://ghcr.io/wolcn/charts" }),
                true,
            ],
            ["HelmRepository elsewhere", source("HelmRepository", { url: "https://charts.evil.example" }), false],
            ["Bucket elsewhere", source("Bucket", { endpoint: "minio.evil.example", bucketName: "b" }), false],
            ["Bucket at an allowed URL", source("Bucket", { endpoint: "github.com", bucketName: "wolcn" }), true],
            [
                "ResourceSetInputProvider elsewhere",
                source("ResourceSetInputProvider", { type: "GitHubBranch", url: "https://github.com/evil/x" }),
                false,
            ],
            [
                "ResourceSetInputProvider under the owner",
                source("ResourceSetInputProvider", { type: "GitHubBranch", url: "https://github.com/wolcn/x" }),
                true,
            ],
        ];
        for (const [what, obj, allowed] of cases) {
            const out = attempt(
                cp,
                ["create", "--dry-run=server", "-o", "name", ...as, "-f", "-"],
                JSON.stringify(obj),
            );
            if (allowed) assert.ok(out.ok, `${what}: ${out.text}`);
            else {
                assert.equal(out.ok, false, `${what} was admitted`);
                assert.match(out.text, refusedBy("sources", ns), what);
            }
        }
        // Status: a forged artifact URL would be fetched as if the source had made it.
        const status = attempt(cp, [
            "patch",
            KIND.GitRepository,
            "flux-dev",
            "-n",
            DEV,
            "--subresource=status",
            "--type=merge",
            "-p",
            JSON.stringify({ status: { artifact: { url: "http://evil.example/a.tar.gz" } } }),
            "--as",
            `system:serviceaccount:${DEV}:${DEV}`,
        ]);
        assert.equal(status.ok, false);
        assert.match(status.text, refusedBy("sources", DEV));

        // Every kind the tenant's role lets it create in the source and operator groups: those whose spec names a
        // URL (or a bucket endpoint) are exactly the kinds the policy checks.
        const checked = getJson(cp, [
            "validatingadmissionpolicy",
            policy("sources", DEV),
        ]).spec.matchConstraints.resourceRules.flatMap((r: any) =>
            r.resources.map((res: string) => `${res}.${r.apiGroups[0]}`),
        );
        const crds = getJson(cp, ["crds"]).items.filter((c: any) =>
            ["source.toolkit.fluxcd.io", "fluxcd.controlplane.io", "source.extensions.fluxcd.io"].includes(
                c.spec.group,
            ),
        );
        const withUrl: string[] = [];
        for (const crd of crds) {
            const creatable = may(
                cp,
                { namespace: DEV, name: DEV },
                { verb: "create", group: crd.spec.group, resource: crd.spec.names.plural },
            );
            const specProps =
                crd.spec.versions.find((v: any) => v.storage).schema.openAPIV3Schema.properties.spec?.properties ?? {};
            if (creatable && ("url" in specProps || "endpoint" in specProps))
                withUrl.push(`${crd.spec.names.plural}.${crd.spec.group}`);
        }
        assert.deepEqual(withUrl.sort(), checked.filter((r: string) => !r.startsWith("*/")).sort());
        process.stdout.write(
            `\n# sources the tenant may create with a URL, each checked: ${withUrl.sort().join(", ")}\n`,
        );
    });

    it("8. roles: which built-in roles can write what the guardrails protect (the real authorizer), and the lockdown policy refuses each such write", () => {
        const tenants = { edit: DEV, admin: ADMIN, "cluster-admin": ROOT } as const;
        const writes: [string, (ns: string) => Parameters<typeof may>[2]][] = [
            [
                "create NetworkPolicy",
                () => ({ verb: "create", group: "networking.k8s.io", resource: "networkpolicies" }),
            ],
            ["delete ResourceQuota", () => ({ verb: "delete", group: "", resource: "resourcequotas" })],
            [
                "update ResourceQuota status",
                () => ({ verb: "update", group: "", resource: "resourcequotas", subresource: "status" }),
            ],
            ["delete LimitRange", () => ({ verb: "delete", group: "", resource: "limitranges" })],
            ["patch its Namespace", (ns) => ({ verb: "patch", group: "", resource: "namespaces", name: ns })],
            [
                "create RoleBinding",
                () => ({ verb: "create", group: "rbac.authorization.k8s.io", resource: "rolebindings" }),
            ],
            ["delete ServiceAccount", () => ({ verb: "delete", group: "", resource: "serviceaccounts" })],
            [
                "update GitRepository status",
                () => ({
                    verb: "update",
                    group: "source.toolkit.fluxcd.io",
                    resource: "gitrepositories",
                    subresource: "status",
                }),
            ],
            [
                "create ValidatingAdmissionPolicy",
                () => ({
                    verb: "create",
                    group: "admissionregistration.k8s.io",
                    resource: "validatingadmissionpolicies",
                    namespace: "",
                }),
            ],
        ];
        const table: Record<string, Record<string, boolean>> = {};
        for (const [what, attrs] of writes) {
            table[what] = {};
            for (const [role, ns] of Object.entries(tenants))
                table[what][role] = may(cp, { namespace: ns, name: ns }, attrs(ns));
        }
        process.stdout.write(`\n# RBAC (through the tenant's RoleBinding): ${JSON.stringify(table)}\n`);
        // The README's table: what each built-in role lets a tenant write (RBAC alone), that a guardrail protects.
        assert.deepEqual(table, {
            "create NetworkPolicy": { edit: true, admin: true, "cluster-admin": true },
            "delete ResourceQuota": { edit: false, admin: false, "cluster-admin": true },
            "update ResourceQuota status": { edit: false, admin: false, "cluster-admin": true },
            "delete LimitRange": { edit: false, admin: false, "cluster-admin": true },
            "patch its Namespace": { edit: false, admin: false, "cluster-admin": true },
            "create RoleBinding": { edit: false, admin: true, "cluster-admin": true },
            "delete ServiceAccount": { edit: true, admin: true, "cluster-admin": true },
            "update GitRepository status": { edit: true, admin: true, "cluster-admin": true },
            "create ValidatingAdmissionPolicy": { edit: false, admin: false, "cluster-admin": false },
        });

        // What RBAC lets cluster-admin (through a RoleBinding) do, the lockdown policy refuses, with the tenant's token.
        const root = asServiceAccount(cp, bin(), ROOT, ROOT);
        const refusals: [string, string[], string?][] = [
            [
                "relabel its namespace (Pod Security)",
                ["label", "namespace", ROOT, "pod-security.kubernetes.io/enforce=privileged", "--overwrite"],
            ],
            ["delete its quota", ["delete", "resourcequota", "fluxstack-quota", "-n", ROOT]],
            [
                "zero its quota's usage",
                [
                    "patch",
                    "resourcequota",
                    "fluxstack-quota",
                    "-n",
                    ROOT,
                    "--subresource=status",
                    "--type=merge",
                    "-p",
                    '{"status":{"used":{"pods":"0"}}}',
                ],
            ],
            ["delete its limit range", ["delete", "limitrange", "fluxstack-limits", "-n", ROOT]],
            ["delete its namespace", ["delete", "namespace", ROOT, "--wait=false"]],
            ["delete the platform's NetworkPolicy", ["delete", "networkpolicy", "fluxstack-isolation", "-n", ROOT]],
            ["change the program's RoleBinding", ["label", "rolebinding", `${ROOT}-reconciler`, "-n", ROOT, "x=y"]],
            [
                "bind its role to someone else",
                ["create", "rolebinding", "outsider", "-n", ROOT, "--clusterrole=cluster-admin", "--user=mallory"],
            ],
        ];
        for (const [what, args] of refusals) {
            const out = attempt(root, args);
            assert.equal(out.ok, false, `cluster-admin could ${what}: ${out.text}`);
            assert.match(out.text, refusedBy("lockdown", ROOT), `${what}: ${out.text}`);
        }
        assert.equal(
            getJson(cp, ["namespace", ROOT]).metadata.labels["pod-security.kubernetes.io/enforce"],
            "baseline",
        );
        assert.ok(getJson(cp, ["resourcequota", "fluxstack-quota", "-n", ROOT]));

        // admin may still manage its own RBAC among its own identities, and not beyond them.
        const admin = asServiceAccount(cp, bin(), ADMIN, ADMIN);
        const own = attempt(admin, [
            "create",
            "rolebinding",
            "own",
            "-n",
            ADMIN,
            "--clusterrole=view",
            `--serviceaccount=${ADMIN}:${ADMIN}`,
        ]);
        assert.ok(own.ok, own.text);
        assert.ok(attempt(admin, ["delete", "rolebinding", "own", "-n", ADMIN]).ok);
        const out = attempt(admin, [
            "create",
            "rolebinding",
            "outsider",
            "-n",
            ADMIN,
            "--clusterrole=edit",
            "--group=developers",
        ]);
        assert.equal(out.ok, false, out.text);
        assert.match(out.text, refusedBy("lockdown", ADMIN));
        // Every service account of the namespace is the tenant, not only the one the program made: one the tenant
        // makes and binds itself is held too.
        assert.ok(attempt(admin, ["create", "serviceaccount", "helper", "-n", ADMIN]).ok);
        const bind = [
            "create",
            "rolebinding",
            "helper",
            "-n",
            ADMIN,
            "--clusterrole=admin",
            `--serviceaccount=${ADMIN}:helper`,
        ];
        assert.ok(attempt(admin, bind).ok);
        const helper = asServiceAccount(cp, bin(), ADMIN, "helper");
        const del = attempt(helper, ["delete", "networkpolicy", "fluxstack-isolation", "-n", ADMIN]);
        assert.equal(del.ok, false, del.text);
        assert.match(del.text, refusedBy("lockdown", ADMIN));
    });

    it("9. the platform is not locked out: an up that changes a quota and the isolation policy succeeds", async () => {
        writeStackFile(
            h.ws.projectDir,
            STACK,
            stackConfig(h.lab, { devCpu: "2", allowFrom: ["ingress-nginx", "monitoring"] }),
        );
        const { summary } = await deploy(h.run());
        assert.equal(summary.failed, 0, summary.errors.join("\n"));
        assert.equal(getJson(cp, ["resourcequota", "fluxstack-quota", "-n", DEV]).spec.hard["requests.cpu"], "2");
        const from = getJson(cp, ["networkpolicy", "fluxstack-isolation", "-n", DEV]).spec.ingress[0].from[1];
        assert.deepEqual(from.namespaceSelector.matchExpressions[0].values, ["ingress-nginx", "monitoring"]);
        await waitReady(cp, "Kustomization", DEV, "flux-dev", 90);
    });

    it("10. removing a tenant removes its guardrails, cluster-wide policies included; destroy removes every one", async () => {
        const ofTenant = (t: string) =>
            ["validatingadmissionpolicies", "validatingadmissionpolicybindings"].flatMap(
                (kind) => getJson(cp, [kind, "-l", `toolkit.fluxcd.io/tenant=${t}`]).items,
            );
        assert.equal(ofTenant(STRICT).length, 6);
        // Confirmed for every tenant ("*"): this up removes team-strict, and it lifts the guard the destroy below
        // would otherwise stop at (tenants are protected on an existing cluster).
        writeStackFile(h.ws.projectDir, STACK, stackConfig(h.lab, { devCpu: "2", drop: STRICT, confirm: ["*"] }));
        const up = await deploy(h.run());
        assert.equal(up.summary.failed, 0, up.summary.errors.join("\n"));
        assert.deepEqual(ofTenant(STRICT), []);
        await eventually("team-strict's namespace gone", () => getJson(cp, ["namespace", STRICT]) === undefined, 60);
        assert.equal(ofTenant(DEV).length, 6, "the others keep theirs");

        const down = await destroy(h.run());
        assert.equal(down.summary.failed, 0, down.summary.errors.join("\n"));
        for (const kind of ["validatingadmissionpolicies", "validatingadmissionpolicybindings"]) {
            const left = getJson(cp, [kind])
                .items.map((i: any) => i.metadata.name)
                .filter((n: string) => n.startsWith("fluxstack-"));
            assert.deepEqual(left, [], `no ${kind} left`);
        }
        const namespaces = getJson(cp, ["namespaces"]).items.map((n: any) => n.metadata.name);
        for (const t of [DEV, "fluxdemo-stage", "fluxdemo-prod", ADMIN, ROOT])
            assert.ok(!namespaces.includes(t), `${t} gone`);
    });
});
