// The EKS components are not here: they load @pulumi/aws and @pulumi/eks, which only an EKS stack needs
// (import them from "./eks").
export * from "./arnName";
export * from "./cluster";
export * from "./existingCluster";
export * from "./kindCluster";
export * from "./kindConfig";
export * from "./kindProvider";
export * from "./minifyKubeconfig";
export * from "./labCluster";
export * from "./labProvider";
