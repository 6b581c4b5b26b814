export * from "./fluxSync";
export * from "./syncManifests";
export * from "./tenant";
export * from "./tenantManifests";
export * from "./guardrails";
