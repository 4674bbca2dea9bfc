//! `submit_receipts`: batches, and each reason a receipt is rejected for.

use frame_support::{assert_noop, assert_ok};

use super::*;
use crate::{Error, Event, ReceiptRejection, StageState, WeightInfo};
use cinder_primitives::JobsInFlight;

fn rejected(job: JobId, stage: u8, worker: AccountId, reason: ReceiptRejection) -> Event<Test> {
	Event::ReceiptRejected { job, stage, worker, reason }
}

fn accepted(job: JobId, stage: u8, worker: AccountId, accept_at: u64) -> Event<Test> {
	Event::ReceiptAccepted {
		job,
		stage,
		worker,
		output_root: [job as u8; 32],
		accept_at: Some(accept_at),
	}
}

fn submit_receipts_weight(receipts: u32) -> frame_support::weights::Weight {
	<() as WeightInfo>::submit_receipts(receipts)
}

fn start_stage_weight() -> frame_support::weights::Weight {
	<() as WeightInfo>::start_stage()
}

/// What a batch is weighed at before it runs.
fn declared_weight(receipts: u32) -> frame_support::weights::Weight {
	use frame_support::dispatch::GetDispatchInfo;
	let entries = (0..receipts as u64).map(|job| receipt(job, 0)).collect();
	crate::Call::<Test>::submit_receipts { receipts: batch(entries) }
		.get_dispatch_info()
		.call_weight
}

#[test]
fn a_receipt_from_the_assigned_worker_enters_the_challenge_window() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		assert_ok!(submit_gemm(1, 100, PRICE));
		events();
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		assert_eq!(events(), vec![accepted(0, 0, 10, 1 + WINDOW)]);
		let stage = &Jobs::job(0).unwrap().stages[0];
		assert_eq!(stage.state, StageState::Verifying { accept_at: Some(1 + WINDOW) });
		let recorded = stage.receipt.unwrap();
		// 100×100 i32 = 40,000 bytes in 4 KiB tiles.
		assert_eq!((recorded.output_len, recorded.tile_count), (40_000, 10));
		assert_eq!(Jobs::jobs_in_flight(&10), 1, "verifying stages still hold a slot");
	});
}

#[test]
fn each_rejected_entry_has_its_reason_and_the_rest_of_the_batch_counts() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		worker(11);
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert_ok!(submit_gemm(1, 100, PRICE));
		let (a, b) = (assigned(0, 0).unwrap(), assigned(1, 0).unwrap());
		let outsider = if a == 10 { 11 } else { 10 };
		events();
		assert_ok!(Jobs::submit_receipts(
			RuntimeOrigin::signed(outsider),
			batch(vec![receipt(0, 0)])
		));
		assert_eq!(events(), vec![rejected(0, 0, outsider, ReceiptRejection::NotAssigned)]);

		let mut wrong_size = receipt(0, 0);
		wrong_size.output_len += 1;
		let mut wrong_tiles = receipt(0, 0);
		wrong_tiles.tile_count -= 1;
		let mut no_stage = receipt(0, 0);
		no_stage.stage = 1;
		let mut unknown = receipt(0, 0);
		unknown.job = 77;
		assert_ok!(Jobs::submit_receipts(
			RuntimeOrigin::signed(a),
			batch(vec![wrong_size, wrong_tiles, no_stage, unknown, receipt(0, 0), receipt(0, 0)])
		));
		assert_eq!(
			events(),
			vec![
				rejected(0, 0, a, ReceiptRejection::WrongOutputSize),
				rejected(0, 0, a, ReceiptRejection::WrongTileCount),
				rejected(0, 1, a, ReceiptRejection::UnknownStage),
				rejected(77, 0, a, ReceiptRejection::UnknownJob),
				accepted(0, 0, a, 1 + WINDOW),
				rejected(0, 0, a, ReceiptRejection::Duplicate),
			]
		);
		if b != a {
			assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(b), batch(vec![receipt(1, 0)])));
			assert_eq!(events(), vec![accepted(1, 0, b, 1 + WINDOW)]);
		}
	});
}

#[test]
fn receipts_count_tiles_of_the_size_the_job_was_submitted_with() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		assert_ok!(submit_gemm(1, 100, PRICE));
		let mut gemm = pallet_jobs::Workloads::<Test>::get(GEMM).unwrap();
		gemm.tile_bytes *= 2;
		assert_ok!(Jobs::update_workload(RuntimeOrigin::root(), GEMM, gemm));
		events();
		// 40,000 bytes are still 10 tiles of 4 KiB for this job, not 5 of 8 KiB.
		assert_eq!(receipt(0, 0).tile_count, 10);
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		assert_eq!(events(), vec![accepted(0, 0, 10, 1 + WINDOW)]);
	});
}

#[test]
fn the_same_receipt_twice_in_one_batch_counts_once() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		assert_ok!(submit_gemm(1, 100, PRICE));
		events();
		assert_ok!(Jobs::submit_receipts(
			RuntimeOrigin::signed(10),
			batch(vec![receipt(0, 0), receipt(0, 0)])
		));
		assert_eq!(
			events(),
			vec![accepted(0, 0, 10, 1 + WINDOW), rejected(0, 0, 10, ReceiptRejection::Duplicate)]
		);
	});
}

#[test]
fn a_receipt_for_a_settled_stage_is_a_duplicate() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		worker(11);
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
		let first = assigned(0, 0).unwrap();
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(first), batch(vec![receipt(0, 0)])));
		run_to(1 + WINDOW);
		// Stage 0 settled (its slot is free); the job still runs for stage 1.
		assert!(matches!(Jobs::job(0).unwrap().stages[0].state, StageState::Settled { .. }));
		events();
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(first), batch(vec![receipt(0, 0)])));
		assert_eq!(events(), vec![rejected(0, 0, first, ReceiptRejection::Duplicate)]);
	});
}

#[test]
fn an_empty_batch_fails() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![])),
			Error::<Test>::EmptyBatch
		);
	});
}

#[test]
fn a_receipt_after_the_deadline_is_late() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		assert_ok!(submit_gemm(1, 100, PRICE));
		// Due by block 51; its deadline timer has not fired yet (as when timers spill over).
		System::set_block_number(52);
		events();
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		assert_eq!(events(), vec![rejected(0, 0, 10, ReceiptRejection::Late)]);
	});
}

#[test]
fn a_receipt_of_an_ended_job_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		run_to(1 + WINDOW);
		events();
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		assert_eq!(events(), vec![rejected(0, 0, 10, ReceiptRejection::JobNotRunning)]);
	});
}

#[test]
fn pipeline_stages_deliver_in_order() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		worker(11);
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
		assert_ne!(first, second, "pipeline stages go to distinct workers");
		let job = pallet_jobs::Jobs::<Test>::get(0).unwrap();
		assert_eq!(job.stages[1].state, StageState::Waiting);
		events();
		assert_ok!(Jobs::submit_receipts(
			RuntimeOrigin::signed(second),
			batch(vec![receipt(0, 1)])
		));
		assert_eq!(events(), vec![rejected(0, 1, second, ReceiptRejection::StageOutOfOrder)]);

		run_to(5);
		let charged =
			Jobs::submit_receipts(RuntimeOrigin::signed(first), batch(vec![receipt(0, 0)]))
				.unwrap()
				.actual_weight;
		// Starting the next stage is charged on top of the receipt itself and its hand-over
		// to the verifier.
		let handed_over =
			<MockVerifier as cinder_primitives::ReceiptVerifier<_, _, _>>::receipts_weight(1);
		assert_eq!(charged, Some(submit_receipts_weight(1) + handed_over + start_stage_weight()));
		let started = events();
		let time = pallet_jobs::Jobs::<Test>::get(0).unwrap().stages[1].time_blocks;
		assert_eq!(
			started,
			vec![
				accepted(0, 0, first, 5 + WINDOW),
				Event::StageStarted { job: 0, stage: 1, deadline: 5 + time }
			]
		);
		let charged =
			Jobs::submit_receipts(RuntimeOrigin::signed(second), batch(vec![receipt(0, 1)]))
				.unwrap()
				.actual_weight;
		// The last stage starts nothing: that part of the declared weight is refunded.
		assert_eq!(charged, Some(submit_receipts_weight(1) + handed_over));
		assert!(charged.unwrap().ref_time() < declared_weight(1).ref_time());
		assert_eq!(events(), vec![accepted(0, 1, second, 5 + WINDOW)]);
	});
}

#[test]
fn a_full_batch_is_recorded_in_one_call() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		let mut params = Jobs::params();
		params.slots_per_worker = MAX_RECEIPTS;
		assert_ok!(Jobs::set_params(RuntimeOrigin::root(), params));
		for _ in 0..MAX_RECEIPTS {
			assert_ok!(submit_gemm(1, 100, PRICE));
		}
		events();
		let entries = (0..MAX_RECEIPTS as u64).map(|job| receipt(job, 0)).collect();
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(entries)));
		let events = events();
		assert_eq!(events.len(), MAX_RECEIPTS as usize);
		assert!(events.iter().all(|e| matches!(e, Event::ReceiptAccepted { worker: 10, .. })));
	});
}
