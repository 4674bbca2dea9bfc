//! Ended jobs are pruned after `retention` blocks, and their deposits returned.

use codec::{Encode, MaxEncodedLen};
use frame_support::{
	assert_noop, assert_ok,
	traits::{Get, Hooks},
	weights::Weight,
};

use super::*;
use cinder_primitives::JobsInFlight;

use crate::{Error, Event, JobSettlement, JobStatus, PruneAt, PruneCursor};

fn retention() -> u64 {
	Jobs::params().retention
}

fn set_retention(retention: u64) {
	let params = crate::JobsParams { retention, ..Jobs::params() };
	assert_ok!(Jobs::set_params(RuntimeOrigin::root(), params));
}

/// A job that no worker takes, queued then cancelled at block 1: ended at once.
fn cancelled_job(who: AccountId) -> JobId {
	let id = pallet_jobs::NextJobId::<Test>::get();
	assert_ok!(Jobs::submit_job(
		RuntimeOrigin::signed(who),
		GEMM,
		JobSpec::Int8Gemm { m: 100, n: 100, k: 100 },
		JobInput::Seed([0; 32]),
		PRICE,
		JobClass::Standard,
		None,
		WhenNoWorker::Queue,
	));
	assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(who), id));
	id
}

#[test]
fn an_ended_job_is_pruned_after_its_retention_and_its_deposit_returned() {
	ExtBuilder::default().build_and_execute(|| {
		set_retention(20);
		worker(10);
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		let deposit = pallet_jobs::Jobs::<Test>::get(0).unwrap().deposit;
		assert!(deposit > JOB_DEPOSIT_BASE);
		// The job completes when its challenge window ends, at 1 + WINDOW.
		run_to(1 + WINDOW);
		let ended = pallet_jobs::Jobs::<Test>::get(0).unwrap();
		assert_eq!(ended.status, JobStatus::Completed);
		assert!(ended.encoded_size() as Balance + JOB_DEPOSIT_BASE <= deposit, "paid for");
		let free_before = free(1);
		events();
		// Still readable for `retention` blocks after it ended…
		run_to(1 + WINDOW + 20);
		assert!(Jobs::job(0).is_some(), "kept for its retention");
		assert_eq!(deposit_held(1), deposit);
		// …then gone, with its deposit back.
		run_to(1 + WINDOW + 21);
		assert!(pallet_jobs::Jobs::<Test>::get(0).is_none());
		assert_eq!(deposit_held(1), 0);
		assert_eq!(free(1), free_before + deposit);
		assert_eq!(events(), vec![Event::JobPruned { job: 0, submitter: 1, deposit }]);
	});
}

#[test]
fn a_running_job_is_never_pruned() {
	ExtBuilder::default().build_and_execute(|| {
		set_retention(1);
		worker(10);
		set_pending_verification(true);
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		run_to(200);
		assert_eq!(Jobs::job(0).unwrap().status, JobStatus::Running);
		assert!(deposit_held(1) > 0);
	});
}

#[test]
fn cancelled_and_failed_jobs_are_pruned_too() {
	ExtBuilder::default().build_and_execute(|| {
		set_retention(3);
		let cancelled = cancelled_job(1);
		// No worker: queued until its deadline, then it expires.
		assert_ok!(Jobs::submit_job(
			RuntimeOrigin::signed(2),
			GEMM,
			JobSpec::Int8Gemm { m: 100, n: 100, k: 100 },
			JobInput::Seed([0; 32]),
			PRICE,
			JobClass::Standard,
			Some(20),
			WhenNoWorker::Queue,
		));
		let expired = cancelled + 1;
		run_to(21);
		assert!(matches!(Jobs::job(expired).unwrap().status, JobStatus::Failed(_)));
		run_to(25);
		assert!(pallet_jobs::Jobs::<Test>::get(cancelled).is_none());
		assert!(pallet_jobs::Jobs::<Test>::get(expired).is_none());
		assert_eq!((deposit_held(1), deposit_held(2)), (0, 0));
	});
}

#[test]
fn pruning_takes_only_spare_weight_and_catches_up_later() {
	ExtBuilder::default().build_and_execute(|| {
		set_retention(1);
		let jobs: Vec<JobId> = (0..3).map(|_| cancelled_job(1)).collect();
		System::set_block_number(10);
		// Room for the cursor and one job only.
		let db: frame_support::weights::RuntimeDbWeight =
			<Test as frame_system::Config>::DbWeight::get();
		let one = <() as crate::WeightInfo>::prune_job().saturating_add(db.reads_writes(3, 1));
		let used = Jobs::on_idle(10, one);
		assert!(used.all_lte(one));
		let left = jobs.iter().filter(|id| pallet_jobs::Jobs::<Test>::get(id).is_some()).count();
		assert_eq!(left, 2, "one pruned");
		assert_eq!(PruneCursor::<Test>::get(), 3, "the cursor waits at the unfinished block");
		// No room at all: nothing happens.
		assert_eq!(Jobs::on_idle(10, Weight::zero()), Weight::zero());
		Jobs::on_idle(10, Weight::MAX);
		assert!(jobs.iter().all(|id| pallet_jobs::Jobs::<Test>::get(id).is_none()));
		assert_eq!(PruneCursor::<Test>::get(), 11);
		assert_eq!(PruneAt::<Test>::iter().count(), 0);
	});
}

#[test]
fn a_submitter_pays_for_its_records_size() {
	ExtBuilder::default().build_and_execute(|| {
		use frame_support::traits::fungible::Mutate;
		worker(10);
		assert_ok!(submit_gemm(1, 100, PRICE));
		let record = pallet_jobs::Jobs::<Test>::get(0).unwrap();
		// Its largest: as submitted, its one stage with a receipt and every attempt failed.
		let stage = crate::Stage::<Test>::max_encoded_len() - record.stages[0].encoded_size();
		let status = crate::JobStatus::<u64>::max_encoded_len() - record.status.encoded_size();
		let largest = record.encoded_size() + stage + status;
		assert_eq!(record.deposit, JOB_DEPOSIT_BASE + largest as Balance);
		// An account that can pay the escrow but not the deposit is refused, and nothing
		// changes.
		Balances::set_balance(&3, PRICE + record.deposit / 2);
		assert_noop!(submit_gemm(3, 100, PRICE), Error::<Test>::CannotAffordDeposit);
	});
}

#[test]
fn retention_must_not_be_zero() {
	ExtBuilder::default().build_and_execute(|| {
		let params = crate::JobsParams { retention: 0, ..Jobs::params() };
		assert_noop!(Jobs::set_params(RuntimeOrigin::root(), params), Error::<Test>::InvalidParams);
		assert_eq!(retention(), 14_400);
	});
}

#[test]
fn a_receipt_under_check_when_its_job_ends_keeps_its_bond_and_the_record() {
	ExtBuilder::default().build_and_execute(|| {
		set_retention(5);
		worker(10);
		worker(11);
		set_pending_verification(true);
		assert_ok!(Jobs::submit_job(
			RuntimeOrigin::signed(1),
			MLP,
			JobSpec::Int8Mlp { model: 0, batch: 8 },
			JobInput::Seed([0; 32]),
			PRICE,
			JobClass::Pipeline { stages: 2 },
			None,
			WhenNoWorker::Fail,
		));
		let (first, second) = (assigned(0, 0).unwrap(), assigned(0, 1).unwrap());
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(first), batch(vec![receipt(0, 0)])));
		assert_ok!(Jobs::submit_receipts(
			RuntimeOrigin::signed(second),
			batch(vec![receipt(0, 1)])
		));
		// Stage 0 is found wrong after stage 1 started from it: the job fails while stage 1's
		// receipt is still under check.
		assert_ok!(<Jobs as JobSettlement>::reject(0, 0));
		assert!(matches!(Jobs::job(0).unwrap().status, JobStatus::Failed(_)));
		Jobs::do_try_state().unwrap();
		// A wrong verdict on it could still slash `second`: its bond and its node stay.
		assert_eq!(Jobs::jobs_in_flight(&second), 1);
		let bond = bond_of(second);
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(second), bond));
		set_epoch(100);
		assert_noop!(
			ComputeStaking::withdraw_unbonded(RuntimeOrigin::signed(second)),
			pallet_compute_staking::Error::<Test>::JobsInFlight
		);
		assert_noop!(
			NodeRegistry::deregister(RuntimeOrigin::signed(second)),
			pallet_node_registry::Error::<Test>::JobsInFlight
		);
		// Its verifiers still read the job past its retention.
		run_to(30);
		assert!(pallet_jobs::Jobs::<Test>::get(0).is_some(), "not pruned under check");
		// The verdict frees the slot (nothing is paid: the job ended) and keeps the receipt.
		assert_ok!(<Jobs as JobSettlement>::accept(0, 1));
		assert_eq!(Jobs::jobs_in_flight(&second), 0);
		assert!(pallet_jobs::Jobs::<Test>::get(0).unwrap().stages[1].receipt.is_some());
		assert_ok!(ComputeStaking::withdraw_unbonded(RuntimeOrigin::signed(second)));
		run_to(60);
		assert!(pallet_jobs::Jobs::<Test>::get(0).is_none(), "pruned once decided");
	});
}
