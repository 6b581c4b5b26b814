// The program: read the stack config, check the machine, build the platform. Nothing else lives here.
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./stacks/config";
import { buildPlatform } from "./stacks/platform";
import { checkPrerequisites } from "./stacks/prerequisites";

// The engine says which config keys hold secrets (PULUMI_CONFIG_SECRET_KEYS); the SDK reads that list as
// runtime.isConfigSecret, which its typings leave out (@internal). allConfig() gives the values decrypted.
const { isConfigSecret } = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };

// The config and the machine are checked in one pass: one error lists every problem of both.
const config = loadStackConfig(pulumi.runtime.allConfig(), pulumi.getProject(), {
    stack: pulumi.getStack(),
    checkMachine: (stack) => checkPrerequisites(stack),
    isSecret: isConfigSecret,
});

const platform = buildPlatform(config);

export const clusterName = platform.clusterName;
export const kubeconfig = platform.kubeconfig;
export const fluxNamespace = platform.fluxNamespace;
export const tenants = platform.tenants;
/** Only on a lab: its Git repositories to clone, its registry, its kubeconfig and logs. */
export const lab = platform.lab;
