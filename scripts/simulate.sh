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
if [ "$profile" = release ]; then
	# The simulator runs the runtime natively: no wasm to build.
	SKIP_WASM_BUILD=1 cargo build --release -p cinder-sim
	bin="$CARGO_TARGET_DIR/release/cinder-sim"
else
	# Built exactly as scripts/test.sh's test step builds the workspace (less the worker), whose
	# tests' features it shares: a plain `cargo build` of it would resolve features without
	# the dev-dependencies and rebuild the runtime and FRAME (minutes). After that step this is
	# a no-op; cinder-sim's integration tests make cargo build the binary too.
	cargo test --workspace --exclude cinder-worker --no-run --quiet
	bin="$CARGO_TARGET_DIR/debug/cinder-sim"
fi
"$bin" "${args[@]}"
