export * from "./chartRef";
export * from "./fluxSystem";
export * from "./helmValues";
export * from "./probePolicy";
export * from "./webPolicy";
