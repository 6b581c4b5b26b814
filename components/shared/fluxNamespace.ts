/** The namespace Flux lives in unless told otherwise (the Flux docs' and the demo's). */
export const DEFAULT_FLUX_NAMESPACE = "flux-system";
