//! Builds the runtime's wasm blob (embedded in the node as `WASM_BINARY`).
//! Set `SKIP_WASM_BUILD=1` for unit tests, clippy and docs, which do not need it.

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn main() {
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("CNDR", 12)
		.build();
}

#[cfg(not(feature = "std"))]
fn main() {}
