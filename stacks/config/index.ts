export * from "./defaults";
export * from "./errors";
export * from "./load";
export * from "./schema";
export * from "./stackConfig";
export * from "./guardrailChecks";
export * from "./guardrailsSchema";
