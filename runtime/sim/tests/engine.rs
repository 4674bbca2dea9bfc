//! The engine itself: an epoch of the simulator is what the same calls, made the way the
//! runtime's own tests make them, do to the chain.
//!
//! A small scenario (honest and faking workers, verifiers, submitters) runs two reward epochs
//! (onboarding, then an epoch of work) while the simulator keeps every call it made outside the block hooks. The log is then
//! replayed on the same genesis as `runtime/src/tests` drive the chain: each call dispatched
//! directly from its signed origin (no transaction extensions, so no fees), the compute
//! market's hooks run block by block by hand (in `construct_runtime!`'s order, on_idle in
//! Executive's rotation), BABE's randomness left the same way. Every record of the compute market must come out the same, and the total
//! issuance must differ by exactly the transaction fees the simulator's accounts paid.

use std::collections::BTreeMap;

use cinder_runtime::{Balances, Bmw, Jobs, NodeRegistry, RuntimeOrigin, System, Verification};
use cinder_sim::{
	actors::{rng, Population},
	market::Logged,
	run::{genesis, run_with},
	scenario::Scenario,
	strategy::Strategy,
};
use codec::Encode;
use frame_support::{traits::Hooks, weights::Weight};
use sp_runtime::traits::Dispatchable;

fn scenario() -> Scenario {
	let mut scenario: Scenario = toml::from_str(include_str!("../scenarios/small.toml")).unwrap();
	scenario.workers = 16;
	scenario.validators = 4;
	// The first epoch onboards the workers; the second is one of work.
	scenario.epochs = 2;
	scenario.onboarding_per_block = 2;
	scenario.strategies = BTreeMap::from([(Strategy::Fake100, 0.25), (Strategy::Fake10, 0.25)]);
	scenario.demand.jobs_per_block = 1.0;
	scenario.demand.submitters = 4;
	scenario
}

/// Every record the compute market keeps, encoded.
fn market_state() -> Vec<(&'static str, Vec<u8>)> {
	vec![
		(
			"bmw totals",
			pallet_bmw::EpochTotals::<cinder_runtime::Runtime>::iter().collect::<Vec<_>>().encode(),
		),
		(
			"bmw settlements",
			pallet_bmw::Settlements::<cinder_runtime::Runtime>::iter().collect::<Vec<_>>().encode(),
		),
		(
			"bmw rewards",
			pallet_bmw::Rewards::<cinder_runtime::Runtime>::iter().collect::<Vec<_>>().encode(),
		),
		("jobs", pallet_jobs::Jobs::<cinder_runtime::Runtime>::iter().collect::<Vec<_>>().encode()),
		(
			"assignments",
			pallet_jobs::Assignments::<cinder_runtime::Runtime>::iter()
				.collect::<Vec<_>>()
				.encode(),
		),
		(
			"nodes",
			pallet_node_registry::Nodes::<cinder_runtime::Runtime>::iter()
				.collect::<Vec<_>>()
				.encode(),
		),
		(
			"bonds",
			pallet_compute_staking::Bonds::<cinder_runtime::Runtime>::iter()
				.collect::<Vec<_>>()
				.encode(),
		),
		(
			"verifier credits",
			pallet_verification::VerifierCredits::<cinder_runtime::Runtime>::iter()
				.collect::<Vec<_>>()
				.encode(),
		),
		(
			"checks",
			pallet_verification::Checks::<cinder_runtime::Runtime>::iter()
				.collect::<Vec<_>>()
				.encode(),
		),
	]
}

#[test]
fn one_epoch_of_the_simulator_is_the_same_calls_made_directly() {
	let scenario = scenario();
	let (outcome, mut simulated) = run_with(scenario.clone(), true, |_| {}).expect("the run");
	assert_eq!(outcome.epochs.len(), 2);
	let network = &outcome.epochs[1].network;
	assert!(network.counts.stages_settled > 0, "jobs were done: {:?}", network.counts);
	assert!(network.minted > 0.0, "the epoch paid rewards");
	let signed = outcome.log.iter().filter(|l| matches!(l, Logged::Signed(..))).count();
	assert!(signed > 100, "{signed} calls logged");
	let (simulated_state, simulated_issuance) =
		simulated.execute_with(|| (market_state(), Balances::total_issuance()));

	let people = Population::draw(&scenario, &mut rng(scenario.seed));
	let mut replayed = cinder_sim::run::externalities(genesis(&scenario, &people).unwrap());
	let (replayed_state, replayed_issuance) = replayed.execute_with(|| {
		let mut log = outcome.log.iter().peekable();
		for block in 1..=outcome.blocks {
			System::set_block_number(block);
			NodeRegistry::on_initialize(block);
			Jobs::on_initialize(block);
			Verification::on_initialize(block);
			Bmw::on_initialize(block);
			while let Some(entry) = log.next_if(|entry| match entry {
				Logged::Signed(at, ..) | Logged::Root(at, _) | Logged::Seated(at, _) => {
					*at == block
				}
			}) {
				match entry.clone() {
					Logged::Signed(_, who, call) => {
						call.dispatch(RuntimeOrigin::signed(who)).expect("a call that succeeded");
					}
					Logged::Root(_, call) => {
						call.dispatch(RuntimeOrigin::root()).expect("a Root call");
					}
					Logged::Seated(_, who) => {
						pallet_session::Validators::<cinder_runtime::Runtime>::append(who)
					}
				}
			}
			// Each pallet's on_idle, in the turn Executive gives them that block.
			let order: [fn(u32, Weight) -> Weight; 5] = [
				NodeRegistry::on_idle,
				cinder_runtime::ComputeStaking::on_idle,
				Jobs::on_idle,
				Verification::on_idle,
				Bmw::on_idle,
			];
			for turn in 0..order.len() {
				order[(block as usize + turn) % order.len()](block, Weight::MAX);
			}
			let vrf_output = <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(
				&block.to_le_bytes(),
			)
			.0;
			pallet_babe::AuthorVrfRandomness::<cinder_runtime::Runtime>::put(Some(vrf_output));
		}
		assert!(log.next().is_none(), "every logged call replayed");
		(market_state(), Balances::total_issuance())
	});
	for ((name, simulated), (_, replayed)) in simulated_state.iter().zip(&replayed_state) {
		assert!(simulated == replayed, "{name} differ between the simulator and the replay");
	}
	assert_eq!(
		replayed_issuance - simulated_issuance,
		outcome.fees_paid,
		"issuance differs by the transaction fees the replay did not charge"
	);
}
