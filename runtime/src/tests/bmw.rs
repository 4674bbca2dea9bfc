//! BMW as wired into the runtime: a settled job's fee is burned and split, the 40-block dev
//! epoch ends and settles, the worker's reward is minted into the pot and its first claim pays
//! the immediate share; issuance moves by exactly minted − burned.

use frame_support::assert_ok;
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;

use super::{deliver_gemm, new_test_ext, run_to, submit_gemm_job};
use crate::{Balances, Bmw, Runtime, RuntimeOrigin, System, Verification, CNDR};
use cinder_primitives::RewardEpochs;

#[test]
fn a_settled_job_burns_its_fee_and_the_epoch_mints_its_workers_reward() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let eve = Sr25519Keyring::Eve.to_account_id();
		let ferdie = Sr25519Keyring::Ferdie.to_account_id();
		assert_ok!(crate::dev_nodes::lavapipe_worker(&eve, CNDR, vec![0], CNDR));
		// A 4096³ GEMM: 1.7·10⁻⁶ IBM, so its reward is more than dust.
		assert_ok!(submit_gemm_job(&ferdie, 4096));
		assert_ok!(deliver_gemm(&eve, 0, 4096, [7; 32]));
		let issuance = Balances::total_issuance();
		run_to(System::block_number() + Verification::params().challenge_window);
		let totals = pallet_bmw::EpochTotals::<Runtime>::get(0);
		assert_eq!(totals.workers, 1);
		assert!(totals.burned > 0);

		// The 40-block epoch ends and settles.
		let end = Bmw::epoch_ends_at();
		assert_eq!(end, 40);
		run_to(end);
		assert_eq!(Bmw::current(), 1);
		let settlement = pallet_bmw::Settlements::<Runtime>::get(0).expect("settled");
		assert_eq!(pallet_bmw::NextToSettle::<Runtime>::get(), 1);
		let params = Bmw::params();
		let per_ibm = pallet_bmw::emission::emission_per_ibm(
			params.base_emission_per_ibm,
			params.emission_decay,
			0,
		);
		assert_eq!(settlement.emission, pallet_bmw::emission::emission_for(totals.ibm, per_ibm));
		let cap = params.max_mint_per_burn.mul_floor(totals.burned);
		let reward = params.work_share.mul_floor(settlement.emission).min(cap);
		assert_eq!(settlement.minted, reward);
		assert_eq!(Balances::total_issuance(), issuance - totals.burned + reward);

		// The first claim pays the immediate share.
		let before = Balances::free_balance(&eve);
		assert_ok!(Bmw::claim(RuntimeOrigin::signed(eve.clone()), 0));
		assert_eq!(
			Balances::free_balance(&eve),
			before + params.vest_immediately.mul_floor(reward)
		);
		Bmw::do_try_state().unwrap();
	});
}
