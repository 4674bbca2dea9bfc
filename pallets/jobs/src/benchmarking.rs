//! Benchmarks of every call and hook, in their worst case; run as tests with
//! `cargo test -p pallet-jobs --features runtime-benchmarks`.
//!
//! Worst cases: routing draws from a model's pool of `MaxRouteDraws` eligible workers; a pipeline has
//! `MaxStages` stages over a model of `MaxLayers` layers; a receipt batch has
//! `MaxReceiptsPerCall` entries for one worker.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, Get},
	weights::Weight,
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_runtime::traits::{Bounded, Saturating};

use crate::*;

/// What the benchmarks need from the runtime.
pub trait BenchmarkHelper<AccountId> {
	/// Makes `who` an eligible worker (registered, IB confirmed, bonded) hosting `models`, with
	/// a price of at most 10⁹ planck per IBM.
	fn eligible_worker(who: &AccountId, models: &[ModelId], background: bool);
}

const MAX_PRICE: u32 = 1_000_000_000;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let plenty = BalanceOf::<T>::max_value() / 1_000_000u32.into();
	let _ = T::Currency::set_balance(&who, plenty);
	who
}

fn mlp_workload() -> Workload {
	Workload {
		kind: WorkloadKind::Int8Mlp,
		kernel_hash: [1; 32],
		verification: VerificationMethod::TileSampling { tiles: 16 },
		ref_units_per_ib_minute: 1_000,
		max_work_units: u64::MAX,
		max_dimension: u32::MAX,
		max_input_bytes: 0,
		tile_bytes: 64,
		enabled: true,
	}
}

/// A model of `layers` small layers.
fn model<T: Config>(layers: u32) -> Model<T::MaxLayers> {
	Model {
		hash: [layers as u8; 32],
		size_bytes: u32::MAX as u64,
		layers: BoundedVec::truncate_from(
			(0..layers).map(|_| LayerShape { inputs: 4, outputs: 4 }).collect(),
		),
		weights: ModelWeights::Seeded([7; 32]),
	}
}

/// An MLP workload, a model of `MaxLayers` layers and `MaxRouteDraws` eligible hosts.
fn market<T: Config>() -> (WorkloadId, ModelId, Vec<T::AccountId>) {
	let workload = Pallet::<T>::insert_workload(mlp_workload()).expect("valid workload");
	let model = Pallet::<T>::insert_model(model::<T>(T::MaxLayers::get())).expect("valid model");
	let workers = (0..T::MaxRouteDraws::get())
		.map(|i| {
			let who: T::AccountId = account("worker", i, 0);
			T::BenchmarkHelper::eligible_worker(&who, &[model], false);
			who
		})
		.collect();
	(workload, model, workers)
}

fn class(stages: u32) -> JobClass {
	if stages > 1 {
		JobClass::Pipeline { stages: stages as StageIndex }
	} else {
		JobClass::Standard
	}
}

fn submit<T: Config>(
	who: &T::AccountId,
	workload: WorkloadId,
	model: ModelId,
	stages: u32,
	when: WhenNoWorker,
) -> JobId {
	Pallet::<T>::do_submit_job(
		who.clone(),
		workload,
		JobSpec::Int8Mlp { model, batch: 1 },
		JobInput::Seed([0; 32]),
		MAX_PRICE.into(),
		class(stages),
		None,
		when,
	)
	.expect("the job is accepted")
}

fn all_slots<T: Config>() {
	let mut params = Pallet::<T>::params();
	params.slots_per_worker = T::MaxJobsPerWorker::get();
	Params::<T>::put(params);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_workload() {
		#[extrinsic_call]
		_(RawOrigin::Root, mlp_workload());

		assert!(Workloads::<T>::contains_key(NextWorkloadId::<T>::get() - 1));
	}

	#[benchmark]
	fn update_workload() {
		let id = Pallet::<T>::insert_workload(mlp_workload()).expect("valid workload");
		let disabled = Workload { enabled: false, ..mlp_workload() };

		#[extrinsic_call]
		_(RawOrigin::Root, id, disabled);

		assert_eq!(Workloads::<T>::get(id), Some(disabled));
	}

	#[benchmark]
	fn register_model(l: Linear<1, { T::MaxLayers::get() }>) {
		#[extrinsic_call]
		_(RawOrigin::Root, model::<T>(l));

		assert!(Models::<T>::contains_key(NextModelId::<T>::get() - 1));
	}

	// Worst case: `s` stages routed over a full scan window each.
	#[benchmark]
	fn submit_job(s: Linear<1, { T::MaxStages::get().min(T::MaxLayers::get()) }>) {
		let (workload, model, _) = market::<T>();
		let caller = funded::<T>("submitter", 0);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller),
			workload,
			JobSpec::Int8Mlp { model, batch: 1 },
			JobInput::Seed([0; 32]),
			MAX_PRICE.into(),
			class(s),
			None,
			WhenNoWorker::Fail,
		);

		let job = Jobs::<T>::get(NextJobId::<T>::get() - 1).expect("submitted");
		assert_eq!(job.status, JobStatus::Running);
	}

	#[benchmark]
	fn cancel_job() {
		let workload = Pallet::<T>::insert_workload(mlp_workload()).expect("valid workload");
		let model = Pallet::<T>::insert_model(model::<T>(T::MaxLayers::get())).expect("model");
		let caller = funded::<T>("submitter", 0);
		let job = submit::<T>(&caller, workload, model, 1, WhenNoWorker::Queue);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), job);

		assert_eq!(Jobs::<T>::get(job).map(|j| j.status), Some(JobStatus::Cancelled));
	}

	// One queued job whose time is up, failed and refunded in `on_initialize`.
	#[benchmark]
	fn expire_queued_job() {
		let workload = Pallet::<T>::insert_workload(mlp_workload()).expect("valid workload");
		let model = Pallet::<T>::insert_model(model::<T>(T::MaxLayers::get())).expect("model");
		let caller = funded::<T>("submitter", 0);
		let job = submit::<T>(&caller, workload, model, 1, WhenNoWorker::Queue);
		let Some(JobStatus::Queued { until }) = Jobs::<T>::get(job).map(|j| j.status) else {
			panic!("the job is queued")
		};
		let at = Pallet::<T>::expiry_block(until);

		#[block]
		{
			Pallet::<T>::expire_queued(at);
		}

		assert_eq!(
			Jobs::<T>::get(job).map(|j| j.status),
			Some(JobStatus::Failed(JobFailure::QueueExpired))
		);
	}

	// One ended job pruned in `on_idle`: its record removed and its deposit returned.
	#[benchmark]
	fn prune_job() {
		let workload = Pallet::<T>::insert_workload(mlp_workload()).expect("valid workload");
		let model = Pallet::<T>::insert_model(model::<T>(T::MaxLayers::get())).expect("model");
		let caller = funded::<T>("submitter", 0);
		let job = submit::<T>(&caller, workload, model, 1, WhenNoWorker::Queue);
		Pallet::<T>::cancel_job(RawOrigin::Signed(caller.clone()).into(), job).expect("queued");
		let at = Pallet::<T>::prune_block();
		PruneCursor::<T>::put(at);

		#[block]
		{
			Pallet::<T>::prune_ended(at, Weight::MAX);
		}

		assert!(Jobs::<T>::get(job).is_none());
	}

	// Worst case: `n` receipts of one worker, each recorded and scheduled.
	#[benchmark]
	fn submit_receipts(n: Linear<1, { T::MaxReceiptsPerCall::get() }>) {
		let workload = Pallet::<T>::insert_workload(mlp_workload()).expect("valid workload");
		let model = Pallet::<T>::insert_model(model::<T>(1)).expect("valid model");
		let worker: T::AccountId = account("worker", 0, 0);
		T::BenchmarkHelper::eligible_worker(&worker, &[model], false);
		all_slots::<T>();
		let caller = funded::<T>("submitter", 0);
		let receipts: Vec<ReceiptEntry> = (0..n)
			.map(|_| {
				let job = submit::<T>(&caller, workload, model, 1, WhenNoWorker::Fail);
				let output_len = Jobs::<T>::get(job).expect("submitted").stages[0].output_len;
				ReceiptEntry {
					job,
					stage: 0,
					output_root: [9; 32],
					output_len,
					tile_count: output_len.div_ceil(64) as u32,
					elapsed_ms: 1,
				}
			})
			.collect();
		let first = receipts[0].job;

		#[extrinsic_call]
		_(RawOrigin::Signed(worker), BoundedVec::truncate_from(receipts));

		let stage = &Pallet::<T>::job(first).expect("submitted").stages[0];
		assert!(matches!(stage.state, StageState::Verifying { .. }));
	}

	#[benchmark]
	fn set_params() {
		let params = JobsParams { slots_per_worker: 1, ..Pallet::<T>::default_params() };

		#[extrinsic_call]
		_(RawOrigin::Root, params);

		assert_eq!(Pallet::<T>::params(), params);
	}

	// Worst case: the slash, then a full scan to reassign.
	#[benchmark]
	fn fire_deadline() {
		let (workload, model, _) = market::<T>();
		let caller = funded::<T>("submitter", 0);
		let job = submit::<T>(&caller, workload, model, 1, WhenNoWorker::Fail);
		let late = Jobs::<T>::get(job).and_then(|j| j.stages[0].worker.clone()).expect("routed");
		let StageState::Running { deadline } = Jobs::<T>::get(job).expect("job").stages[0].state
		else {
			panic!("the stage runs")
		};
		let now = deadline.saturating_add(1u32.into());
		frame_system::Pallet::<T>::set_block_number(now);

		#[block]
		{
			Pallet::<T>::deadline_passed(job, 0, now);
		}

		let worker = Jobs::<T>::get(job).and_then(|j| j.stages[0].worker.clone());
		assert!(worker.is_some() && worker != Some(late), "reassigned");
	}

	// Worst case: the last stage settles, completing the job and refunding the escrow.
	#[benchmark]
	fn fire_acceptance() {
		let workload = Pallet::<T>::insert_workload(mlp_workload()).expect("valid workload");
		let model = Pallet::<T>::insert_model(model::<T>(1)).expect("valid model");
		let worker: T::AccountId = account("worker", 0, 0);
		T::BenchmarkHelper::eligible_worker(&worker, &[model], false);
		let caller = funded::<T>("submitter", 0);
		let job = submit::<T>(&caller, workload, model, 1, WhenNoWorker::Fail);
		let output_len = Jobs::<T>::get(job).expect("submitted").stages[0].output_len;
		let entry = ReceiptEntry {
			job,
			stage: 0,
			output_root: [9; 32],
			output_len,
			tile_count: output_len.div_ceil(64) as u32,
			elapsed_ms: 1,
		};
		Pallet::<T>::do_submit_receipts(worker, BoundedVec::truncate_from(alloc::vec![entry]))
			.expect("recorded");

		#[block]
		{
			Pallet::<T>::settle(job, 0).expect("settles");
		}

		assert_eq!(Jobs::<T>::get(job).map(|j| j.status), Some(JobStatus::Completed));
	}

	// Worst case: a queued pipeline of the most stages finds its workers.
	#[benchmark]
	fn retry_queued_job() {
		let workload = Pallet::<T>::insert_workload(mlp_workload()).expect("valid workload");
		let model = Pallet::<T>::insert_model(model::<T>(T::MaxLayers::get())).expect("model");
		let caller = funded::<T>("submitter", 0);
		let stages = T::MaxStages::get().min(T::MaxLayers::get());
		let job = submit::<T>(&caller, workload, model, stages, WhenNoWorker::Queue);
		for i in 0..T::MaxRouteDraws::get() {
			let who: T::AccountId = account("worker", i, 0);
			T::BenchmarkHelper::eligible_worker(&who, &[model], false);
		}
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::retry_queue(now, Weight::MAX);
		}

		assert_eq!(Jobs::<T>::get(job).map(|j| j.status), Some(JobStatus::Running));
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::tests::ExtBuilder::default().build(),
		crate::tests::Test
	);
}
