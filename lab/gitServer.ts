import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { readJson } from "./labDir";

/** Basic-auth users per repository (`auth.json` in the Git root): repository -> accepted username/password pairs. */
export type GitAuth = Record<string, { username: string; password: string }[]>;

/** Where Debian (and most distributions) install git's CGI program. */
export function gitHttpBackend(): string {
    const execPath = execFileSync("git", ["--exec-path"], { encoding: "utf8" }).trim();
    return path.join(execPath, "git-http-backend");
}

/**
 * A Git server on 127.0.0.1 speaking the smart HTTP protocol: each request runs `git http-backend` (git's own
 * CGI program) on the bare repositories in `root`. Clone and push work (`http.receivepack` is on). A repository
 * listed in `root/auth.json` needs HTTP basic auth with one of its pairs (read on every request, so a test can
 * revoke a token while the server runs).
 */
export function startGitServer(root: string, port: number, log: (line: string) => void): Promise<http.Server> {
    const backend = gitHttpBackend();
    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        // `/flux-dev/info/refs` and `/flux-dev.git/info/refs` are the same repository.
        const match = url.pathname.match(/^\/([A-Za-z0-9._-]+?)(\.git)?(\/.*)$/);
        if (!match || match[1].includes("..")) {
            res.writeHead(404).end("not found\n");
            return;
        }
        const repo = match[1];
        if (!fs.existsSync(path.join(root, `${repo}.git`))) {
            res.writeHead(404).end(`no repository ${repo}\n`);
            return;
        }
        const users = readJson<GitAuth>(path.join(root, "auth.json"))?.[repo];
        const user = users && authorized(req.headers.authorization, users);
        if (users && !user) {
            res.writeHead(401, { "WWW-Authenticate": `Basic realm="lab git ${repo}"` }).end(
                "authentication required\n",
            );
            return;
        }
        const cgi = spawn(backend, [], {
            env: {
                PATH: process.env.PATH,
                GIT_PROJECT_ROOT: root,
                GIT_HTTP_EXPORT_ALL: "1",
                PATH_INFO: `/${repo}.git${match[3]}`,
                REQUEST_METHOD: req.method ?? "GET",
                QUERY_STRING: url.search.replace(/^\?/, ""),
                CONTENT_TYPE: req.headers["content-type"] ?? "",
                HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
                HTTP_GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
                REMOTE_USER: user ?? "",
                REMOTE_ADDR: "127.0.0.1",
            },
            stdio: ["pipe", "pipe", "pipe"],
        });
        req.pipe(cgi.stdin);
        cgi.stderr.on("data", (d: Buffer) => log(`git http-backend ${repo}: ${d.toString().trim()}`));
        relayCgi(cgi.stdout, res);
        cgi.on("error", (e) => {
            log(`git http-backend: ${e.message}`);
            if (!res.headersSent) res.writeHead(500).end();
        });
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve(server));
    });
}

function authorized(header: string | undefined, users: GitAuth[string]): string | undefined {
    const m = header?.match(/^Basic\s+(.+)$/i);
    if (!m) return undefined;
    const [username, ...rest] = Buffer.from(m[1], "base64").toString("utf8").split(":");
    const password = rest.join(":");
    return users.some((u) => u.username === username && u.password === password) ? username : undefined;
}

/** Passes a CGI response (headers, a blank line, the body) on as an HTTP response. */
function relayCgi(out: NodeJS.ReadableStream, res: http.ServerResponse): void {
    let head = Buffer.alloc(0);
    let inBody = false;
    out.on("data", (chunk: Buffer) => {
        if (inBody) {
            res.write(chunk);
            return;
        }
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n") >= 0 ? head.indexOf("\r\n\r\n") : head.indexOf("\n\n");
        if (end < 0) return;
        const sep = head[end] === 13 ? 4 : 2;
        const headers: Record<string, string> = {};
        let status = 200;
        for (const line of head.subarray(0, end).toString("utf8").split(/\r?\n/)) {
            const at = line.indexOf(":");
            if (at < 0) continue;
            const name = line.slice(0, at).trim();
            const value = line.slice(at + 1).trim();
            if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]);
            else headers[name] = value;
        }
        res.writeHead(status, headers);
        inBody = true;
        const rest = head.subarray(end + sep);
        if (rest.length > 0) res.write(rest);
    });
    out.on("end", () => res.end());
}

const COMMITTER = ["-c", "user.name=fluxstack lab", "-c", "user.email=lab@fluxstack.invalid"];

/**
 * A bare repository `root/<name>.git` on branch main whose first commit holds the files of `from`, open to
 * pushes over HTTP. Does nothing if it exists (a lab keeps its repositories).
 */
export function createRepository(root: string, name: string, from: string): void {
    const bare = path.join(root, `${name}.git`);
    if (fs.existsSync(bare)) return;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `lab-repo-${name}-`));
    try {
        fs.cpSync(from, work, { recursive: true });
        const git = (cwd: string, args: string[]) => execFileSync("git", args, { cwd, stdio: "pipe" });
        git(work, ["init", "-q", "-b", "main"]);
        git(work, ["add", "-A"]);
        git(work, [...COMMITTER, "commit", "-q", "-m", `${name}: first commit`]);
        fs.mkdirSync(root, { recursive: true });
        git(root, ["init", "-q", "--bare", "-b", "main", `${name}.git`]);
        git(bare, ["config", "http.receivepack", "true"]);
        git(work, ["push", "-q", bare, "main"]);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}
