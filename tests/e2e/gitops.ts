import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { createRepository } from "../../lab/gitServer";
import type { Cluster } from "./cluster";
import { getJson } from "./fluxApi";

/** The Flux kinds the suite reads, by the names kubectl knows them. */
export const KIND = {
    GitRepository: "gitrepositories.source.toolkit.fluxcd.io",
    OCIRepository: "ocirepositories.source.toolkit.fluxcd.io",
    Kustomization: "kustomizations.kustomize.toolkit.fluxcd.io",
    FluxInstance: "fluxinstances.fluxcd.controlplane.io",
} as const;

export interface Condition {
    type: string;
    status: string;
    reason?: string;
    message?: string;
}

export function ready(obj: any): Condition | undefined {
    return (obj?.status?.conditions ?? []).find((c: Condition) => c.type === "Ready");
}

/** Polls until `check` returns a value; throws with `describe()` (what was seen last) after `seconds`. */
export async function eventually<T>(
    what: string,
    check: () => T | undefined | false,
    seconds: number,
    describe: () => string = () => "",
): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        const value = check();
        if (value !== undefined && value !== false) return value;
        if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds}s. ${describe()}`);
        await new Promise((r) => setTimeout(r, 200));
    }
}

/** Waits until a Flux object is Ready=True (and, if given, at `revision`); returns the object. */
export async function waitReady(
    cp: Cluster,
    kind: keyof typeof KIND,
    ns: string,
    name: string,
    seconds = 60,
    revision?: string,
) {
    let last: any;
    return eventually(
        `${kind} ${ns}/${name} Ready${revision ? ` at ${revision}` : ""}`,
        () => {
            last = getJson(cp, [KIND[kind], name, "-n", ns]);
            const r = ready(last);
            const rev = last?.status?.artifact?.revision ?? last?.status?.lastAppliedRevision;
            return r?.status === "True" && (!revision || rev === revision) ? last : undefined;
        },
        seconds,
        () =>
            `Last seen: ${JSON.stringify(ready(last))} revision ${last?.status?.artifact?.revision ?? last?.status?.lastAppliedRevision}`,
    );
}

/** Waits until a Flux object's Ready condition is False with a message matching `message`; returns it. */
export async function waitNotReady(
    cp: Cluster,
    kind: keyof typeof KIND,
    ns: string,
    name: string,
    message: RegExp,
    seconds = 60,
) {
    let last: any;
    return eventually(
        `${kind} ${ns}/${name} not Ready with ${String(message)}`,
        () => {
            last = getJson(cp, [KIND[kind], name, "-n", ns]);
            const r = ready(last);
            return r?.status === "False" && message.test(r.message ?? "") ? r : undefined;
        },
        seconds,
        () => `Last seen: ${JSON.stringify(ready(last))}`,
    );
}

/** What `flux reconcile` does: ask the controller to reconcile now (the requestedAt annotation). */
export function nudge(cp: Cluster, kind: keyof typeof KIND, ns: string, name: string): void {
    cp.kubectl([
        "annotate",
        "--overwrite",
        KIND[kind],
        name,
        "-n",
        ns,
        `reconcile.fluxcd.io/requestedAt=${Date.now()}`,
    ]);
}

/** A new repository `name` on the lab's Git server in `labDir`, holding `files` (path -> text) in its first commit. */
export function serveRepository(labDir: string, name: string, files: Record<string, string>): void {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `e2e-${name}-`));
    try {
        for (const [file, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
            fs.writeFileSync(path.join(work, file), text);
        }
        createRepository(path.join(labDir, "git"), name, work);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** A Git working copy of one of the lab's repositories. */
export class Repo {
    readonly dir: string;

    constructor(
        url: string,
        private readonly branch = "main",
    ) {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-repo-"));
        this.git(["clone", "-q", "-b", branch, url, "."]);
    }

    git(args: string[]): string {
        return execFileSync("git", ["-c", "user.name=e2e", "-c", "user.email=e2e@fluxstack.invalid", ...args], {
            cwd: this.dir,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
        });
    }

    read(file: string): string {
        return fs.readFileSync(path.join(this.dir, file), "utf8");
    }

    write(file: string, text: string): void {
        fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
        fs.writeFileSync(path.join(this.dir, file), text);
    }

    remove(file: string): void {
        fs.rmSync(path.join(this.dir, file));
    }

    /** Edits the YAML documents of a file in place. */
    editYaml(file: string, edit: (docs: any[]) => any[]): void {
        const docs = yaml.loadAll(this.read(file)).filter(Boolean);
        this.write(
            file,
            edit(docs)
                .map((d) => yaml.dump(d))
                .join("---\n"),
        );
    }

    /** Commits everything and pushes; returns Flux's revision string for it (`main@sha1:<sha>`). */
    push(message: string): string {
        this.git(["add", "-A"]);
        this.git(["commit", "-q", "-m", message]);
        this.git(["push", "-q", "origin", this.branch]);
        return `${this.branch}@sha1:${this.git(["rev-parse", "HEAD"]).trim()}`;
    }

    /** The revision Flux reports for the branch's head now. */
    revision(): string {
        return `${this.branch}@sha1:${this.git(["rev-parse", "HEAD"]).trim()}`;
    }

    dispose(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
