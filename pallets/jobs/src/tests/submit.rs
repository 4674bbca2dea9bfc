//! `submit_job`: escrow, validation of specs and inputs, the manager record.

use frame_support::{assert_noop, assert_ok, BoundedVec};
use sp_runtime::DispatchError;

use super::*;
use crate::{Error, Event, JobStatus};

fn submit(
	spec: JobSpec,
	workload: u32,
	input: JobInput<ConstU32<4_096>, ConstU32<128>>,
	class: JobClass,
	deadline: Option<u64>,
) -> sp_runtime::DispatchResult {
	Jobs::submit_job(
		RuntimeOrigin::signed(1),
		workload,
		spec,
		input,
		PRICE * 2,
		class,
		deadline,
		WhenNoWorker::Fail,
	)
}

const GEMM_100: JobSpec = JobSpec::Int8Gemm { m: 100, n: 100, k: 100 };

#[test]
fn submission_holds_the_worst_case_fee_and_assigns_the_worker() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		events();
		assert_ok!(submit_gemm(1, 100, 2 * PRICE));
		// 100³ MACs = 1 IBM; escrow = 1 IBM × the maximum price.
		assert_eq!(escrow_held(1), 2 * PRICE);
		assert_eq!(free(1) + deposit_held(1), ENDOWMENT - 2 * PRICE);
		// The record's deposit: the base and a planck per byte of the record at its largest.
		let record = pallet_jobs::Jobs::<Test>::get(0).unwrap();
		let deposit = JOB_DEPOSIT_BASE + Jobs::record_bytes(&record) as Balance;
		assert_eq!((record.deposit, deposit_held(1)), (deposit, deposit));
		assert_eq!(assigned(0, 0), Some(10));
		assert_eq!(pallet_jobs::Jobs::<Test>::get(0).unwrap().status, JobStatus::Running);
		// 1 IBM at 0.5 IB takes 2 minutes; ×2 slack = 40 blocks of 6 s, +10: due by 1 + 50.
		assert_eq!(
			events(),
			vec![
				Event::JobSubmitted {
					job: 0,
					submitter: 1,
					workload: GEMM,
					class: JobClass::Standard,
					work_units: 1_000_000,
					escrow: 2 * PRICE,
					deposit,
				},
				Event::StageAssigned {
					job: 0,
					stage: 0,
					worker: 10,
					price_per_ibm: PRICE,
					deadline: Some(51),
				},
			]
		);
		assert_eq!(Jobs::assignments_of(&10), vec![(0, 0)]);
	});
}

#[test]
fn bad_specs_are_refused_with_their_reason() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		let seed = || JobInput::Seed([0; 32]);
		let std = JobClass::Standard;
		assert_noop!(submit(GEMM_100, 9, seed(), std, None), Error::<Test>::UnknownWorkload);
		assert_noop!(
			submit(JobSpec::Int8Mlp { model: 0, batch: 1 }, GEMM, seed(), std, None),
			Error::<Test>::SpecMismatch
		);
		for m in [0, 4_097] {
			assert_noop!(
				submit(JobSpec::Int8Gemm { m, n: 1, k: 1 }, GEMM, seed(), std, None),
				Error::<Test>::DimensionOutOfRange
			);
		}
		assert_noop!(
			submit(JobSpec::Int8Gemm { m: 4_096, n: 4_096, k: 4_096 }, GEMM, seed(), std, None),
			Error::<Test>::TooMuchWork
		);
		assert_noop!(
			submit(JobSpec::Int8Mlp { model: 5, batch: 1 }, MLP, seed(), std, None),
			Error::<Test>::UnknownModel
		);
		assert_noop!(
			submit(GEMM_100, GEMM, seed(), JobClass::Pipeline { stages: 2 }, None),
			Error::<Test>::PipelineNeedsModel
		);
		let mlp = JobSpec::Int8Mlp { model: 0, batch: 1 };
		for stages in [1, 4] {
			assert_noop!(
				submit(mlp, MLP, seed(), JobClass::Pipeline { stages }, None),
				Error::<Test>::InvalidStages
			);
		}
		assert_noop!(submit(GEMM_100, GEMM, seed(), std, Some(10)), Error::<Test>::DeadlineTooSoon);
		assert_noop!(
			Jobs::submit_job(
				RuntimeOrigin::signed(1),
				GEMM,
				GEMM_100,
				seed(),
				0,
				std,
				None,
				WhenNoWorker::Fail
			),
			Error::<Test>::ZeroPrice
		);
	});
}

#[test]
fn inputs_are_checked_against_the_workload() {
	ExtBuilder::default().build_and_execute(|| {
		worker_with(10, HALF_IB, PRICE, &[0], false);
		let gemm = JobSpec::Int8Gemm { m: 10, n: 10, k: 10 };
		let inline = |len: usize| JobInput::Inline(BoundedVec::truncate_from(vec![1u8; len]));
		let std = JobClass::Standard;
		assert_noop!(submit(gemm, GEMM, inline(2_049), std, None), Error::<Test>::InputTooLarge);
		// A (10×10) and B (10×10) of i8: 200 bytes.
		assert_noop!(submit(gemm, GEMM, inline(199), std, None), Error::<Test>::InputSizeMismatch);
		assert_ok!(submit(gemm, GEMM, inline(200), std, None));
		let content = JobInput::Content {
			hash: [5; 32],
			uri: BoundedVec::truncate_from(b"http://data/a".to_vec()),
		};
		assert_ok!(submit(gemm, GEMM, content.clone(), std, None));
		let tile = JobSpec::RenderTile {
			width: 16,
			height: 16,
			max_iterations: 64,
			center_re: 0,
			center_im: 0,
			step: 256,
		};
		assert_noop!(submit(tile, RENDER, inline(0), std, None), Error::<Test>::InputNotSupported);
		assert_noop!(submit(tile, RENDER, content, std, None), Error::<Test>::InputNotSupported);
		assert_ok!(submit(tile, RENDER, JobInput::Seed([1; 32]), std, None));
	});
}

#[test]
fn an_escrow_the_submitter_cannot_afford_fails_without_a_trace() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		// 1 IBM at a maximum price above the whole balance.
		assert_noop!(submit_gemm(1, 100, ENDOWMENT + 1), Error::<Test>::CannotAffordEscrow);
		assert_eq!(escrow_held(1), 0);
		assert_eq!(pallet_jobs::NextJobId::<Test>::get(), 0);
	});
}

#[test]
fn a_fee_that_does_not_fit_a_balance_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		// 2 IBM at the largest price: twice what a u64 balance holds.
		assert_noop!(submit_gemm(1, 200, Balance::MAX), Error::<Test>::FeeOverflow);
	});
}

#[test]
fn a_manager_is_recorded_as_the_jobs_gateway() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		assert_ok!(NodeRegistry::register(
			RuntimeOrigin::signed(2),
			NodeRole::Manager,
			hardware(),
			BoundedVec::truncate_from(b"https://gateway".to_vec()),
			PRICE,
			Ib::from_micro(1),
			BoundedVec::new(),
			Availability::default(),
		));
		assert_ok!(submit_gemm(2, 100, PRICE));
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert_eq!(pallet_jobs::Jobs::<Test>::get(0).unwrap().manager, Some(2));
		assert_eq!(pallet_jobs::Jobs::<Test>::get(1).unwrap().manager, None);
	});
}

#[test]
fn unsigned_submissions_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Jobs::submit_job(
				RuntimeOrigin::none(),
				GEMM,
				GEMM_100,
				JobInput::Seed([0; 32]),
				PRICE,
				JobClass::Standard,
				None,
				WhenNoWorker::Fail
			),
			DispatchError::BadOrigin
		);
	});
}
