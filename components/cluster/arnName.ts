/** A stable resource-name part from an ARN: account and last path segment (`123456789012-platform-admin`). */
export function arnName(arn: string): string {
    const [, , , , account, resource = ""] = arn.split(":");
    const last = resource.slice(resource.lastIndexOf("/") + 1);
    return [account, last]
        .filter(Boolean)
        .join("-")
        .replace(/[^A-Za-z0-9-]/g, "-");
}
