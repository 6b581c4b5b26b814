import * as assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import type * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { createRepository, startGitServer } from "../../lab/gitServer";
import { freePort } from "../../lab/processes";
import { SEED_DIR } from "../helpers/stackFiles";

describe("the lab's Git server: smart HTTP on 127.0.0.1, clone and push, basic auth per repository", () => {
    let root: string;
    let server: http.Server;
    let url: string;
    // Async: the server runs in this process, so a blocking spawnSync would wait on itself.
    const git = (args: string[], cwd = root) =>
        new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
            execFile(
                "git",
                ["-c", "credential.helper=", ...args],
                { cwd, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "/bin/false" } },
                (error, stdout, stderr) =>
                    resolve({ status: error ? Number(error.code ?? 1) || 1 : 0, stdout, stderr }),
            );
        });

    before(async () => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "lab-git-test-"));
        createRepository(path.join(root, "git"), "flux-dev", path.join(SEED_DIR, "scenario-repos", "flux-dev"));
        const port = await freePort();
        server = await startGitServer(path.join(root, "git"), port, () => undefined);
        url = `http://127.0.0.1:${port}`;
    });

    after(() => {
        server?.close();
        fs.rmSync(root, { recursive: true, force: true });
    });

    it("serves the first commit of the seeded repository on main, with or without .git", async () => {
        for (const [i, repo] of ["flux-dev", "flux-dev.git"].entries()) {
            const clone = await git(["clone", "-q", `${url}/${repo}`, `c${i}`]);
            assert.equal(clone.status, 0, clone.stderr);
            assert.equal(
                fs.readFileSync(path.join(root, `c${i}`, "dev", "app.yaml"), "utf8"),
                fs.readFileSync(path.join(SEED_DIR, "scenario-repos", "flux-dev", "dev", "app.yaml"), "utf8"),
            );
        }
        assert.match((await git(["branch", "--show-current"], path.join(root, "c0"))).stdout, /^main$/m);
    });

    it("takes a push, and the next clone has it", async () => {
        const work = path.join(root, "c0");
        fs.writeFileSync(path.join(work, "dev", "extra.yaml"), "# new\n");
        await git(["add", "-A"], work);
        assert.equal((await git(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"], work)).status, 0);
        const push = await git(["push", "-q", "origin", "main"], work);
        assert.equal(push.status, 0, push.stderr);
        assert.equal((await git(["clone", "-q", `${url}/flux-dev`, "c2"])).status, 0);
        assert.ok(fs.existsSync(path.join(root, "c2", "dev", "extra.yaml")));
    });

    it("a repository in auth.json refuses anonymous and wrong credentials, serves the right ones, and is re-read", async () => {
        fs.writeFileSync(
            path.join(root, "git", "auth.json"),
            JSON.stringify({ "flux-dev": [{ username: "u", password: "t1" }] }),
        );
        const anon = await git(["ls-remote", `${url}/flux-dev`]);
        assert.notEqual(anon.status, 0);
        assert.match(anon.stderr, /Authentication failed|could not read Username|401/);
        assert.notEqual((await git(["ls-remote", url.replace("//", "//u:wrong@") + "/flux-dev"])).status, 0);
        assert.equal((await git(["ls-remote", url.replace("//", "//u:t1@") + "/flux-dev"])).status, 0);
        // Rotation: the old token is revoked while the server runs.
        fs.writeFileSync(
            path.join(root, "git", "auth.json"),
            JSON.stringify({ "flux-dev": [{ username: "u", password: "t2" }] }),
        );
        assert.notEqual((await git(["ls-remote", url.replace("//", "//u:t1@") + "/flux-dev"])).status, 0);
        assert.equal((await git(["ls-remote", url.replace("//", "//u:t2@") + "/flux-dev"])).status, 0);
        fs.rmSync(path.join(root, "git", "auth.json"));
    });

    it("answers 404 for a repository it does not have, and never leaves its root", async () => {
        assert.notEqual((await git(["ls-remote", `${url}/nope`])).status, 0);
        assert.notEqual((await git(["ls-remote", `${url}/..%2F..%2Fetc`])).status, 0);
    });

    it("a repository that exists is left as it is (a lab keeps what was pushed)", () => {
        const before = execFileSync("git", ["rev-parse", "main"], {
            cwd: path.join(root, "git", "flux-dev.git"),
            encoding: "utf8",
        });
        createRepository(path.join(root, "git"), "flux-dev", path.join(SEED_DIR, "scenario-repos", "flux-dev"));
        const after = execFileSync("git", ["rev-parse", "main"], {
            cwd: path.join(root, "git", "flux-dev.git"),
            encoding: "utf8",
        });
        assert.equal(after, before);
    });
});
