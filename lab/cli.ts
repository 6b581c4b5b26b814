// The lab's command line, for the lab cluster's Pulumi provider and for people:
//   start '<StartLabOptions as JSON>'   start or repair a lab; prints its LabInfo as JSON
//   stop DIR [--remove]                 stop it (and delete its directory)
//   health DIR                          {"healthy": …, "problems": […]} as JSON; exit 0 if healthy, else 1
//   logs DIR NAME [--lines N]           the last lines of a lab process's or Flux controller's log
import * as fs from "node:fs";
import * as path from "node:path";
import { labPaths } from "./labDir";
import { labHealth, startLab, type StartLabOptions, stopLab } from "./lab";
import { tail } from "./processes";

async function main(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    switch (command) {
        case "start": {
            const info = await startLab(JSON.parse(rest[0] ?? "{}") as StartLabOptions);
            process.stdout.write(`${JSON.stringify(info)}\n`);
            return 0;
        }
        case "stop":
            await stopLab(required(rest[0], "DIR"), { remove: rest.includes("--remove") });
            return 0;
        case "health": {
            const { healthy, problems } = await labHealth(required(rest[0], "DIR"));
            process.stdout.write(`${JSON.stringify({ healthy, problems })}\n`);
            return healthy ? 0 : 1;
        }
        case "logs": {
            const dir = required(rest[0], "DIR");
            const name = required(rest[1], "NAME");
            const at = rest.indexOf("--lines");
            const text = readLog(dir, name, at >= 0 ? Number(rest[at + 1]) : 100);
            process.stdout.write(`${text}\n`);
            return 0;
        }
        default:
            process.stderr.write(
                "usage: cli.ts start JSON | stop DIR [--remove] | health DIR | logs DIR NAME [--lines N]\n",
            );
            return 2;
    }
}

/** The last `lines` of a log by name: a Flux controller (`kustomize-controller`) or a lab process (`kube-apiserver`). */
export function readLog(dir: string, name: string, lines: number): string {
    const logs = labPaths(dir).logs;
    const file = path.join(logs, `${name}.log`);
    if (!fs.existsSync(file)) {
        const known = fs.existsSync(logs)
            ? fs
                  .readdirSync(logs)
                  .filter((f) => f.endsWith(".log"))
                  .map((f) => f.slice(0, -4))
            : [];
        throw new Error(`no log named ${name} in ${logs} (logs: ${known.sort().join(", ") || "none"})`);
    }
    return tail(file, lines);
}

function required(value: string | undefined, what: string): string {
    if (!value) throw new Error(`missing ${what}`);
    return value;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (e: Error) => {
            process.stderr.write(`${e.message}\n`);
            process.exitCode = 1;
        },
    );
}
