import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { subnetCidr } from "../../../components/cluster/eks";

describe("subnetCidr", () => {
    const cases: [string, number, string][] = [
        ["10.0.0.0/16", 0, "10.0.0.0/20"],
        ["10.0.0.0/16", 3, "10.0.48.0/20"],
        ["10.0.0.0/16", 15, "10.0.240.0/20"],
        ["10.8.0.0/14", 16, "10.9.0.0/20"],
        ["172.31.0.0/16", 1, "172.31.16.0/20"],
        ["10.0.5.0/16", 1, "10.0.16.0/20"], // host bits in the VPC CIDR are ignored
    ];
    for (const [vpc, index, expected] of cases) {
        it(`${vpc} #${index} -> ${expected}`, () => assert.equal(subnetCidr(vpc, index), expected));
    }
    it("refuses a subnet past the end of the VPC", () => {
        assert.throws(() => subnetCidr("10.0.0.0/16", 16), /10\.0\.0\.0\/16 has no room for \/20 subnet 16/);
    });
});
