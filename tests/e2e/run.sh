#!/usr/bin/env bash
# npm run test:e2e: the end-to-end suite against throwaway labs (lab/: control plane, real Flux controllers, Git and OCI servers), with the offline toolchain.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! BIN=$(bash lab/toolchain.sh --print-bin 2>/dev/null); then
    echo "e2e: the toolchain is not built; building it (lab/toolchain.sh)" >&2
    bash lab/toolchain.sh
    BIN=$(bash lab/toolchain.sh --print-bin)
fi
export FLUXSTACK_TOOLCHAIN_BIN=$BIN
node --import tsx --test --test-concurrency=1 --test-reporter=spec $(find tests/e2e -name '*.e2e.ts' | sort)
