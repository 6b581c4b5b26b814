import type { ClusterConfig, FluxConfig, SyncConfig, TenantConfig } from "./schema";
import type { CLUSTER_TYPES } from "./defaults";

/** A tenant with every default resolved. */
export interface Tenant extends TenantConfig {
    namespace: string;
    serviceAccount: string;
}

/** A sync whose source name is resolved. */
export type Sync = Omit<SyncConfig, "source"> & { source: SyncConfig["source"] & { name: string } };

/** The whole stack config, validated, with defaults resolved; frozen. */
export interface StackConfig {
    /** The Pulumi project name: the namespace of every config key. */
    project: string;
    cluster: ClusterConfig;
    flux: FluxConfig & { instance: FluxConfig["instance"] & { clusterType: (typeof CLUSTER_TYPES)[number] } };
    tenants: readonly Tenant[];
    syncs: readonly Sync[];
}
