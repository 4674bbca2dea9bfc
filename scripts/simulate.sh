#!/usr/bin/env bash
# The economic simulator (runtime/sim, cinder-sim): simulated workers, validators and
# submitters, each following a strategy (honest, faking, over-claiming, offline, wash trading,
# Sybil, flooding, lazy, silent or colluding verifiers), drive the real runtime natively for a
# scenario's reward epochs; writes <name>.csv, SVG plots and <name>.md (a one-page summary of
# who profits) into --out (default target/sim).
#   scripts/simulate.sh                                    # the small scenario, checked
#   scripts/simulate.sh [--release] SCENARIO.toml [cinder-sim options…]
# Without a scenario it runs runtime/sim/scenarios/small.toml (200 workers, 10 epochs) with
# --check: it fails if a cheating strategy beats honest operation or if total issuance ever
# strays from genesis + minted − burned (scripts/test.sh runs it so). --release builds the
# simulator in release (the first time compiles the runtime in release: about 15 min on 2
# cores); the full-scale scenario needs it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
profile=dev
if [ "${1:-}" = "--release" ]; then
	profile=release
	shift
fi
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
	args=(runtime/sim/scenarios/small.toml --check)
fi
# Built as part of the workspace (less the worker), as scripts/test.sh's test step builds it,
# so the runtime and its dependencies are not rebuilt with other features.
cargo build --workspace --exclude cinder-worker --bin cinder-sim --profile "$profile"
dir=$profile
[ "$profile" = dev ] && dir=debug
"$CARGO_TARGET_DIR/$dir/cinder-sim" "${args[@]}"
