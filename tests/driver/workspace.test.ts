import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backendUrl, checkPassphrase, DriverError, EXIT, needsPassphrase } from "../../driver";

describe("backend and passphrase", () => {
    it("defaults to a file backend inside the project; PULUMI_BACKEND_URL wins", () => {
        assert.equal(backendUrl("/work/p", {}), "file:///work/p/.pulumi-state");
        assert.equal(backendUrl("/work/p", { PULUMI_BACKEND_URL: "s3://bucket/state" }), "s3://bucket/state");
    });

    const cases: [string, string, string | undefined, boolean][] = [
        ["a new stack on the file backend", "file:///p/.pulumi-state", undefined, true],
        ["a new stack on S3", "s3://bucket", undefined, true],
        ["a new stack on Pulumi Cloud", "https://api.pulumi.com", undefined, false],
        ["a passphrase stack on Pulumi Cloud", "https://api.pulumi.com", "encryptionsalt: v1:abc\nconfig: {}\n", true],
        ["a KMS-encrypted stack on S3", "s3://bucket", "secretsprovider: awskms://alias/x\nconfig: {}\n", false],
    ];
    for (const [title, backend, stackFile, expected] of cases) {
        it(`${title}: ${expected ? "needs" : "does not need"} a passphrase`, () =>
            assert.equal(needsPassphrase(backend, stackFile), expected));
    }

    it("asks for PULUMI_CONFIG_PASSPHRASE before running, and accepts an empty one or a file", () => {
        assert.throws(
            () => checkPassphrase("file:///p", undefined, {}),
            (e: unknown) =>
                e instanceof DriverError && e.code === EXIT.prerequisites && /PULUMI_CONFIG_PASSPHRASE/.test(e.message),
        );
        assert.doesNotThrow(() => checkPassphrase("file:///p", undefined, { PULUMI_CONFIG_PASSPHRASE: "" }));
        assert.doesNotThrow(() =>
            checkPassphrase("file:///p", undefined, { PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secret" }),
        );
        assert.doesNotThrow(() => checkPassphrase("https://api.pulumi.com", undefined, {}));
    });
});
