//! The command line: errors say what is wrong and how to fix it; chain specs come from the
//! runtime's presets.

mod common;

use std::process::Command;

use common::NODE;

fn run(args: &[&str]) -> (bool, String, String) {
	let output = Command::new(NODE).args(args).output().expect("cinder-node runs");
	(
		output.status.success(),
		String::from_utf8_lossy(&output.stdout).into_owned(),
		String::from_utf8_lossy(&output.stderr).into_owned(),
	)
}

#[test]
fn unknown_chain_names_the_choices() {
	let (ok, _, stderr) = run(&["--chain", "no-such-chain", "--tmp"]);
	assert!(!ok);
	assert!(stderr.contains("unknown chain `no-such-chain`"), "stderr: {stderr}");
	assert!(stderr.contains("dev, local, zombienet"), "stderr: {stderr}");
}

#[test]
fn bad_flag_is_refused() {
	let (ok, _, stderr) = run(&["--no-such-flag"]);
	assert!(!ok);
	assert!(stderr.contains("--no-such-flag"), "stderr: {stderr}");
}

#[test]
fn help_explains_the_chains() {
	let (ok, stdout, _) = run(&["--help"]);
	assert!(ok);
	assert!(stdout.contains("Chains (--chain): dev, local, zombienet"), "help: {stdout}");
	assert!(stdout.contains("export-chain-spec"), "help: {stdout}");
}

#[test]
fn exported_chain_specs_carry_presets_and_token_properties() {
	for (chain, validators) in [("dev", 1), ("local", 2), ("zombienet", 4)] {
		let (ok, stdout, stderr) = run(&["export-chain-spec", "--chain", chain]);
		assert!(ok, "export-chain-spec --chain {chain}: {stderr}");
		let spec: serde_json::Value = serde_json::from_str(&stdout).expect("JSON chain spec");
		assert_eq!(spec["properties"]["tokenSymbol"], "CNDR");
		assert_eq!(spec["properties"]["tokenDecimals"], 12);
		let stakers = spec["genesis"]["runtimeGenesis"]["patch"]["staking"]["stakers"]
			.as_array()
			.unwrap_or_else(|| panic!("{chain}: staking.stakers in the genesis patch"));
		assert_eq!(stakers.len(), validators, "{chain}: validators");
		let keys = &spec["genesis"]["runtimeGenesis"]["patch"]["session"]["keys"];
		assert_eq!(keys.as_array().unwrap().len(), validators);
		assert!(keys[0][2]["babe"].is_string() && keys[0][2]["grandpa"].is_string());
	}
}
