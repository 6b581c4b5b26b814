import { execFileSync } from "node:child_process";
import * as path from "node:path";

/** The e2e suite's view of a cluster: its kubeconfig and kubectl on it (as the admin). */
export interface Cluster {
    kubeconfig: string;
    kubectl(args: string[], input?: string): string;
}

export function clusterAt(kubeconfig: string, bin: string): Cluster {
    return {
        kubeconfig,
        kubectl: (args, input) =>
            execFileSync(path.join(bin, "kubectl"), ["--kubeconfig", kubeconfig, ...args], {
                encoding: "utf8",
                input,
                stdio: ["pipe", "pipe", "pipe"],
            }),
    };
}
