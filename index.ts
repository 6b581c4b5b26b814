// The program: read the stack config, check the machine, build the platform. Nothing else lives here.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadStackConfig, PrerequisiteError } from "./stacks/config";
import { buildPlatform } from "./stacks/platform";
import { checkPrerequisites } from "./stacks/prerequisites";

/**
 * The config and the machine are checked in one pass: one error lists every problem of both. It reaches the CLI
 * as a RunError: the message alone, no stack trace, no object dump.
 */
function readConfig() {
    try {
        return loadStackConfig(pulumi.runtime.allConfig(), pulumi.getProject(), {
            stack: pulumi.getStack(),
            checkMachine: (stack) => checkPrerequisites(stack),
        });
    } catch (e) {
        if (e instanceof ConfigError || e instanceof PrerequisiteError) throw new pulumi.RunError(e.message);
        throw e;
    }
}

const platform = buildPlatform(readConfig());

export const clusterName = platform.clusterName;
export const kubeconfig = platform.kubeconfig;
export const fluxNamespace = platform.fluxNamespace;
export const tenants = platform.tenants;
/** Only on a lab: its Git repositories to clone, its registry, its kubeconfig and logs. */
export const lab = platform.lab;
