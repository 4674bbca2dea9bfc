#!/usr/bin/env bash
# Every test of Cinder:
#   1. formatting (cargo fmt --check);
#   2. cargo test --workspace --exclude cinder-worker, then cargo test -p cinder-worker (kept
#      apart so the node's features match scripts/dev.sh's build): pallet and primitives unit
#      tests, the worker's kernel tests, runtime unit tests (genesis presets, configuration,
#      transfer and bond flows) and node tests (CLI errors, chain specs, and a real
#      `cinder-node --dev --tmp` that must finalize block #3, serve RPC and metrics, and stop
#      cleanly on SIGTERM);
#   3. the receipts bench (runtime/benches/receipts.rs) for one round in the dev profile: real
#      signed extrinsics through Executive, every receipt accepted both batched and one per
#      extrinsic (the measured numbers come from scripts/bench-receipts.sh, in release), and the
#      routing bench (runtime/benches/routing.rs) at 10 and 1,000 eligible workers: every job
#      routed, every job priced below every worker refused after all its draws (the 100,000-worker
#      figures come from scripts/bench-routing.sh, in release);
#   4. the worker's GEMM bench at n = 256 (naive, CPU twin, the WGSL kernels on lavapipe,
#      Freivalds; every kernel must match the naive one and Freivalds accept it; the figures
#      come from the full run, n up to 1024);
#   5. the worker's verifier-share bench, quick (GEMM at n = 256, the MLP and render benches,
#      a 64-part challenge): each check's cost against the work it checks, and the verifier
#      compute per unit of worker compute at the default parameters, which must stay within
#      5 % for every receipt (GEMM by Freivalds, MLP and render by tile sampling) and benchmark claim;
#   6. every pallet benchmark, run as a test (feature runtime-benchmarks, no wasm needed);
#   6b. scripts/simulate.sh: the economic simulator's small scenario (200 workers' machines,
#      12 validators, 10 reward epochs on the real runtime, natively): fails if a cheating
#      strategy beats honest operation by more than three standard errors or if total
#      issuance ever strays from genesis + minted − burned;
#   7. the polkadot.js tests against a fresh dev node: scripts/js/merkle.mjs (the output-tile
#      Merkle root that job_result.mjs checks results with, against the chain's vectors),
#      scripts/js/smoke.mjs (runtime version,
#      Alice → Bob transfer to finality with exact balances, staking.validators lists Alice),
#      scripts/js/worker_stake.mjs (register a worker, confirm its IB, bond exactly S(n) read
#      through the runtime API → eligible; one planck short → ineligible with the reason) and
#      scripts/js/jobs.mjs (a worker hosting the demo model; a job submitted with escrow is
#      routed to it, its receipt recorded, and verification accepts it when its challenge window
#      ends (no verifier yet) so it settles: fee to the fee collector, the rest of the escrow
#      refunded), scripts/js/bmw.mjs (a heartbeat credits availability at the rate per online
#      IBM; a job's fee burned 80 % and paid 20 % to the foundation, issuance down by exactly
#      the burn, the job's emission min(IBM · E_p, burn) and the worker's work credit within its
#      cap; the BmwApi estimate; the 40-block reward epoch settles its credits, minted +
#      withheld = emission, the worker paid exactly its own work and availability credits,
#      issuance up by exactly the mint, the breakdown settled with reasons for empty pools; its
#      claim pays 25 % at once) and scripts/js/verification.mjs (every receipt sampled; Alice's Verifier node
#      disputes Dave's wrong output root, the dispute committee rejects it, and Dave's bond
#      shrinks by exactly fault_slash of it into the penalty pool, jailed, the events naming
#      the job), scripts/js/metadata_docs.mjs (every call, event, error, storage item and
#      constant of the five Cinder pallets carries the docs polkadot.js Apps shows),
#      scripts/js/nominate.mjs (a stash bonds and nominates Alice; an empty nomination refused;
#      the nomination stored and in the voter list; chill ends it), scripts/js/governance.mjs
#      (a signed setParams refused, Root's invalid one refused with nothing changed, Root doubling
#      E doubles S(n) and the sweep makes Eve ineligible, restoring it makes her eligible; Eve
#      sends a heartbeat first) and
#      scripts/js/operator_status.mjs (Eve: registered, confirmed, bonded, eligible; an
#      account with no node: ineligible because not registered), then two attacks that must
#      fail: scripts/js/attack_silent_verifier.mjs (a serving verifier that never answers
#      cannot confirm a garbage benchmark answer for 10,000 IB: Unverifiable) and
#      scripts/js/attack_fake_verifiers.mjs (24 bonded-then-chilled candidates cannot register
#      Verifier nodes nor sit on committees; receipts with random roots are never accepted) and
#      scripts/js/attack_flood_registrations.mjs (500 unbonded Worker nodes, each holding the
#      node deposit and a claim deposit, stay out of the routing pool; 20 jobs all go to the one
#      eligible worker);
#   8. scripts/dev.sh --until-settled --epoch-blocks 20: the whole network on this machine (a
#      validator and its verifier, two workers that benchmark, register, bond S(n) and run, a
#      job of every workload and class submitted through polkadot.js, a pipeline over both
#      workers) until a reward epoch settles paying the workers;
#   9. scripts/zombienet.sh: zombienet/cinder-network.zndsl, four validators with verifiers and
#      three workers (one lying) through the flows of zombienet/js (about 10 minutes).
# Fails on the first failing step. Prints the time of each step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh

step() { echo; echo "==> $*"; STEP_START=$SECONDS; }
done_step() { echo "<== done in $((SECONDS - STEP_START)) s"; }

step "cargo fmt --check"
cargo fmt --all -- --check
done_step

step "cargo test --workspace except the worker (primitives, pallets, runtime, node)"
# The worker's wgpu would unify features into the node's dependencies and make this build
# differ from scripts/dev.sh's `cargo build -p cinder-node`: built apart, each stays cached.
cargo test --workspace --exclude cinder-worker
done_step

step "cargo test -p cinder-worker (CPU twins, WGSL kernels on the machine's Vulkan adapter, Freivalds, Merkle vectors, data server and fetcher, end to end against the dev node built above: a verifier, an honest worker doing three workloads across a kill and restart, a pipeline job submitted with job submit over two workers' data servers, a lying worker caught and shown by status)"
cargo test -p cinder-worker
done_step

step "receipts bench, one quick round in the dev profile (every receipt accepted in both modes)"
# Same profile and features as the workspace build above, so the runtime is not rebuilt.
cargo bench -p cinder-runtime --bench receipts --profile dev -- --rounds 1
done_step

step "routing bench, quick, in the dev profile (10 and 1,000 eligible workers: every job routed, every over-cheap one refused after every draw)"
cargo bench -p cinder-runtime --bench routing --profile dev -- --quick --jobs 20
done_step

step "worker GEMM bench at n = 256 (CPU naive, CPU twin, WGSL naive and tiled on lavapipe, Freivalds; asserts they agree)"
cargo bench -p cinder-worker --bench gemm -- 256
done_step

step "verifier share bench, quick (verifier compute per unit of worker compute at the default parameters; fails above 5 % for any receipt or benchmark claim)"
cargo bench -p cinder-worker --bench verifier_share -- --quick
done_step

step "pallet benchmarks as tests (runtime-benchmarks)"
SKIP_WASM_BUILD=1 cargo test -p pallet-compute-staking -p pallet-node-registry -p pallet-jobs -p pallet-verification -p pallet-bmw \
	--features runtime-benchmarks
done_step

step "economic simulator, small scenario (200 workers, 10 epochs; fails if a cheating strategy beats honest operation or issuance ≠ genesis + minted − burned)"
bash scripts/simulate.sh
done_step

step "polkadot.js tests against cinder-node --dev"
port=$(free_port)
log=$(mktemp -t cinder-node-js.XXXXXX.log)
"$CINDER_NODE" --dev --tmp --rpc-port "$port" --port "$(free_port)" --prometheus-port "$(free_port)" --no-mdns >"$log" 2>&1 &
node_pid=$!
trap 'kill "$node_pid" 2>/dev/null || true' EXIT
if ! wait_for_rpc "$port" 90; then tail -50 "$log"; exit 1; fi
# One user flow a line: the script and its arguments (after the node's address).
flows=(
	merkle smoke worker_stake jobs bmw verification metadata_docs nominate governance
	"operator_status --account //Eve --expect eligible"
	"operator_status --account //Alice//stash --expect unregistered"
	attack_silent_verifier attack_fake_verifiers attack_flood_registrations
)
for flow in "${flows[@]}"; do
	read -r -a words <<<"$flow"
	echo "--- scripts/js/$flow"
	if ! node "scripts/js/${words[0]}.mjs" "ws://127.0.0.1:$port" "${words[@]:1}"; then echo "--- node log ---"; tail -50 "$log"; exit 1; fi
done
kill -TERM "$node_pid"; wait "$node_pid" || true
trap - EXIT
rm -f "$log"
done_step

step "scripts/dev.sh --until-settled --epoch-blocks 20 (the main job: validator, verifier, two workers, demo jobs of every workload and class, until an epoch settles with the workers' rewards)"
dev_dir=$(mktemp -d -t cinder-dev.XXXXXX)
if ! CINDER_DEV_DIR="$dev_dir" bash scripts/dev.sh --until-settled --epoch-blocks 20; then
	for f in "$dev_dir"/*.log; do echo "--- $f ---"; tail -20 "$f"; done
	exit 1
fi
rm -rf "$dev_dir"
done_step

step "scripts/zombienet.sh (four validators with verifiers, three workers: elected, jobs settled with every receipt checked, a lying worker slashed and jailed, a validator down and back, a worker killed and restarted)"
zn_dir=$(mktemp -u -t cinder-zombienet.XXXXXX)
if ! CINDER_ZOMBIENET_DIR="$zn_dir" bash scripts/zombienet.sh; then
	for f in "$zn_dir"/operator-*.log "$zn_dir"/*.log; do [ -f "$f" ] && { echo "--- $f ---"; tail -20 "$f"; }; done
	exit 1
fi
rm -rf "$zn_dir"
done_step

echo; echo "all tests passed"
