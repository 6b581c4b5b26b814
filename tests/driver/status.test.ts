import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allReady, type ClusterReader, formatTable, notReadyLines, RESOURCES, readStatus } from "../../driver";

const ready = (status: string, message: string) => ({ conditions: [{ type: "Ready", status, message }] });

const CLUSTER: Record<string, any[]> = {
    [`${RESOURCES.FluxInstance}/flux-system`]: [
        {
            metadata: { name: "flux" },
            status: { ...ready("True", "Reconciliation finished"), lastAppliedRevision: "v2.8.7@sha256:abc" },
        },
    ],
    [`${RESOURCES.GitRepository}/fluxdemo-dev`]: [
        {
            metadata: { name: "flux-dev" },
            status: {
                ...ready("True", "stored artifact for revision 'main@sha1:1234'"),
                artifact: { revision: "main@sha1:1234" },
            },
        },
    ],
    [`${RESOURCES.Kustomization}/fluxdemo-dev`]: [
        {
            metadata: { name: "flux-dev" },
            status: { ...ready("False", "Deployment/fluxdemo-dev/kcheck\n  forbidden"), lastAppliedRevision: "" },
        },
    ],
};
const fake: ClusterReader = { list: (resource, ns) => Promise.resolve(CLUSTER[`${resource}/${ns}`] ?? []) };

describe("status", () => {
    it("reads the instance, then each tenant's sources and Kustomizations", async () => {
        const rows = await readStatus(fake, "flux-system", {
            "fluxdemo-dev": { namespace: "fluxdemo-dev", syncs: ["flux-dev"] },
            "fluxdemo-prod": { namespace: "fluxdemo-prod", syncs: ["flux-stage-prod"] },
        });
        assert.deepEqual(rows, [
            {
                tenant: "(flux)",
                kind: "FluxInstance",
                namespace: "flux-system",
                name: "flux",
                ready: "True",
                revision: "v2.8.7@sha256:abc",
                message: "Reconciliation finished",
            },
            {
                tenant: "fluxdemo-dev",
                kind: "GitRepository",
                namespace: "fluxdemo-dev",
                name: "flux-dev",
                ready: "True",
                revision: "main@sha1:1234",
                message: "stored artifact for revision 'main@sha1:1234'",
            },
            {
                tenant: "fluxdemo-dev",
                kind: "Kustomization",
                namespace: "fluxdemo-dev",
                name: "flux-dev",
                ready: "False",
                revision: "",
                message: "Deployment/fluxdemo-dev/kcheck forbidden",
            },
            {
                tenant: "fluxdemo-prod",
                kind: "Kustomization",
                namespace: "fluxdemo-prod",
                name: "flux-stage-prod",
                ready: "Missing",
                revision: "",
                message: "not found in the cluster",
            },
        ]);
        assert.equal(allReady(rows), false);
        assert.equal(allReady(rows.slice(0, 2)), true);
    });

    it("prints an aligned table", async () => {
        const rows = await readStatus(fake, "flux-system", {
            "fluxdemo-dev": { namespace: "fluxdemo-dev", syncs: ["flux-dev"] },
        });
        assert.equal(
            formatTable(rows.slice(0, 2)),
            [
                "TENANT        KIND           NAMESPACE     NAME      READY  REVISION           MESSAGE",
                "(flux)        FluxInstance   flux-system   flux      True   v2.8.7@sha256:abc  Reconciliation finished",
                "fluxdemo-dev  GitRepository  fluxdemo-dev  flux-dev  True   main@sha1:1234     stored artifact for revision 'main@sha1:1234'",
            ].join("\n"),
        );
    });
});

describe("status of what the stack does not list", () => {
    it("shows a tenant's other Kustomizations too, and says in one line each what is not Ready", async () => {
        const cluster: Record<string, any[]> = {
            [`${RESOURCES.Kustomization}/qa`]: [
                { metadata: { name: "flux-qa" }, status: ready("True", "Applied revision: main@sha1:1") },
                { metadata: { name: "broken" }, status: ready("False", "Source artifact not found") },
            ],
        };
        const reader: ClusterReader = { list: (r, ns) => Promise.resolve(cluster[`${r}/${ns}`] ?? []) };
        const rows = await readStatus(reader, "flux-system", { qa: { namespace: "qa", syncs: ["flux-qa", "gone"] } });
        assert.deepEqual(
            rows.map((r) => [r.kind, r.name, r.ready]),
            [
                ["FluxInstance", "flux", "Missing"],
                ["Kustomization", "flux-qa", "True"],
                ["Kustomization", "gone", "Missing"],
                ["Kustomization", "broken", "False"],
            ],
        );
        assert.deepEqual(notReadyLines(rows), [
            "FluxInstance flux-system/flux: not found in the cluster",
            "Kustomization qa/gone is not Ready: not found in the cluster",
            "Kustomization qa/broken is not Ready: Source artifact not found",
        ]);
    });
});
