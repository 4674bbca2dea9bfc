//! The job queue: waiting for a worker, its bound, expiry and cancellation.

use frame_support::{assert_noop, assert_ok};

use super::*;
use crate::{Error, Event, JobFailure, JobStatus, Queue, QueueExpiries, Timers};

fn queue_gemm(who: AccountId, deadline: Option<u64>) -> sp_runtime::DispatchResult {
	queue_gemm_at(who, deadline, PRICE)
}

fn queue_gemm_at(
	who: AccountId,
	deadline: Option<u64>,
	max_price: Balance,
) -> sp_runtime::DispatchResult {
	Jobs::submit_job(
		RuntimeOrigin::signed(who),
		GEMM,
		JobSpec::Int8Gemm { m: 100, n: 100, k: 100 },
		JobInput::Seed([0; 32]),
		max_price,
		JobClass::Standard,
		deadline,
		WhenNoWorker::Queue,
	)
}

#[test]
fn a_queued_job_waits_for_a_worker_then_runs() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(queue_gemm(1, None));
		assert!(events().contains(&Event::JobQueued { job: 0, until: 1 + 600 }));
		assert_eq!(escrow_held(1), PRICE, "a queued job holds its escrow");
		assert_eq!(Queue::<Test>::get().into_inner(), vec![0]);
		run_to(3);
		assert!(matches!(
			pallet_jobs::Jobs::<Test>::get(0).unwrap().status,
			JobStatus::Queued { .. }
		));

		worker(10);
		run_to(4);
		assert_eq!(assigned(0, 0), Some(10));
		assert_eq!(pallet_jobs::Jobs::<Test>::get(0).unwrap().status, JobStatus::Running);
		assert!(Queue::<Test>::get().is_empty());
		assert!(events().iter().any(|e| matches!(
			e,
			Event::StageAssigned { job: 0, worker: 10, deadline: Some(54), .. }
		)));
	});
}

#[test]
fn the_queue_is_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..MAX_QUEUE {
			assert_ok!(queue_gemm(1, None));
		}
		assert_noop!(queue_gemm(1, None), Error::<Test>::QueueFull);
	});
}

#[test]
fn a_queued_job_expires_at_its_deadline_and_is_refunded() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(queue_gemm(1, Some(20)));
		run_to(20);
		assert_eq!(escrow_held(1), PRICE);
		events();
		run_to(21);
		assert_eq!(
			events(),
			vec![Event::JobFailed { job: 0, reason: JobFailure::QueueExpired, refund: PRICE }]
		);
		assert_eq!(escrow_held(1), 0);
		assert_eq!(free(1) + deposit_held(1), ENDOWMENT);
		assert!(Queue::<Test>::get().is_empty());
	});
}

#[test]
fn the_submitter_can_cancel_a_queued_job() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(queue_gemm(1, None));
		assert_noop!(Jobs::cancel_job(RuntimeOrigin::signed(2), 0), Error::<Test>::NotSubmitter);
		assert_noop!(Jobs::cancel_job(RuntimeOrigin::signed(1), 7), Error::<Test>::UnknownJob);
		events();
		assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(1), 0));
		assert_eq!(events(), vec![Event::JobCancelled { job: 0, refund: PRICE }]);
		assert_eq!(free(1) + deposit_held(1), ENDOWMENT);
		assert!(Queue::<Test>::get().is_empty());
		assert_noop!(Jobs::cancel_job(RuntimeOrigin::signed(1), 0), Error::<Test>::NotQueued);
	});
}

#[test]
fn a_running_job_cannot_be_cancelled() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		assert_ok!(queue_gemm(1, None));
		assert_noop!(Jobs::cancel_job(RuntimeOrigin::signed(1), 0), Error::<Test>::NotQueued);
	});
}

#[test]
fn a_far_deadline_keeps_a_job_queued_no_longer_than_queue_blocks() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(queue_gemm(1, Some(1_000_000)));
		// queue_blocks is 600.
		assert!(events().contains(&Event::JobQueued { job: 0, until: 1 + 600 }));
		run_to(601);
		assert!(matches!(
			pallet_jobs::Jobs::<Test>::get(0).unwrap().status,
			JobStatus::Queued { .. }
		));
		run_to(602);
		assert_eq!(
			pallet_jobs::Jobs::<Test>::get(0).unwrap().status,
			JobStatus::Failed(JobFailure::QueueExpired)
		);
		assert_eq!(escrow_held(1), 0);
	});
}

#[test]
fn a_job_behind_unroutable_ones_is_routed_once_a_worker_fits() {
	ExtBuilder::default().build_and_execute(|| {
		// Two jobs no worker will take (a price below every worker's), then one that fits; the
		// block retries MAX_RETRIES = 2 of them.
		assert_ok!(queue_gemm_at(1, None, PRICE - 1));
		assert_ok!(queue_gemm_at(1, None, PRICE - 1));
		assert_ok!(queue_gemm(1, None));
		worker(10);
		run_to(4);
		assert_eq!(assigned(2, 0), Some(10), "the third job is routed");
		let mut waiting = Queue::<Test>::get().into_inner();
		waiting.sort();
		assert_eq!(waiting, vec![0, 1], "the unroutable ones wait");
	});
}

#[test]
fn queued_jobs_expire_on_time_in_blocks_too_full_to_retry_the_queue() {
	use frame_support::traits::Hooks;
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(queue_gemm(1, Some(20)));
		assert_ok!(queue_gemm(2, Some(30)));
		// Full blocks: on_idle gets no weight, only the block's own hooks run.
		for block in 2..=21 {
			System::set_block_number(block);
			Jobs::on_initialize(block);
			Jobs::on_idle(block, Weight::zero());
		}
		assert_eq!(
			pallet_jobs::Jobs::<Test>::get(0).unwrap().status,
			JobStatus::Failed(JobFailure::QueueExpired)
		);
		assert_eq!(escrow_held(1), 0, "refunded");
		assert_eq!(Queue::<Test>::get().into_inner(), vec![1], "the other job still waits");
	});
}

#[test]
fn queued_jobs_that_leave_leave_no_expiry_and_never_fill_the_stage_timers() {
	ExtBuilder::default().build_and_execute(|| {
		// Queued for block 20 and cancelled, over and over: each expiry goes with its job.
		for job in 0..10 {
			assert_ok!(queue_gemm(1, Some(20)));
			assert!(QueueExpiries::<Test>::contains_key(21, job));
			assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(1), job));
		}
		assert_eq!(QueueExpiries::<Test>::iter().count(), 0);
		assert!(Timers::<Test>::get(21).is_empty(), "the stage timers of block 21 keep their room");
		// A queued job that is routed leaves none either.
		assert_ok!(queue_gemm(1, None));
		assert!(QueueExpiries::<Test>::contains_key(1 + 600 + 1, 10));
		worker(10);
		run_to(3);
		assert_eq!(assigned(10, 0), Some(10));
		assert_eq!(QueueExpiries::<Test>::iter().count(), 0);
	});
}
