// The program: read the stack config, check the machine and what this change deletes, build the platform.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadStackConfig, PrerequisiteError } from "./stacks/config";
import { buildPlatform } from "./stacks/platform";
import { checkPrerequisites } from "./stacks/prerequisites";
import { previousTenants, tenantDeletionProblems } from "./stacks/protection";

// The engine says which config keys hold secrets (PULUMI_CONFIG_SECRET_KEYS); the SDK reads that list as
// runtime.isConfigSecret, which its typings leave out (@internal). allConfig() gives the values decrypted.
const { isConfigSecret } = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };

/**
 * The config and the machine are checked in one pass, and what the change would delete against what the stack
 * holds: one error lists every problem, before anything is registered. It reaches the CLI as a RunError: the
 * message alone, no stack trace, no object dump.
 */
async function readConfig() {
    try {
        const config = loadStackConfig(pulumi.runtime.allConfig(), pulumi.getProject(), {
            stack: pulumi.getStack(),
            checkMachine: (stack) => checkPrerequisites(stack),
            isSecret: isConfigSecret,
        });
        const deletions = tenantDeletionProblems(config, await previousTenants());
        if (deletions.length > 0) throw new ConfigError(deletions);
        return config;
    } catch (e) {
        if (e instanceof ConfigError || e instanceof PrerequisiteError) throw new pulumi.RunError(e.message);
        throw e;
    }
}

export = async () => {
    const platform = buildPlatform(await readConfig());
    return {
        clusterName: platform.clusterName,
        kubeconfig: platform.kubeconfig,
        fluxNamespace: platform.fluxNamespace,
        tenants: platform.tenants,
        /** Only on a lab: its Git repositories to clone, its registry, its kubeconfig and logs. */
        lab: platform.lab,
    };
};
