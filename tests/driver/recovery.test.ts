import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kubernetesId, OWNER_ANNOTATION, repairCheckpoint } from "../../driver/recovery";
import { OWNER_ANNOTATION as PROGRAM_OWNER_ANNOTATION } from "../../stacks/ownership";

describe("taking over an interrupted run", () => {
    it("the driver looks for the annotation the program writes", () => {
        assert.equal(OWNER_ANNOTATION, PROGRAM_OWNER_ANNOTATION);
    });

    it("names each pending object as the provider reads it back: namespace/name, name, or a release's", () => {
        assert.equal(
            kubernetesId("kubernetes:core/v1:ServiceAccount", { metadata: { name: "dev", namespace: "fluxdemo-dev" } }),
            "fluxdemo-dev/dev",
        );
        assert.equal(
            kubernetesId("kubernetes:core/v1:Namespace", { metadata: { name: "flux-system" } }),
            "flux-system",
        );
        assert.equal(
            kubernetesId("kubernetes:helm.sh/v3:Release", { name: "flux-operator", namespace: "flux-system" }),
            "flux-system/flux-operator",
        );
        assert.equal(kubernetesId("kubernetes:core/v1:Namespace", { metadata: {} }), undefined);
        assert.equal(kubernetesId("kubernetes:core/v1:Namespace", undefined), undefined);
    });
});

describe("a checkpoint an interrupted run left half-written", () => {
    const fs = require("node:fs") as typeof import("node:fs");
    const os = require("node:os") as typeof import("node:os");
    const path = require("node:path") as typeof import("node:path");
    const backend = () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "state-"));
        const dir = path.join(root, ".pulumi", "stacks", "fluxstack");
        fs.mkdirSync(dir, { recursive: true });
        return { url: `file://${root}?no_tmp_dir=true`, file: path.join(dir, "dev.json") };
    };

    it("an empty .attrs sidecar (the cause of 'failed to load checkpoint: EOF') is removed", () => {
        const b = backend();
        fs.writeFileSync(b.file, '{"version": 3}');
        fs.writeFileSync(`${b.file}.attrs`, "");
        assert.deepEqual(repairCheckpoint(b.url, "fluxstack", "dev"), ["removed the half-written dev.json.attrs"]);
        assert.equal(fs.existsSync(`${b.file}.attrs`), false);
        assert.equal(fs.readFileSync(b.file, "utf8"), '{"version": 3}');
    });

    it("a data file that is not JSON is restored from the backend's .bak, the broken one kept", () => {
        const b = backend();
        fs.writeFileSync(b.file, '{"vers');
        fs.writeFileSync(`${b.file}.bak`, '{"version": 3, "checkpoint": {}}');
        assert.deepEqual(repairCheckpoint(b.url, "fluxstack", "dev"), [
            "restored dev.json from the backend's backup (the broken copy is kept beside it)",
        ]);
        assert.equal(fs.readFileSync(b.file, "utf8"), '{"version": 3, "checkpoint": {}}');
        assert.equal(fs.readdirSync(path.dirname(b.file)).filter((f) => f.startsWith("dev.json.broken-")).length, 1);
    });

    it("a sound checkpoint, or another backend, is left alone", () => {
        const b = backend();
        fs.writeFileSync(b.file, '{"version": 3}');
        fs.writeFileSync(`${b.file}.attrs`, '{"user.cache_control": ""}');
        assert.deepEqual(repairCheckpoint(b.url, "fluxstack", "dev"), []);
        assert.deepEqual(repairCheckpoint("s3://bucket", "fluxstack", "dev"), []);
    });
});
