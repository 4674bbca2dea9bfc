//! Every scenario file in `scenarios/` parses, passes its checks and builds its genesis: a
//! wrong key in a `[genesis]` patch or a strategy's name fails here, not an hour into a run.

use cinder_sim::{
	actors::{rng, Population},
	run::genesis,
	scenario::Scenario,
};

#[test]
fn every_scenario_file_builds_its_genesis() {
	let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
	let mut files: Vec<_> = std::fs::read_dir(&dir)
		.unwrap()
		.map(|entry| entry.unwrap().path())
		.filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
		.collect();
	files.sort();
	assert!(files.len() >= 3, "small, defaults and whitepaper: {files:?}");
	for path in files {
		let scenario =
			Scenario::load(&path).unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
		let people = Population::draw(&scenario, &mut rng(scenario.seed));
		assert_eq!(
			people.machines.len(),
			scenario.workers as usize,
			"{}: one machine a worker",
			path.display()
		);
		genesis(&scenario, &people).unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
	}
}

#[test]
fn a_strategy_share_above_one_is_refused() {
	let scenario: Result<Scenario, _> = toml::from_str("[strategies]\nfake_1 = 0.7\nsybil = 0.5\n");
	let scenario = scenario.expect("parses");
	assert!(scenario.check().is_err());
}
