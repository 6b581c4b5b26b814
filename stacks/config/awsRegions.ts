/**
 * How many Availability Zones each AWS Region has, so that the loader (which has no AWS access) can refuse a new
 * VPC spread over more zones than its region has: the VPC would otherwise register subnets with no zone and fail
 * half-way through an `up`.
 *
 * Source: AWS's list of Availability Zones by Region ("AWS Availability Zones", AZ IDs per Region,
 * https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html), as published in
 * 2025. The counts are the Region's zones: an AWS account can see fewer (accounts made in recent years see two of
 * us-west-1's three and three of ap-northeast-1's four), and then AWS has the last word at deploy time.
 * A Region that is not in this table (a new one) is accepted as it is.
 */
export const AVAILABILITY_ZONES: Readonly<Record<string, number>> = {
    // North America
    "us-east-1": 6,
    "us-east-2": 3,
    "us-west-1": 3,
    "us-west-2": 4,
    "ca-central-1": 3,
    "ca-west-1": 3,
    "mx-central-1": 3,
    "us-gov-east-1": 3,
    "us-gov-west-1": 3,
    // South America
    "sa-east-1": 3,
    // Europe
    "eu-central-1": 3,
    "eu-central-2": 3,
    "eu-north-1": 3,
    "eu-south-1": 3,
    "eu-south-2": 3,
    "eu-west-1": 3,
    "eu-west-2": 3,
    "eu-west-3": 3,
    // Middle East and Africa
    "af-south-1": 3,
    "il-central-1": 3,
    "me-central-1": 3,
    "me-south-1": 3,
    // Asia Pacific
    "ap-east-1": 3,
    "ap-east-2": 3,
    "ap-northeast-1": 4,
    "ap-northeast-2": 4,
    "ap-northeast-3": 3,
    "ap-south-1": 3,
    "ap-south-2": 3,
    "ap-southeast-1": 3,
    "ap-southeast-2": 3,
    "ap-southeast-3": 3,
    "ap-southeast-4": 3,
    "ap-southeast-5": 3,
    "ap-southeast-7": 3,
    // China
    "cn-north-1": 3,
    "cn-northwest-1": 3,
};
