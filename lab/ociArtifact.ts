import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";

/** The media types `flux push artifact` writes, which source-controller's OCIRepository reads. */
export const FLUX_CONFIG_MEDIA_TYPE = "application/vnd.cncf.flux.config.v1+json";
export const FLUX_CONTENT_MEDIA_TYPE = "application/vnd.cncf.flux.content.v1.tar+gzip";
const MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";

/** A deterministic gzipped tarball of a directory (sorted entries, mtime 0, owner 0), as Flux builds artifacts. */
export function tarGz(dir: string): Buffer {
    const blocks: Buffer[] = [];
    const walk = (rel: string) => {
        for (const entry of fs
            .readdirSync(path.join(dir, rel), { withFileTypes: true })
            .sort((a, b) => a.name.localeCompare(b.name))) {
            const name = rel ? `${rel}/${entry.name}` : entry.name;
            if (entry.isDirectory()) {
                blocks.push(header(`${name}/`, 0, "5", 0o755));
                walk(name);
            } else if (entry.isFile()) {
                const data = fs.readFileSync(path.join(dir, name));
                blocks.push(
                    header(name, data.length, "0", 0o644),
                    data,
                    Buffer.alloc((512 - (data.length % 512)) % 512),
                );
            }
        }
    };
    walk("");
    blocks.push(Buffer.alloc(1024));
    return zlib.gzipSync(Buffer.concat(blocks));
}

function header(name: string, size: number, type: string, mode: number): Buffer {
    if (Buffer.byteLength(name) > 100) throw new Error(`path too long for the artifact's tar header: ${name}`);
    const h = Buffer.alloc(512);
    const put = (text: string, at: number, len: number) => h.write(text, at, len, "utf8");
    const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, "0") + "\0";
    put(name, 0, 100);
    put(octal(mode, 8), 100, 8);
    put(octal(0, 8), 108, 8);
    put(octal(0, 8), 116, 8);
    put(octal(size, 12), 124, 12);
    put(octal(0, 12), 136, 12);
    put("        ", 148, 8);
    put(type, 156, 1);
    put("ustar\0", 257, 6);
    put("00", 263, 2);
    let sum = 0;
    for (const byte of h) sum += byte;
    put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
    return h;
}

export interface PushOptions {
    /** `127.0.0.1:5000` */
    registry: string;
    repository: string;
    tag: string;
    dir: string;
    /** The artifact's provenance annotations, as `flux push artifact --source --revision` sets them. */
    source: string;
    revision: string;
    auth?: { username: string; password: string };
}

/**
 * Pushes a directory as a Flux OCI artifact (one config blob, one tar+gzip layer) over the registry's HTTP API,
 * as `flux push artifact` does. Returns the manifest's digest (`sha256:…`), which Flux reports as the revision.
 */
export async function pushArtifact(o: PushOptions): Promise<string> {
    const base = `http://${o.registry}/v2/${o.repository}`;
    const headers: Record<string, string> = o.auth
        ? { Authorization: `Basic ${Buffer.from(`${o.auth.username}:${o.auth.password}`).toString("base64")}` }
        : {};
    const blob = async (data: Buffer) => {
        const digest = `sha256:${crypto.createHash("sha256").update(data).digest("hex")}`;
        const start = await fetch(`${base}/blobs/uploads/`, { method: "POST", headers });
        if (start.status !== 202)
            throw new Error(`registry ${o.registry}: upload refused: HTTP ${start.status} ${await start.text()}`);
        const location = new URL(start.headers.get("location") ?? "", `http://${o.registry}`);
        location.searchParams.set("digest", digest);
        const put = await fetch(location, {
            method: "PUT",
            headers: { ...headers, "Content-Type": "application/octet-stream" },
            body: new Uint8Array(data),
        });
        if (put.status !== 201)
            throw new Error(`registry ${o.registry}: blob upload failed: HTTP ${put.status} ${await put.text()}`);
        return { digest, size: data.length };
    };
    const config = await blob(Buffer.from("{}"));
    const layer = await blob(tarGz(o.dir));
    const manifest = Buffer.from(
        JSON.stringify({
            schemaVersion: 2,
            mediaType: MANIFEST_MEDIA_TYPE,
            config: { mediaType: FLUX_CONFIG_MEDIA_TYPE, ...config },
            layers: [{ mediaType: FLUX_CONTENT_MEDIA_TYPE, ...layer }],
            annotations: {
                "org.opencontainers.image.created": new Date().toISOString(),
                "org.opencontainers.image.source": o.source,
                "org.opencontainers.image.revision": o.revision,
            },
        }),
    );
    const put = await fetch(`${base}/manifests/${o.tag}`, {
        method: "PUT",
        headers: { ...headers, "Content-Type": MANIFEST_MEDIA_TYPE },
        body: new Uint8Array(manifest),
    });
    if (put.status !== 201)
        throw new Error(`registry ${o.registry}: manifest push failed: HTTP ${put.status} ${await put.text()}`);
    return `sha256:${crypto.createHash("sha256").update(manifest).digest("hex")}`;
}
