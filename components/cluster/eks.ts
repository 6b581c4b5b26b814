// The EKS path, apart from the barrel: @pulumi/aws and @pulumi/eks are loaded only by a stack that imports it.
export * from "./eksCluster";
export * from "./eksVpc";
export * from "./fluxWorkloadIdentity";
