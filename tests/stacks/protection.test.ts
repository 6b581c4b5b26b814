import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadStackConfig } from "../../stacks/config";
import { type PreviousTenants, tenantDeletionProblems } from "../../stacks/protection";
import { PROJECT, PROJECT_DIR, toConfigMap } from "../helpers/stackFiles";

function config(tenants: string[], confirm: string[] = []) {
    return loadStackConfig(
        toConfigMap({
            [`${PROJECT}:cluster`]: { source: "existing" },
            [`${PROJECT}:tenants`]: tenants.map((name) => ({ name })),
            [`${PROJECT}:confirmTenantDeletion`]: confirm,
        }),
        PROJECT,
        { env: { KUBECONFIG: "/tmp/kubeconfig" }, projectDir: PROJECT_DIR },
    );
}

const PREVIOUS: PreviousTenants = {
    "fluxdemo-dev": { protected: true },
    "fluxdemo-stage": { protected: true },
    scratch: { protected: false },
};

describe("deleting a protected tenant is a decision, not a deleted line", () => {
    const cases: [string, string[], string[], string[]][] = [
        ["nothing removed", ["fluxdemo-dev", "fluxdemo-stage", "scratch"], [], []],
        ["an unprotected tenant removed: fine", ["fluxdemo-dev", "fluxdemo-stage"], [], []],
        [
            "a protected tenant removed without confirmation",
            ["fluxdemo-dev", "scratch"],
            [],
            [
                "fluxstack:tenants: this change deletes the protected tenant fluxdemo-stage: its namespace and everything in it (volumes, Secrets). If that is meant, list it in fluxstack:confirmTenantDeletion in the same change; otherwise put it back",
            ],
        ],
        [
            "two removed, one confirmed",
            [],
            ["fluxdemo-dev"],
            [
                "fluxstack:tenants: this change deletes the protected tenant fluxdemo-stage: its namespace and everything in it (volumes, Secrets). If that is meant, list it in fluxstack:confirmTenantDeletion in the same change; otherwise put it back",
            ],
        ],
        [
            "two removed, none confirmed: one line naming both",
            [],
            [],
            [
                "fluxstack:tenants: this change deletes the protected tenants fluxdemo-dev, fluxdemo-stage: their namespaces and everything in them (volumes, Secrets). If that is meant, list them in fluxstack:confirmTenantDeletion in the same change; otherwise put them back",
            ],
        ],
        ["removed and confirmed", ["fluxdemo-dev", "scratch"], ["fluxdemo-stage"], []],
        ["everything confirmed with *", [], ["*"], []],
    ];
    for (const [title, tenants, confirm, expected] of cases) {
        it(title, () => {
            const problems = tenantDeletionProblems(config(tenants, confirm), PREVIOUS);
            assert.deepEqual(
                problems.map((p) => `${p.key}: ${p.message}`),
                expected,
            );
        });
    }

    it("a new stack has nothing to lose", () => {
        assert.deepEqual(tenantDeletionProblems(config([]), {}), []);
    });
});
