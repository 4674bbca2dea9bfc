//! The compute market as wired into the runtime: registry, stake, BABE randomness and
//! pallet-staking validators work together on the development genesis.

use frame_support::{assert_noop, assert_ok};
use pallet_compute_staking::Ineligibility;
use pallet_node_registry::NodeRole;
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;

use super::new_test_ext;
use crate::{AccountId, ComputeStaking, NodeRegistry, Runtime, RuntimeOrigin, CNDR};

fn register(who: &AccountId, role: NodeRole<AccountId>, price: u128) -> sp_runtime::DispatchResult {
	crate::dev_nodes::register_lavapipe(who, role, price, Vec::new())
}

#[test]
fn a_dev_worker_registers_confirms_and_bonds_to_eligibility() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let eve = Sr25519Keyring::Eve.to_account_id();
		let price = CNDR; // 1 CNDR per IBM
		assert_ok!(register(&eve, NodeRole::Worker, price));
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(eve.clone()), [9; 32]));
		// No verifier is registered: the answer is accepted unchecked when its challenge window
		// ends.
		super::run_to(
			crate::System::block_number() + crate::Verification::params().challenge_window,
		);
		assert!(pallet_node_registry::Nodes::<Runtime>::get(&eve).unwrap().confirmed_ib.is_some());
		// S(n) = 2 · 4320 · 0.0001 IB · 1 CNDR = 0.864 CNDR.
		let s = ComputeStaking::minimum_stake(&eve);
		assert_eq!(s, 864 * CNDR / 1_000);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(eve.clone()), s - 1));
		assert_eq!(ComputeStaking::ineligibility(&eve), Some(Ineligibility::BondBelowMinimum));
		assert_ok!(ComputeStaking::bond_extra(RuntimeOrigin::signed(eve.clone()), 1));
		assert_eq!(ComputeStaking::ineligibility(&eve), None);
		ComputeStaking::do_try_state().unwrap();
		NodeRegistry::do_try_state().unwrap();
	});
}

#[test]
fn only_a_validator_controller_holding_the_verifier_bond_registers_as_its_verifier() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		// Bob is no validator on the dev chain; Alice is (stash = controller).
		assert_noop!(
			register(&bob, NodeRole::Verifier { stash: alice.clone() }, CNDR),
			pallet_node_registry::Error::<Runtime>::NotValidatorController
		);
		assert_noop!(
			register(&alice, NodeRole::Verifier { stash: alice.clone() }, CNDR),
			pallet_node_registry::Error::<Runtime>::VerifierBondTooLow
		);
		let bond = crate::configs::VerifierBond::get();
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(alice.clone()), bond));
		assert_ok!(register(&alice, NodeRole::Verifier { stash: alice.clone() }, CNDR));
	});
}

#[test]
fn the_penalty_pool_exists_from_genesis() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		use frame_support::traits::fungible::Inspect;
		assert_eq!(
			crate::Balances::balance(&crate::PenaltyPool::get()),
			crate::EXISTENTIAL_DEPOSIT
		);
	});
}
