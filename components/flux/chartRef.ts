import * as path from "node:path";
import type { FluxConfig } from "../../stacks/config";

/** The two charts this stack installs; the release names are fixed (see fluxSystem.ts). */
export type FluxChart = "flux-operator" | "flux-instance";

/** Where Helm finds a chart: an OCI reference at a pinned version, or a local chart directory. */
export interface ChartRef {
    chart: string;
    version?: string;
}

export function chartRef(charts: FluxConfig["charts"], chart: FluxChart, projectDir = process.cwd()): ChartRef {
    switch (charts.source) {
        case "oci":
            return { chart: `${charts.repository}/${chart}`, version: charts.version };
        case "local":
            return { chart: path.resolve(projectDir, charts.directory, chart) };
        default: {
            const unreachable: never = charts;
            throw new Error(`unknown chart source ${JSON.stringify(unreachable)}`);
        }
    }
}
