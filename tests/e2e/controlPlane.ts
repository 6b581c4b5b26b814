import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/** A throwaway Kubernetes control plane on loopback: etcd, kube-apiserver (RBAC), controller-manager, scheduler, kwok. */
export interface ControlPlane {
    dir: string;
    kubeconfig: string;
    kubectl(args: string[], input?: string): string;
    stop(): void;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

async function waitFor(what: string, check: () => boolean, seconds: number, logs: string): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
        if (check()) return;
        await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${what} did not come up in ${seconds}s; logs in ${logs}`);
}

/** Starts everything in a temporary directory; `stop()` (also run on exit, SIGINT and SIGTERM) kills and cleans up. */
export async function startControlPlane(bin: string): Promise<ControlPlane> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxstack-e2e-"));
    const children: ChildProcess[] = [];
    let stopped = false;
    const stop = () => {
        if (stopped) return;
        stopped = true;
        // Throwaway processes: SIGKILL, as an apiserver whose etcd is gone can take minutes to shut down.
        for (const child of children.reverse()) child.kill("SIGKILL");
        if (!process.env.FLUXSTACK_E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    };
    process.once("exit", stop);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            stop();
            process.exit(130);
        });
    }

    const run = (name: string, args: string[]) => {
        const log = fs.openSync(path.join(dir, `${name}.log`), "w");
        const child = spawn(path.join(bin, name), args, { stdio: ["ignore", log, log] });
        children.push(child);
        child.unref(); // the test process may exit without waiting for them; stop() kills them
        child.on("exit", (code) => {
            if (!stopped) process.stderr.write(`e2e: ${name} exited (${code}); see ${dir}/${name}.log\n`);
        });
    };

    try {
        const [etcdPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
        const token = crypto.randomBytes(16).toString("hex");
        fs.mkdirSync(path.join(dir, "pki"));
        fs.writeFileSync(path.join(dir, "tokens.csv"), `${token},admin,admin,system:masters\n`);
        const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
        fs.writeFileSync(path.join(dir, "sa.key"), privateKey.export({ type: "pkcs1", format: "pem" }));
        const kubeconfig = path.join(dir, "kubeconfig");
        fs.writeFileSync(
            kubeconfig,
            [
                "apiVersion: v1",
                "kind: Config",
                `clusters: [{name: e2e, cluster: {server: "https://127.0.0.1:${apiPort}", insecure-skip-tls-verify: true}}]`,
                `users: [{name: admin, user: {token: ${token}}}]`,
                "contexts: [{name: e2e, context: {cluster: e2e, user: admin}}]",
                "current-context: e2e",
                "",
            ].join("\n"),
        );
        const kubectl = (args: string[], input?: string) =>
            execFileSync(path.join(bin, "kubectl"), ["--kubeconfig", kubeconfig, ...args], {
                encoding: "utf8",
                input,
                stdio: ["pipe", "pipe", "pipe"],
            });
        const ok = (args: string[]) => {
            try {
                kubectl(args);
                return true;
            } catch {
                return false;
            }
        };

        run("etcd", [
            "--data-dir",
            path.join(dir, "etcd"),
            "--listen-client-urls",
            `http://127.0.0.1:${etcdPort}`,
            "--advertise-client-urls",
            `http://127.0.0.1:${etcdPort}`,
            "--listen-peer-urls",
            `http://127.0.0.1:${etcdPeerPort}`,
            "--initial-advertise-peer-urls",
            `http://127.0.0.1:${etcdPeerPort}`,
            "--initial-cluster",
            `default=http://127.0.0.1:${etcdPeerPort}`,
            "--unsafe-no-fsync",
        ]);
        const sa = path.join(dir, "sa.key");
        run("kube-apiserver", [
            `--etcd-servers=http://127.0.0.1:${etcdPort}`,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            `--secure-port=${apiPort}`,
            `--cert-dir=${path.join(dir, "pki")}`,
            `--token-auth-file=${path.join(dir, "tokens.csv")}`,
            "--authorization-mode=RBAC",
            "--allow-privileged=true",
            "--service-cluster-ip-range=10.96.0.0/16",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            `--service-account-key-file=${sa}`,
            `--service-account-signing-key-file=${sa}`,
            // With a loopback advertise address the `kubernetes` Service's endpoints are invalid; nothing needs them.
            "--endpoint-reconciler-type=none",
        ]);
        await waitFor("kube-apiserver", () => ok(["get", "--raw", "/readyz"]), 120, dir);

        const common = [
            `--kubeconfig=${kubeconfig}`,
            `--authentication-kubeconfig=${kubeconfig}`,
            `--authorization-kubeconfig=${kubeconfig}`,
            "--bind-address=127.0.0.1",
            "--leader-elect=false",
            "--secure-port=0",
        ];
        run("kube-controller-manager", [
            ...common,
            `--service-account-private-key-file=${sa}`,
            `--root-ca-file=${path.join(dir, "pki", "apiserver.crt")}`,
            "--use-service-account-credentials=false",
        ]);
        run("kube-scheduler", common); // --secure-port=0 on both: parallel control planes must not share a port
        run("kwok", [
            `--kubeconfig=${kubeconfig}`,
            `--config=${path.join(bin, "stages.yaml")}`,
            "--manage-all-nodes=true",
            "--cidr=10.244.0.0/16",
            "--node-ip=127.0.0.1",
            "--node-lease-duration-seconds=40",
        ]);

        kubectl(
            ["apply", "-f", "-"],
            [
                "apiVersion: v1",
                "kind: Node",
                "metadata: {name: kwok-node-0, annotations: {kwok.x-k8s.io/node: fake}, labels: {kubernetes.io/os: linux, kubernetes.io/hostname: kwok-node-0}}",
            ].join("\n"),
        );
        await waitFor(
            "the kwok node",
            () =>
                /True/.test(
                    kubectl([
                        "get",
                        "node",
                        "kwok-node-0",
                        "-o",
                        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
                    ]),
                ),
            120,
            dir,
        );
        await waitFor(
            "the default service account",
            () => ok(["get", "serviceaccount", "default", "-n", "default"]),
            120,
            dir,
        );
        return { dir, kubeconfig, kubectl, stop };
    } catch (e) {
        stop();
        throw e;
    }
}
