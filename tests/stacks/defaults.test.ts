import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_NODE_GROUP } from "../../components/cluster/eksCluster";
import { DEFAULT_AVAILABILITY_ZONES, DEFAULT_VPC_CIDR } from "../../components/cluster/eksVpc";
import { DEFAULT_EKS_NODE_GROUP, DEFAULT_EKS_VPC } from "../../stacks/config/defaults";

// The config's EKS defaults are written out (the loader does not load the AWS SDKs): they must stay the components'.
describe("config defaults agree with the components'", () => {
    it("EKS: the VPC and the node group", () => {
        assert.deepEqual(DEFAULT_EKS_VPC, { cidr: DEFAULT_VPC_CIDR, availabilityZones: DEFAULT_AVAILABILITY_ZONES });
        assert.deepEqual(DEFAULT_EKS_NODE_GROUP, DEFAULT_NODE_GROUP);
    });
});
