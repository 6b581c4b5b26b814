export * from "./clusterScope";
export * from "./eksCluster";
export * from "./eksVpc";
export * from "./existingCluster";
export * from "./fluxWorkloadIdentity";
export * from "./kindCluster";
export * from "./kindConfig";
export * from "./kindProvider";
