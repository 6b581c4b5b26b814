import type {
    EksClusterConfig,
    ExistingClusterConfig,
    FluxConfig,
    KindClusterConfig,
    LabClusterConfig,
    SyncConfig,
    TenantConfig,
} from "./schema";
import type { CLUSTER_TYPES } from "./defaults";
import type { GuardrailsConfig } from "./guardrailsSchema";
import type { ResolvedGuardrails } from "./guardrailChecks";
import type { CredentialConfig } from "./credentialSchema";

/** A tenant with every default resolved, its guardrails the platform's with its own over them. */
export interface Tenant extends Omit<TenantConfig, "guardrails"> {
    namespace: string;
    serviceAccount: string;
    guardrails: ResolvedGuardrails;
    protect: boolean;
}

/** A sync whose source name is resolved. */
export type Sync = Omit<SyncConfig, "source"> & { source: SyncConfig["source"] & { name: string } };

/** A lab with its name and paths resolved (the stack's name, `.lab/<name>`, the toolchain's bin). */
export type ResolvedLabCluster = LabClusterConfig & { name: string; dir: string; bin: string };

/** An existing cluster with its kubeconfig resolved (`$KUBECONFIG`, else `~/.kube/config`). */
export type ResolvedExistingCluster = ExistingClusterConfig & { kubeconfig: string };

/** The cluster config with the defaults that follow from its source resolved. */
export type ResolvedCluster = ResolvedExistingCluster | KindClusterConfig | EksClusterConfig | ResolvedLabCluster;

/** The whole stack config, validated, with defaults resolved; frozen. */
export interface StackConfig {
    /** The Pulumi project name: the namespace of every config key. */
    project: string;
    cluster: ResolvedCluster;
    flux: FluxConfig & {
        instance: FluxConfig["instance"] & { clusterType: (typeof CLUSTER_TYPES)[number] };
        waitForSyncs: boolean;
    };
    /** The platform-wide guardrails, as each tenant starts from them. */
    guardrails: GuardrailsConfig;
    tenants: readonly Tenant[];
    syncs: readonly Sync[];
    /** Protected tenants whose deletion this change confirms (`"*"`: all). */
    confirmTenantDeletion: readonly string[];
    /** Credentials by name; their secret parts are SecretValues (they print as [secret]). */
    credentials: Readonly<Record<string, CredentialConfig>>;
}
