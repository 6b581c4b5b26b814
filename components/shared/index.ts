// Shapes more than one component area needs; they import nothing from the other areas, so no area imports another.
export * from "./clusterScope";
export * from "./fluxNamespace";
export * from "./kustomizePatch";
