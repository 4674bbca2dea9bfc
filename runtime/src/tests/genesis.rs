//! Every genesis preset builds, and each gives the validator set, keys, stakes and balances it
//! promises.

use frame_support::traits::fungible::{Inspect, InspectHold};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use super::new_test_ext;
use crate::{
	genesis_config_presets::{preset_names, ENDOWMENT, VALIDATOR_BOND, ZOMBIENET_RUNTIME_PRESET},
	AccountId, Babe, Balances, Grandpa, Runtime, RuntimeHoldReason, Session, Staking,
};

fn accounts(keys: &[Sr25519Keyring]) -> Vec<AccountId> {
	keys.iter().map(|k| k.to_account_id()).collect()
}

/// Checks a preset's state: `validators` are elected, hold their session keys, are BABE and
/// GRANDPA authorities and have their bond held; dev accounts are endowed; Alice is sudo.
fn assert_preset(preset: &str, validators: &[(Sr25519Keyring, Ed25519Keyring)]) {
	new_test_ext(preset).execute_with(|| {
		let stashes = accounts(&validators.iter().map(|(sr, _)| *sr).collect::<Vec<_>>());

		// The election orders the set its own way; compare as sets, then check that the BABE
		// and GRANDPA authorities are exactly the session validators' keys, in session order.
		let session = Session::validators();
		let mut sorted = session.clone();
		sorted.sort();
		let mut expected = stashes.clone();
		expected.sort();
		assert_eq!(sorted, expected, "session validators of {preset}");

		let keys_of = |who: &AccountId| {
			validators.iter().find(|(sr, _)| &sr.to_account_id() == who).expect("a validator")
		};
		let babe: Vec<sp_consensus_babe::AuthorityId> =
			Babe::authorities().iter().map(|(id, _)| id.clone()).collect();
		let expected_babe: Vec<sp_consensus_babe::AuthorityId> =
			session.iter().map(|who| keys_of(who).0.public().into()).collect();
		assert_eq!(babe, expected_babe, "BABE authorities of {preset}");
		let grandpa: Vec<sp_consensus_grandpa::AuthorityId> =
			Grandpa::grandpa_authorities().into_iter().map(|(id, _)| id).collect();
		let expected_grandpa: Vec<sp_consensus_grandpa::AuthorityId> =
			session.iter().map(|who| keys_of(who).1.public().into()).collect();
		assert_eq!(grandpa, expected_grandpa, "GRANDPA authorities of {preset}");

		assert_eq!(Staking::validator_count(), validators.len() as u32);
		for stash in &stashes {
			assert!(pallet_staking::Validators::<Runtime>::contains_key(stash));
			let ledger =
				pallet_staking::Ledger::<Runtime>::get(stash).expect("validator is bonded");
			assert_eq!(ledger.active, VALIDATOR_BOND);
			let staking_hold: RuntimeHoldReason = pallet_staking::HoldReason::Staking.into();
			assert_eq!(Balances::balance_on_hold(&staking_hold, stash), VALIDATOR_BOND);
		}
		for who in Sr25519Keyring::well_known() {
			assert_eq!(Balances::total_balance(&who.to_account_id()), ENDOWMENT, "{who:?} endowed");
		}
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
	});
}

#[test]
fn development_preset_has_alice_validating_alone() {
	assert_preset(DEV_RUNTIME_PRESET, &[(Sr25519Keyring::Alice, Ed25519Keyring::Alice)]);
}

#[test]
fn local_testnet_preset_has_alice_and_bob() {
	assert_preset(
		LOCAL_TESTNET_RUNTIME_PRESET,
		&[
			(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		],
	);
}

#[test]
fn zombienet_preset_has_four_validators() {
	assert_preset(
		ZOMBIENET_RUNTIME_PRESET,
		&[
			(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
	);
}

#[test]
fn preset_names_are_listed_and_unknown_names_are_refused() {
	let names = preset_names();
	assert_eq!(names, vec!["development", "local_testnet", "zombienet"]);
	for name in &names {
		assert!(crate::genesis_config_presets::get_preset(name).is_some());
	}
	assert!(crate::genesis_config_presets::get_preset(&"mainnet".into()).is_none());
}

#[test]
fn session_keys_are_named_babe_and_grandpa() {
	// zombienet injects session keys by these JSON field names.
	let keys = crate::SessionKeys {
		babe: Sr25519Keyring::Alice.public().into(),
		grandpa: Ed25519Keyring::Alice.public().into(),
	};
	let json = serde_json::to_value(&keys).unwrap();
	let fields: Vec<&String> = json.as_object().unwrap().keys().collect();
	assert_eq!(fields, vec!["babe", "grandpa"]);
}

#[test]
fn only_the_development_preset_accepts_claims_while_no_verifier_serves() {
	for (preset, accepts) in [
		(DEV_RUNTIME_PRESET, true),
		(LOCAL_TESTNET_RUNTIME_PRESET, false),
		(ZOMBIENET_RUNTIME_PRESET, false),
	] {
		let params = crate::genesis_config_presets::preset_config(preset)
			.verification
			.params
			.expect("every preset sets verification params");
		assert_eq!(params.accept_without_verifiers, accepts, "{preset}");
	}
}

/// A preset without a collateral floor lets a worker priced at 1 planck bond next to nothing
/// and take jobs whose faking saves it real work.
#[test]
fn every_preset_sets_the_collateral_floor() {
	for preset in preset_names() {
		new_test_ext(&preset).execute_with(|| {
			let floor = pallet_compute_staking::Params::<Runtime>::get().floor_price_per_ibm;
			assert_eq!(floor, crate::configs::COLLATERAL_FLOOR_PER_IBM, "{preset}");
			// A 1 IB node priced at 1 planck bonds for 864 CNDR of work, not 8,640 planck.
			let s = crate::ComputeStaking::minimum_stake_for(cinder_primitives::Ib::ONE, 1);
			assert_eq!(s, 864 * crate::CNDR, "{preset}");
		});
	}
}

/// An unbonding bond must stay held for as long as a claim it backs can take to be decided,
/// or a worker proven wrong (or a verifier faulted) late withdraws first and keeps its bond.
#[test]
fn every_preset_holds_unbonding_bonds_for_a_checks_longest_path() {
	use crate::genesis_config_presets::shortest_unbonding;
	for preset in preset_names() {
		new_test_ext(&preset).execute_with(|| {
			let unbonding = pallet_compute_staking::Params::<Runtime>::get().unbonding_epochs;
			let epoch_length = crate::Bmw::params().epoch_length;
			let held_at_least = shortest_unbonding(unbonding, epoch_length);
			let path = crate::Verification::longest_check_path(&crate::Verification::params());
			assert!(
				held_at_least >= path,
				"{preset}: an unbonded amount may leave after {held_at_least} blocks \
				 ({unbonding} epochs of {epoch_length}), a check can take {path}"
			);
		});
	}
	// At the production defaults (3-day epochs, a 10-block challenge window) two epochs
	// cover it many times over.
	let defaults = pallet_verification::Pallet::<Runtime>::default_params();
	let path = crate::Verification::longest_check_path(&defaults);
	assert_eq!(path, 418);
	let production = pallet_compute_staking::StakeParams::default().unbonding_epochs;
	assert!(shortest_unbonding(production, 43_200) >= path);
}

/// One bond backs every stage a worker holds, and each slash takes `fault_slash` of what is
/// left. A worker that fakes all its slots at once is caught on each with the sampling rate
/// its whole bond sets, but the later slashes take a smaller bond: with k other stages slashed
/// first, a stage's penalty is `(1 − fault_slash)^k` of what its rate assumed. Faking still
/// loses money while `sampling_margin · (1 − fault_slash)^(slots − 1) ≥ 1`: every preset
/// must keep its slots within that bound (at the defaults, 4 slots against about 7).
#[test]
fn every_preset_deters_faking_every_slot_at_once() {
	for preset in preset_names() {
		new_test_ext(&preset).execute_with(|| {
			let slots = crate::Jobs::params().slots_per_worker;
			let params = crate::Verification::params();
			let kept = 1.0 - params.fault_slash.deconstruct() as f64 / 1e9;
			let last = params.sampling_margin as f64 * kept.powi(slots as i32 - 1);
			assert!(
				last >= 1.0,
				"{preset}: the last of {slots} faked stages costs {last:.2} of what it saves"
			);
		});
	}
}
