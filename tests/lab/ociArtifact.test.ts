import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { tarGz } from "../../lab/ociArtifact";
import { PROJECT_DIR } from "../helpers/stackFiles";

describe("the lab's OCI artifact: a deterministic tar+gzip of a folder, as Flux builds one", () => {
    const dir = path.join(PROJECT_DIR, "lab", "demo", "kcheck-dev");

    it("GNU tar reads it: the folder's files at the root, mode 0644, owner 0, mtime 0", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "oci-")), "a.tgz");
        fs.writeFileSync(file, tarGz(dir));
        const listing = execFileSync("tar", ["-tvzf", file, "--numeric-owner"], { encoding: "utf8" })
            .trim()
            .split("\n");
        assert.equal(listing.length, 1);
        assert.match(listing[0], /^-rw-r--r-- 0\/0 +\d+ 1970-01-01 00:00 app\.yaml$/);
        const out = path.join(path.dirname(file), "x");
        fs.mkdirSync(out);
        execFileSync("tar", ["-xzf", file, "-C", out]);
        assert.equal(
            fs.readFileSync(path.join(out, "app.yaml"), "utf8"),
            fs.readFileSync(path.join(dir, "app.yaml"), "utf8"),
        );
    });

    it("the same folder gives the same bytes (so the same digest)", () => {
        assert.deepEqual(tarGz(dir), tarGz(dir));
    });

    it("subfolders are entries of their own", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "oci-"));
        fs.mkdirSync(path.join(root, "a", "b"), { recursive: true });
        fs.writeFileSync(path.join(root, "a", "b", "c.yaml"), "x: 1\n");
        const file = path.join(root, "t.tgz");
        fs.writeFileSync(file, tarGz(root));
        const names = execFileSync("tar", ["-tzf", file], { encoding: "utf8" }).trim().split("\n");
        assert.deepEqual(names, ["a/", "a/b/", "a/b/c.yaml"]);
    });
});
