//! Submitting, assigning, queueing and cancelling jobs; escrow.

use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, UniqueSaturatedInto, Zero};

use crate::{
	pallet::*,
	routing::{Route, StageRequest},
	BalanceOf, ComputeStake, HoldReason, Job, JobClass, JobFailure, JobId, JobInput, JobSpec,
	JobStatus, Stage, StageState, TimerKind, WeightInfo, WhenNoWorker, WorkerDirectory, WorkerPool,
	Workload, WorkloadId,
};

impl<T: Config> Pallet<T> {
	/// The fee of `work_units` at `price_per_ibm`, `ref_units_per_ib_minute` work units being
	/// one IBM (rounded up).
	pub(crate) fn fee(
		ref_units_per_ib_minute: u64,
		work_units: u64,
		price_per_ibm: BalanceOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		let price: u128 = price_per_ibm.unique_saturated_into();
		let fee = cinder_primitives::fee_for_work(work_units, ref_units_per_ib_minute, price)
			.ok_or(Error::<T>::FeeOverflow)?;
		Ok(BalanceOf::<T>::try_from(fee).map_err(|_| Error::<T>::FeeOverflow)?)
	}

	/// The most faking `work_units` of work could save a worker asking `price_per_ibm`: their
	/// IBM at that price, or at the stake's collateral floor price when that is more (a worker
	/// pricing below cost saves the cost of the work, not its fee).
	pub(crate) fn stage_value(
		ref_units_per_ib_minute: u64,
		work_units: u64,
		price_per_ibm: BalanceOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		let price = price_per_ibm.max(T::Stake::floor_price_per_ibm());
		Self::fee(ref_units_per_ib_minute, work_units, price)
	}

	/// The routing pool of a spec: the model's hosts for MLPs, every worker otherwise.
	pub(crate) fn pool_of(spec: &JobSpec) -> WorkerPool {
		match spec {
			JobSpec::Int8Mlp { model, .. } => WorkerPool::Hosts(*model),
			_ => WorkerPool::AllWorkers,
		}
	}

	/// Routing requests for every stage of `job`.
	fn requests<'a>(
		job_id: JobId,
		job: &Job<T>,
		workload: &'a Workload,
		now: BlockNumberFor<T>,
	) -> Vec<StageRequest<'a, T>> {
		job.stages
			.iter()
			.enumerate()
			.map(|(index, stage)| StageRequest {
				job: job_id,
				stage: Self::stage_index(index),
				pool: Self::pool_of(&job.spec),
				workload,
				work_units: stage.work_units,
				class: job.class,
				max_price_per_ibm: job.max_price_per_ibm,
				starts_at: now,
				requested_deadline: job.requested_deadline,
				excluded: &[],
			})
			.collect()
	}

	#[allow(clippy::too_many_arguments)]
	pub(crate) fn do_submit_job(
		who: T::AccountId,
		workload_id: WorkloadId,
		spec: JobSpec,
		input: JobInput<T::MaxInlineInput, T::MaxUriLen>,
		max_price_per_ibm: BalanceOf<T>,
		class: JobClass,
		deadline: Option<BlockNumberFor<T>>,
		when_no_worker: WhenNoWorker,
	) -> Result<JobId, DispatchError> {
		let workload = Workloads::<T>::get(workload_id).ok_or(Error::<T>::UnknownWorkload)?;
		ensure!(workload.enabled, Error::<T>::WorkloadDisabled);
		ensure!(!max_price_per_ibm.is_zero(), Error::<T>::ZeroPrice);
		let shape = Self::shape(&workload, &spec)?;
		Self::check_input(&workload, &shape, &input)?;
		let plans = Self::plan_stages(&shape, class)?;
		let params = Self::params();
		let now = frame_system::Pallet::<T>::block_number();
		if let Some(deadline) = deadline {
			ensure!(
				deadline >= now.saturating_add(params.min_deadline_blocks),
				Error::<T>::DeadlineTooSoon
			);
		}
		let escrow =
			Self::fee(workload.ref_units_per_ib_minute, shape.work_units, max_price_per_ibm)?;

		let job_id = NextJobId::<T>::get();
		let stages: Vec<Stage<T>> = plans
			.iter()
			.map(|plan| Stage {
				first_layer: plan.first_layer,
				layers: plan.layers,
				work_units: plan.work_units,
				output_len: plan.output_len,
				worker: None,
				price_per_ibm: Zero::zero(),
				time_blocks: Zero::zero(),
				state: StageState::Unassigned,
				receipt: None,
				failed_by: BoundedVec::new(),
			})
			.collect();
		let mut job = Job::<T> {
			submitter: who.clone(),
			manager: T::Workers::is_manager(&who).then(|| who.clone()),
			workload: workload_id,
			spec,
			input,
			class,
			max_price_per_ibm,
			escrow,
			deposit: Zero::zero(),
			work_units: shape.work_units,
			ref_units_per_ib_minute: workload.ref_units_per_ib_minute,
			tile_bytes: workload.tile_bytes,
			verification: workload.verification,
			requested_deadline: deadline,
			submitted_at: now,
			status: JobStatus::Running,
			stages: BoundedVec::try_from(stages).map_err(|_| Error::<T>::InvalidStages)?,
		};

		// The record's size does not depend on the deposit's value (a fixed-width balance).
		job.deposit = Self::deposit_for(Self::record_bytes(&job));

		let routed = Self::route_all(&Self::requests(job_id, &job, &workload, now), now, &params);
		T::Currency::hold(&HoldReason::JobEscrow.into(), &who, escrow)
			.map_err(|_| Error::<T>::CannotAffordEscrow)?;
		if !job.deposit.is_zero() {
			T::Currency::hold(&HoldReason::JobDeposit.into(), &who, job.deposit)
				.map_err(|_| Error::<T>::CannotAffordDeposit)?;
		}
		NextJobId::<T>::put(job_id.checked_add(1).ok_or(Error::<T>::UnknownJob)?);
		Self::deposit_event(Event::JobSubmitted {
			job: job_id,
			submitter: who,
			workload: workload_id,
			class,
			work_units: shape.work_units,
			escrow,
			deposit: job.deposit,
		});
		match routed {
			Ok(routes) => Self::assign(job_id, &mut job, routes, now)?,
			Err(reason) => match when_no_worker {
				WhenNoWorker::Fail => return Err(reason.into()),
				WhenNoWorker::Queue => {
					// A far deadline does not keep a job queued beyond `queue_blocks`.
					let longest = now.saturating_add(params.queue_blocks);
					let until = deadline.map_or(longest, |deadline| deadline.min(longest));
					Queue::<T>::try_mutate(|queue| queue.try_push(job_id))
						.map_err(|_| Error::<T>::QueueFull)?;
					// Expiry has its own schedule, so it happens whether or not blocks leave
					// room to retry the queue.
					QueueExpiries::<T>::insert(Self::expiry_block(until), job_id, ());
					job.status = JobStatus::Queued { until };
					Self::deposit_event(Event::JobQueued { job: job_id, until });
				}
			},
		}
		if let JobSpec::Int8Mlp { model, .. } = spec {
			Self::count_demand(model);
		}
		Jobs::<T>::insert(job_id, job);
		Ok(job_id)
	}

	/// Gives each stage its worker; the first stage starts now, later pipeline stages wait for
	/// their input.
	pub(crate) fn assign(
		job_id: JobId,
		job: &mut Job<T>,
		routes: Vec<Route<T>>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		for (index, route) in routes.into_iter().enumerate() {
			let stage = job.stages.get_mut(index).ok_or(Error::<T>::InvalidStages)?;
			let start = (index == 0).then_some(now);
			Self::give_stage(job_id, Self::stage_index(index), stage, route, start)?;
		}
		job.status = JobStatus::Running;
		Ok(())
	}

	/// Gives a stage to `route`'s worker: takes one of its slots, records the price and time it
	/// gets, starts the clock at `start` (or leaves the stage waiting for its input) and emits
	/// `StageAssigned`.
	pub(crate) fn give_stage(
		job_id: JobId,
		stage_index: crate::StageIndex,
		stage: &mut Stage<T>,
		route: Route<T>,
		start: Option<BlockNumberFor<T>>,
	) -> DispatchResult {
		// The slot records when its receipt is due, if its clock starts now (`start_stage`'s
		// deadline), in the one write that takes it.
		let due = start.map(|now| now.saturating_add(route.blocks));
		let slot = crate::Assignment { due, ..crate::Assignment::new(job_id, stage_index) };
		Assignments::<T>::try_mutate(&route.worker, |held| held.try_push(slot))
			.map_err(|_| Error::<T>::NoEligibleWorker)?;
		stage.worker = Some(route.worker.clone());
		stage.price_per_ibm = route.price_per_ibm;
		stage.time_blocks = route.blocks;
		let deadline = match start {
			Some(now) => Some(Self::start_stage(job_id, stage_index, stage, now)?),
			None => {
				stage.state = StageState::Waiting;
				None
			}
		};
		Self::deposit_event(Event::StageAssigned {
			job: job_id,
			stage: stage_index,
			worker: route.worker,
			price_per_ibm: route.price_per_ibm,
			deadline,
		});
		Ok(())
	}

	/// Starts a stage's clock: it runs until `now + time_blocks`, and a deadline timer fires the
	/// block after.
	pub(crate) fn start_stage(
		job_id: JobId,
		stage_index: crate::StageIndex,
		stage: &mut Stage<T>,
		now: BlockNumberFor<T>,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		let deadline = now.saturating_add(stage.time_blocks);
		Self::schedule(
			deadline.saturating_add(1u32.into()),
			job_id,
			stage_index,
			TimerKind::Deadline,
		)?;
		stage.state = StageState::Running { deadline };
		Ok(deadline)
	}

	/// Records when `worker`'s receipt for `(job, stage)`, a stage already held whose clock
	/// starts now (a pipeline stage whose input came), is due.
	pub(crate) fn set_due(
		worker: &T::AccountId,
		job: JobId,
		stage: crate::StageIndex,
		deadline: BlockNumberFor<T>,
	) {
		Assignments::<T>::mutate(worker, |held| {
			if let Some(slot) = held.iter_mut().find(|slot| slot.is(job, stage)) {
				slot.due = Some(deadline);
			}
		});
	}

	pub(crate) fn do_cancel_job(who: T::AccountId, job_id: JobId) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.submitter == who, Error::<T>::NotSubmitter);
		let JobStatus::Queued { until } = job.status else {
			return Err(Error::<T>::NotQueued.into());
		};
		Queue::<T>::mutate(|queue| queue.retain(|queued| *queued != job_id));
		QueueExpiries::<T>::remove(Self::expiry_block(until), job_id);
		let refund = Self::close(job_id, &mut job, JobStatus::Cancelled);
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::JobCancelled { job: job_id, refund });
		Ok(())
	}

	/// Ends an open job: releases what is left of its escrow, frees its workers' slots and sets
	/// `status`. Returns the refund. A delivered receipt whose verdict is still to come keeps
	/// its slot until the verdict comes ([`JobSettlement`](crate::JobSettlement) on an ended
	/// job): its worker can still be slashed for it, so its bond stays (no withdrawal, no
	/// deregistration) and the job's record stays for its verifiers (no pruning).
	pub(crate) fn close(
		job_id: JobId,
		job: &mut Job<T>,
		status: JobStatus<BlockNumberFor<T>>,
	) -> BalanceOf<T> {
		let refund = T::Currency::release(
			&HoldReason::JobEscrow.into(),
			&job.submitter,
			job.escrow,
			Precision::BestEffort,
		)
		.unwrap_or_else(|_| Zero::zero());
		job.escrow = Zero::zero();
		for (index, stage) in job.stages.iter().enumerate() {
			if matches!(stage.state, StageState::Settled { .. }) {
				continue;
			}
			if let Some(worker) = &stage.worker {
				Self::remove_assignment(worker, job_id, Self::stage_index(index), |held| {
					held.delivered.is_none()
				});
			}
		}
		job.status = status;
		Self::schedule_pruning(job_id);
		refund
	}

	/// Removes `(job, stage)` from `worker`'s assignments if `which` holds for it, and returns
	/// it; one read and one write of the worker's record.
	pub(crate) fn remove_assignment(
		worker: &T::AccountId,
		job_id: JobId,
		stage: crate::StageIndex,
		which: impl Fn(&crate::Assignment<BlockNumberFor<T>>) -> bool,
	) -> Option<crate::Assignment<BlockNumberFor<T>>> {
		Assignments::<T>::mutate_exists(worker, |held| {
			let list = held.as_mut()?;
			let position = list.iter().position(|a| a.is(job_id, stage) && which(a))?;
			let removed = list.remove(position);
			if list.is_empty() {
				*held = None;
			}
			Some(removed)
		})
	}

	/// Fails an open job for `reason`, refunding what is left of its escrow.
	pub(crate) fn fail(job_id: JobId, job: &mut Job<T>, reason: JobFailure) {
		let refund = Self::close(job_id, job, JobStatus::Failed(reason));
		Self::deposit_event(Event::JobFailed { job: job_id, reason, refund });
	}

	/// The block a job queued `until` expires at.
	pub(crate) fn expiry_block(until: BlockNumberFor<T>) -> BlockNumberFor<T> {
		until.saturating_add(1u32.into())
	}

	/// Fails the queued jobs whose time is up at `now`, refunding them; returns the weight used.
	pub(crate) fn expire_queued(now: BlockNumberFor<T>) -> Weight {
		let mut weight = T::DbWeight::get().reads(1);
		for (job_id, ()) in QueueExpiries::<T>::drain_prefix(now) {
			weight.saturating_accrue(T::WeightInfo::expire_queued_job());
			let Some(mut job) = Jobs::<T>::get(job_id) else { continue };
			if !matches!(job.status, JobStatus::Queued { .. }) {
				continue;
			}
			Queue::<T>::mutate(|queue| queue.retain(|queued| *queued != job_id));
			Self::fail(job_id, &mut job, JobFailure::QueueExpired);
			Jobs::<T>::insert(job_id, job);
		}
		weight
	}

	/// Retries queued jobs from the front, while the block has room and at most
	/// `MaxQueueRetriesPerBlock` of them; a job that still finds no worker goes to the back, so
	/// every queued job is tried within `len / MaxQueueRetriesPerBlock` blocks however many
	/// unroutable jobs are ahead of it. (Expiry has its own schedule, [`QueueExpiries`].)
	pub(crate) fn retry_queue(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		let per_job = T::WeightInfo::retry_queued_job();
		let mut used = T::DbWeight::get().reads_writes(1, 1);
		if remaining.any_lt(used) {
			return Weight::zero();
		}
		let queue = Queue::<T>::get();
		if queue.is_empty() {
			return T::DbWeight::get().reads(1);
		}
		let params = Self::params();
		let mut kept = Vec::with_capacity(queue.len());
		let mut tried_again = Vec::new();
		let mut tries = 0u32;
		for job_id in queue {
			if tries >= T::MaxQueueRetriesPerBlock::get()
				|| remaining.any_lt(used.saturating_add(per_job))
			{
				kept.push(job_id);
				continue;
			}
			tries += 1;
			used = used.saturating_add(per_job);
			let Some(mut job) = Jobs::<T>::get(job_id) else { continue };
			// A job whose time is up was expired by this block's `on_initialize`.
			let JobStatus::Queued { until } = job.status else { continue };
			let Some(workload) = Workloads::<T>::get(job.workload) else {
				kept.push(job_id);
				continue;
			};
			let routed =
				Self::route_all(&Self::requests(job_id, &job, &workload, now), now, &params);
			let assigned = routed.map_err(DispatchError::from).and_then(|routes| {
				frame_support::storage::with_storage_layer(|| {
					Self::assign(job_id, &mut job, routes, now)
				})
			});
			match assigned {
				Ok(()) => {
					QueueExpiries::<T>::remove(Self::expiry_block(until), job_id);
					Jobs::<T>::insert(job_id, job);
				}
				Err(_) => tried_again.push(job_id),
			}
		}
		kept.extend(tried_again);
		Queue::<T>::put(BoundedVec::truncate_from(kept));
		used
	}
}
