// The program: read the stack config, check the machine, build the platform. Nothing else lives here.
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig, PrerequisiteError } from "./stacks/config";
import { buildPlatform } from "./stacks/platform";
import { checkPrerequisites } from "./stacks/prerequisites";

const config = loadStackConfig(pulumi.runtime.allConfig(), pulumi.getProject());
const missing = checkPrerequisites(config);
if (missing.length > 0) throw new PrerequisiteError(missing);

const platform = buildPlatform(config);

export const clusterName = platform.clusterName;
export const kubeconfig = platform.kubeconfig;
export const fluxNamespace = platform.fluxNamespace;
export const tenants = platform.tenants;
