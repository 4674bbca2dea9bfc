//! Timers: deadlines and the ends of challenge windows, kept per block and fired in
//! `on_initialize`. A missed deadline slashes the worker, lowers its reliability and reassigns
//! the stage.

use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, Zero};

use crate::{
	pallet::*, routing::StageRequest, ComputeStake, Job, JobFailure, JobId, JobStatus,
	ReliabilityEvents, StageIndex, StageState, Timer, TimerKind, WeightInfo,
};
use cinder_primitives::{SlashAmount, SlashReason};

/// Blocks after the wanted one a timer may move to when that block's timers are full.
pub const TIMER_SPILL: u32 = 16;

impl<T: Config> Pallet<T> {
	/// Sets a timer at `at` (at the earliest the next block), or at the first of the next
	/// `TIMER_SPILL` blocks with room (at most `MaxDeadlinesPerBlock` deadlines and
	/// `MaxTimersPerBlock` timers in all); returns the block it was set at.
	pub(crate) fn schedule(
		at: BlockNumberFor<T>,
		job: JobId,
		stage: StageIndex,
		kind: TimerKind,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		let timer = Timer { job, stage, kind };
		// This block's timers were taken when it began: a timer due now or earlier fires next.
		let next = frame_system::Pallet::<T>::block_number().saturating_add(1u32.into());
		let at = at.max(next);
		for offset in 0..TIMER_SPILL {
			let block = at.saturating_add(offset.into());
			let set = match kind {
				// Only deadlines have their own cap, so only they need the bucket decoded.
				TimerKind::Deadline => Timers::<T>::try_mutate(block, |timers| {
					let deadlines = timers.iter().filter(|t| t.kind == kind).count();
					if deadlines >= T::MaxDeadlinesPerBlock::get() as usize {
						return Err(());
					}
					timers.try_push(timer).map_err(|_| ())
				}),
				// An acceptance is appended without decoding the bucket: a batch of receipts
				// adds one each to the same bucket, at a cost that does not grow with it.
				TimerKind::Accept => Timers::<T>::try_append(block, timer),
			};
			if set.is_ok() {
				return Ok(block);
			}
		}
		Err(Error::<T>::TimersFull.into())
	}

	/// Fires the timers due at `now`.
	pub(crate) fn fire_timers(now: BlockNumberFor<T>) -> Weight {
		let timers = Timers::<T>::take(now);
		let mut weight = T::DbWeight::get().reads_writes(1, 1);
		for Timer { job, stage, kind } in timers {
			match kind {
				TimerKind::Deadline => {
					Self::deadline_passed(job, stage, now);
					weight.saturating_accrue(T::WeightInfo::fire_deadline());
				}
				TimerKind::Accept => {
					Self::window_ended(job, stage);
					weight.saturating_accrue(T::WeightInfo::fire_acceptance().saturating_add(
						<T::Rewards as crate::WorkRewards<_, _>>::work_settled_weight(),
					));
				}
			}
		}
		weight
	}

	/// Settles a stage whose challenge window ended. Acceptance timers are set only for receipts
	/// with a window, so a stage that is no longer verifying was decided earlier (settled, or its
	/// job failed) and is left alone.
	fn window_ended(job_id: JobId, stage: StageIndex) {
		match frame_support::storage::with_storage_layer(|| Self::settle(job_id, stage)) {
			Ok(()) => {}
			Err(error) if error == Error::<T>::NotVerifying.into() => {}
			Err(error) => {
				log::warn!(target: "runtime::jobs", "settling job {job_id}/{stage} failed: {error:?}")
			}
		}
	}

	/// A stage's deadline passed: if its receipt never came, penalise the worker and give the
	/// stage to another one (or fail the job). If the chain refused its receipt as
	/// `Congested` before the deadline, the worker is not at fault: its deadline moves
	/// `min_deadline_blocks` on, to send the receipt again (it is then checked like any
	/// other), once for each such refusal; with no room for that timer, the stage goes to
	/// another worker with no slash.
	pub(crate) fn deadline_passed(job_id: JobId, stage_index: StageIndex, now: BlockNumberFor<T>) {
		let Some(mut job) = Jobs::<T>::get(job_id) else { return };
		if job.status != JobStatus::Running {
			return;
		}
		let index = stage_index as usize;
		let Some(stage) = job.stages.get_mut(index) else { return };
		let StageState::Running { deadline } = stage.state else { return };
		if deadline >= now {
			return;
		}
		let Some(worker) = stage.worker.clone() else { return };
		let params = Self::params();
		let refused = Assignments::<T>::get(&worker)
			.iter()
			.any(|a| a.is(job_id, stage_index) && a.delivered.is_none() && a.refused);
		if refused {
			// As any deadline: it fires the block after.
			let extended = now.saturating_add(params.min_deadline_blocks);
			let timer = extended.saturating_add(1u32.into());
			if Self::schedule(timer, job_id, stage_index, TimerKind::Deadline).is_ok() {
				Assignments::<T>::mutate(&worker, |held| {
					if let Some(slot) = held.iter_mut().find(|a| a.is(job_id, stage_index)) {
						slot.refused = false;
						slot.due = Some(extended);
					}
				});
				stage.state = StageState::Running { deadline: extended };
				Jobs::<T>::insert(job_id, &job);
				Self::deposit_event(Event::DeadlineExtended {
					job: job_id,
					stage: stage_index,
					worker,
					deadline: extended,
				});
				return;
			}
		}
		// A delivered stage waits for verification; otherwise its slot is freed here.
		let Some(slot) =
			Self::remove_assignment(&worker, job_id, stage_index, |a| a.delivered.is_none())
		else {
			return;
		};
		let slashed = if slot.refused {
			// It delivered in time and the chain turned the receipt away: no fault of its.
			Zero::zero()
		} else {
			T::Reliability::job_delivered(&worker, false);
			T::Stake::slash(
				&worker,
				SlashAmount::Fraction(params.timeout_slash),
				SlashReason::MissedDeadline,
				job_id,
			)
		};
		Self::deposit_event(Event::DeadlineMissed {
			job: job_id,
			stage: stage_index,
			worker: worker.clone(),
			slashed,
		});
		Self::reassign(
			job_id,
			&mut job,
			stage_index,
			worker,
			now,
			JobFailure::TooManyMissedDeadlines,
		);
		Jobs::<T>::insert(job_id, job);
	}

	/// Gives a running stage that `worker` failed (its slot already freed) to another worker,
	/// never one that failed it before; fails the job with `exhausted` once `max_attempts`
	/// workers failed it, or when no worker can take it. The caller writes `job`.
	pub(crate) fn reassign(
		job_id: JobId,
		job: &mut Job<T>,
		stage_index: StageIndex,
		worker: T::AccountId,
		now: BlockNumberFor<T>,
		exhausted: JobFailure,
	) {
		let index = stage_index as usize;
		let params = Self::params();
		let Some(stage) = job.stages.get_mut(index) else { return };
		stage.worker = None;
		let _ = stage.failed_by.try_push(worker);
		stage.state = StageState::Unassigned;
		let failed = stage.failed_by.len() as u32;
		if failed >= params.max_attempts as u32 {
			Self::fail(job_id, job, exhausted);
			return;
		}
		let Some(workload) = Workloads::<T>::get(job.workload) else {
			Self::fail(job_id, job, JobFailure::NoWorkerForReassignment);
			return;
		};
		let mut excluded: Vec<T::AccountId> =
			job.stages.iter().filter_map(|s| s.worker.clone()).collect();
		excluded.extend(job.stages[index].failed_by.iter().cloned());
		let request = StageRequest::<T> {
			job: job_id,
			stage: stage_index,
			pool: Self::pool_of(&job.spec),
			workload: &workload,
			work_units: job.stages[index].work_units,
			class: job.class,
			max_price_per_ibm: job.max_price_per_ibm,
			starts_at: now,
			requested_deadline: job.requested_deadline,
			excluded: &excluded,
		};
		let reassigned =
			Self::route(&request, failed, &params).map_err(DispatchError::from).and_then(|route| {
				frame_support::storage::with_storage_layer(|| {
					Self::give_stage(job_id, stage_index, &mut job.stages[index], route, Some(now))
				})
			});
		if reassigned.is_err() {
			let stage = &mut job.stages[index];
			stage.worker = None;
			stage.price_per_ibm = Zero::zero();
			Self::fail(job_id, job, JobFailure::NoWorkerForReassignment);
		}
	}
}
