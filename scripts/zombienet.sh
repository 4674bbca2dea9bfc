#!/usr/bin/env bash
# Cinder's multi-node tests: zombienet (its native provider: plain processes, no containers)
# starts the validators of a network in zombienet/, then runs the test's DSL lines against them.
#
#   scripts/zombienet.sh                      # zombienet/cinder-network.zndsl (about 15 min)
#   scripts/zombienet.sh cinder-4-validators  # another test of zombienet/, by name
#
# cinder-network: four validators (Alice, Bob, Charlie, Dave), each with its Verifier node, and
# three workers (Eve, Ferdie, and Mallory, who lies about her outputs). It checks that the
# validators are elected by pallet-staking and finalize; that jobs of every workload settle with
# every receipt checked; that Mallory is caught, slashed and jailed and her stage redone; that with
# Dave's node down finality goes on and a check drawn for his verifier goes to a new committee;
# that Dave's node, restarted, catches up and his verifier is back; and that Eve, killed with a job
# in hand and restarted, still delivers its receipt. The flows are in zombienet/js/.
# Installs what is missing (scripts/setup.sh: zombienet comes from zombienet/package-lock.json),
# builds cinder-node and cinder-worker, and stops every process it started when done or on
# Ctrl-C. Network files and logs: $CINDER_ZOMBIENET_DIR (default: a new temporary dir).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-}" in
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
test_name=${1:-cinder-network}
test_file="zombienet/$test_name.zndsl"
[ -f "$test_file" ] || { echo "zombienet: no test $test_file (the tests: $(cd zombienet && ls ./*.zndsl | xargs -n1 basename | sed 's/.zndsl$//' | tr '\n' ' '))" >&2; exit 2; }

bash scripts/setup.sh
source scripts/env.sh
echo "zombienet: building cinder-node and cinder-worker"
cargo build -p cinder-node
cargo build -p cinder-worker
export PATH="$CARGO_TARGET_DIR/debug:$PATH"
export CINDER_WORKER="$CARGO_TARGET_DIR/debug/cinder-worker"

dir=${CINDER_ZOMBIENET_DIR:-$(mktemp -u -t cinder-zombienet.XXXXXX)}
stop() {
	trap - EXIT INT TERM
	# zombienet stops its nodes; the operators (their pids are in the network's dir) and a node
	# zombienet lost track of (its command line names the dir) are stopped here.
	if [ -f "$dir/cinder-operators.json" ]; then
		python3 -c 'import json, sys; print(*[o["pid"] for o in json.load(open(sys.argv[1])).values()])' \
			"$dir/cinder-operators.json" | xargs -r kill -TERM 2>/dev/null || true
	fi
	pkill -TERM -f -- "$dir" 2>/dev/null || true
	sleep 1
	pkill -KILL -f -- "$dir" 2>/dev/null || true
	echo "zombienet: stopped (network files and logs in $dir)"
}
trap stop EXIT
trap 'exit 130' INT TERM

echo "zombienet: running $test_file (network files and logs in $dir)"
zombienet/node_modules/.bin/zombienet --provider native --dir "$dir" test "$test_file"
