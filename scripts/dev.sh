#!/usr/bin/env bash
# The main job: a whole Cinder network on one machine. Installs what is missing, builds
# cinder-node and cinder-worker (cargo's progress shows), then starts:
#   - cinder-node --dev: Alice, the one validator, producing and finalizing blocks;
#   - Alice's Verifier node (`cinder-worker register --role verifier`, then `verify`);
#   - the workers (`cinder-worker register`: benchmark, claim the measured IB, bond S(n),
#     answer the chain's challenge; then `run`, each with its data server), Ferdie and Eve;
#   - scripts/js/demo.mjs: a job of every workload and class through polkadot.js (a pipeline
#     over two workers when there are two), and, live, what happens to them: assigned,
#     receipt, sampled, verified, settled, burned, minted, and each reward epoch's breakdown.
# The chain is the development preset with two demo settings, so the network is up within a
# couple of minutes: 10-second benchmark challenges (the preset's 90 s; every worker and the
# verifier recompute one at registration) and the reward epoch length, 40 blocks unless
# --epoch-blocks says otherwise. Ctrl-C stops everything. Each run starts a fresh chain and
# fresh worker state, so running it again works. Logs: $CINDER_DEV_DIR (default
# /tmp/cinder-dev), one file per process.
#
#   scripts/dev.sh                     # two workers, until Ctrl-C
#   scripts/dev.sh --workers 4         # Ferdie, Eve, Dave and Bob (1 to 4)
#   scripts/dev.sh --epoch-blocks 20   # reward epochs of 20 blocks (2 minutes)
#   scripts/dev.sh --until-settled     # exit 0 once an epoch settles with a worker's reward
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

workers=2
epoch_blocks=40
until_settled=""
while (( $# )); do
	case "$1" in
		--workers) workers=$2; shift 2 ;;
		--epoch-blocks) epoch_blocks=$2; shift 2 ;;
		--until-settled) until_settled=--until-settled; shift ;;
		-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
		*) echo "dev: unknown flag $1 (see scripts/dev.sh --help)" >&2; exit 2 ;;
	esac
done
names=(Ferdie Eve Dave Bob)
if ! [[ "$workers" =~ ^[1-4]$ ]]; then echo "dev: --workers takes 1 to 4" >&2; exit 2; fi
if ! [[ "$epoch_blocks" =~ ^[0-9]+$ && "$epoch_blocks" -ge 10 ]]; then
	echo "dev: --epoch-blocks takes a number of blocks, at least 10" >&2; exit 2
fi

bash scripts/setup.sh
source scripts/env.sh
echo "dev: building cinder-node and cinder-worker (the first build takes a while: see README)"
cargo build -p cinder-node
cargo build -p cinder-worker
WORKER="$CARGO_TARGET_DIR/debug/cinder-worker"

dir=${CINDER_DEV_DIR:-/tmp/cinder-dev}
rm -rf "$dir"
mkdir -p "$dir"
pids=()
stop() {
	trap - EXIT INT TERM
	# Each process, and what it started (a worker's subshell runs `register`, then `run`).
	for pid in "${pids[@]}"; do
		pkill -TERM -P "$pid" 2>/dev/null || true
		kill -TERM "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	echo "dev: stopped (logs in $dir)"
}
trap stop EXIT
trap 'exit 130' INT TERM

# The development preset's chain spec with the demo settings.
"$CINDER_NODE" build-spec --chain dev 2>/dev/null >"$dir/dev-spec.json"
python3 - "$dir/dev-spec.json" "$epoch_blocks" <<'PY'
import json, sys
path, blocks = sys.argv[1], int(sys.argv[2])
spec = json.load(open(path))
patch = spec["genesis"]["runtimeGenesis"]["patch"]
patch["bmw"]["params"]["epoch_length"] = blocks
patch["nodeRegistry"]["params"]["challenge_seconds"] = 10
json.dump(spec, open(path, "w"))
PY
# What --dev implies, for a chain spec of our own: Alice's keys, authoring alone, a node key.
chain=(--chain "$dir/dev-spec.json" --alice --validator --force-authoring
	--node-key 0000000000000000000000000000000000000000000000000000000000000001)

rpc=9944
"$CINDER_NODE" "${chain[@]}" --tmp --rpc-port "$rpc" --prometheus-port 9615 --no-mdns \
	>"$dir/node.log" 2>&1 &
pids+=($!)
wait_for_rpc "$rpc" 90 || { tail -30 "$dir/node.log"; exit 1; }
cat <<MSG
dev: the chain is up (logs in $dir)
  RPC (polkadot.js, subxt):  ws://127.0.0.1:$rpc
  polkadot.js Apps:          https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$rpc#/explorer
  node metrics:              http://127.0.0.1:9615/metrics
MSG

url=ws://127.0.0.1:$rpc
# The verifier claims the least IB (nobody else checks its answer: a dev chain with no other
# verifier accepts it unchecked); `verify` serves its answer's parts from the same data dir.
"$WORKER" --url "$url" register --role verifier --suri //Alice --ib-micro 1 \
	--endpoint http://127.0.0.1:8081 --data-dir "$dir/alice-data" >"$dir/alice-register.log" 2>&1 \
	|| { cat "$dir/alice-register.log"; exit 1; }
"$WORKER" --url "$url" verify --suri //Alice --listen 127.0.0.1:8081 --data-dir "$dir/alice-data" \
	>"$dir/alice-verify.log" 2>&1 &
pids+=($!)
echo "dev: Alice's verifier runs (metrics: http://127.0.0.1:8081/metrics)"

list=()
for (( i = 0; i < workers; i++ )); do
	name=${names[$i]}
	port=$((8090 + i))
	list+=("$name")
	(
		"$WORKER" --url "$url" register --suri "//$name" --price 0.5 --endpoint "http://127.0.0.1:$port" \
			--data-dir "$dir/${name,,}-data" --background-jobs --committed-memory-mib 1024 \
			>"$dir/${name,,}-register.log" 2>&1 || { echo "dev: $name's registration failed:"; cat "$dir/${name,,}-register.log"; exit 1; }
		exec "$WORKER" --url "$url" run --suri "//$name" --listen "127.0.0.1:$port" \
			--data-dir "$dir/${name,,}-data" >"$dir/${name,,}-run.log" 2>&1
	) &
	pids+=($!)
	echo "dev: $name registers (benchmark, bond S(n), challenge), then runs; data server http://127.0.0.1:$port"
done

workers_list=$(IFS=,; echo "${list[*]}")
node scripts/js/demo.mjs "$url" --workers "$workers_list" $until_settled
