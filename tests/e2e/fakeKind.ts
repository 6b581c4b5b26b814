import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Stand-ins for `kind` and `docker`, for running the kind stack without a container engine: `kind` keeps its
 * "clusters" as files, records every call, and hands out the e2e control plane's kubeconfig; `docker info`
 * answers yes. What they prove: the program's kind command lines, the dynamic provider's create, read (refresh)
 * and delete, and the whole Flux stack on the kubeconfig that kind returns.
 */
export function installFakeKind(
    dir: string,
    kubeconfig: string,
): { dir: string; calls(): string[]; clusters(): string[] } {
    const state = path.join(dir, "state");
    fs.mkdirSync(state, { recursive: true });
    fs.writeFileSync(
        path.join(dir, "kind"),
        `#!/usr/bin/env bash
set -euo pipefail
state=${JSON.stringify(state)}
echo "$*" >> "$state/../calls"
name=kind; config=""
args=("$@")
for ((i = 0; i < \${#args[@]}; i++)); do
  case "\${args[i]}" in --name) name=\${args[i+1]} ;; --config) config=\${args[i+1]} ;; esac
done
case "$1 $2" in
  "create cluster") cp "$config" "$state/$name.yaml" ;;
  "get kubeconfig") [ -f "$state/$name.yaml" ] || { echo "ERROR: could not locate any control plane nodes for cluster named '$name'" >&2; exit 1; }
                    cat ${JSON.stringify(kubeconfig)} ;;
  "get clusters") for f in "$state"/*.yaml; do [ -e "$f" ] && basename "$f" .yaml; done; true ;;
  "delete cluster") rm -f "$state/$name.yaml" ;;
  *) echo "fake kind: unexpected: $*" >&2; exit 2 ;;
esac
`,
        { mode: 0o755 },
    );
    fs.writeFileSync(path.join(dir, "docker"), '#!/bin/sh\n[ "$1" = info ] && exit 0\nexit 1\n', { mode: 0o755 });
    return {
        dir,
        calls: () =>
            fs.existsSync(path.join(dir, "calls"))
                ? fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n")
                : [],
        clusters: () =>
            fs
                .readdirSync(state)
                .filter((f) => f.endsWith(".yaml"))
                .map((f) => f.slice(0, -5)),
    };
}
