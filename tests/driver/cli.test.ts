import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { main } from "../../driver/cli";
import { EXIT } from "../../driver";

function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe("driver main", () => {
    it("prints usage and exits 2 on a bad command line", async () => {
        const { io, err } = capture();
        assert.equal(await main(["launch"], {}, io), EXIT.usage);
        assert.match(err.join(""), /^unknown operation "launch"[\s\S]*usage: npm run stack/);
    });

    it("exits 0 with the usage on --help", async () => {
        const { io, out } = capture();
        assert.equal(await main(["--help"], {}, io), EXIT.ok);
        assert.match(out.join(""), /Exit codes: 0 ok, 1 failed, 2 usage/);
    });

    it("exits 4, before touching any stack, when the Pulumi CLI is missing; --json gets a JSON error line", async () => {
        const { io, out, err } = capture();
        const code = await main(["up", "-s", "dev", "--json"], { PATH: "/nonexistent" }, io);
        assert.equal(code, EXIT.prerequisites);
        assert.deepEqual(JSON.parse(out.join("")), {
            error: {
                code: 4,
                message: "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/)",
            },
        });
        assert.match(err.join(""), /^error: the Pulumi CLI is not on PATH/);
    });
});
