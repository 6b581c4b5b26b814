import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * What a lab runs, as files of its bin directory (the toolchain's, or FLUXSTACK_LAB_BIN): the control plane, kwok
 * and its stages, the registry, and the Flux Operator (+ its CLI for the instance chart's health check, and the
 * Flux manifests it embeds) and the two controllers the lab runs as processes.
 */
export const LAB_BINARIES = [
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kwok",
    "stages.yaml",
    "registry",
    "flux-operator",
    "flux-operator-cli",
    "flux-operator-data",
    "source-controller",
    "kustomize-controller",
] as const;

/** The toolchain steps (lab/toolchain.sh) that make them. */
export const LAB_TOOLCHAIN_STEPS = [
    "etcd",
    "kubernetes",
    "kwok",
    "registry",
    "flux-operator",
    "source-controller",
    "kustomize-controller",
] as const;

/** The lab's files missing from `bin`. */
export function missingBinaries(bin: string, exists: (file: string) => boolean = fs.existsSync): string[] {
    return LAB_BINARIES.filter((b) => !exists(path.join(bin, b)));
}

/** A lab's binaries: `$FLUXSTACK_LAB_BIN`, else the toolchain's bin (`$FLUXSTACK_TOOLCHAIN_DIR` or the cache). */
export function defaultLabBin(env: NodeJS.ProcessEnv = process.env, homeDir = os.homedir()): string {
    if (env.FLUXSTACK_LAB_BIN) return env.FLUXSTACK_LAB_BIN;
    return path.join(env.FLUXSTACK_TOOLCHAIN_DIR ?? path.join(homeDir, ".cache", "fluxstack-toolchain"), "bin");
}
