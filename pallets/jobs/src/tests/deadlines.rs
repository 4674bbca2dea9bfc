//! Missed deadlines: slash, reliability, reassignment, and failure after `max_attempts`.

use frame_support::assert_ok;
use sp_runtime::Perbill;

use super::*;
use crate::{Event, JobFailure, JobStatus};
use cinder_primitives::JobsInFlight;

/// 1 % of the bond.
const TIMEOUT_SLASH: Balance = BOND / 100;

fn delivery(who: AccountId) -> Perbill {
	pallet_node_registry::Nodes::<Test>::get(who).unwrap().reliability.delivery
}

#[test]
fn a_missed_deadline_slashes_and_reassigns_the_stage() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		worker(11);
		assert_ok!(submit_gemm(1, 100, PRICE));
		let late = assigned(0, 0).unwrap();
		let other = if late == 10 { 11 } else { 10 };
		run_to(51);
		events();
		run_to(52);
		assert_eq!(
			events(),
			vec![
				Event::DeadlineMissed { job: 0, stage: 0, worker: late, slashed: TIMEOUT_SLASH },
				Event::StageAssigned {
					job: 0,
					stage: 0,
					worker: other,
					price_per_ibm: PRICE,
					deadline: Some(52 + 50),
				},
			]
		);
		assert_eq!(bond_of(late), BOND - TIMEOUT_SLASH);
		assert_eq!(free(999), 1 + TIMEOUT_SLASH, "the slash went to the penalty pool");
		assert!(delivery(late) < Perbill::from_percent(50), "late delivery lowers reliability");
		assert_eq!(Jobs::jobs_in_flight(&late), 0);
		assert_eq!(Jobs::jobs_in_flight(&other), 1);
		let job = pallet_jobs::Jobs::<Test>::get(0).unwrap();
		assert_eq!(job.stages[0].failed_by.to_vec(), vec![late]);
	});
}

#[test]
fn after_max_attempts_the_job_fails_and_is_refunded() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 10..14 {
			worker(who);
		}
		assert_ok!(submit_gemm(1, 100, PRICE));
		run_to(3 * 51 + 5);
		let job = pallet_jobs::Jobs::<Test>::get(0).unwrap();
		assert_eq!(job.status, JobStatus::Failed(JobFailure::TooManyMissedDeadlines));
		assert_eq!(job.stages[0].failed_by.len(), 3);
		assert!(events().contains(&Event::JobFailed {
			job: 0,
			reason: JobFailure::TooManyMissedDeadlines,
			refund: PRICE,
		}));
		assert_eq!(free(1) + deposit_held(1), ENDOWMENT);
		assert_eq!(escrow_held(1), 0);
		for who in 10..14 {
			assert_eq!(Jobs::jobs_in_flight(&who), 0);
		}
	});
}

#[test]
fn with_no_other_worker_the_job_fails() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		assert_ok!(submit_gemm(1, 100, PRICE));
		run_to(51);
		events();
		run_to(52);
		assert_eq!(
			events(),
			vec![
				Event::DeadlineMissed { job: 0, stage: 0, worker: 10, slashed: TIMEOUT_SLASH },
				Event::JobFailed {
					job: 0,
					reason: JobFailure::NoWorkerForReassignment,
					refund: PRICE
				},
			]
		);
		assert_eq!(escrow_held(1), 0);
	});
}

#[test]
fn a_timely_receipt_defuses_the_deadline() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		set_pending_verification(true);
		assert_ok!(submit_gemm(1, 100, PRICE));
		run_to(50);
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		events();
		run_to(80);
		assert!(events().is_empty(), "no deadline fires for a delivered stage");
		assert_eq!(bond_of(10), BOND);
		assert!(delivery(10) > Perbill::from_percent(50), "on-time delivery raises reliability");
	});
}

#[test]
fn deadlines_beyond_a_blocks_room_move_to_the_next_blocks() {
	ExtBuilder::default().build_and_execute(|| {
		// Three workers with a stage each: their stages are due in the same block.
		for who in 10..13 {
			worker(who);
		}
		let mut params = Jobs::params();
		params.slots_per_worker = 1;
		assert_ok!(Jobs::set_params(RuntimeOrigin::root(), params));
		// Two deadlines fit in a block (MAX_DEADLINES); the third lands a block later.
		for _ in 0..3 {
			assert_ok!(submit_gemm(1, 100, PRICE));
		}
		let due = |block| pallet_jobs::Timers::<Test>::get(block).len();
		assert_eq!((due(52), due(53)), (MAX_DEADLINES as usize, 1));
		// Each stage keeps its own deadline; only the check runs later.
		assert_eq!(
			pallet_jobs::Jobs::<Test>::get(2).unwrap().stages[0].state,
			crate::StageState::Running { deadline: 51 }
		);
	});
}

#[test]
fn a_submission_fails_when_no_block_in_reach_has_room_for_its_deadline() {
	ExtBuilder::default().build_and_execute(|| {
		// Every job of this block is due by 51 (one a worker, so none queues behind another);
		// its timer may move up to TIMER_SPILL blocks on.
		let room = MAX_DEADLINES * crate::timers::TIMER_SPILL;
		for who in 100..(101 + room as AccountId) {
			use frame_support::traits::fungible::Mutate;
			Balances::set_balance(&who, ENDOWMENT);
			worker(who);
		}
		let mut params = Jobs::params();
		params.slots_per_worker = 1;
		assert_ok!(Jobs::set_params(RuntimeOrigin::root(), params));
		for _ in 0..room {
			assert_ok!(submit_gemm(1, 100, PRICE));
		}
		frame_support::assert_noop!(submit_gemm(1, 100, PRICE), crate::Error::<Test>::TimersFull);
	});
}

#[test]
fn a_timer_due_now_or_earlier_fires_next_block() {
	ExtBuilder::default().build_and_execute(|| {
		run_to(5);
		// Block 5's timers were taken when it began; 3 and 5 would never fire.
		for due in [3, 5] {
			assert_eq!(Jobs::schedule(due, 0, 0, crate::TimerKind::Accept), Ok(6));
		}
		assert_eq!(Jobs::schedule(7, 0, 0, crate::TimerKind::Accept), Ok(7));
		assert_eq!(pallet_jobs::Timers::<Test>::get(6).len(), 2);
	});
}

#[test]
fn a_deadline_passed_because_the_chain_refused_the_receipt_moves_on_without_a_penalty() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		worker(11);
		assert_ok!(submit_gemm(1, 100, PRICE));
		let late = assigned(0, 0).unwrap();
		let reliability = delivery(late);
		// The worker delivers in time, but the verifier's intake is full: refused.
		set_verifier_busy(true);
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(late), batch(vec![receipt(0, 0)])));
		assert!(events().contains(&Event::ReceiptRejected {
			job: 0,
			stage: 0,
			worker: late,
			reason: crate::ReceiptRejection::Congested,
		}));
		// Still refused at the deadline (51): it moves on by min_deadline_blocks, no penalty.
		run_to(52);
		assert!(events().contains(&Event::DeadlineExtended {
			job: 0,
			stage: 0,
			worker: late,
			deadline: 62
		}));
		assert_eq!((bond_of(late), delivery(late)), (BOND, reliability));
		assert_eq!(assigned(0, 0), Some(late));
		// The intake has room again and the receipt is sent again: checked like any other.
		set_verifier_busy(false);
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(late), batch(vec![receipt(0, 0)])));
		run_to(70);
		assert_eq!(Jobs::job(0).unwrap().status, JobStatus::Completed);
		assert_eq!(bond_of(late), BOND);
	});
}

#[test]
fn a_refusal_excuses_one_deadline_only() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		worker(11);
		assert_ok!(submit_gemm(1, 100, PRICE));
		let late = assigned(0, 0).unwrap();
		// Refused once, then never sent again: the extended deadline costs the usual slash.
		set_verifier_busy(true);
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(late), batch(vec![receipt(0, 0)])));
		set_verifier_busy(false);
		run_to(63);
		assert!(events().contains(&Event::DeadlineMissed {
			job: 0,
			stage: 0,
			worker: late,
			slashed: TIMEOUT_SLASH
		}));
		assert_ne!(assigned(0, 0), Some(late));
	});
}

/// The block stage 0 of `job` is due in.
fn due(job: JobId) -> u64 {
	let crate::StageState::Running { deadline } = Jobs::job(job).unwrap().stages[0].state else {
		panic!("job {job} runs");
	};
	deadline
}

#[test]
fn a_stage_given_to_a_busy_worker_starts_its_clock_when_its_earlier_stages_are_due() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		set_pending_verification(true);
		// A GEMM that takes the worker's IB more than a few blocks.
		let size = (2_000, 400, 400);
		let now = System::block_number();
		assert_ok!(submit_gemm_of(1, size, PRICE));
		let time = due(0) - now;
		assert!(time > 20, "a long stage: {time} blocks");
		// Given at once, the second stage is due a whole stage's time after the first: the
		// worker does them one after another, so both can be on time.
		assert_ok!(submit_gemm_of(1, size, PRICE));
		assert_eq!(due(1), due(0) + time);
		// The first delivered, a third stage queues behind the second only.
		run_to(now + 5);
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		assert_ok!(submit_gemm_of(1, size, PRICE));
		assert_eq!(due(2), due(1) + time);
		// Both delivered, the next stage's clock starts now.
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(1, 0)])));
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(2, 0)])));
		assert_ok!(submit_gemm_of(1, size, PRICE));
		assert_eq!(due(3), now + 5 + time);
	});
}
