// The pipeline driver: `npm run stack -- <operation> --stack NAME [options]`. See USAGE in args.ts.
import { type DriverOptions, parseArgs, USAGE } from "./args";
import { classify, DriverError, EXIT, type ExitCode } from "./exitCodes";
import { deploy, destroy, type OperationResult, outputs, preview, refresh, type RunOptions } from "./operations";
import { allReady, formatTable, kubectlReader, readStatus } from "./status";
import { formatSummary } from "./summary";
import { whichOn } from "./workspace";

export interface Io {
    out(text: string): void;
    err(text: string): void;
}

const stdio: Io = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
};

/** Runs one invocation; returns the exit code (never 0 after an error). `projectDir`: where Pulumi.yaml is. */
export async function main(
    argv: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
    io: Io = stdio,
    projectDir?: string,
    /** Whether this call owns the process's SIGINT/SIGTERM (the command line does; a test calling main may not). */
    handleSignals = require.main === module || process.argv[1]?.endsWith("driver/cli.ts"),
): Promise<ExitCode> {
    let options: DriverOptions;
    try {
        const parsed = parseArgs(argv, env);
        if (parsed === "help") {
            io.out(`${USAGE}\n`);
            return EXIT.ok;
        }
        options = parsed;
    } catch (e) {
        io.err(`${(e as Error).message}\n\n${USAGE}\n`);
        return EXIT.usage;
    }
    // Ctrl-C or a CI runner's SIGTERM: ask the CLI to stop after the step in flight (it saves the state and releases
    // the lock); a second signal does not wait.
    const abort = new AbortController();
    const interrupt = (sig: NodeJS.Signals) => {
        if (abort.signal.aborted) process.exit(EXIT.interrupted);
        io.err(
            `\n${sig}: stopping after the step in flight, saving the state and releasing the lock (again to quit now)\n`,
        );
        abort.abort();
    };
    const signals = ["SIGINT", "SIGTERM"] as const;
    if (handleSignals) for (const sig of signals) process.on(sig, interrupt);
    try {
        return await execute(options, env, io, projectDir, abort.signal);
    } catch (e) {
        const { code, message } = abort.signal.aborted
            ? { code: EXIT.interrupted, message: `interrupted: ${classify(e).message.split("\n")[0]}` }
            : classify(e);
        if (options.json) io.out(`${JSON.stringify({ error: { code, message } })}\n`);
        io.err(`error: ${message}\n`);
        return code;
    } finally {
        for (const sig of signals) process.removeListener(sig, interrupt);
    }
}

async function execute(
    options: DriverOptions,
    env: NodeJS.ProcessEnv,
    io: Io,
    projectDir: string | undefined,
    signal: AbortSignal,
): Promise<ExitCode> {
    const run: RunOptions = {
        stack: options.stack,
        projectDir,
        env,
        config: options.config,
        refresh: options.refresh,
        expectNoChanges: options.expectNoChanges,
        breakLock: options.breakLock,
        stripFluxFinalizers: options.stripFluxFinalizers,
        signal,
        onNotice: (line) => io.err(`${line}\n`),
        ...(options.json ? { onEvent: (e) => io.out(`${JSON.stringify(e)}\n`) } : { onOutput: (t) => io.out(t) }),
    };
    const report = (result: OperationResult) => {
        io.out(
            options.json
                ? `${JSON.stringify({ summary: result.summary })}\n`
                : `\n${formatSummary(options.operation, result.summary)}\n`,
        );
        return EXIT.ok;
    };
    switch (options.operation) {
        case "preview":
            return report(await preview(run));
        case "up":
            return report(await deploy(run));
        case "refresh":
            return report(await refresh(run));
        case "destroy":
            return report(await destroy(run));
        case "outputs": {
            const values = await outputs({ ...run, showSecrets: options.showSecrets });
            io.out(`${JSON.stringify(values, null, options.json ? undefined : 2)}\n`);
            return EXIT.ok;
        }
        case "status": {
            const values = await outputs({ ...run, showSecrets: true }); // the kubeconfig, used, never printed
            const kubeconfig = values.kubeconfig;
            if (typeof kubeconfig !== "string")
                throw new DriverError(EXIT.failed, "the stack has no kubeconfig output: run up first");
            const fluxNamespace = typeof values.fluxNamespace === "string" ? values.fluxNamespace : "flux-system";
            const rows = await readStatus(
                kubectlReader(kubeconfig, env.KUBECTL ?? whichOn("kubectl", env) ?? "kubectl"),
                fluxNamespace,
                (values.tenants ?? {}) as Record<string, { namespace: string; syncs: string[] }>,
            );
            io.out(options.json ? rows.map((r) => `${JSON.stringify(r)}\n`).join("") : `${formatTable(rows)}\n`);
            return allReady(rows) ? EXIT.ok : EXIT.notReady;
        }
        default: {
            const unreachable: never = options.operation;
            throw new DriverError(EXIT.usage, `unknown operation ${String(unreachable)}`);
        }
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
