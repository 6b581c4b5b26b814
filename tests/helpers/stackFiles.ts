import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";

export const PROJECT = "fluxstack";
export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
/** ../shared beside the clone, as CI lays it out. */
export const SHARED_DIR = path.resolve(PROJECT_DIR, "..", "shared");
export const REFERENCE_DIR = path.join(SHARED_DIR, "reference");
export const SEED_DIR = path.join(SHARED_DIR, "seed");
/** The kubeconfig the mock tests use for an existing cluster: two contexts, `lab` current. */
export const FIXTURE_KUBECONFIG = path.join(PROJECT_DIR, "tests", "fixtures", "kubeconfig.yaml");

/** A stack file's config as the engine hands it to the program: `project:key` -> string (JSON for objects). */
export function stackConfigMap(stack: string): Record<string, string> {
    const doc = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
    };
    return toConfigMap(doc.config);
}

export function toConfigMap(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

/** Every YAML document of a file. */
export function loadYamlDocuments(file: string): unknown[] {
    return yaml.loadAll(fs.readFileSync(file, "utf8")).filter((d) => d !== null && d !== undefined);
}
