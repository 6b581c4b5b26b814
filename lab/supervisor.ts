import * as path from "node:path";
import { type OwnedProcess, startProcess, stopProcess } from "./processes";

interface Entry {
    binary: string;
    args: string[];
    proc: OwnedProcess;
    restarts: number;
}

/**
 * The lab's own processes (control plane, registry), each restarted with back-off if it dies, as systemd or a
 * kubelet would; stopped in the reverse order of their start.
 */
export class Supervisor {
    private readonly entries = new Map<string, Entry>();
    private stopping = false;

    constructor(
        private readonly bin: string,
        private readonly logsDir: string,
        private readonly log: (line: string) => void,
        private readonly onChange: () => void,
    ) {}

    /** Starts `binary` (a file in the bin directory) as `name`. */
    readonly launch = (name: string, binary: string, args: string[]): void => {
        const proc = startProcess({
            name,
            command: path.join(this.bin, binary),
            args,
            logFile: path.join(this.logsDir, `${name}.log`),
        });
        const entry: Entry = { binary, args, proc, restarts: this.entries.get(name)?.restarts ?? 0 };
        this.entries.set(name, entry);
        this.log(`started ${name} as PID ${proc.pid}`);
        this.onChange();
        void proc.exited.then((code) => {
            if (this.stopping || this.entries.get(name) !== entry) return;
            entry.restarts++;
            const backoff = Math.min(30_000, 500 * 2 ** Math.min(entry.restarts, 6));
            this.log(`${name} (PID ${proc.pid}) exited (${String(code)}); restarting in ${backoff}ms`);
            setTimeout(() => {
                if (!this.stopping && this.entries.get(name) === entry) this.launch(name, binary, args);
            }, backoff);
        });
    };

    processes(): Record<string, { pid: number; log: string }> {
        return Object.fromEntries(
            [...this.entries].map(([name, e]) => [name, { pid: e.proc.pid, log: e.proc.logFile }]),
        );
    }

    async stopAll(): Promise<void> {
        this.stopping = true;
        for (const [name, entry] of [...this.entries].reverse()) {
            // Throwaway state is never at stake here but etcd's is: a short grace, then SIGKILL.
            await stopProcess(entry.proc, 5_000);
            this.log(`stopped ${name}`);
        }
    }
}
