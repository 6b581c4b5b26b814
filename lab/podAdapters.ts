/**
 * How a Flux pod's container becomes a local process: which binary, which of its flags bind addresses (moved to
 * free loopback ports, remembered so the pod's probes reach the process), and the few flags a process outside a
 * cluster must have otherwise. Everything else is the pod's own: its args, its env, its service account.
 */
export interface PodAdapter {
    /** The binary's file name in the lab's bin directory. */
    binary: string;
    /** Flags that bind an address, with the container port each serves by default (the pod's `ports`). */
    listen: readonly { flag: string; containerPort: number }[];
    /** Flags set whatever the pod says, given the loopback ports chosen for `listen`. */
    set(ctx: AdapterContext): Record<string, string>;
    /** Environment set whatever the pod says. */
    env?(ctx: AdapterContext): Record<string, string>;
}

export interface AdapterContext {
    /** flag -> the loopback port it got. */
    ports: Record<string, number>;
    /** The lab's bin directory. */
    bin: string;
}

// Outside a cluster controller-runtime cannot find a namespace for its lease ("not running in-cluster"), and
// one process per pod needs no election.
const NO_ELECTION = { "--enable-leader-election": "false" };

export const POD_ADAPTERS: Record<string, PodAdapter> = {
    "flux-operator": {
        binary: "flux-operator",
        listen: [
            { flag: "--metrics-addr", containerPort: 8080 },
            { flag: "--health-addr", containerPort: 8081 },
        ],
        // The image keeps the Flux manifests it embeds in /data (its default --storage-path).
        set: (ctx) => ({ ...NO_ELECTION, "--storage-path": `${ctx.bin}/flux-operator-data` }),
        // Its web UI would listen on every interface: off in the lab, whatever the chart says.
        env: () => ({ WEB_SERVER_PORT: "0" }),
    },
    "flux-operator-cli": { binary: "flux-operator-cli", listen: [], set: () => ({}) },
    "source-controller": {
        binary: "source-controller",
        listen: [
            { flag: "--storage-addr", containerPort: 9090 },
            { flag: "--metrics-addr", containerPort: 8080 },
            { flag: "--health-addr", containerPort: 9440 },
        ],
        // Artifact URLs name this address; kustomize-controller downloads from it.
        set: (ctx) => ({ ...NO_ELECTION, "--storage-adv-addr": `127.0.0.1:${ctx.ports["--storage-addr"]}` }),
    },
    "kustomize-controller": {
        binary: "kustomize-controller",
        listen: [
            { flag: "--metrics-addr", containerPort: 8080 },
            { flag: "--health-addr", containerPort: 9440 },
        ],
        set: () => ({ ...NO_ELECTION }),
    },
};

/** Flags naming in-cluster services the lab does not run; a process outside the cluster cannot resolve them. */
export const DROPPED_FLAGS = ["--events-addr"] as const;

/** `--flag=value` / `--flag value` / `--flag` -> [flag, value | undefined, consumed args]. */
function splitFlag(args: readonly string[], i: number): [string, string | undefined, number] {
    const arg = args[i];
    const eq = arg.indexOf("=");
    if (eq > 0) return [arg.slice(0, eq), arg.slice(eq + 1), 1];
    return [arg, undefined, 1];
}

/**
 * The process's argv from the container's (already expanded) args: listen flags moved to their loopback ports,
 * `set` flags overriding the pod's, dropped flags gone. Returns the argv and containerPort -> loopback port.
 */
export function adaptArgs(
    adapter: PodAdapter,
    args: readonly string[],
    ports: Record<string, number>,
    bin: string,
): { argv: string[]; portMap: Record<number, number> } {
    const forced: Record<string, string> = {};
    const portMap: Record<number, number> = {};
    for (const { flag, containerPort } of adapter.listen) {
        // A port the pod's args choose (`--metrics-addr=:9999`) is the one its probes name.
        const given = args.map((a, i) => splitFlag(args, i)).find(([f]) => f === flag)?.[1];
        const port = given?.match(/:(\d+)$/)?.[1];
        portMap[port ? Number(port) : containerPort] = ports[flag];
        forced[flag] = `127.0.0.1:${ports[flag]}`;
    }
    Object.assign(forced, adapter.set({ ports, bin }));
    const argv: string[] = [];
    for (let i = 0; i < args.length;) {
        const [flag, , used] = splitFlag(args, i);
        const drop = flag in forced || (DROPPED_FLAGS as readonly string[]).includes(flag);
        if (!drop) argv.push(...args.slice(i, i + used));
        i += used;
    }
    for (const [flag, value] of Object.entries(forced)) argv.push(`${flag}=${value}`);
    return { argv, portMap };
}

/** Kubernetes' `$(VAR)` expansion of container args (`$$` escapes a dollar); unknown variables stay as written. */
export function expandVars(text: string, env: Record<string, string>): string {
    return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name: string | undefined) => {
        if (match === "$$") return "$";
        return name !== undefined && name in env ? env[name] : match;
    });
}

/** A memory quantity (`1Gi`, `512Mi`, `64M`, `1000`) in bytes; undefined if it is not one. */
export function memoryBytes(quantity: string | undefined): number | undefined {
    const m = quantity?.match(/^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/);
    if (!m) return undefined;
    const scale: Record<string, number> = {
        Ki: 2 ** 10,
        Mi: 2 ** 20,
        Gi: 2 ** 30,
        Ti: 2 ** 40,
        k: 1e3,
        M: 1e6,
        G: 1e9,
        T: 1e12,
    };
    return Math.floor(Number(m[1]) * (m[2] ? scale[m[2]] : 1));
}
