import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { irsaPatch } from "../../../components/cluster/fluxWorkloadIdentity";
import { instanceValues, operatorValues } from "../../../components/flux";
import { chartSchema, chartValues, crdSchema } from "../../helpers/schemas";
import { stackConfig } from "../../helpers/platform";
import { renderFluxInstance } from "../../helpers/fluxInstanceTemplate";

const operatorSchema = chartSchema("flux-operator");
const instanceSchema = chartSchema("flux-instance");
const fluxInstanceCrd = crdSchema("fluxcd.controlplane.io_fluxinstances.yaml", "v1");

const irsaPatchFor = () => irsaPatch(["source-controller"], "arn:aws:iam::123456789012:role/flux");

const VARIANTS: [string, string, Record<string, string>][] = [
    ["dev", "dev", {}],
    ["kind", "kind", {}],
    ["eks", "eks", {}],
    [
        "air-gapped (embedded manifests)",
        "dev",
        { "fluxstack:flux": JSON.stringify({ instance: { distribution: { artifact: "" } } }) },
    ],
    [
        "the web UI on, behind the program's own policy",
        "dev",
        { "fluxstack:flux": JSON.stringify({ operator: { web: { enabled: true, allowFrom: ["ingress-nginx"] } } }) },
    ],
    [
        "all components, no health check (so no syncs)",
        "dev",
        {
            "fluxstack:syncs": "[]",
            "fluxstack:flux": JSON.stringify({
                operator: { multitenancy: false },
                instance: {
                    healthcheck: false,
                    components: [
                        "source-controller",
                        "kustomize-controller",
                        "helm-controller",
                        "notification-controller",
                        "image-reflector-controller",
                        "image-automation-controller",
                        "source-watcher",
                    ],
                },
            }),
        },
    ],
];

describe("Helm values validate against the real charts' values.schema.json", () => {
    for (const [title, stack, overrides] of VARIANTS) {
        const config = stackConfig(stack, overrides);
        it(`${title}: flux-operator values`, () => {
            assert.deepEqual(operatorSchema(operatorValues(config.flux.operator)), []);
        });
        it(`${title}: flux-instance values, also with an IRSA patch`, () => {
            assert.deepEqual(instanceSchema(instanceValues(config.flux.instance)), []);
            assert.deepEqual(instanceSchema(instanceValues(config.flux.instance, [irsaPatchFor()])), []);
        });
        it(`${title}: the FluxInstance the chart renders from them validates against the CRD`, () => {
            const rendered = renderFluxInstance(
                chartValues("flux-instance", instanceValues(config.flux.instance, [irsaPatchFor()])),
            );
            assert.deepEqual(fluxInstanceCrd(rendered), []);
        });
    }

    it("the schema check can fail: a wrong cluster type is caught", () => {
        const config = stackConfig("dev");
        const values = instanceValues(config.flux.instance) as any;
        values.instance.cluster.type = "kind";
        assert.deepEqual(instanceSchema(values), ["/instance/cluster/type must be equal to one of the allowed values"]);
    });

    it("the CRD check can fail: a misspelt FluxInstance field is caught", () => {
        const rendered = renderFluxInstance(
            chartValues("flux-instance", instanceValues(stackConfig("dev").flux.instance)),
        ) as any;
        rendered.spec.cluster.multitenat = true;
        assert.deepEqual(fluxInstanceCrd(rendered), ["/spec/cluster must NOT have additional properties"]);
    });
});
