import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/** One registered resource, as the tests see it. */
export interface Recorded {
    type: string;
    name: string;
    custom: boolean;
    /** Inputs, with every Output resolved. */
    inputs: Record<string, any>;
    /** The inputs given as secret Outputs (top-level keys), as the engine would store them encrypted. */
    secretInputs: Set<string>;
    /** The provider option (its resource name), when one was given. */
    provider?: string;
    parent?: string;
    deletedWith?: string;
    /** Whether it is protected (Pulumi refuses to delete it). */
    protect?: boolean;
    /** The custom timeouts it was given (e.g. `{delete: "180s"}`). */
    customTimeouts?: { create?: string; update?: string; delete?: string };
    /** Names of the resources it waits for: explicit dependsOn plus the owners of Outputs in its inputs. */
    dependsOn: Set<string>;
    explicitDependsOn: Set<string>;
}

/** What the stack's last run exported, as the program's StackReference to itself reads it. Default: a new stack. */
let previousOutputs: Record<string, unknown> = {};
export function setPreviousOutputs(outputs: Record<string, unknown>): void {
    previousOutputs = outputs;
}

/** Outputs that mocked remote components and data sources return. */
const REMOTE_STATE: Record<string, (name: string, inputs: any) => Record<string, unknown>> = {
    "eks:index:Cluster": (name, inputs) => ({
        eksCluster: { name: inputs.name ?? name, arn: `arn:aws:eks:eu-north-1:123456789012:cluster/${inputs.name}` },
        kubeconfigJson: JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name: inputs.name }] }),
        oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-north-1.amazonaws.com/id/ABC",
        oidcIssuer: "oidc.eks.eu-north-1.amazonaws.com/id/ABC",
    }),
    "pulumi-nodejs:dynamic/fluxstack:KindCluster": (_name, inputs) => ({
        kubeconfig: `kind kubeconfig for ${inputs.name}`,
    }),
    "pulumi-nodejs:dynamic/fluxstack:LabCluster": (_name, inputs) => ({
        kubeconfig: `lab kubeconfig for ${inputs.name}`,
        gitUrl: "http://127.0.0.1:41000",
        registry: "127.0.0.1:42000",
        apiServer: "https://127.0.0.1:43000",
    }),
    "pulumi:pulumi:StackReference": () => ({ outputs: previousOutputs, secretOutputNames: [] }),
    "aws:iam/role:Role": (name) => ({ arn: `arn:aws:iam::123456789012:role/${name}`, name }),
};

const CALLS: Record<string, (inputs: any) => Record<string, unknown>> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
        names: ["eu-north-1a", "eu-north-1b", "eu-north-1c"],
        zoneIds: ["eun1-az1", "eun1-az2", "eun1-az3"],
    }),
};

const registrations: string[] = [];

/** The names of the resources the mocks were asked to create, in order. */
export function registered(): readonly string[] {
    return registrations;
}

const PROJECT_DIR = path.resolve(__dirname, "..", "..");
/** The program's own modules: they must load after the mocks, as in Pulumi's testing examples. */
const PROGRAM = [path.join(PROJECT_DIR, "components") + path.sep, path.join(PROJECT_DIR, "stacks") + path.sep];

/**
 * Installs Pulumi mocks that echo inputs (plus a few outputs of remote components) and throw on any call
 * they do not know. Must run before the program's modules load: a test imports them afterwards, with `await
 * import(...)` (static imports are hoisted above any call); this throws if one has loaded already.
 */
export function installMocks(): void {
    const early = Object.keys(require.cache).filter(
        (file) => PROGRAM.some((dir) => file.startsWith(dir)) || file === path.join(PROJECT_DIR, "index.ts"),
    );
    if (early.length > 0) {
        const first = path.relative(PROJECT_DIR, early[0]);
        throw new Error(
            `installMocks() after the program loaded (${first} and ${early.length - 1} more): ` +
                "import it with await import() after the mocks",
        );
    }
    pulumi.runtime.setMocks(
        {
            newResource(args) {
                registrations.push(args.name);
                if (process.env.DEBUG_MOCKS) console.log("newResource", args.type, args.name);
                const extra = REMOTE_STATE[args.type]?.(args.name, args.inputs) ?? {};
                return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
            },
            call(args) {
                const mock = CALLS[args.token];
                if (!mock) throw new Error(`unmocked call ${args.token}`);
                return mock(args.inputs);
            },
        },
        "fluxstack",
        "test",
        false,
        "organization",
    );
}

/** Resolves an Output (or plain value) to its value under mocks. */
export function promiseOf<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) =>
        pulumi.output(value).apply((v) => {
            resolve(v as T);
            return v;
        }),
    );
}

async function outputOwners(value: unknown, seen = new Set<unknown>()): Promise<pulumi.Resource[]> {
    if (value === null || typeof value !== "object" || seen.has(value)) return [];
    seen.add(value);
    if (pulumi.Output.isInstance(value)) {
        const internal = value as unknown as {
            allResources?: () => Promise<Set<pulumi.Resource>>;
            resources: () => Set<pulumi.Resource>;
        };
        const owners = internal.allResources ? await internal.allResources() : internal.resources();
        return [...owners];
    }
    if (value instanceof pulumi.Resource) return [];
    const nested = await Promise.all(Object.values(value).map((v) => outputOwners(v, seen)));
    return nested.flat();
}

/** Resources inside inputs (e.g. a node group's cluster) show as `<resource NAME>`. */
function resourceAsName(_key: string, value: unknown): unknown {
    return value instanceof pulumi.Resource ? `<resource ${(value as unknown as { __name?: string }).__name}>` : value;
}

const nameOf = (r: pulumi.Resource | undefined): Promise<string | undefined> =>
    r ? promiseOf(r.urn).then((urn) => urn.split("::").pop()) : Promise.resolve(undefined);

/**
 * Runs `program` inside a stack under mocks and returns every resource it registered, keyed by name, with
 * its options and dependency edges (captured by a stack transformation, which sees each resource's options).
 */
export async function record(program: () => unknown): Promise<Map<string, Recorded>> {
    const pending: Promise<Recorded>[] = [];
    await pulumi.runtime.runInPulumiStack(() => {
        pulumi.runtime.registerStackTransformation((args) => {
            pending.push(
                (async () => {
                    const explicit = await promiseOf(args.opts.dependsOn ?? []);
                    const explicitList = (Array.isArray(explicit) ? explicit : [explicit]) as pulumi.Resource[];
                    const implicit = await outputOwners(args.props);
                    const opts = args.opts as pulumi.CustomResourceOptions;
                    const explicitNames = new Set(
                        (await Promise.all(explicitList.map(nameOf))).filter((n): n is string => !!n),
                    );
                    const implicitNames = (await Promise.all(implicit.map(nameOf))).filter((n): n is string => !!n);
                    const secretInputs = new Set<string>();
                    for (const [key, value] of Object.entries(args.props ?? {})) {
                        if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))) secretInputs.add(key);
                    }
                    return {
                        type: args.type,
                        name: args.name,
                        custom: args.resource instanceof pulumi.CustomResource,
                        // JSON drops the keys an SDK class fills with undefined, so tests can compare exactly.
                        inputs: JSON.parse(
                            JSON.stringify((await promiseOf(args.props as Record<string, any>)) ?? {}, resourceAsName),
                        ),
                        secretInputs,
                        provider: await nameOf(opts.provider),
                        parent: await nameOf(args.opts.parent),
                        deletedWith: await nameOf(opts.deletedWith),
                        customTimeouts: opts.customTimeouts,
                        protect: opts.protect,
                        dependsOn: new Set([...explicitNames, ...implicitNames]),
                        explicitDependsOn: explicitNames,
                    };
                })(),
            );
            return undefined;
        });
        return Promise.resolve(program());
    });
    const all = await Promise.all(pending);
    const byName = new Map<string, Recorded>();
    for (const r of all) {
        if (byName.has(r.name)) throw new Error(`two resources are named ${r.name}: name them apart`);
        byName.set(r.name, r);
    }
    return byName;
}
