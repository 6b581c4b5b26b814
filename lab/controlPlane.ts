import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { KubeApi } from "./kubeApi";
import type { LabPaths, LabPorts } from "./labDir";
import { waitUntil } from "./processes";

/** The one node of a lab: kwok keeps it Ready; pods scheduled here are simulated unless the pod runner runs them. */
export const LAB_NODE = "lab-node-0";

/** Starts a supervised process of the lab (the daemon restarts it if it dies). */
export type Launch = (name: string, binary: string, args: string[]) => void;

/**
 * Keys and tokens that must survive a restart, so that a restarted lab is the same cluster to its clients:
 * the service-account signing key, the admin token. Made once.
 */
export function ensureCredentials(paths: LabPaths): void {
    fs.mkdirSync(paths.pki, { recursive: true, mode: 0o700 });
    if (!fs.existsSync(paths.serviceAccountKey)) {
        const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
        fs.writeFileSync(paths.serviceAccountKey, privateKey.export({ type: "pkcs1", format: "pem" }), { mode: 0o600 });
    }
    if (!fs.existsSync(paths.adminToken)) {
        fs.writeFileSync(paths.adminToken, crypto.randomBytes(24).toString("hex"), { mode: 0o600 });
    }
    const token = fs.readFileSync(paths.adminToken, "utf8").trim();
    fs.writeFileSync(paths.tokens, `${token},admin,admin,system:masters\n`, { mode: 0o600 });
}

/** The admin kubeconfig (token auth; the server's self-signed certificate is trusted as its own CA). */
export function adminKubeconfig(paths: LabPaths, ports: LabPorts, name: string): string {
    const token = fs.readFileSync(paths.adminToken, "utf8").trim();
    const ca = fs.readFileSync(paths.servingCert).toString("base64");
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: ${name}`,
        "  cluster:",
        `    server: https://127.0.0.1:${ports.apiServer}`,
        `    certificate-authority-data: ${ca}`,
        "users:",
        `- name: ${name}-admin`,
        "  user:",
        `    token: ${token}`,
        "contexts:",
        `- name: ${name}`,
        "  context:",
        `    cluster: ${name}`,
        `    user: ${name}-admin`,
        `current-context: ${name}`,
        "",
    ].join("\n");
}

export function adminApi(paths: LabPaths, ports: LabPorts): KubeApi {
    return new KubeApi({
        server: `https://127.0.0.1:${ports.apiServer}`,
        token: fs.readFileSync(paths.adminToken, "utf8").trim(),
        ca: fs.readFileSync(paths.servingCert, "utf8"),
    });
}

/**
 * etcd, kube-apiserver (RBAC, token auth, the built-in admission plugins: Pod Security, ResourceQuota,
 * LimitRanger, ValidatingAdmissionPolicy), controller-manager, scheduler and kwok, all on 127.0.0.1, with their
 * data in the lab directory. Returns once the API server is ready, the node is Ready and namespaces have their
 * default service account.
 */
export async function startControlPlane(
    paths: LabPaths,
    ports: LabPorts,
    name: string,
    launch: Launch,
    stagesFile: string,
): Promise<KubeApi> {
    ensureCredentials(paths);
    launch("etcd", "etcd", [
        "--name=lab",
        `--data-dir=${paths.etcd}`,
        `--listen-client-urls=http://127.0.0.1:${ports.etcd}`,
        `--advertise-client-urls=http://127.0.0.1:${ports.etcd}`,
        `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
        `--initial-cluster=lab=http://127.0.0.1:${ports.etcdPeer}`,
        "--listen-metrics-urls=",
        "--unsafe-no-fsync",
    ]);
    launch("kube-apiserver", "kube-apiserver", [
        `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${ports.apiServer}`,
        `--cert-dir=${paths.pki}`,
        `--token-auth-file=${paths.tokens}`,
        "--authorization-mode=RBAC",
        "--allow-privileged=true",
        "--service-cluster-ip-range=10.96.0.0/16",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${paths.serviceAccountKey}`,
        `--service-account-signing-key-file=${paths.serviceAccountKey}`,
        // With a loopback advertise address the `kubernetes` Service's endpoints would be invalid; nothing needs them.
        "--endpoint-reconciler-type=none",
    ]);
    await waitUntil("kube-apiserver /readyz", () => fs.existsSync(paths.servingCert) && readyz(paths, ports), 120, 500);
    const api = adminApi(paths, ports);

    const kubeconfig = path.join(paths.pki, "admin.kubeconfig");
    fs.writeFileSync(kubeconfig, adminKubeconfig(paths, ports, name), { mode: 0o600 });
    const common = [
        `--kubeconfig=${kubeconfig}`,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        "--bind-address=127.0.0.1",
        "--leader-elect=false",
        "--secure-port=0", // no serving port: two labs never collide
    ];
    launch("kube-controller-manager", "kube-controller-manager", [
        ...common,
        `--service-account-private-key-file=${paths.serviceAccountKey}`,
        `--root-ca-file=${paths.servingCert}`,
        "--use-service-account-credentials=false",
    ]);
    launch("kube-scheduler", "kube-scheduler", common);
    launch("kwok", "kwok", [
        `--kubeconfig=${kubeconfig}`,
        `--config=${stagesFile}`,
        "--manage-all-nodes=true",
        "--cidr=10.244.0.0/16",
        "--node-ip=127.0.0.1",
        "--node-lease-duration-seconds=40",
        "--server-address=",
    ]);

    await api.apply(`/api/v1/nodes/${LAB_NODE}`, {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name: LAB_NODE,
            annotations: { "kwok.x-k8s.io/node": "fake" },
            labels: { "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": LAB_NODE },
        },
    });
    await waitUntil(
        `node ${LAB_NODE} Ready`,
        async () => {
            const node = await api.find<{ status?: { conditions?: { type: string; status: string }[] } }>(
                `/api/v1/nodes/${LAB_NODE}`,
            );
            return node?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
        },
        120,
        500,
    );
    await waitUntil(
        "the default service account",
        async () => (await api.find(`/api/v1/namespaces/default/serviceaccounts/default`)) !== undefined,
        120,
        500,
    );
    return api;
}

async function readyz(paths: LabPaths, ports: LabPorts): Promise<boolean> {
    const api = adminApi(paths, ports);
    try {
        return (await api.text("/readyz", 2_000)) === "ok";
    } catch {
        return false;
    } finally {
        api.close();
    }
}
