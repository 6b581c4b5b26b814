import * as path from "node:path";

/** The two charts this stack installs; the release names are fixed (see fluxSystem.ts). */
export type FluxChart = "flux-operator" | "flux-instance";

/** The chart repository and version this component is tested against (the charts in ../shared/reference). */
export const DEFAULT_CHART_REPOSITORY = "oci://ghcr.io/controlplaneio-fluxcd/charts";
export const DEFAULT_CHART_VERSION = "0.49.0";

/** Where Helm finds both charts: an OCI repository at a pinned version, or a folder holding both chart directories. */
export type ChartSource =
    | {
          source: "oci";
          /** The OCI repository holding both charts. Default `oci://ghcr.io/controlplaneio-fluxcd/charts`. */
          repository?: string;
          /** The charts' version. Default `0.49.0`. */
          version?: string;
      }
    | {
          source: "local";
          /** A folder holding `flux-operator/` and `flux-instance/` (air-gapped clusters, tests). Required. */
          directory: string;
      };

/** Where Helm finds one chart: an OCI reference at a pinned version, or a local chart directory. */
export interface ChartRef {
    chart: string;
    version?: string;
}

/** `projectDir`: the folder a local `directory` is relative to. */
export function chartRef(charts: ChartSource, chart: FluxChart, projectDir: string): ChartRef {
    switch (charts.source) {
        case "oci":
            return {
                chart: `${charts.repository ?? DEFAULT_CHART_REPOSITORY}/${chart}`,
                version: charts.version ?? DEFAULT_CHART_VERSION,
            };
        case "local":
            return { chart: path.resolve(projectDir, charts.directory, chart) };
        default: {
            const unreachable: never = charts;
            throw new Error(`unknown chart source ${JSON.stringify(unreachable)}`);
        }
    }
}
