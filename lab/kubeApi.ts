import * as fs from "node:fs";
import * as https from "node:https";

/** Where the API server is and who we are to it. */
export interface ApiEndpoint {
    server: string;
    token: string;
    /** PEM of the serving certificate's issuer; unset: not verified (loopback only). */
    ca?: string;
}

/** An API answer that was not 2xx. */
export class ApiError extends Error {
    constructor(
        public readonly status: number,
        public readonly body: string,
        what: string,
    ) {
        super(`${what}: HTTP ${status}: ${body.slice(0, 500)}`);
        this.name = "ApiError";
    }
}

/** A minimal JSON client for the lab's API server: what the pod runner and the daemon need, nothing more. */
export class KubeApi {
    private readonly agent: https.Agent;

    constructor(private readonly endpoint: ApiEndpoint) {
        this.agent = new https.Agent({
            keepAlive: true,
            maxSockets: 4,
            ca: endpoint.ca,
            rejectUnauthorized: !!endpoint.ca,
        });
    }

    get<T>(path: string): Promise<T> {
        return this.request<T>("GET", path);
    }

    /** GET that answers undefined for 404. */
    async find<T>(path: string): Promise<T | undefined> {
        try {
            return await this.get<T>(path);
        } catch (e) {
            if (e instanceof ApiError && e.status === 404) return undefined;
            throw e;
        }
    }

    post<T>(path: string, body: unknown): Promise<T> {
        return this.request<T>("POST", path, body);
    }

    /** A JSON merge patch (RFC 7386). */
    mergePatch<T>(path: string, body: unknown): Promise<T> {
        return this.request<T>("PATCH", path, body, "application/merge-patch+json");
    }

    /** Server-side apply of one object, as field manager `manager`. */
    apply<T>(path: string, body: unknown, manager = "fluxstack-lab"): Promise<T> {
        return this.request<T>(
            "PATCH",
            `${path}?fieldManager=${manager}&force=true`,
            body,
            "application/apply-patch+yaml",
        );
    }

    /** Raw text (for /readyz and the like). */
    async text(path: string, timeoutMs = 5_000): Promise<string> {
        return this.send("GET", path, undefined, undefined, timeoutMs);
    }

    async request<T>(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<T> {
        const text = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body), contentType);
        return (text ? JSON.parse(text) : undefined) as T;
    }

    close(): void {
        this.agent.destroy();
    }

    private send(
        method: string,
        path: string,
        body?: string,
        contentType?: string,
        timeoutMs = 30_000,
    ): Promise<string> {
        const url = new URL(path, this.endpoint.server);
        return new Promise((resolve, reject) => {
            const req = https.request(
                url,
                {
                    method,
                    agent: this.agent,
                    timeout: timeoutMs,
                    headers: {
                        Authorization: `Bearer ${this.endpoint.token}`,
                        Accept: "application/json",
                        ...(body !== undefined
                            ? { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) }
                            : {}),
                    },
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () => {
                        const text = Buffer.concat(chunks).toString("utf8");
                        const status = res.statusCode ?? 0;
                        if (status >= 200 && status < 300) resolve(text);
                        else reject(new ApiError(status, text, `${method} ${path}`));
                    });
                    res.on("error", reject);
                },
            );
            req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs}ms`)));
            req.on("error", reject);
            if (body !== undefined) req.write(body);
            req.end();
        });
    }
}

/** Reads an API endpoint from a kubeconfig the lab wrote (server, token, CA). */
export function endpointFromFiles(server: string, tokenFile: string, caFile?: string): ApiEndpoint {
    return {
        server,
        token: fs.readFileSync(tokenFile, "utf8").trim(),
        ca: caFile && fs.existsSync(caFile) ? fs.readFileSync(caFile, "utf8") : undefined,
    };
}
