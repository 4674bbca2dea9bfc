#!/usr/bin/env bash
# Receipts per block, batched against one extrinsic per receipt, measured in the same run on the
# real runtime (native, release profile): execution time, block weight, bytes and fee per
# receipt, and how many receipts fit in one block. See runtime/benches/receipts.rs.
#   scripts/bench-receipts.sh [--rounds N]     (default 15 rounds; medians are reported)
# The first run compiles the runtime in release (about 15 min on 2 cores; 1 min after a change).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh
SKIP_WASM_BUILD=1 cargo bench -p cinder-runtime --bench receipts -- "$@"
