import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import Ajv2019 from "ajv/dist/2019";
import * as yaml from "js-yaml";
import { REFERENCE_DIR } from "./stackFiles";

export type Validate = (value: unknown) => string[];

function errorsOf(validate: { errors?: { instancePath: string; message?: string }[] | null }): string[] {
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}

/** Helm's value merge: maps merge key by key, anything else replaces. */
export function mergeValues(base: unknown, override: unknown): unknown {
    if (isMap(base) && isMap(override)) {
        const out: Record<string, unknown> = { ...base };
        for (const [k, v] of Object.entries(override)) out[k] = k in base ? mergeValues(base[k], v) : v;
        return out;
    }
    return override === undefined ? base : override;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The chart's defaults (values.yaml) merged with `values`, the way Helm validates them. */
export function chartValues(chart: string, values: unknown): unknown {
    const defaults = yaml.load(fs.readFileSync(path.join(REFERENCE_DIR, "charts", chart, "values.yaml"), "utf8"));
    return mergeValues(defaults, values);
}

/** Validates merged values against the chart's own values.schema.json (JSON Schema 2019-09). */
export function chartSchema(chart: string): Validate {
    const schema = JSON.parse(fs.readFileSync(path.join(REFERENCE_DIR, "charts", chart, "values.schema.json"), "utf8"));
    const validate = new Ajv2019({ strict: false, allErrors: true }).compile(schema);
    return (values) => (validate(chartValues(chart, values)) ? [] : errorsOf(validate));
}

/**
 * Closes every object that lists its properties (unless the CRD keeps unknown fields there): the API server
 * would silently prune an unknown field, so a typo would pass an open schema and then vanish.
 */
function closeObjects(schema: any): any {
    if (Array.isArray(schema)) return schema.map(closeObjects);
    if (!isMap(schema)) return schema;
    const out: Record<string, unknown> = Object.fromEntries(
        Object.entries(schema).map(([k, v]) => [k, closeObjects(v)]),
    );
    if (
        schema.properties &&
        schema.additionalProperties === undefined &&
        !schema["x-kubernetes-preserve-unknown-fields"]
    ) {
        out.additionalProperties = false;
    }
    return out;
}

/** Validates a whole object (apiVersion, kind, metadata, spec) against a CRD's openAPIV3Schema for `version`. */
export function crdSchema(file: string, version: string): Validate {
    const crd = yaml.load(fs.readFileSync(path.join(REFERENCE_DIR, "crds", file), "utf8")) as any;
    const served = crd.spec.versions.find((v: any) => v.name === version && v.served);
    if (!served) throw new Error(`${file} does not serve ${version}`);
    const schema = closeObjects(served.schema.openAPIV3Schema);
    delete schema.additionalProperties; // the top level has metadata fields the CRD does not list
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
    return (value) => (validate(value) ? [] : errorsOf(validate));
}
