import * as pulumi from "@pulumi/pulumi";

/**
 * The annotation every Kubernetes object the program makes carries: the stack that owns it (`project/stack`). An
 * interrupted run's leftovers are taken over by the next run only when they carry it (driver/recovery.ts, which
 * keeps its own copy of the key: the driver does not import the program).
 */
export const OWNER_ANNOTATION = "fluxstack.dev/owner";

/** The owner of this stack's objects: `project/stack`. */
export function stackOwner(): string {
    return `${pulumi.getProject()}/${pulumi.getStack()}`;
}

/**
 * A transformation that writes the owner annotation into every Kubernetes object of a component (Helm releases
 * are left alone: their objects are Helm's, and the release is known by its fixed name).
 */
export function ownerMarker(owner: string): pulumi.ResourceTransformation {
    return (args) => {
        if (!args.type.startsWith("kubernetes:") || args.type.startsWith("kubernetes:helm.sh/")) return undefined;
        const raw: unknown = (args.props as { metadata?: unknown }).metadata;
        // Metadata rendered as one Output (the guardrails' admission policies, named after the namespace once it
        // exists): mark it once it resolves. Spreading the Output itself would drop every field.
        if (pulumi.Output.isInstance(raw)) {
            const metadata = (raw as pulumi.Output<Record<string, unknown>>).apply((m) => ({
                ...m,
                annotations: {
                    ...((m.annotations as Record<string, string> | undefined) ?? {}),
                    [OWNER_ANNOTATION]: owner,
                },
            }));
            return { props: { ...args.props, metadata }, opts: args.opts };
        }
        const metadata = (raw as Record<string, unknown> | undefined) ?? {};
        const annotations: unknown = metadata.annotations ?? {};
        // The program writes metadata as plain objects (fields may be Outputs): add the key beside the others.
        const marked = pulumi.Output.isInstance(annotations)
            ? (annotations as pulumi.Output<Record<string, string>>).apply((a) => ({ ...a, [OWNER_ANNOTATION]: owner }))
            : { ...(annotations as Record<string, pulumi.Input<string>>), [OWNER_ANNOTATION]: owner };
        return { props: { ...args.props, metadata: { ...metadata, annotations: marked } }, opts: args.opts };
    };
}

/** The objects whose deletion waits on a finalizer some controller must remove: Flux's, and namespaces holding them. */
const FINALIZED = /^kubernetes:(core\/v1:Namespace|source\.toolkit\.fluxcd\.io\/|kustomize\.toolkit\.fluxcd\.io\/)/;

/**
 * A transformation that bounds how long `destroy` (or the removal of a tenant) waits for such an object to go: with
 * its controller down, a Flux finalizer is never removed, and the provider's default wait is ten minutes per object.
 * After `seconds` the run fails naming it (the driver then says why, and how to finish).
 */
export function boundedDeletes(seconds: number): pulumi.ResourceTransformation {
    return (args) => {
        if (!FINALIZED.test(args.type)) return undefined;
        return {
            props: args.props,
            opts: { ...args.opts, customTimeouts: { ...args.opts.customTimeouts, delete: `${seconds}s` } },
        };
    };
}
