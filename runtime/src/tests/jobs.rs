//! The jobs market as wired into the runtime: a dev worker takes a job routed with BABE
//! randomness, delivers a receipt, and the job settles once verification accepts it.

use frame_support::assert_ok;
use pallet_jobs::{JobSpec, JobStatus, StageState};
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;

use super::{deliver_gemm, new_test_ext, run_to, submit_gemm_job};
use crate::{
	AccountId, Balances, ComputeStaking, FeeCollector, Foundation, Jobs, NodeRegistry, System,
	Verification, CNDR, EXISTENTIAL_DEPOSIT,
};

/// A lavapipe worker (10⁻⁴ IB) at 1 CNDR per IBM hosting the demo model, confirmed and bonded.
fn dev_worker(who: &AccountId) {
	assert_ok!(crate::dev_nodes::lavapipe_worker(who, CNDR, vec![0], CNDR));
}

#[test]
fn the_genesis_catalogue_has_three_workloads_and_the_demo_model() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(pallet_jobs::NextWorkloadId::<crate::Runtime>::get(), 3);
		assert_eq!(pallet_jobs::NextModelId::<crate::Runtime>::get(), 1);
		// 4096³ MACs at 4·10¹⁶ MAC per IB-minute: 1.7·10⁻⁶ IBM, 0.1 ms of the reference node.
		let (work, ibm) = Jobs::quote(0, JobSpec::Int8Gemm { m: 4096, n: 4096, k: 4096 }).unwrap();
		assert_eq!(work, 1 << 36);
		assert_eq!(ibm.pico(), 1_717_986);
	});
}

#[test]
fn a_job_is_routed_delivered_and_settled_on_the_dev_chain() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let eve = Sr25519Keyring::Eve.to_account_id();
		let ferdie = Sr25519Keyring::Ferdie.to_account_id();
		dev_worker(&eve);
		let before = Balances::free_balance(&ferdie);
		assert_ok!(submit_gemm_job(&ferdie, 64));
		let job = pallet_jobs::Jobs::<crate::Runtime>::get(0).unwrap();
		assert_eq!(job.stages[0].worker, Some(eve.clone()));
		// 64³ = 262,144 MACs; at 2 CNDR per IBM the escrow is ⌈262144 · 2·10¹² / 4·10¹⁶⌉ planck.
		assert_eq!(job.escrow, 14);
		assert_ok!(deliver_gemm(&eve, 0, 64, [7; 32]));
		let issuance = Balances::total_issuance();
		// No verifier is registered: sampled or not, the receipt is accepted when its
		// challenge window ends.
		run_to(System::block_number() + Verification::params().challenge_window);
		let job = pallet_jobs::Jobs::<crate::Runtime>::get(0).unwrap();
		assert_eq!(job.status, JobStatus::Completed);
		// The fee at Eve's 1 CNDR per IBM is ⌈6.55⌉ planck; the rest of the escrow came back.
		assert_eq!(job.stages[0].state, StageState::Settled { fee: 7 });
		// BMW burned 80 % of it (⌊5.6⌋ = 5) and paid the foundation the other 2.
		assert_eq!(Balances::free_balance(&FeeCollector::get()), EXISTENTIAL_DEPOSIT);
		assert_eq!(Balances::free_balance(&Foundation::get()), EXISTENTIAL_DEPOSIT + 2);
		assert_eq!(Balances::total_issuance(), issuance - 5);
		// Dispatched directly, calls pay no transaction fee here. The job's deposit stays held
		// until its record is pruned.
		assert_eq!(Balances::free_balance(&ferdie), before - 7 - job.deposit);
		Jobs::do_try_state().unwrap();
		NodeRegistry::do_try_state().unwrap();
		ComputeStaking::do_try_state().unwrap();
		Verification::do_try_state().unwrap();
		crate::Bmw::do_try_state().unwrap();

		// The runtime's price for a seed-input GEMM job's record (its doc gives it).
		assert_eq!(job.deposit, 461 * crate::MILLI_CNDR);
		// `retention` blocks on (the rest of the chain left aside), the spare weight of a
		// block prunes it.
		let pruned_at = System::block_number() + Jobs::params().retention + 1;
		System::set_block_number(pruned_at);
		<Jobs as frame_support::traits::Hooks<_>>::on_idle(
			pruned_at,
			frame_support::weights::Weight::MAX,
		);
		assert!(pallet_jobs::Jobs::<crate::Runtime>::get(0).is_none(), "pruned");
		assert_eq!(Balances::free_balance(&ferdie), before - 7, "its deposit back");
		Jobs::do_try_state().unwrap();
	});
}
