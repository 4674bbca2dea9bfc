//! Settlement: the fee F = IBM × price, refunds, reported work, verdicts from the verifier.

use frame_support::{assert_noop, assert_ok};

use super::*;
use crate::{Error, Event, Ibm, JobFailure, JobSettlement, JobStatus, StageState};
use cinder_primitives::JobsInFlight;

#[test]
fn acceptance_charges_ibm_times_the_workers_price_and_refunds_the_rest() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		assert_ok!(submit_gemm(1, 100, 3 * PRICE));
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		run_to(WINDOW);
		assert_eq!(escrow_held(1), 3 * PRICE, "nothing is charged before the window ends");
		events();
		run_to(1 + WINDOW);
		let one_ibm = Ibm::from_pico(Ibm::RESOLUTION);
		assert_eq!(
			events(),
			vec![
				Event::StageSettled { job: 0, stage: 0, worker: 10, ibm: one_ibm, fee: PRICE },
				Event::JobCompleted { job: 0, refund: 2 * PRICE },
			]
		);
		assert_eq!(free(1) + deposit_held(1), ENDOWMENT - PRICE);
		assert_eq!(escrow_held(1), 0);
		assert_eq!(free(998), 1 + PRICE, "the fee went to the fee collector");
		assert_eq!(
			settled_work(),
			vec![SettledWork {
				job: 0,
				stage: 0,
				worker: 10,
				submitter: 1,
				manager: None,
				ibm: one_ibm,
				class_multiplier_percent: 100,
				fee: PRICE,
				epoch: 0,
			}]
		);
		let job = pallet_jobs::Jobs::<Test>::get(0).unwrap();
		assert_eq!(job.status, JobStatus::Completed);
		assert_eq!(job.stages[0].state, StageState::Settled { fee: PRICE });
		assert_eq!(Jobs::jobs_in_flight(&10), 0);
	});
}

#[test]
fn pipeline_stages_settle_separately_with_the_multiplier() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		worker_with(11, HALF_IB, PRICE / 2, &[0], false);
		assert_ok!(Jobs::submit_job(
			RuntimeOrigin::signed(1),
			MLP,
			JobSpec::Int8Mlp { model: 0, batch: 100 },
			JobInput::Seed([0; 32]),
			PRICE,
			JobClass::Pipeline { stages: 2 },
			None,
			WhenNoWorker::Fail,
		));
		let workers = [assigned(0, 0).unwrap(), assigned(0, 1).unwrap()];
		assert_ok!(Jobs::submit_receipts(
			RuntimeOrigin::signed(workers[0]),
			batch(vec![receipt(0, 0)])
		));
		assert_ok!(Jobs::submit_receipts(
			RuntimeOrigin::signed(workers[1]),
			batch(vec![receipt(0, 1)])
		));
		run_to(1 + WINDOW);
		let settled = settled_work();
		assert_eq!(settled.len(), 2);
		// Batch 100: layers 0–1 are 100·(64·128 + 128·128) MACs, layer 2 is 100·128·10.
		let works = [2_457_600u64, 128_000];
		let mut charged = 0;
		for (stage, work) in settled.iter().zip(works) {
			assert_eq!(stage.class_multiplier_percent, 120);
			assert_eq!(stage.ibm, Ibm::from_work(work, REF_UNITS).unwrap());
			let price = if stage.worker == 10 { PRICE } else { PRICE / 2 };
			assert_eq!(stage.fee, (work * price).div_ceil(REF_UNITS));
			charged += stage.fee;
		}
		assert_eq!(free(1) + deposit_held(1), ENDOWMENT - charged);
		assert_eq!(pallet_jobs::Jobs::<Test>::get(0).unwrap().status, JobStatus::Completed);
	});
}

#[test]
fn a_rejected_receipt_is_not_charged_and_the_stage_goes_to_another_worker() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		worker(11);
		set_pending_verification(true);
		assert_ok!(submit_gemm(1, 100, PRICE));
		let wrong = assigned(0, 0).unwrap();
		let other = if wrong == 10 { 11 } else { 10 };
		assert_noop!(<Jobs as JobSettlement>::reject(0, 0), Error::<Test>::NotVerifying);
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(wrong), batch(vec![receipt(0, 0)])));
		run_to(10);
		events();
		assert_ok!(<Jobs as JobSettlement>::reject(0, 0));
		assert_eq!(
			events(),
			vec![
				Event::StageRejected {
					job: 0,
					stage: 0,
					worker: wrong,
					output_root: recorded_receipt(0, 1).output_root
				},
				Event::StageAssigned {
					job: 0,
					stage: 0,
					worker: other,
					price_per_ibm: PRICE,
					deadline: Some(10 + 50),
				},
			]
		);
		let job = Jobs::job(0).unwrap();
		assert_eq!(job.status, JobStatus::Running);
		assert_eq!(job.stages[0].failed_by.to_vec(), vec![wrong]);
		assert_eq!(job.stages[0].receipt, None, "the wrong receipt is not the stage's result");
		assert!(Jobs::assignments_of(&wrong).is_empty(), "the wrong worker's slot is free");
		assert_eq!(escrow_held(1), PRICE, "nothing was charged for the wrong receipt");
		assert!(settled_work().is_empty(), "no reward without verified work");

		// The new worker's right receipt is the one paid for.
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(other), batch(vec![receipt(0, 0)])));
		assert_ok!(<Jobs as JobSettlement>::accept(0, 0));
		assert_eq!(free(1) + deposit_held(1), ENDOWMENT - PRICE);
		assert_eq!(settled_work()[0].worker, other);
	});
}

#[test]
fn a_rejected_receipt_with_no_other_worker_fails_the_job_and_refunds_the_escrow() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		set_pending_verification(true);
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		assert_eq!(
			Jobs::job(0).unwrap().stages[0].state,
			StageState::Verifying { accept_at: None }
		);
		events();
		assert_ok!(<Jobs as JobSettlement>::reject(0, 0));
		assert_eq!(
			events(),
			vec![
				Event::StageRejected {
					job: 0,
					stage: 0,
					worker: 10,
					output_root: recorded_receipt(0, 1).output_root
				},
				Event::JobFailed {
					job: 0,
					reason: JobFailure::NoWorkerForReassignment,
					refund: PRICE
				},
			]
		);
		let failed = Jobs::job(0).unwrap();
		assert_eq!(failed.stages[0].receipt, Some(recorded_receipt(0, 1)), "kept as evidence");
		assert!(Jobs::assignments_of(&10).is_empty(), "the slot is free");
		assert_eq!(free(1) + deposit_held(1), ENDOWMENT);
		assert!(settled_work().is_empty(), "no reward without verified work");
		assert_noop!(<Jobs as JobSettlement>::accept(0, 0), Error::<Test>::NotVerifying);
	});
}

#[test]
fn an_unverifiable_receipt_is_not_paid_and_the_job_fails_with_its_escrow_refunded() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		worker(11);
		set_pending_verification(true);
		assert_ok!(submit_gemm(1, 100, 3 * PRICE));
		let worker = Jobs::job(0).unwrap().stages[0].worker.unwrap();
		assert_ok!(Jobs::submit_receipts(
			RuntimeOrigin::signed(worker),
			batch(vec![receipt(0, 0)])
		));
		let bond = bond_of(worker);
		assert_noop!(<Jobs as JobSettlement>::void(1, 0), Error::<Test>::UnknownJob);
		events();
		assert_ok!(<Jobs as JobSettlement>::void(0, 0));
		assert_eq!(
			events(),
			vec![
				Event::StageUnverifiable {
					job: 0,
					stage: 0,
					worker,
					output_root: recorded_receipt(0, 1).output_root
				},
				Event::JobFailed { job: 0, reason: JobFailure::Unverifiable, refund: 3 * PRICE },
			]
		);
		let failed = Jobs::job(0).unwrap();
		assert_eq!(failed.stages[0].receipt, Some(recorded_receipt(0, 1)), "kept as a record");
		assert!(Jobs::assignments_of(&worker).is_empty(), "the slot is free");
		assert_eq!(free(1) + deposit_held(1), ENDOWMENT, "the submitter pays nothing");
		assert_eq!(bond_of(worker), bond, "the worker is not penalized");
		assert!(settled_work().is_empty(), "no reward without verified work");
		assert_noop!(<Jobs as JobSettlement>::void(0, 0), Error::<Test>::NotVerifying);
	});
}

#[test]
fn a_wrong_pipeline_stage_whose_successor_started_fails_the_job() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		worker_with(11, HALF_IB, PRICE / 2, &[0], false);
		set_pending_verification(true);
		assert_ok!(Jobs::submit_job(
			RuntimeOrigin::signed(1),
			MLP,
			JobSpec::Int8Mlp { model: 0, batch: 100 },
			JobInput::Seed([0; 32]),
			PRICE,
			JobClass::Pipeline { stages: 2 },
			None,
			WhenNoWorker::Fail,
		));
		let first = assigned(0, 0).unwrap();
		let second = assigned(0, 1).unwrap();
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(first), batch(vec![receipt(0, 0)])));
		events();
		assert_ok!(<Jobs as JobSettlement>::reject(0, 0));
		let job = Jobs::job(0).unwrap();
		assert_eq!(job.status, JobStatus::Failed(JobFailure::WrongResult));
		assert!(Jobs::assignments_of(&first).is_empty());
		assert!(Jobs::assignments_of(&second).is_empty(), "the successor's slot is freed too");
		assert_eq!(escrow_held(1), 0);
	});
}

#[test]
fn the_verifier_settles_pending_receipts() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		set_pending_verification(true);
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		run_to(40);
		assert_eq!(escrow_held(1), PRICE, "a pending receipt waits for the verifier");
		assert_ok!(<Jobs as JobSettlement>::accept(0, 0));
		assert_eq!(free(998), 1 + PRICE);
		assert_noop!(<Jobs as JobSettlement>::accept(0, 0), Error::<Test>::NotVerifying);
		let settled = &Jobs::job(0).unwrap().stages[0];
		assert_eq!(settled.receipt, Some(recorded_receipt(0, 1)), "the receipt moves to the job");
	});
}

#[test]
fn a_delivered_stage_is_not_late_while_it_waits_for_the_verifier() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		set_pending_verification(true);
		assert_ok!(submit_gemm(1, 100, PRICE));
		let StageState::Running { deadline } = Jobs::job(0).unwrap().stages[0].state else {
			panic!("the stage runs")
		};
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		let bond = bond_of(10);
		events();
		run_to(deadline + 2);
		assert!(
			!events().iter().any(|e| matches!(e, Event::DeadlineMissed { .. })),
			"the receipt came in time"
		);
		assert_eq!(bond_of(10), bond, "nothing slashed");
		assert_eq!(
			Jobs::job(0).unwrap().stages[0].state,
			StageState::Verifying { accept_at: None }
		);
		assert_ok!(<Jobs as JobSettlement>::accept(0, 0));
		assert_eq!(Jobs::job(0).unwrap().status, JobStatus::Completed);
	});
}

#[test]
fn a_worker_with_jobs_in_flight_cannot_leave() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert_noop!(
			NodeRegistry::deregister(RuntimeOrigin::signed(10)),
			pallet_node_registry::Error::<Test>::JobsInFlight
		);
	});
}

#[test]
fn work_is_reported_in_the_epoch_it_settles_in() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		set_epoch(3);
		run_to(1 + WINDOW);
		assert_eq!(settled_work()[0].epoch, 3);
	});
}

#[test]
fn a_worker_cannot_withdraw_the_bond_behind_a_receipt_under_verification() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		set_pending_verification(true);
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert_ok!(Jobs::submit_receipts(RuntimeOrigin::signed(10), batch(vec![receipt(0, 0)])));
		let bond = bond_of(10);
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(10), bond));
		set_epoch(100);
		// A verdict against the receipt could still come: the bond stays to answer it.
		assert_noop!(
			ComputeStaking::withdraw_unbonded(RuntimeOrigin::signed(10)),
			pallet_compute_staking::Error::<Test>::JobsInFlight
		);
		assert_ok!(<Jobs as JobSettlement>::accept(0, 0));
		let before = free(10);
		assert_ok!(ComputeStaking::withdraw_unbonded(RuntimeOrigin::signed(10)));
		assert_eq!(free(10), before + bond, "released once the stage settled");
	});
}
