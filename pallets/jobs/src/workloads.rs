//! The workload and model registries, parameters, and what a job spec amounts to: its work
//! units, its output size, the input it takes and how a pipeline splits it into stages.

use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::Contains};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Zero, Perbill};

use crate::{
	pallet::*, JobClass, JobInput, JobSpec, JobsParams, LayerShape, Model, ModelDemand, ModelId,
	RewardEpochs, StageIndex, VerificationMethod, Workload, WorkloadId, WorkloadKind,
};

/// What a spec amounts to on a workload.
pub(crate) struct JobShape {
	/// Work units of the whole job.
	pub work_units: u64,
	/// Output bytes of the whole job.
	pub output_len: u64,
	/// The inline input length the spec needs, if it takes input bytes at all.
	pub input_len: Option<u64>,
	/// Per-layer work and output bytes, for MLPs.
	pub layers: Vec<(u64, u64)>,
}

/// One planned stage: its layers, work and output.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct StagePlan {
	pub first_layer: u32,
	pub layers: u32,
	pub work_units: u64,
	pub output_len: u64,
}

impl<T: Config> Pallet<T> {
	/// Parameters used when genesis sets none: 4 slots, twice the time the IB needs plus 10
	/// blocks, 3 attempts, an hour in the queue, ended jobs kept a day, background at half
	/// price and four times the time, pipelines earn 120 %, a missed deadline costs 1 % of the
	/// bond.
	pub fn default_params() -> JobsParams<BlockNumberFor<T>> {
		JobsParams {
			slots_per_worker: 4,
			deadline_slack_percent: 200,
			min_deadline_blocks: 10u32.into(),
			// A day at 6-second blocks.
			max_stage_blocks: 14_400u32.into(),
			max_attempts: 3,
			queue_blocks: 600u32.into(),
			retention: 14_400u32.into(),
			background_price_percent: 50,
			background_deadline_percent: 400,
			background_multiplier_percent: 100,
			pipeline_multiplier_percent: 120,
			timeout_slash: Perbill::from_percent(1),
		}
	}

	/// The parameters in force.
	pub fn params() -> JobsParams<BlockNumberFor<T>> {
		Params::<T>::get().unwrap_or_else(Self::default_params)
	}

	pub(crate) fn params_are_valid(p: &JobsParams<BlockNumberFor<T>>) -> bool {
		(1..=T::MaxJobsPerWorker::get()).contains(&p.slots_per_worker)
			&& (1..=T::MaxAttempts::get()).contains(&(p.max_attempts as u32))
			&& p.deadline_slack_percent >= 100
			&& p.max_stage_blocks > p.min_deadline_blocks
			&& p.background_deadline_percent >= 100
			&& (1..=100).contains(&p.background_price_percent)
			&& !p.queue_blocks.is_zero()
			&& !p.retention.is_zero()
	}

	fn workload_is_valid(w: &Workload) -> bool {
		w.ref_units_per_ib_minute > 0
			&& w.max_work_units > 0
			&& w.max_dimension > 0
			&& w.tile_bytes > 0
			&& w.max_input_bytes <= T::MaxInlineInput::get()
			&& match w.verification {
				VerificationMethod::Freivalds { rounds } => {
					rounds > 0 && w.kind == WorkloadKind::Int8Gemm
				}
				VerificationMethod::TileSampling { tiles } => tiles > 0,
			}
	}

	/// Validates and stores a new workload under the next id.
	pub(crate) fn insert_workload(workload: Workload) -> Result<WorkloadId, DispatchError> {
		ensure!(Self::workload_is_valid(&workload), Error::<T>::InvalidWorkload);
		let id = NextWorkloadId::<T>::get();
		NextWorkloadId::<T>::put(id.checked_add(1).ok_or(Error::<T>::InvalidWorkload)?);
		Workloads::<T>::insert(id, workload);
		Self::deposit_event(Event::WorkloadRegistered { workload: id, kind: workload.kind });
		Ok(id)
	}

	pub(crate) fn do_update_workload(id: WorkloadId, workload: Workload) -> DispatchResult {
		let old = Workloads::<T>::get(id).ok_or(Error::<T>::UnknownWorkload)?;
		ensure!(old.kind == workload.kind, Error::<T>::InvalidWorkload);
		ensure!(Self::workload_is_valid(&workload), Error::<T>::InvalidWorkload);
		Workloads::<T>::insert(id, workload);
		Self::deposit_event(Event::WorkloadUpdated { workload: id, enabled: workload.enabled });
		Ok(())
	}

	fn model_is_valid(model: &Model<T::MaxLayers>) -> bool {
		let layers = &model.layers;
		let chained = layers.windows(2).all(|pair| pair[0].outputs == pair[1].inputs);
		let nonzero = layers.iter().all(|l| l.inputs > 0 && l.outputs > 0);
		let weights: u64 = layers.iter().map(|l| l.inputs as u64 * l.outputs as u64).sum();
		!layers.is_empty() && chained && nonzero && model.size_bytes >= weights
	}

	/// Validates and stores a new model under the next id.
	pub(crate) fn insert_model(model: Model<T::MaxLayers>) -> Result<ModelId, DispatchError> {
		ensure!(Self::model_is_valid(&model), Error::<T>::InvalidModel);
		let id = NextModelId::<T>::get();
		NextModelId::<T>::put(id.checked_add(1).ok_or(Error::<T>::InvalidModel)?);
		let (hash, layers) = (model.hash, model.layers.len() as u32);
		Models::<T>::insert(id, model);
		Self::deposit_event(Event::ModelRegistered { model: id, hash, layers });
		Ok(id)
	}

	/// Number of stages a class asks for (for weights; 1 unless a pipeline).
	pub fn stage_count(class: JobClass) -> u32 {
		match class {
			JobClass::Pipeline { stages } => (stages as u32).clamp(1, T::MaxStages::get()),
			_ => 1,
		}
	}

	/// The work units, output size, input size and pool of `spec` on `workload`.
	pub(crate) fn shape(workload: &Workload, spec: &JobSpec) -> Result<JobShape, DispatchError> {
		let in_range = |d: u32| d > 0 && d <= workload.max_dimension;
		let too_much = || DispatchError::from(Error::<T>::TooMuchWork);
		let shape = match (*spec, workload.kind) {
			(JobSpec::Int8Gemm { m, n, k }, WorkloadKind::Int8Gemm) => {
				ensure!([m, n, k].into_iter().all(in_range), Error::<T>::DimensionOutOfRange);
				let (m, n, k) = (m as u64, n as u64, k as u64);
				JobShape {
					work_units: m
						.checked_mul(n)
						.and_then(|mn| mn.checked_mul(k))
						.ok_or_else(too_much)?,
					output_len: m * n * 4,
					input_len: Some(m * k + k * n),
					layers: Vec::new(),
				}
			}
			(JobSpec::Int8Mlp { model, batch }, WorkloadKind::Int8Mlp) => {
				ensure!(in_range(batch), Error::<T>::DimensionOutOfRange);
				let model_record = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
				let batch = batch as u64;
				let mut layers = Vec::with_capacity(model_record.layers.len());
				let mut work = 0u64;
				for LayerShape { inputs, outputs } in model_record.layers.iter() {
					let layer_work =
						batch.checked_mul(*inputs as u64 * *outputs as u64).ok_or_else(too_much)?;
					work = work.checked_add(layer_work).ok_or_else(too_much)?;
					layers.push((layer_work, batch * *outputs as u64));
				}
				let first = model_record.layers.first().map(|l| l.inputs as u64).unwrap_or(0);
				JobShape {
					work_units: work,
					output_len: layers.last().map(|l| l.1).unwrap_or(0),
					input_len: Some(batch * first),
					layers,
				}
			}
			(
				JobSpec::RenderTile { width, height, max_iterations, .. },
				WorkloadKind::RenderTile,
			) => {
				ensure!(
					[width, height, max_iterations].into_iter().all(in_range),
					Error::<T>::DimensionOutOfRange
				);
				let pixels = width as u64 * height as u64;
				JobShape {
					work_units: pixels.checked_mul(max_iterations as u64).ok_or_else(too_much)?,
					output_len: pixels * 4,
					input_len: None,
					layers: Vec::new(),
				}
			}
			_ => return Err(Error::<T>::SpecMismatch.into()),
		};
		ensure!(shape.work_units <= workload.max_work_units, Error::<T>::TooMuchWork);
		Ok(shape)
	}

	/// Checks the input against the workload's limits and the spec's needs.
	pub(crate) fn check_input(
		workload: &Workload,
		shape: &JobShape,
		input: &JobInput<T::MaxInlineInput, T::MaxUriLen>,
	) -> DispatchResult {
		match (input, shape.input_len) {
			(JobInput::Seed(_), _) => Ok(()),
			(_, None) => Err(Error::<T>::InputNotSupported.into()),
			(JobInput::Inline(bytes), Some(needed)) => {
				ensure!(
					bytes.len() as u64 <= workload.max_input_bytes as u64,
					Error::<T>::InputTooLarge
				);
				ensure!(bytes.len() as u64 == needed, Error::<T>::InputSizeMismatch);
				Ok(())
			}
			(JobInput::Content { .. }, Some(_)) => Ok(()),
		}
	}

	/// Splits a job into stages: one for every class but Pipeline, which cuts the model's
	/// layers into `stages` contiguous ranges of about equal work (each at least one layer).
	pub(crate) fn plan_stages(
		shape: &JobShape,
		class: JobClass,
	) -> Result<Vec<StagePlan>, DispatchError> {
		let JobClass::Pipeline { stages } = class else {
			return Ok(alloc::vec![StagePlan {
				first_layer: 0,
				layers: shape.layers.len() as u32,
				work_units: shape.work_units,
				output_len: shape.output_len,
			}]);
		};
		ensure!(!shape.layers.is_empty(), Error::<T>::PipelineNeedsModel);
		let (count, layers) = (stages as usize, shape.layers.len());
		ensure!(
			count >= 2 && count <= layers && count as u32 <= T::MaxStages::get(),
			Error::<T>::InvalidStages
		);
		let total = shape.work_units as u128;
		let mut plans = Vec::with_capacity(count);
		let (mut start, mut work) = (0usize, 0u64);
		for (index, (layer_work, output)) in shape.layers.iter().enumerate() {
			work = work.saturating_add(*layer_work);
			let closed = plans.len();
			let last_layer = index + 1 == layers;
			let later_stages = count - closed - 1;
			let layers_left = layers - index - 1;
			let target = total * (closed as u128 + 1) / count as u128;
			let cut = last_layer
				|| (later_stages > 0
					&& (layers_left == later_stages
						|| (work as u128 >= target && layers_left >= later_stages)));
			if cut {
				plans.push(StagePlan {
					first_layer: start as u32,
					layers: (index + 1 - start) as u32,
					work_units: shape.layers[start..=index].iter().map(|l| l.0).sum(),
					output_len: *output,
				});
				start = index + 1;
			}
		}
		debug_assert_eq!(plans.len(), count);
		Ok(plans)
	}

	/// Counts a job for its model's demand in the current reward epoch.
	pub(crate) fn count_demand(model: ModelId) {
		let epoch = T::Epochs::current();
		Demand::<T>::mutate(model, |demand| {
			if demand.epoch != epoch {
				let previous =
					if demand.epoch.saturating_add(1) == epoch { demand.jobs } else { 0 };
				*demand = ModelDemand { epoch, jobs: 0, previous_epoch_jobs: previous };
			}
			demand.jobs = demand.jobs.saturating_add(1);
		});
	}

	/// A stage's position as a `StageIndex` (positions are below `MaxStages` ≤ 255).
	pub(crate) fn stage_index(index: usize) -> StageIndex {
		index.min(StageIndex::MAX as usize) as StageIndex
	}
}

impl<T: Config> Contains<ModelId> for Pallet<T> {
	fn contains(model: &ModelId) -> bool {
		Models::<T>::contains_key(model)
	}
}
