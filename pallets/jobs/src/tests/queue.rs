//! The job queue: waiting for a worker, its bound, expiry and cancellation.

use frame_support::{assert_noop, assert_ok};

use super::*;
use crate::{Error, Event, JobFailure, JobStatus, Queue};

fn queue_gemm(who: AccountId, deadline: Option<u64>) -> sp_runtime::DispatchResult {
	Jobs::submit_job(
		RuntimeOrigin::signed(who),
		GEMM,
		JobSpec::Int8Gemm { m: 100, n: 100, k: 100 },
		JobInput::Seed([0; 32]),
		PRICE,
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
		assert_eq!(free(1), ENDOWMENT);
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
		assert_eq!(free(1), ENDOWMENT);
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
