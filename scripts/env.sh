# Sourced by the scripts: one shared cargo target dir, so CI and every script reuse one build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cinder/target}"
# The worker's GPU kernels run on the machine's Vulkan adapter: lavapipe (software Vulkan)
# where there is no GPU, with a thread per core. Mesa's window-system probe wants a runtime dir.
export WGPU_BACKEND="${WGPU_BACKEND:-vulkan}"
export LP_NUM_THREADS="${LP_NUM_THREADS:-$(nproc)}"
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "${XDG_RUNTIME_DIR}" ]; then
	XDG_RUNTIME_DIR=$(mktemp -d -t cinder-xdg.XXXXXX)
	export XDG_RUNTIME_DIR
fi
[ -f "$HOME/.cargo/env" ] && source "$HOME/.cargo/env"
CINDER_NODE="$CARGO_TARGET_DIR/debug/cinder-node"

# A TCP port nobody listens on right now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits until a node answers JSON-RPC on $1 (port), up to $2 seconds.
wait_for_rpc() {
	local port=$1 timeout=${2:-60} start=$SECONDS
	until curl -sf -H 'Content-Type: application/json' \
		-d '{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}' "http://127.0.0.1:$port" >/dev/null; do
		if (( SECONDS - start > timeout )); then echo "no RPC on port $port after ${timeout}s" >&2; return 1; fi
		sleep 0.5
	done
}
