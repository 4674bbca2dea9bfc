//! Chain specs, built from the runtime's genesis presets.

use cinder_runtime::{
	genesis_config_presets::ZOMBIENET_RUNTIME_PRESET, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY,
};
use sc_service::ChainType;
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};

/// The chain spec type: genesis from the runtime's presets, no extensions.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Built-in chain names accepted by `--chain`.
pub const BUILT_IN: &[&str] = &["dev", "local", "zombienet"];

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"this cinder-node was built without the runtime wasm (SKIP_WASM_BUILD was set at build \
		 time); rebuild it with `cargo build -p cinder-node` and SKIP_WASM_BUILD unset"
			.to_string()
	})
}

/// Token symbol, decimals and address format, as wallets (polkadot.js Apps) show them.
fn properties() -> sc_chain_spec::Properties {
	let mut properties = sc_chain_spec::Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// `--dev`: Alice validates alone.
pub fn development() -> Result<ChainSpec, String> {
	from_preset("Cinder Development", "cinder_dev", ChainType::Development, DEV_RUNTIME_PRESET)
}

/// `--chain local`: Alice and Bob validate.
pub fn local_testnet() -> Result<ChainSpec, String> {
	from_preset(
		"Cinder Local Testnet",
		"cinder_local",
		ChainType::Local,
		LOCAL_TESTNET_RUNTIME_PRESET,
	)
}

/// `--chain zombienet`: Alice, Bob, Charlie and Dave validate.
pub fn zombienet() -> Result<ChainSpec, String> {
	from_preset("Cinder Zombienet", "cinder_zombienet", ChainType::Local, ZOMBIENET_RUNTIME_PRESET)
}

/// Resolves `--chain`: a built-in name or the path of a chain-spec JSON file.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"dev" => Box::new(development()?),
		"" | "local" => Box::new(local_testnet()?),
		"zombienet" => Box::new(zombienet()?),
		path => {
			let file = std::path::PathBuf::from(path);
			if !file.exists() {
				return Err(format!(
					"unknown chain `{path}`: use one of {} or the path of a chain-spec JSON file \
					 (write one with `cinder-node export-chain-spec --chain dev`)",
					BUILT_IN.join(", ")
				));
			}
			Box::new(ChainSpec::from_json_file(file)?)
		}
	})
}
