#!/usr/bin/env bash
# Build the lab's and the e2e suite's toolchain from Go modules only (no GitHub
# releases, no get.pulumi.com, no container images):
#
#   pulumi + pulumi-language-nodejs, pulumi-resource-kubernetes, etcd,
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok
#   (+ kwok's stage YAMLs as stages.yaml), kind, the Flux Operator (+ its CLI
#   and the Flux manifests it embeds), source-controller, kustomize-controller,
#   and the CNCF distribution registry (a loopback OCI registry), and the
#   e2e suite's Git server over SSH (lab/sshgit, this project's own source).
#
# Binaries are cached outside the repository, one directory per tool+version:
#   $DIR/pulumi-v<ver>/{pulumi,pulumi-language-nodejs,VERSIONS}
#   $DIR/pulumi-resource-kubernetes-<module version>/{pulumi-resource-kubernetes,VERSIONS}
#   $DIR/etcd-v<ver>/etcd
#   $DIR/kubernetes-v<ver>/{kube-apiserver,kube-controller-manager,kube-scheduler,kubectl}
#   $DIR/kwok-v<ver>/{kwok,stages.yaml}
#   $DIR/kind-v<ver>/kind
#   $DIR/flux-operator-v<ver>/{flux-operator,flux-operator-cli,data/}
#   $DIR/source-controller-v<ver>/source-controller
#   $DIR/kustomize-controller-v<ver>/kustomize-controller
#   $DIR/registry-v<ver>/registry
#   $DIR/git-ssh-server-<source hash>/git-ssh-server
#   $DIR/bin/   symlinks to the selected versions (put this on PATH)
#   $DIR/build/ scratch wrapper modules, $DIR/logs/ per-step build logs
# DIR defaults to ${FLUXSTACK_TOOLCHAIN_DIR:-$HOME/.cache/fluxstack-toolchain}.
#
# Each tool is built only when its versioned binary is missing, so a second run
# does nothing. Module downloads go to the normal GOMODCACHE, compiled packages
# to the normal GOCACHE. Steps run one after another (2-core machines).
#
# Usage:
#   lab/toolchain.sh                 build whatever is missing
#   lab/toolchain.sh etcd kwok       build only the named steps (see ALL_STEPS)
#   lab/toolchain.sh --print-bin     print the bin dir; exit 1 if any tool is missing
#   lab/toolchain.sh --list          show the pinned versions and cache state
#   lab/toolchain.sh --json          the steps, versions, outputs and state as JSON
#                                    (what the lab and the e2e harness read)
set -euo pipefail

DIR=${FLUXSTACK_TOOLCHAIN_DIR:-$HOME/.cache/fluxstack-toolchain}
BIN=$DIR/bin

# ---------------------------------------------------------------------------
# Pinned versions. The build machine only reaches a FILTERED mirror of
# proxy.golang.org: many module versions answer 403 "This module version is
# not available", @v/list is refused for some modules, .info carries no
# Origin (commit hash), and lookups by commit hash or branch name are refused.
# So every version below is an exact version string the mirror was seen to
# serve; do not replace them with queries.
# ---------------------------------------------------------------------------

# Pulumi CLI. Wanted 3.270.0 (= npm @pulumi/pulumi 3.270.0). The mirror serves
# sdk/v3 v3.255..v3.274.1, but pkg/v3 (the CLI's module) only up to v3.260.0
# plus v3.274.1, and of those only v3.255.0..v3.259.0 have a downloadable .zip
# (pkg v3.260.0 and v3.274.1 answer .info/.mod but 403 on .zip; v3.261.0..
# v3.274.0 are 403 outright). So the newest buildable CLI is v3.259.0. A CLI
# that is 11 minors older than the @pulumi/pulumi SDK works: the SDK/engine
# protocol is feature-negotiated.
PULUMI_VERSION=3.259.0
PULUMI_CLIPBOARD_REPLACE=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
# Node language host. Since v3.69.0 it is its own module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), which has
# no tags, only pseudo-versions. The mirror answers 403 for every pseudo-version
# tried (the ones at the pkg/v3.2xx.0 release commits, whose hashes the pkg
# .info Origin gives, and the ones pinned in public go.mod files); @v/list and
# hash queries are refused too. If a served pseudo-version turns up, set
# PULUMI_LANGHOST_MODULE_VERSION=v3.0.0-<time>-<hash> and it is built next to
# the CLI. Otherwise the language host is built from the last sdk/v3 release
# that still contained it as a package (sdk/v3 v3.68.0, May 2023,
# github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs). The engine
# falls back to the older RPCs (GetRequiredPlugins etc.) for such a host; it was
# checked with @pulumi/pulumi 3.270.0 on Node 20 (JS and TypeScript/ts-node
# programs, stack config, `pulumi up`/`destroy`, the Automation API).
# Not available with it: newer host-side features such as TypeScript component
# providers run as plugins (RunPlugin) and parameterized packages.
PULUMI_LANGHOST_MODULE_VERSION=${PULUMI_LANGHOST_MODULE_VERSION:-}
PULUMI_LEGACY_LANGHOST_SDK_VERSION=3.68.0

# Kubernetes provider. Wanted 4.34.x (npm @pulumi/kubernetes 4.34.2).
# provider/v4 has no tags, only pseudo-versions; the only one the mirror serves
# is the one crd2pulumi v1.6.1 pins: commit f47bc2d6f199 of 2026-01-15, a master
# commit between v4.24.x and v4.25.0 (its go.mod requires sdk/v4 v4.24.0; the
# sdk/v4.25.0 tag is a day later). The provider/v4 pseudo-versions at the
# sdk/v4.25.0..v4.34.0 tag commits all answer 403. Its go.mod replaces sdk/v4
# with ../sdk; pair it with the nearest tagged sdk, v4.25.0.
# The sum.golang.org lookup for this pseudo-version answers 404 through the
# mirror, hence GONOSUMDB for it below.
K8S_PROVIDER_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
# What the binary reports (pulumi's own dev-version format: next minor,
# alpha.<commit unix time>+<short hash>). Install it for the npm package with
#   pulumi plugin install resource kubernetes 4.34.2 --file $BIN/pulumi-resource-kubernetes
# The engine then only warns "expected to have version >=4.34.2, but has 4.25.0-alpha...".
K8S_PROVIDER_VERSION=4.25.0-alpha.1768448096+f47bc2d6
K8S_SDK_VERSION=v4.25.0

# etcd: newest 3.6 patch the mirror serves for all five etcd submodules
# (v3.6.17 -> 403).
ETCD_VERSION=3.6.16

# Kubernetes: 1.36.4 is the newest patch whose k8s.io/kubernetes AND all 33
# staging modules (v0.36.4) are served (1.36.5 lacks sample-cli-plugin and
# sample-controller; 1.36.6+ -> 403). Matches kwok v0.8.0 (1.36.1 default).
KUBE_VERSION=1.36.4

# kind: the e2e suite checks the program's kind command lines and rendered config against the real binary
# (no container engine here, so it never creates a cluster). No replaces: plain go install.
KIND_VERSION=0.31.0

KWOK_VERSION=0.8.0

# Flux Operator. The charts pin v0.49.0, which the mirror refuses (403); v0.59.0 is
# the only version it serves. It embeds Flux v2.9.5 (config/data/flux/v2.9.5),
# whose controllers are source-controller and kustomize-controller v1.9.5 (below).
# It declares go 1.27.0: the Go toolchain go1.27.1 comes from the module proxy.
# Two changes to a copy of the module: its pin of
# go-containerregistry/pkg/authn/kubernetes answers 403, so it is replaced by the
# pseudo-version source-controller v1.9.5 uses; and web/dist (the web UI's built
# assets, not in the module zip; web/embed.go embeds dist/*) gets a placeholder
# page (the lab turns the web UI off).
FLUX_OPERATOR_VERSION=0.59.0
FLUX_OPERATOR_GO=go1.27.1
FLUX_OPERATOR_AUTHN_K8S=v0.0.0-20250225234217-098045d5e61f
# source-controller / kustomize-controller: the pair Flux v2.9.5 ships (the
# operator above renders their Deployments with these image tags). Their go.mod
# replaces .../api => ./api, a separate module the zip does not carry: the copy
# requires the published api module at the same version instead.
# source-controller requires github.com/fluxcd/pkg/artifact v0.18.3, which
# answers 403; v0.18.0 (served) builds and behaves the same for the lab.
FLUX_CONTROLLERS_VERSION=1.9.5
FLUX_PKG_ARTIFACT_REPLACE=v0.18.0
# The CNCF distribution registry: the loopback OCI registry the lab and the e2e
# suite push the demo's artifact to. Its filesystem storage keeps manifests and
# blobs across restarts (crane's `registry serve` keeps manifests in memory, so a
# restarted lab would lose what was pushed). No replaces: plain go install.
REGISTRY_VERSION=3.1.2
# The e2e suite's SSH Git endpoint: lab/sshgit, ~170 lines on golang.org/x/crypto/ssh
# (no openssh-server on these machines; the Node SSH server would be another npm
# package). Built from the project's own source, so its "version" is a hash of
# that source: an edit rebuilds it. About 10 s with a warm module cache.
GIT_SSH_SERVER_SRC=$(cd "$(dirname "$0")" && pwd)/sshgit
GIT_SSH_SERVER_VERSION=$(cat "$GIT_SSH_SERVER_SRC/go.mod" "$GIT_SSH_SERVER_SRC/go.sum" "$GIT_SSH_SERVER_SRC/main.go" | sha256sum | cut -c1-12)
KWOK_STAGES="node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete"

# ---------------------------------------------------------------------------
PULUMI_DIR=$DIR/pulumi-v$PULUMI_VERSION
K8S_PROVIDER_DIR=$DIR/pulumi-resource-kubernetes-$K8S_PROVIDER_MODULE_VERSION
ETCD_DIR=$DIR/etcd-v$ETCD_VERSION
KUBE_DIR=$DIR/kubernetes-v$KUBE_VERSION
KWOK_DIR=$DIR/kwok-v$KWOK_VERSION
KIND_DIR=$DIR/kind-v$KIND_VERSION
FLUX_OPERATOR_DIR=$DIR/flux-operator-v$FLUX_OPERATOR_VERSION
SOURCE_CONTROLLER_DIR=$DIR/source-controller-v$FLUX_CONTROLLERS_VERSION
KUSTOMIZE_CONTROLLER_DIR=$DIR/kustomize-controller-v$FLUX_CONTROLLERS_VERSION
REGISTRY_DIR=$DIR/registry-v$REGISTRY_VERSION
GIT_SSH_SERVER_DIR=$DIR/git-ssh-server-$GIT_SSH_SERVER_VERSION
KUBE_BINS="kube-apiserver kube-controller-manager kube-scheduler kubectl"
ALL_STEPS="pulumi k8s-provider etcd kubernetes kwok kind flux-operator source-controller kustomize-controller registry git-ssh-server"

# step -> files that must exist for the step to count as done
step_outputs() {
  case $1 in
    pulumi) echo "$PULUMI_DIR/pulumi $PULUMI_DIR/pulumi-language-nodejs" ;;
    k8s-provider) echo "$K8S_PROVIDER_DIR/pulumi-resource-kubernetes" ;;
    etcd) echo "$ETCD_DIR/etcd" ;;
    kubernetes) for b in $KUBE_BINS; do printf '%s ' "$KUBE_DIR/$b"; done; echo ;;
    kwok) echo "$KWOK_DIR/kwok $KWOK_DIR/stages.yaml" ;;
    kind) echo "$KIND_DIR/kind" ;;
    flux-operator) echo "$FLUX_OPERATOR_DIR/flux-operator $FLUX_OPERATOR_DIR/flux-operator-cli $FLUX_OPERATOR_DIR/data/flux/VERSIONS" ;;
    source-controller) echo "$SOURCE_CONTROLLER_DIR/source-controller" ;;
    kustomize-controller) echo "$KUSTOMIZE_CONTROLLER_DIR/kustomize-controller" ;;
    registry) echo "$REGISTRY_DIR/registry" ;;
    git-ssh-server) echo "$GIT_SSH_SERVER_DIR/git-ssh-server" ;;
    *) echo "unknown step: $1 (known: $ALL_STEPS)" >&2; return 2 ;;
  esac
}
step_version() {
  case $1 in
    pulumi) echo "v$PULUMI_VERSION (nodejs host ${PULUMI_LANGHOST_MODULE_VERSION:-from sdk v$PULUMI_LEGACY_LANGHOST_SDK_VERSION})" ;;
    k8s-provider) echo "$K8S_PROVIDER_MODULE_VERSION ($K8S_PROVIDER_VERSION)" ;;
    etcd) echo "v$ETCD_VERSION" ;;
    kubernetes) echo "v$KUBE_VERSION" ;;
    kwok) echo "v$KWOK_VERSION" ;;
    kind) echo "v$KIND_VERSION" ;;
    flux-operator) echo "v$FLUX_OPERATOR_VERSION" ;;
    source-controller|kustomize-controller) echo "v$FLUX_CONTROLLERS_VERSION" ;;
    registry) echo "v$REGISTRY_VERSION" ;;
    git-ssh-server) echo "$GIT_SSH_SERVER_VERSION" ;;
  esac
}
step_done() {
  local f
  for f in $(step_outputs "$1"); do [[ -s $f && ( $f == *.yaml || $f == */VERSIONS || -x $f ) ]] || return 1; done
}
link_bin() {
  mkdir -p "$BIN"
  local s f
  for s in $ALL_STEPS; do
    step_done "$s" || continue
    for f in $(step_outputs "$s"); do [[ $f == */VERSIONS ]] || ln -sfn "$f" "$BIN/$(basename "$f")"; done
  done
  # The operator reads the Flux manifests it embeds from --storage-path (the image's /data).
  if step_done flux-operator; then ln -sfn "$FLUX_OPERATOR_DIR/data" "$BIN/flux-operator-data"; fi
  # binary -> version, for the lab's status (the images the charts name may ask for other versions).
  local first=1 b
  {
    printf '{'
    for s in $ALL_STEPS; do
      step_done "$s" || continue
      for f in $(step_outputs "$s"); do
        [[ $f == */VERSIONS || $f == *.yaml ]] && continue
        b=$(basename "$f"); [[ $first == 1 ]] || printf ','; first=0
        printf '\n  "%s": "%s"' "$b" "$(step_version "$s" | cut -d' ' -f1)"
      done
    done
    printf '\n}\n'
  } > "$BIN/VERSIONS.json"
}

case ${1:-} in
  --print-bin)
    missing=0
    for s in $ALL_STEPS; do step_done "$s" || { echo "toolchain: $s $(step_version "$s") missing" >&2; missing=1; }; done
    [[ $missing == 0 ]] && link_bin
    echo "$BIN"
    exit $missing ;;
  --list)
    for s in $ALL_STEPS; do
      if step_done "$s"; then st=present; else st=missing; fi
      printf '%-20s %-60s %s\n' "$s" "$(step_version "$s")" "$st"
    done
    exit 0 ;;
  --json)
    first=1; printf '{"dir": "%s", "bin": "%s", "steps": [' "$DIR" "$BIN"
    for s in $ALL_STEPS; do
      if step_done "$s"; then st=true; else st=false; fi
      [[ $first == 1 ]] || printf ','; first=0
      printf '\n  {"step": "%s", "version": "%s", "built": %s, "outputs": [' "$s" "$(step_version "$s")" "$st"
      o=1; for f in $(step_outputs "$s"); do [[ $o == 1 ]] || printf ', '; o=0; printf '"%s"' "$f"; done
      printf ']}'
    done
    printf '\n]}\n'
    exit 0 ;;
  -h|--help) awk 'NR>1 && /^#/{sub(/^# ?/, ""); print; next} NR>1{exit}' "$0"; exit 0 ;;
esac

STEPS=${*:-$ALL_STEPS}
for s in $STEPS; do step_outputs "$s" >/dev/null; done

command -v go >/dev/null || { echo "toolchain: go not found on PATH" >&2; exit 1; }
command -v jq >/dev/null || { echo "toolchain: jq not found on PATH" >&2; exit 1; }

export CGO_ENABLED=0
export GOFLAGS="-mod=mod -buildvcs=false"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
unset GOWORK GOOS GOARCH || true
export GOWORK=off
# sum.golang.org (reached through the mirror) answers 404 for the pinned
# provider/v4 pseudo-version; skip the checksum DB for that module only.
export GONOSUMDB=${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi-kubernetes/provider

mkdir -p "$DIR/build" "$DIR/logs" "$BIN"

# One build at a time (the cache dir is shared).
if command -v flock >/dev/null; then
  exec 9>"$DIR/.lock"
  flock -n 9 || { echo "toolchain: waiting for another toolchain.sh run to finish" >&2; flock 9; }
fi

log() { printf '[toolchain %(%H:%M:%S)T] %s\n' -1 "$*"; }

# Fresh scratch wrapper module: wrapper_init <name> -> prints its dir
wrapper_init() {
  local w=$DIR/build/$1
  rm -rf "$w"; mkdir -p "$w"
  (cd "$w" && go mod init "local/toolchain-$1" >/dev/null 2>&1)
  echo "$w"
}
# Directory / go.mod path of a module version in GOMODCACHE (downloads it).
# (Run from $DIR/build, outside any module, so no go.mod/go.sum is touched.)
mod_dir() { (cd "$DIR/build" && go mod download -json "$1") | jq -er '.Dir'; }
mod_gomod() { (cd "$DIR/build" && go mod download -json "$1") | jq -er '.GoMod'; }
# Copy a module's non-local replace directives into the wrapper in $PWD.
copy_remote_replaces() {
  local gomod=$1 line
  while IFS= read -r line; do
    [[ -n $line ]] && go mod edit -replace="$line"
  done < <(go mod edit -json "$gomod" |
    jq -r '.Replace // [] | .[] | select(.New.Version != null) |
      (.Old.Path + (if .Old.Version then "@" + .Old.Version else "" end)) + "=" + .New.Path + "@" + .New.Version')
}
# Copy the go line and godebug lines from a module's go.mod.
copy_go_directives() {
  local gomod=$1 gov
  gov=$(awk '$1=="go"{print $2; exit}' "$gomod")
  [[ -n $gov ]] && go mod edit -go="$gov"
  if grep -q '^godebug' "$gomod"; then
    awk '/^godebug *\(/{p=1} p{print} p&&/^\)/{p=0; next} /^godebug [^(]/{print}' "$gomod" >> go.mod
  fi
}

# ---------------------------------------------------------------------------
build_pulumi() {
  local w out=$DIR/build/pulumi-out
  w=$(wrapper_init pulumi); cd "$w"
  rm -rf "$out"; mkdir -p "$out"
  # pkg/v3 replaces sdk/v3 with ../sdk: the wrapper requires the tagged sdk and
  # keeps the one non-local replace (a Windows clipboard fix, harmless here).
  local gm; gm=$(mod_gomod github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION)
  copy_go_directives "$gm"
  copy_remote_replaces "$gm"
  go mod edit -replace=github.com/atotto/clipboard=$PULUMI_CLIPBOARD_REPLACE
  local mods="github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
  [[ -z $PULUMI_LANGHOST_MODULE_VERSION ]] ||
    mods+=" github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$PULUMI_LANGHOST_MODULE_VERSION"
  # shellcheck disable=SC2086
  go get $mods
  [[ $(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/sdk/v3) == v$PULUMI_VERSION ]] ||
    { echo "sdk/v3 resolved to $(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/sdk/v3), not v$PULUMI_VERSION" >&2; return 1; }
  # Without the version ldflag `pulumi version` prints "" and the Automation
  # API's CLI version check fails.
  local ldf="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
  log "go build pulumi"
  go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldf" -o "$out/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  if [[ -n $PULUMI_LANGHOST_MODULE_VERSION ]]; then
    log "go build pulumi-language-nodejs ($PULUMI_LANGHOST_MODULE_VERSION)"
    go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldf" -o "$out/pulumi-language-nodejs" \
      github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
  else
    # Legacy host: a package inside sdk/v3 v3.68.0, so it needs its own wrapper
    # (one sdk/v3 version per build).
    local lv=$PULUMI_LEGACY_LANGHOST_SDK_VERSION lw
    lw=$(wrapper_init pulumi-langhost); cd "$lw"
    gm=$(mod_gomod github.com/pulumi/pulumi/sdk/v3@v$lv)
    copy_go_directives "$gm"
    copy_remote_replaces "$gm"
    go get github.com/pulumi/pulumi/sdk/v3@v$lv
    log "go build pulumi-language-nodejs (from sdk/v3 v$lv)"
    go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$lv" \
      -o "$out/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
  fi
  "$out/pulumi" version
  # Smoke-test the host. Not `| head -1`: under pipefail the host may die of SIGPIPE when head exits first.
  local help; help=$("$out/pulumi-language-nodejs" --help 2>&1) || true
  [[ $help == *Usage* || $help == *usage* || $help == *-* ]] ||
    { echo "pulumi-language-nodejs --help printed nothing useful: $help" >&2; return 1; }
  echo "${help%%$'\n'*}"
  {
    echo "pulumi v$PULUMI_VERSION (github.com/pulumi/pulumi/pkg/v3)"
    if [[ -n $PULUMI_LANGHOST_MODULE_VERSION ]]; then
      echo "pulumi-language-nodejs $PULUMI_LANGHOST_MODULE_VERSION (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)"
    else
      echo "pulumi-language-nodejs v$PULUMI_LEGACY_LANGHOST_SDK_VERSION (github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)"
    fi
  } > "$out/VERSIONS"
  install_outputs "$out" "$PULUMI_DIR"
}

build_k8s_provider() {
  local src w=$DIR/build/k8s-provider out=$DIR/build/k8s-provider-out
  local m=github.com/pulumi/pulumi-kubernetes/provider/v4
  src=$(mod_dir "$m@$K8S_PROVIDER_MODULE_VERSION")
  rm -rf "$w" "$out"; mkdir -p "$out"
  cp -r "$src" "$w"; chmod -R u+w "$w"; cd "$w"
  # Drop the local sdk replace (and any other local one) and use the tagged sdk.
  local r
  for r in $(go mod edit -json | jq -r '.Replace // [] | .[] | select(.New.Version == null) | .Old.Path'); do
    go mod edit -dropreplace="$r"
  done
  go mod edit -require=github.com/pulumi/pulumi-kubernetes/sdk/v4@$K8S_SDK_VERSION
  # schema-embed.json / terraform-mapping-embed.json are gitignored, so they are
  # not in the module zip: main.go's go:generate makes them from the committed
  # schema.json / terraform-mapping.json.
  log "go generate (schema-embed.json, terraform-mapping-embed.json)"
  (cd cmd/pulumi-resource-kubernetes && VERSION=$K8S_PROVIDER_VERSION go generate .)
  ls -l cmd/pulumi-resource-kubernetes/*-embed.json
  log "go build pulumi-resource-kubernetes"
  go build -trimpath -ldflags "-s -w -X $m/pkg/version.Version=$K8S_PROVIDER_VERSION" \
    -o "$out/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes
  grep -aqF "$K8S_PROVIDER_VERSION" "$out/pulumi-resource-kubernetes" ||
    { echo "version string $K8S_PROVIDER_VERSION not found in the binary" >&2; return 1; }
  echo "pulumi-resource-kubernetes $K8S_PROVIDER_VERSION ($m@$K8S_PROVIDER_MODULE_VERSION, sdk/v4 $K8S_SDK_VERSION)" > "$out/VERSIONS"
  install_outputs "$out" "$K8S_PROVIDER_DIR"
}

build_etcd() {
  local w out=$DIR/build/etcd-out
  w=$(wrapper_init etcd); cd "$w"
  rm -rf "$out"; mkdir -p "$out"
  # server/v3 replaces api, client/pkg, client/v3, pkg with ../<dir>; all of
  # them are tagged at the same version, so requiring server/v3 is enough.
  local gm; gm=$(mod_gomod go.etcd.io/etcd/server/v3@v$ETCD_VERSION)
  copy_go_directives "$gm"
  copy_remote_replaces "$gm"
  go mod edit -require=go.etcd.io/etcd/server/v3@v$ETCD_VERSION
  local sub
  for sub in api/v3 client/pkg/v3 client/v3 pkg/v3; do
    go mod edit -require=go.etcd.io/etcd/$sub@v$ETCD_VERSION
  done
  log "go build etcd"
  go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
  "$out/etcd" --version
  install_outputs "$out" "$ETCD_DIR"
}

build_kubernetes() {
  local w out=$DIR/build/kubernetes-out minor=${KUBE_VERSION#1.}
  minor=${minor%%.*}
  local staging=0.${KUBE_VERSION#1.}
  w=$(wrapper_init kubernetes); cd "$w"
  rm -rf "$out"; mkdir -p "$out"
  local gm; gm=$(mod_gomod k8s.io/kubernetes@v$KUBE_VERSION)
  go mod edit -require=k8s.io/kubernetes@v$KUBE_VERSION
  copy_go_directives "$gm"
  copy_remote_replaces "$gm"
  # k8s.io/kubernetes requires its staging modules at v0.0.0 via
  # replace k8s.io/X => ./staging/src/k8s.io/X: point them at k8s.io/X v0.<minor>.<patch>.
  local m
  for m in $(go mod edit -json "$gm" | jq -r '.Replace // [] | .[] | select(.New.Path | startswith("./staging/src/")) | .Old.Path'); do
    go mod edit -replace="$m=$m@v$staging"
  done
  local ld="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=v$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ld+=" -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  local b
  for b in $KUBE_BINS; do
    log "go build $b"
    go build -trimpath -ldflags "$ld" -o "$out/$b" "k8s.io/kubernetes/cmd/$b"
  done
  "$out/kube-apiserver" --version
  "$out/kubectl" version --client
  install_outputs "$out" "$KUBE_DIR"
}

# A plain `go install` (the module has no replaces) into step $1's fresh output dir; prints that dir.
go_install_step() {
  local w out=$DIR/build/$1-out
  w=$(wrapper_init "$1"); cd "$w"
  rm -rf "$out"; mkdir -p "$out"
  log "go install $2" >&2
  GOBIN=$out GOFLAGS=-buildvcs=false go install -trimpath -ldflags "-s -w" "$2" >&2
  echo "$out"
}

build_kwok() {
  # (kwok's version string is a compiled-in constant, so no ldflags are needed.)
  local out; out=$(go_install_step kwok "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION")
  # A standalone kwok has no default stages; ship the ones kwokctl uses.
  local kd f; kd=$(mod_dir "sigs.k8s.io/kwok@v$KWOK_VERSION")
  for f in $KWOK_STAGES; do
    cat "$kd/kustomize/stage/$f.yaml"; echo '---'
  done > "$out/stages.yaml"
  "$out/kwok" --version
  install_outputs "$out" "$KWOK_DIR"
}

build_kind() {
  local out; out=$(go_install_step kind "sigs.k8s.io/kind@v$KIND_VERSION")
  "$out/kind" version
  install_outputs "$out" "$KIND_DIR"
}

# A copy of module $1@$2 in $DIR/build/$3, writable, with its local (./dir)
# replaces dropped and each such module required at $2 instead; prints the dir.
module_copy() {
  local src w=$DIR/build/$3 r
  src=$(mod_dir "$1@$2")
  rm -rf "$w"; cp -r "$src" "$w"; chmod -R u+w "$w"
  (cd "$w" && for r in $(go mod edit -json | jq -r '.Replace // [] | .[] | select(.New.Version == null) | .Old.Path'); do
    go mod edit -dropreplace="$r" -require="$r@$2"
  done)
  echo "$w"
}

build_flux_operator() {
  local m=github.com/controlplaneio-fluxcd/flux-operator v=v$FLUX_OPERATOR_VERSION out=$DIR/build/flux-operator-out w
  export GOTOOLCHAIN=$FLUX_OPERATOR_GO
  w=$(module_copy "$m" "$v" flux-operator); cd "$w"
  rm -rf "$out"; mkdir -p "$out"
  go mod edit -replace="github.com/google/go-containerregistry/pkg/authn/kubernetes=github.com/google/go-containerregistry/pkg/authn/kubernetes@$FLUX_OPERATOR_AUTHN_K8S"
  mkdir -p web/dist
  echo '<!doctype html><title>flux-operator</title><p>The web UI is not built in this toolchain.</p>' > web/dist/index.html
  # As the image's Dockerfile builds it: FIPS 140-3 on (the operator refuses to run without it), version ldflag.
  log "go build flux-operator ($GOTOOLCHAIN)"
  GOFIPS140=latest go build -trimpath -ldflags "-s -w -X main.VERSION=$v" -o "$out/flux-operator" ./cmd/operator
  log "go build flux-operator-cli"
  go build -trimpath -ldflags "-s -w -X main.VERSION=$FLUX_OPERATOR_VERSION" -o "$out/flux-operator-cli" ./cmd/cli
  # The Flux manifests it embeds: the image keeps them in /data (its --storage-path).
  cp -r config/data "$out/data"
  ls "$out/data/flux" | sort -V > "$out/data/flux/VERSIONS"
  "$out/flux-operator-cli" version --client 2>/dev/null || true
  install_outputs "$out" "$FLUX_OPERATOR_DIR"
}

# source-controller and kustomize-controller: the same recipe.
build_flux_controller() {
  local name=$1 to=$2 m=github.com/fluxcd/$1 v=v$FLUX_CONTROLLERS_VERSION out=$DIR/build/$1-out w
  w=$(module_copy "$m" "$v" "$name"); cd "$w"
  rm -rf "$out"; mkdir -p "$out"
  if [[ $name == source-controller ]]; then
    go mod edit -replace="github.com/fluxcd/pkg/artifact=github.com/fluxcd/pkg/artifact@$FLUX_PKG_ARTIFACT_REPLACE"
  fi
  log "go build $name"
  go build -trimpath -ldflags "-s -w" -o "$out/$name" .
  "$out/$name" --help >/dev/null 2>&1 || [[ $? == 2 ]] || true
  install_outputs "$out" "$to"
}
build_source_controller() { build_flux_controller source-controller "$SOURCE_CONTROLLER_DIR"; }
build_kustomize_controller() { build_flux_controller kustomize-controller "$KUSTOMIZE_CONTROLLER_DIR"; }

build_registry() {
  local out; out=$(go_install_step registry "github.com/distribution/distribution/v3/cmd/registry@v$REGISTRY_VERSION")
  "$out/registry" --version
  install_outputs "$out" "$REGISTRY_DIR"
}

build_git_ssh_server() {
  local out=$DIR/build/git-ssh-server-out
  rm -rf "$out"; mkdir -p "$out"
  # -mod=readonly: the build must not touch the project's go.mod/go.sum.
  (cd "$GIT_SSH_SERVER_SRC" && GOFLAGS=-buildvcs=false go build -mod=readonly -trimpath -ldflags "-s -w" -o "$out/git-ssh-server" .)
  install_outputs "$out" "$GIT_SSH_SERVER_DIR"
}

# Move freshly built outputs into the versioned dir atomically-ish.
install_outputs() {
  local from=$1 to=$2
  mkdir -p "$to"
  local f
  for f in "$from"/*; do
    rm -rf "${to:?}/$(basename "$f")"
    mv -f "$f" "$to/$(basename "$f")"
  done
  rmdir "$from" 2>/dev/null || true
}

declare -A RESULT TIME
overall_start=$(date +%s)
for s in $STEPS; do
  if step_done "$s"; then
    log "$s $(step_version "$s"): already built, nothing to do"
    RESULT[$s]=cached; TIME[$s]=0
    continue
  fi
  log "=== building $s $(step_version "$s") (log: $DIR/logs/$s.log)"
  t0=$(date +%s)
  set +e
  ( set -e; "build_${s//-/_}" ) 2>&1 | tee "$DIR/logs/$s.log"
  rc=${PIPESTATUS[0]}
  set -e
  TIME[$s]=$(( $(date +%s) - t0 ))
  if [[ $rc != 0 ]] || ! step_done "$s"; then
    RESULT[$s]=FAILED
    log "=== FAILED: $s $(step_version "$s") after ${TIME[$s]}s (rc=$rc); see $DIR/logs/$s.log"
    continue   # build the other tools anyway; exit 1 at the end
  fi
  RESULT[$s]=built
  log "=== built $s in ${TIME[$s]}s"
done
link_bin
total=$(( $(date +%s) - overall_start ))

echo
printf '%-20s %-72s %-7s %6s\n' STEP VERSION RESULT SECONDS
failed=""
for s in $STEPS; do
  r=${RESULT[$s]:-skipped}
  [[ $r == FAILED ]] && failed+=" $s"
  printf '%-20s %-72s %-7s %6s\n' "$s" "$(step_version "$s")" "$r" "${TIME[$s]:--}"
done
printf '%-20s %-72s %-7s %6s\n' total "" "" "$total"
echo "bin: $BIN"
built_any=0
for s in $STEPS; do [[ ${RESULT[$s]:-} == built ]] && built_any=1; done
[[ $built_any == 1 || -n $failed ]] || echo "toolchain: everything already built, nothing to do"
if [[ -n $failed ]]; then
  echo "toolchain: build FAILED for:$failed" >&2
  exit 1
fi
