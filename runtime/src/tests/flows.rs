//! Basic flows on the development genesis: a transfer, and a new validator bonding.

use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;
use sp_runtime::TokenError;

use super::new_test_ext;
use crate::{
	genesis_config_presets::ENDOWMENT, Balances, Runtime, RuntimeHoldReason, RuntimeOrigin,
	Staking, CNDR,
};

#[test]
fn transfer_moves_funds_between_accounts() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let alice_before = Balances::balance(&alice);
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(alice.clone()),
			bob.clone().into(),
			42 * CNDR,
		));
		assert_eq!(Balances::balance(&alice), alice_before - 42 * CNDR);
		assert_eq!(Balances::balance(&bob), ENDOWMENT + 42 * CNDR);
	});
}

#[test]
fn transfer_beyond_balance_fails_and_changes_nothing() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let eve = Sr25519Keyring::Eve.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		assert_noop!(
			Balances::transfer_allow_death(RuntimeOrigin::signed(eve), bob.into(), ENDOWMENT + 1,),
			TokenError::FundsUnavailable
		);
	});
}

#[test]
fn a_new_validator_bonds_and_declares_intent() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		let bond = 50_000 * CNDR;
		assert_ok!(Staking::bond(
			RuntimeOrigin::signed(charlie.clone()),
			bond,
			pallet_staking::RewardDestination::Staked,
		));
		let staking_hold: RuntimeHoldReason = pallet_staking::HoldReason::Staking.into();
		assert_eq!(Balances::balance_on_hold(&staking_hold, &charlie), bond);
		assert_eq!(pallet_staking::Ledger::<Runtime>::get(&charlie).unwrap().active, bond);

		assert_ok!(Staking::validate(
			RuntimeOrigin::signed(charlie.clone()),
			pallet_staking::ValidatorPrefs::default(),
		));
		assert!(pallet_staking::Validators::<Runtime>::contains_key(&charlie));
		// Alice (genesis) and Charlie are now both candidates for the next election.
		assert_eq!(pallet_staking::Validators::<Runtime>::count(), 2);
	});
}

#[test]
fn bonding_twice_is_refused() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		assert_noop!(
			Staking::bond(
				RuntimeOrigin::signed(alice),
				CNDR,
				pallet_staking::RewardDestination::Staked,
			),
			pallet_staking::Error::<Runtime>::AlreadyBonded
		);
	});
}
