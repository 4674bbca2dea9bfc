#!/usr/bin/env bash
# The main job on one machine: installs what is missing, builds cinder-node, and starts a
# single-validator development chain (Alice produces and finalizes blocks) with its RPC on
# ws://127.0.0.1:9944. Ctrl-C stops it. State is thrown away on exit unless CINDER_BASE_PATH is set.
#
#   scripts/dev.sh                 # build and run
#   CINDER_BASE_PATH=~/cinder scripts/dev.sh   # keep the chain between runs
#   scripts/dev.sh -lruntime=debug # extra flags go to cinder-node
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh

echo "dev: building cinder-node (first build: see README for times)"
cargo build -p cinder-node

if [ -n "${CINDER_BASE_PATH:-}" ]; then storage=(--base-path "$CINDER_BASE_PATH"); else storage=(--tmp); fi
cat <<MSG
dev: starting the dev chain
  RPC (polkadot.js, subxt):  ws://127.0.0.1:9944
  polkadot.js Apps:          https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944#/explorer
  Prometheus metrics:        http://127.0.0.1:9615/metrics
MSG
exec "$CINDER_NODE" --dev "${storage[@]}" --rpc-port 9944 --prometheus-port 9615 "$@"
