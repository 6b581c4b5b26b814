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
    try {
        return await execute(options, env, io, projectDir);
    } catch (e) {
        const { code, message } = classify(e);
        if (options.json) io.out(`${JSON.stringify({ error: { code, message } })}\n`);
        io.err(`error: ${message}\n`);
        return code;
    }
}

async function execute(options: DriverOptions, env: NodeJS.ProcessEnv, io: Io, projectDir?: string): Promise<ExitCode> {
    const run: RunOptions = {
        stack: options.stack,
        projectDir,
        env,
        config: options.config,
        refresh: options.refresh,
        expectNoChanges: options.expectNoChanges,
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
