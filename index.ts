// The program: read the stack config, check the machine, build the platform. Nothing else lives here.
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./stacks/config";
import { buildPlatform } from "./stacks/platform";
import { checkPrerequisites } from "./stacks/prerequisites";

// The config and the machine are checked in one pass: one error lists every problem of both.
const config = loadStackConfig(pulumi.runtime.allConfig(), pulumi.getProject(), {
    stack: pulumi.getStack(),
    checkMachine: (stack) => checkPrerequisites(stack),
});

const platform = buildPlatform(config);

export const clusterName = platform.clusterName;
export const kubeconfig = platform.kubeconfig;
export const fluxNamespace = platform.fluxNamespace;
export const tenants = platform.tenants;
/** Only on a lab: its Git repositories to clone, its registry, its kubeconfig and logs. */
export const lab = platform.lab;
