#!/usr/bin/env bash
# Installs what building and testing Cinder needs on a Debian machine, skipping what is there:
#   - apt: protobuf-compiler (litep2p's build script runs protoc), build-essential, git, curl,
#     pkg-config, nodejs + npm (for the polkadot.js scripts; Node >= 18), mesa-vulkan-drivers +
#     libvulkan1 (lavapipe: software Vulkan, so the worker's GPU kernels run without a GPU);
#   - rustup's stable toolchain, the wasm targets and rust-src (for the runtime wasm);
#   - the npm packages of scripts/js (polkadot.js) and zombienet/ (@zombienet/cli, with the
#     `toml` override its fork dependency needs), each from its lockfile.
# No clang/libclang: there is no RocksDB and no bindgen in the build.
# Safe to run again; prints one line per thing it installs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=(protobuf-compiler build-essential git curl pkg-config ca-certificates mesa-vulkan-drivers libvulkan1)
command -v node >/dev/null 2>&1 || apt_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)
missing=()
for pkg in "${apt_packages[@]}"; do
	dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing apt packages: ${missing[*]}"
	as_root apt-get update -q
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v rustup >/dev/null 2>&1; then
	echo "setup: installing rustup (stable toolchain)"
	curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
	# shellcheck disable=SC1091
	source "$HOME/.cargo/env"
fi
installed_targets=$(rustup target list --installed)
for target in wasm32v1-none wasm32-unknown-unknown; do
	grep -qx "$target" <<<"$installed_targets" || { echo "setup: rustup target add $target"; rustup target add "$target"; }
done
rustup component list --installed | grep -q '^rust-src' || { echo "setup: rustup component add rust-src"; rustup component add rust-src; }
rustup component list --installed | grep -q '^rustfmt' || { echo "setup: rustup component add rustfmt"; rustup component add rustfmt; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
	echo "setup: Node.js $(node --version) is too old; @polkadot/api needs Node >= 18" >&2
	exit 1
fi
for package in scripts/js zombienet; do
	if [ ! -d "$package/node_modules" ] || [ "$package/package-lock.json" -nt "$package/node_modules" ]; then
		echo "setup: npm ci in $package"
		(cd "$package" && npm ci --no-audit --no-fund --loglevel=error)
		touch "$package/node_modules"
	fi
done
