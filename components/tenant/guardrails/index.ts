export * from "./admissionPolicy";
export * from "./lockdownPolicy";
export * from "./networkIsolation";
export * from "./podSecurity";
export * from "./resourceQuota";
export * from "./sourcePolicy";
export * from "./tenantGuardrails";
