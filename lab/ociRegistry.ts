import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { readJson } from "./labDir";

/** Basic-auth users per repository (`auth.json` in the registry's folder): repository -> username/password pairs. */
export type RegistryAuth = Record<string, { username: string; password: string }[]>;

/** The distribution registry's config: filesystem storage in `storage`, HTTP on 127.0.0.1:`port` only. */
export function registryConfig(storage: string, port: number): string {
    return [
        "version: 0.1",
        "log:",
        "  level: info",
        "storage:",
        "  filesystem:",
        `    rootdirectory: ${storage}`,
        "  delete:",
        "    enabled: true",
        "http:",
        `  addr: 127.0.0.1:${port}`,
        `  secret: ${crypto.randomBytes(16).toString("hex")}`,
        "",
    ].join("\n");
}

export function writeRegistryConfig(dir: string, port: number): string {
    const file = path.join(dir, "registry.yml");
    fs.mkdirSync(path.join(dir, "storage"), { recursive: true });
    fs.writeFileSync(file, registryConfig(path.join(dir, "storage"), port));
    return file;
}

/**
 * The registry's front door on 127.0.0.1:`port`: forwards to the registry on `backendPort`, asking for HTTP basic
 * auth on the repositories listed in `auth.json` (read on every request, so a token can be revoked while the lab
 * runs), the way a private registry answers: a 401 with a Basic challenge, then the request with credentials.
 */
export function startRegistryFront(
    dir: string,
    port: number,
    backendPort: number,
    log: (line: string) => void,
): Promise<http.Server> {
    const server = http.createServer((req, res) => {
        const auth = readJson<RegistryAuth>(path.join(dir, "auth.json")) ?? {};
        const repo = (req.url ?? "").match(/^\/v2\/(.+?)\/(blobs|manifests|tags)\//)?.[1];
        const given = credentials(req.headers.authorization);
        const protectedUsers = repo ? auth[repo] : undefined;
        // The `/v2/` ping: a client learns the auth scheme from it. With credentials, they must be someone's.
        const pingNeedsAuth = !repo && Object.keys(auth).length > 0 && given !== undefined;
        const allowed = (users: RegistryAuth[string]) =>
            given !== undefined && users.some((u) => u.username === given.username && u.password === given.password);
        if ((protectedUsers && !allowed(protectedUsers)) || (pingNeedsAuth && !Object.values(auth).some(allowed))) {
            res.writeHead(401, {
                "WWW-Authenticate": `Basic realm="lab registry"`,
                "Content-Type": "application/json",
                "Docker-Distribution-Api-Version": "registry/2.0",
            });
            res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
            return;
        }
        if (!repo && req.url === "/v2/" && Object.keys(auth).length > 0 && given === undefined) {
            // Advertise the scheme, as registries with any private repository do.
            res.writeHead(401, {
                "WWW-Authenticate": `Basic realm="lab registry"`,
                "Docker-Distribution-Api-Version": "registry/2.0",
            });
            res.end();
            return;
        }
        const upstream = http.request(
            {
                host: "127.0.0.1",
                port: backendPort,
                method: req.method,
                path: req.url,
                headers: { ...req.headers, host: `127.0.0.1:${port}` },
            },
            (up) => {
                res.writeHead(up.statusCode ?? 502, up.headers);
                up.pipe(res);
            },
        );
        upstream.on("error", (e) => {
            log(`registry front: ${e.message}`);
            if (!res.headersSent) res.writeHead(502).end();
        });
        req.pipe(upstream);
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve(server));
    });
}

function credentials(header: string | undefined): { username: string; password: string } | undefined {
    const m = header?.match(/^Basic\s+(.+)$/i);
    if (!m) return undefined;
    const [username, ...rest] = Buffer.from(m[1], "base64").toString("utf8").split(":");
    return { username, password: rest.join(":") };
}
