/** A kustomize patch the Flux instance applies to its controllers' objects (e.g. an IRSA role annotation). */
export interface KustomizePatch {
    /** The objects to patch: a kind, and a name (a regular expression) or a label selector. */
    target: { kind: string; name?: string; labelSelector?: string };
    /** The patch: a JSON 6902 list of operations or a strategic-merge patch, as YAML. */
    patch: string;
}
