import { loadStackConfig, type StackConfig } from "../../stacks/config";
import { buildPlatform, type PlatformOutputs } from "../../stacks/platform";
import { type Recorded, record } from "./mocks";
import { FIXTURE_KUBECONFIG, PROJECT, PROJECT_DIR, stackConfigMap } from "./stackFiles";

// This module loads the program: a mock test imports it with `await import()`, after installMocks().

/** Loads a stack file's config as the program would (KUBECONFIG pointing at the test fixture). */
export function stackConfig(stack: string, overrides: Record<string, string> = {}): StackConfig {
    return loadStackConfig({ ...stackConfigMap(stack), ...overrides }, PROJECT, {
        projectDir: PROJECT_DIR,
        env: { KUBECONFIG: FIXTURE_KUBECONFIG },
    });
}

/** Builds the platform for a config under mocks; returns what was registered and the outputs. */
export async function buildUnderMocks(
    config: StackConfig,
): Promise<{ resources: Map<string, Recorded>; outputs: PlatformOutputs }> {
    let outputs: PlatformOutputs | undefined;
    const resources = await record(() => {
        outputs = buildPlatform(config, { projectDir: PROJECT_DIR });
    });
    return { resources, outputs: outputs! };
}

export function get(resources: Map<string, Recorded>, name: string): Recorded {
    const r = resources.get(name);
    if (!r) throw new Error(`no resource named ${name}; have: ${[...resources.keys()].join(", ")}`);
    return r;
}
