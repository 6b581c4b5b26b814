import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { type Cluster, clusterAt } from "./cluster";
import { mayServiceAccount } from "./fluxApi";

/** A kubectl run's outcome: what it printed, and whether it succeeded. */
export interface Outcome {
    ok: boolean;
    text: string;
}

/** Runs kubectl and returns its outcome instead of throwing (a refusal is what a test expects to see). */
export function attempt(c: Cluster, args: string[], input?: string): Outcome {
    try {
        return { ok: true, text: c.kubectl(args, input) };
    } catch (e) {
        const err = e as { stderr?: string; stdout?: string; message?: string };
        return { ok: false, text: `${err.stderr ?? ""}${err.stdout ?? ""}` || String(err.message) };
    }
}

/** The kubeconfigs `asServiceAccount` wrote (each holds a token): removed by `removeTokens()`. */
const written: string[] = [];

/** Removes every kubeconfig `asServiceAccount` wrote. */
export function removeTokens(): void {
    for (const dir of written.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * kubectl as a tenant's own service account, as its team would have it: a token from `kubectl create token` in a
 * kubeconfig of its own (the lab's server and CA, no admin credentials).
 */
export function asServiceAccount(admin: Cluster, bin: string, namespace: string, account: string): Cluster {
    const token = admin.kubectl(["create", "token", account, "-n", namespace, "--duration=1h"]).trim();
    const config = yaml.load(fs.readFileSync(admin.kubeconfig, "utf8")) as {
        users: { name: string; user: Record<string, unknown> }[];
    };
    for (const u of config.users) u.user = { token };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-tenant-"));
    written.push(dir);
    const file = path.join(dir, "kubeconfig");
    fs.writeFileSync(file, yaml.dump(config), { mode: 0o600 });
    return clusterAt(file, bin);
}

/** `mayServiceAccount`, in the account's own namespace unless `a` names another. */
export function may(
    admin: Cluster,
    account: { namespace: string; name: string },
    a: { verb: string; group: string; resource: string; subresource?: string; name?: string; namespace?: string },
): boolean {
    return mayServiceAccount(admin, account, { namespace: account.namespace, ...a });
}
