import * as yaml from "js-yaml";
import type { KindClusterConfig } from "../../stacks/config";

/**
 * The Kind cluster config file (kind.x-k8s.io/v1alpha4), rendered from the stack config so the layout lives
 * in one place. Port mappings go on the first control-plane node, where Kind's docs put an ingress.
 */
export function renderKindConfig(cfg: KindClusterConfig): string {
    const node = (role: "control-plane" | "worker") => ({ role, image: cfg.nodeImage });
    const controlPlanes = Array.from({ length: cfg.controlPlanes }, () => node("control-plane"));
    const workers = Array.from({ length: cfg.workers }, () => node("worker"));
    if (cfg.extraPortMappings.length > 0) {
        Object.assign(controlPlanes[0], {
            extraPortMappings: cfg.extraPortMappings.map((m) => ({ ...m })),
        });
    }
    return yaml.dump(
        {
            kind: "Cluster",
            apiVersion: "kind.x-k8s.io/v1alpha4",
            name: cfg.name,
            nodes: [...controlPlanes, ...workers],
        },
        { noRefs: true },
    );
}

/** The argv of each kind command this stack runs (checked against kind's own flags in the tests). */
export function kindCommandLines(name: string, configFile: string) {
    return {
        create: ["create", "cluster", "--name", name, "--config", configFile, "--wait", "5m"],
        kubeconfig: ["get", "kubeconfig", "--name", name],
        list: ["get", "clusters"],
        delete: ["delete", "cluster", "--name", name],
    };
}
