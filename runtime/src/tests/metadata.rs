//! The worker's chain client is generated from a checked-in copy of this runtime's metadata
//! (`worker/metadata/cinder.scale`): a change to any call, event, storage item, constant or
//! type fails here until the copy is regenerated, so the worker never talks to the chain
//! through stale types.

/// The metadata version the worker's client is generated from.
const VERSION: u32 = 16;

#[test]
fn the_workers_metadata_copy_is_current() {
	let metadata = crate::Runtime::metadata_at_version(VERSION).expect("the runtime serves v16");
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../worker/metadata/cinder.scale");
	if std::env::var_os("UPDATE_METADATA").is_some() {
		std::fs::write(path, &*metadata).expect("the worker's metadata copy is writable");
	}
	let copy = std::fs::read(path).unwrap_or_default();
	assert!(
		copy == *metadata,
		"{path} is stale ({} bytes, the runtime's metadata is {}): regenerate it with \
		 `UPDATE_METADATA=1 SKIP_WASM_BUILD=1 cargo test -p cinder-runtime metadata`, then \
		 rebuild cinder-worker",
		copy.len(),
		metadata.len()
	);
}
