export * from "./args";
export * from "./exitCodes";
export * from "./operations";
export * from "./status";
export * from "./summary";
export * from "./workspace";
