//! Runtime unit tests: genesis presets, configuration coherence, and basic flows (transfer,
//! validator bond) run in `TestExternalities` built from the real genesis presets.

mod compute;
mod config;
mod flows;
mod genesis;
mod jobs;

use serde_json::Value;
use sp_runtime::BuildStorage;

use crate::{genesis_config_presets, RuntimeGenesisConfig};

/// Applies a JSON merge patch (RFC 7386 without deletions), as the node does when it builds a
/// chain spec from a preset: objects merge key by key, anything else replaces.
fn merge(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

/// The full genesis config of a preset: the runtime's defaults with the preset's patch on top.
pub fn preset_config(name: &str) -> RuntimeGenesisConfig {
	let patch = genesis_config_presets::get_preset(&name.into())
		.unwrap_or_else(|| panic!("preset {name} exists"));
	let patch: Value = serde_json::from_slice(&patch).expect("a preset is valid JSON");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
	merge(&mut config, patch);
	serde_json::from_value(config).expect("a preset patch matches RuntimeGenesisConfig")
}

/// Externalities holding the genesis state of a preset, at block 1.
pub fn new_test_ext(preset: &str) -> sp_io::TestExternalities {
	let storage = preset_config(preset).build_storage().expect("genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| crate::System::set_block_number(1));
	ext
}

#[test]
fn merge_patches_objects_and_replaces_leaves() {
	let mut base = serde_json::json!({"a": {"b": 1, "c": [1, 2]}, "d": 4});
	merge(&mut base, serde_json::json!({"a": {"c": [3]}, "e": 5}));
	assert_eq!(base, serde_json::json!({"a": {"b": 1, "c": [3]}, "d": 4, "e": 5}));
}
