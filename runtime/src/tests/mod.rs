//! Runtime unit tests: genesis presets, configuration coherence, and basic flows (transfer,
//! validator bond) run in `TestExternalities` built from the real genesis presets.

mod compute;
mod config;
mod flows;
mod genesis;
mod jobs;
mod verification;

use sp_runtime::BuildStorage;

use crate::genesis_config_presets::{merge, preset_config};

/// Externalities holding the genesis state of a preset, at block 1.
pub fn new_test_ext(preset: &str) -> sp_io::TestExternalities {
	let storage = preset_config(preset).build_storage().expect("genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| crate::System::set_block_number(1));
	ext
}

pub use crate::dev_nodes::run_to;

#[test]
fn merge_patches_objects_and_replaces_leaves() {
	let mut base = serde_json::json!({"a": {"b": 1, "c": [1, 2]}, "d": 4});
	merge(&mut base, serde_json::json!({"a": {"c": [3]}, "e": 5}));
	assert_eq!(base, serde_json::json!({"a": {"b": 1, "c": [3]}, "d": 4, "e": 5}));
}
