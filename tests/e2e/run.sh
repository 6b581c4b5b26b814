#!/usr/bin/env bash
# npm run test:e2e: the end-to-end suite against a throwaway control plane, with the offline toolchain.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! BIN=$(bash tests/e2e/toolchain.sh --print-bin 2>/dev/null); then
    echo "e2e: the toolchain is not built; building it (tests/e2e/toolchain.sh)" >&2
    bash tests/e2e/toolchain.sh
    BIN=$(bash tests/e2e/toolchain.sh --print-bin)
fi
export FLUXSTACK_TOOLCHAIN_BIN=$BIN
node --import tsx --test --test-concurrency=1 --test-reporter=spec $(find tests/e2e -name '*.e2e.ts' | sort)
