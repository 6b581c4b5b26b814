import { admissionPolicy, celList, policyName, type TenantIdentities, type Validation } from "./admissionPolicy";
import type { Manifest } from "../tenantManifests";

/** The Pod Security Standards' levels. */
export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** Pod Security Admission on the tenant's namespace, and the same rules for the workloads that make pods. */
export interface PodSecurityOptions {
    /** Pods that break this level are refused (and so are workloads whose template does). Default `baseline`. */
    enforce?: PodSecurityLevel;
    /** The API server warns the client about pods that break this level. Default `restricted`. */
    warn?: PodSecurityLevel;
    /** The audit log notes pods that break this level. Default `restricted`. */
    audit?: PodSecurityLevel;
}

export const DEFAULT_POD_SECURITY: Readonly<Required<PodSecurityOptions>> = {
    enforce: "baseline",
    warn: "restricted",
    audit: "restricted",
};

/** The namespace labels Pod Security Admission reads; `latest`: the rules of the API server's own version. */
export function podSecurityLabels(options: PodSecurityOptions = {}): Record<string, string> {
    const levels = { ...DEFAULT_POD_SECURITY, ...dropUndefined(options) };
    return Object.fromEntries(
        (["enforce", "warn", "audit"] as const).flatMap((mode) => [
            [`pod-security.kubernetes.io/${mode}`, levels[mode]],
            [`pod-security.kubernetes.io/${mode}-version`, "latest"],
        ]),
    );
}

function dropUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Capabilities the baseline level lets a container add (the Pod Security Standards' list). */
const BASELINE_CAPABILITIES = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];
/** Sysctls the baseline level allows (namespaced and isolated from the node), as of Kubernetes 1.32. */
const SAFE_SYSCTLS = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
];
const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];
const RESTRICTED_VOLUMES = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

// Shorthands for the CEL below: the template's pod spec, its annotations, every container of it, and a field of
// a security context that may be absent at any step (CEL's optional fields).
const SPEC = "variables.spec";
const CONTAINERS = "variables.containers";
const pod = (path: string, otherwise: string) => `${SPEC}.?securityContext.${path}.orValue(${otherwise})`;
const ctr = (path: string, otherwise: string) => `c.?securityContext.${path}.orValue(${otherwise})`;
const everyContainer = (test: string) => `${CONTAINERS}.all(c, ${test})`;

/** One rule of the Pod Security Standards, as CEL on a pod template: true when the template keeps it. */
interface Check {
    level: "baseline" | "restricted";
    expression: string;
    message: string;
}

/**
 * The baseline and restricted checks of the Pod Security Standards (Linux pods) as Kubernetes 1.36 applies them at
 * `latest`, mirrored on pod templates. A new Kubernetes version may add a check: the e2e suite compares each one
 * with Pod Security Admission on the same pod.
 */
export const POD_SECURITY_CHECKS: readonly Check[] = [
    {
        level: "baseline",
        expression: `!${pod("?windowsOptions.?hostProcess", "false")} && ${everyContainer(`!${ctr("?windowsOptions.?hostProcess", "false")}`)}`,
        message: "hostProcess: pods and containers must not set windowsOptions.hostProcess=true",
    },
    {
        level: "baseline",
        expression: `!${SPEC}.?hostNetwork.orValue(false) && !${SPEC}.?hostPID.orValue(false) && !${SPEC}.?hostIPC.orValue(false)`,
        message: "host namespaces: hostNetwork, hostPID and hostIPC must be unset or false",
    },
    {
        level: "baseline",
        expression: everyContainer(`!${ctr("?privileged", "false")}`),
        message: "privileged: containers must not set securityContext.privileged=true",
    },
    {
        level: "baseline",
        expression: everyContainer(`${ctr("?capabilities.?add", "[]")}.all(x, x in ${celList(BASELINE_CAPABILITIES)})`),
        message: `capabilities: containers may add only ${BASELINE_CAPABILITIES.join(", ")}`,
    },
    {
        level: "baseline",
        expression: `${SPEC}.?volumes.orValue([]).all(v, !has(v.hostPath))`,
        message: "hostPath volumes: pods must not mount a hostPath volume",
    },
    {
        level: "baseline",
        expression: everyContainer("c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0)"),
        message: "host ports: containers must not set hostPort",
    },
    {
        level: "baseline",
        expression: [
            `${pod("?appArmorProfile.?type", "'RuntimeDefault'")} in ['RuntimeDefault', 'Localhost']`,
            everyContainer(`${ctr("?appArmorProfile.?type", "'RuntimeDefault'")} in ['RuntimeDefault', 'Localhost']`),
            "variables.annotations.all(k, !k.startsWith('container.apparmor.security.beta.kubernetes.io/') || " +
                "variables.annotations[k] in ['', 'runtime/default'] || variables.annotations[k].startsWith('localhost/'))",
        ].join(" && "),
        message: "AppArmor: profiles must be RuntimeDefault or Localhost",
    },
    {
        level: "baseline",
        expression:
            `([${pod("?seLinuxOptions", "{}")}] + ${CONTAINERS}.map(c, ${ctr("?seLinuxOptions", "{}")})).all(o, ` +
            `o.?type.orValue('') in ${celList(SELINUX_TYPES)} && o.?user.orValue('') == '' && o.?role.orValue('') == '')`,
        message: `SELinux: seLinuxOptions.type must be one of ${SELINUX_TYPES.filter((t) => t).join(", ")} (or unset), user and role unset`,
    },
    {
        // Since Kubernetes 1.35 any /proc mount is allowed in a user namespace.
        level: "baseline",
        expression: `!${SPEC}.?hostUsers.orValue(true) || ${everyContainer(`${ctr("?procMount", "'Default'")} == 'Default'`)}`,
        message:
            "/proc mount: containers must not set securityContext.procMount other than Default (unless hostUsers: false)",
    },
    {
        level: "baseline",
        expression:
            `([${pod("?seccompProfile.?type", "''")}] + ${CONTAINERS}.map(c, ${ctr("?seccompProfile.?type", "''")}))` +
            ".all(t, t != 'Unconfined')",
        message: "seccomp: pods and containers must not set seccompProfile.type=Unconfined",
    },
    {
        // Since Kubernetes 1.34: a probe or lifecycle hook must not reach another host (the node's services).
        level: "baseline",
        expression: everyContainer(
            `[?c.?livenessProbe, ?c.?readinessProbe, ?c.?startupProbe, ?c.?lifecycle.?postStart, ?c.?lifecycle.?preStop]` +
                ".all(h, h.?httpGet.?host.orValue('') == '' && h.?tcpSocket.?host.orValue('') == '')",
        ),
        message: "probes and lifecycle hooks: httpGet.host and tcpSocket.host must be unset",
    },
    {
        level: "baseline",
        expression: `${pod("?sysctls", "[]")}.all(s, s.name in ${celList(SAFE_SYSCTLS)})`,
        message: `sysctls: pods may set only ${SAFE_SYSCTLS.join(", ")}`,
    },
    {
        level: "restricted",
        expression: `${SPEC}.?volumes.orValue([]).all(v, ${RESTRICTED_VOLUMES.map((t) => `has(v.${t})`).join(" || ")})`,
        message: `volume types: pods may use only ${RESTRICTED_VOLUMES.join(", ")} volumes`,
    },
    {
        // The restricted level keeps the /proc masks in a user namespace too.
        level: "restricted",
        expression: everyContainer(`${ctr("?procMount", "'Default'")} == 'Default'`),
        message: "/proc mount: containers must not set securityContext.procMount other than Default",
    },
    {
        level: "restricted",
        expression: everyContainer(`${ctr("?allowPrivilegeEscalation", "true")} == false`),
        message: "privilege escalation: containers must set securityContext.allowPrivilegeEscalation=false",
    },
    {
        level: "restricted",
        expression: everyContainer(`${ctr("?runAsNonRoot", pod("?runAsNonRoot", "false"))} == true`),
        message: "running as non-root: the pod or every container must set securityContext.runAsNonRoot=true",
    },
    {
        level: "restricted",
        expression: `${pod("?runAsUser", "1")} != 0 && ${everyContainer(`${ctr("?runAsUser", "1")} != 0`)}`,
        message: "running as non-root user: pods and containers must not set runAsUser=0",
    },
    {
        level: "restricted",
        expression: everyContainer(
            `${ctr("?seccompProfile.?type", pod("?seccompProfile.?type", "''"))} in ['RuntimeDefault', 'Localhost']`,
        ),
        message: "seccomp: the pod or every container must set seccompProfile.type to RuntimeDefault or Localhost",
    },
    {
        level: "restricted",
        expression: everyContainer(
            `'ALL' in ${ctr("?capabilities.?drop", "[]")} && ${ctr("?capabilities.?add", "[]")}.all(x, x == 'NET_BIND_SERVICE')`,
        ),
        message: "capabilities: containers must drop ALL and may add only NET_BIND_SERVICE",
    },
];

/** The workload kinds whose pod template the policy checks, by API group. */
export const WORKLOAD_RESOURCES: Readonly<Record<string, readonly string[]>> = {
    apps: ["deployments", "statefulsets", "daemonsets", "replicasets"],
    batch: ["jobs", "cronjobs"],
    "": ["replicationcontrollers"],
};

/**
 * Pod Security Admission refuses pods only: a Deployment whose template breaks the namespace's level is admitted
 * with a warning, and its ReplicaSet then fails to make pods where nobody looks. This policy refuses such workload
 * objects when the tenant applies them, so the refusal shows on the Kustomization. Undefined for `privileged`.
 */
export function podSecurityPolicy(o: {
    tenant: string;
    namespace: string;
    identities: TenantIdentities;
    level: PodSecurityLevel;
}): { policy: Manifest; binding: Manifest } | undefined {
    if (o.level === "privileged") return undefined;
    const checks = POD_SECURITY_CHECKS.filter((c) => c.level === "baseline" || o.level === "restricted");
    const validations: Validation[] = checks.map((c) => ({
        expression: c.expression,
        message: `the pod template breaks Pod Security "${o.level}" of namespace ${o.namespace}: ${c.message}`,
        reason: "Forbidden",
    }));
    return admissionPolicy({
        name: policyName("pod-security", o.namespace),
        tenant: o.tenant,
        namespace: o.namespace,
        rules: Object.entries(WORKLOAD_RESOURCES).map(([group, resources]) => ({
            apiGroups: [group],
            apiVersions: ["*"],
            operations: ["CREATE", "UPDATE"],
            resources: [...resources],
        })),
        identities: o.identities,
        variables: [
            {
                name: "template",
                expression: "object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template : object.spec.template",
            },
            { name: "spec", expression: "variables.template.spec" },
            { name: "annotations", expression: "variables.template.?metadata.?annotations.orValue({})" },
            {
                name: "containers",
                expression:
                    "variables.spec.containers + variables.spec.?initContainers.orValue([]) + " +
                    "variables.spec.?ephemeralContainers.orValue([])",
            },
        ],
        validations,
    });
}
