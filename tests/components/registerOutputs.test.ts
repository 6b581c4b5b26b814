import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { installMocks } from "../helpers/mocks";

installMocks();

/** Each of this project's components, and the outputs it registered in its constructor. */
const registrations: { component: pulumi.ComponentResource; type: string; outputs: object | undefined }[] = [];
type RegisterOutputs = (this: pulumi.ComponentResource, outputs?: object) => void;
const prototype = pulumi.ComponentResource.prototype as unknown as { registerOutputs: RegisterOutputs };
const register = prototype.registerOutputs;
prototype.registerOutputs = function (outputs) {
    const type = (this as unknown as { __pulumiType: string }).__pulumiType;
    // The SDK calls it once more without outputs once the constructor is done; that call changes nothing.
    if (type.startsWith("fluxstack:") && !registrations.some((r) => r.component === this)) {
        registrations.push({ component: this, type, outputs });
    }
    return register.call(this, outputs);
};

/** A component's public fields: what a user of it can read (the SDK's own fields start with __). */
const publicFields = (c: object) => Object.keys(c).filter((k) => !k.startsWith("__") && k !== "urn");

const EKS = { source: "eks", name: "lab", region: "eu-north-1", kubernetesVersion: "1.34" };
const IDENTITY = { policyArns: ["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"] };

describe("every component registers each output it exposes", async () => {
    const { buildUnderMocks, stackConfig } = await import("../helpers/platform");
    const variants: [string, string, Record<string, unknown>][] = [
        ["dev, with a token Secret", "dev", { "fluxstack:tenants": [{ name: "fluxdemo-dev", tokenSecretName: "t" }] }],
        ["kind", "kind", {}],
        ["eks, IRSA", "eks", { "fluxstack:cluster": { ...EKS, fluxIdentity: { mode: "irsa", ...IDENTITY } } }],
        [
            "eks, Pod Identity",
            "eks",
            { "fluxstack:cluster": { ...EKS, fluxIdentity: { mode: "podIdentity", ...IDENTITY } } },
        ],
    ];
    for (const [, stack, overrides] of variants) {
        const config = Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, JSON.stringify(v)]));
        await buildUnderMocks(stackConfig(stack, config));
    }

    it("covers every component type", () => {
        assert.deepEqual([...new Set(registrations.map((r) => r.type))].sort(), [
            "fluxstack:cluster:EksCluster",
            "fluxstack:cluster:EksVpc",
            "fluxstack:cluster:ExistingCluster",
            "fluxstack:cluster:FluxWorkloadIdentity",
            "fluxstack:cluster:KindCluster",
            "fluxstack:flux:FluxSystem",
            "fluxstack:tenant:FluxSync",
            "fluxstack:tenant:Tenant",
            "fluxstack:tenant:TenantGuardrails",
        ]);
    });

    it("registers exactly its public fields", () => {
        for (const { component, type, outputs } of registrations) {
            assert.deepEqual(Object.keys(outputs ?? {}).sort(), publicFields(component).sort(), type);
        }
    });
});
