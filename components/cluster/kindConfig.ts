import * as yaml from "js-yaml";

/** kind v0.31.0's default node image (Kubernetes 1.35), pinned by digest as kind's release notes ask. */
export const DEFAULT_KIND_NODE_IMAGE =
    "kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f";

/** A host port mapped into a node. */
export interface KindPortMapping {
    /** The port inside the node. Required. */
    containerPort: number;
    /** The port on the host. Required. */
    hostPort: number;
    /** Default kind's (all addresses). */
    listenAddress?: string;
    /** Default kind's (`TCP`). */
    protocol?: "TCP" | "UDP" | "SCTP";
}

/** A Kind cluster's layout: what its config file says. Changing any of it means a new cluster. */
export interface KindLayout {
    /** The cluster's name. Required. */
    name: string;
    /** Node image (= Kubernetes version). Default kind v0.31.0's: `kindest/node:v1.35.0@sha256:452d…`. */
    nodeImage?: string;
    /** Control-plane nodes. Default `1`. */
    controlPlanes?: number;
    /** Worker nodes. Default `2` (the demo lab's). */
    workers?: number;
    /** Host port mappings on the first control-plane node (e.g. for an ingress). Default none. */
    extraPortMappings?: readonly KindPortMapping[];
}

/**
 * The Kind cluster config file (kind.x-k8s.io/v1alpha4), rendered from the layout so it lives in one place.
 * Port mappings go on the first control-plane node, where Kind's docs put an ingress.
 */
export function renderKindConfig(layout: KindLayout): string {
    const node = (role: "control-plane" | "worker") => ({ role, image: layout.nodeImage ?? DEFAULT_KIND_NODE_IMAGE });
    const controlPlanes = Array.from({ length: layout.controlPlanes ?? 1 }, () => node("control-plane"));
    const workers = Array.from({ length: layout.workers ?? 2 }, () => node("worker"));
    const mappings = layout.extraPortMappings ?? [];
    if (mappings.length > 0) {
        Object.assign(controlPlanes[0], { extraPortMappings: mappings.map((m) => ({ ...m })) });
    }
    return yaml.dump(
        {
            kind: "Cluster",
            apiVersion: "kind.x-k8s.io/v1alpha4",
            name: layout.name,
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
