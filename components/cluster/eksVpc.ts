import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export const DEFAULT_VPC_CIDR = "10.0.0.0/16";
export const DEFAULT_AVAILABILITY_ZONES = 2;

export interface EksVpcArgs {
    /** The VPC's CIDR, a /16 or wider; each subnet gets a /20 carved from it. Default `10.0.0.0/16`. */
    cidr?: string;
    /** How many availability zones to spread subnets over (EKS needs at least two). Default `2`. */
    availabilityZones?: number;
    /** The cluster's name, for the subnet tags the AWS load balancer controller looks for. Required. */
    clusterName: string;
    /** Tags on every resource, besides the AWS provider's default tags. Default none. */
    tags?: Record<string, string>;
}

/** The /20 block number `index` of a /16-or-wider CIDR (10.0.0.0/16, 3 -> 10.0.48.0/20). */
export function subnetCidr(vpcCidr: string, index: number): string {
    const [base, prefix] = vpcCidr.split("/");
    const network = base.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
    const size = 2 ** (32 - Number(prefix));
    if ((index + 1) * 4096 > size) throw new Error(`${vpcCidr} has no room for /20 subnet ${index}`);
    const start = network - (network % size) + index * 4096;
    return `${[24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256).join(".")}/20`;
}

/**
 * A VPC for EKS: a public and a private subnet per zone, one NAT gateway (nodes live in the private subnets
 * and reach registries through it). One NAT gateway, not one per zone: a lab's cost, not a bank's uptime.
 */
export class EksVpc extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly publicSubnetIds: pulumi.Output<string>[];
    public readonly privateSubnetIds: pulumi.Output<string>[];

    constructor(name: string, args: EksVpcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fluxstack:cluster:EksVpc", name, {}, opts);
        const cidr = args.cidr ?? DEFAULT_VPC_CIDR;
        const zoneCount = args.availabilityZones ?? DEFAULT_AVAILABILITY_ZONES;
        const tags = (extra: Record<string, string> = {}) => ({ ...args.tags, ...extra });
        const parent = { parent: this };

        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: cidr,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: tags({ Name: name }),
            },
            parent,
        );
        const zones = aws.getAvailabilityZonesOutput({ state: "available" }, parent);
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags() }, parent);
        const publicRoutes = new aws.ec2.RouteTable(
            `${name}-public`,
            {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
                tags: tags(),
            },
            parent,
        );

        const clusterTag = `kubernetes.io/cluster/${args.clusterName}`;
        const publicSubnets = Array.from({ length: zoneCount }, (_, i) => {
            const subnet = new aws.ec2.Subnet(
                `${name}-public-${i}`,
                {
                    vpcId: vpc.id,
                    cidrBlock: subnetCidr(cidr, i),
                    availabilityZone: zones.names[i],
                    mapPublicIpOnLaunch: false,
                    tags: tags({ Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1", [clusterTag]: "shared" }),
                },
                parent,
            );
            new aws.ec2.RouteTableAssociation(
                `${name}-public-${i}-routes`,
                { subnetId: subnet.id, routeTableId: publicRoutes.id },
                parent,
            );
            return subnet;
        });

        const eip = new aws.ec2.Eip(`${name}-nat-ip`, { domain: "vpc", tags: tags() }, parent);
        const nat = new aws.ec2.NatGateway(
            `${name}-nat`,
            {
                subnetId: publicSubnets[0].id,
                allocationId: eip.id,
                tags: tags(),
            },
            { parent: this, dependsOn: [igw] },
        ); // a NAT gateway needs the internet gateway to route out
        const privateRoutes = new aws.ec2.RouteTable(
            `${name}-private`,
            {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
                tags: tags(),
            },
            parent,
        );
        const privateSubnets = Array.from({ length: zoneCount }, (_, i) => {
            const subnet = new aws.ec2.Subnet(
                `${name}-private-${i}`,
                {
                    vpcId: vpc.id,
                    cidrBlock: subnetCidr(cidr, zoneCount + i),
                    availabilityZone: zones.names[i],
                    tags: tags({
                        Name: `${name}-private-${i}`,
                        "kubernetes.io/role/internal-elb": "1",
                        [clusterTag]: "shared",
                    }),
                },
                parent,
            );
            new aws.ec2.RouteTableAssociation(
                `${name}-private-${i}-routes`,
                { subnetId: subnet.id, routeTableId: privateRoutes.id },
                parent,
            );
            return subnet;
        });

        this.vpcId = vpc.id;
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
        });
    }
}
