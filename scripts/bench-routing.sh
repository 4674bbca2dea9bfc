#!/usr/bin/env bash
# Routing at 10, 1,000 and 100,000 eligible workers on the real runtime (native, release
# profile): the weight submit_job is charged beside the median time of a routed submission and
# of one refused after every draw. See runtime/benches/routing.rs.
#   scripts/bench-routing.sh [--quick] [--jobs N]
# The first run compiles the runtime in release (about 15 min on 2 cores; 1 min after a change).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh
SKIP_WASM_BUILD=1 cargo bench -p cinder-runtime --bench routing -- "$@"
