export * from "./credentialManifests";
export * from "./fluxSync";
export * from "./sourceCredential";
export * from "./syncManifests";
export * from "./tenant";
export * from "./tenantManifests";
export * from "./guardrails";
