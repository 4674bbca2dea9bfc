//! Ended jobs are pruned: each job's record is paid for by a deposit held from its submitter, and
//! `retention` blocks after the job ends ([`JobStatus::is_open`] turns false) `on_idle` removes
//! the record and returns the deposit. So the records in storage are bounded by what their
//! submitters hold, and an ended job stays readable for `retention` blocks for its result to be
//! fetched. A job one of whose receipts still awaits its verdict (it ended while the receipt
//! was under check) is not pruned until the verdict comes, so its verifiers can always read
//! what they recompute: its pruning moves on by another `retention`. After that its result is
//! found from its events (`ReceiptAccepted` carries each stage's output root) and the worker's
//! data server.
//!
//! Pruning is not urgent, so it takes only the block's spare weight: [`PruneAt`] keys ended
//! jobs by the block their retention ends, and [`PruneCursor`] walks those blocks in order,
//! so a backlog left by full blocks is pruned later, in order, and never costs a block more
//! than it has left.

use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{One, Saturating, Zero};

use crate::{pallet::*, BalanceOf, HoldReason, Job, JobId, JobStatus, Stage, WeightInfo};

impl<T: Config> Pallet<T> {
	/// The deposit for a job record of `bytes` encoded bytes.
	pub fn deposit_for(bytes: usize) -> BalanceOf<T> {
		let bytes: BalanceOf<T> = (bytes as u32).into();
		T::JobDepositBase::get().saturating_add(T::JobDepositPerByte::get().saturating_mul(bytes))
	}

	/// The most bytes `job`'s record can take: as submitted, with its status and each stage at
	/// their largest (a receipt and every failed worker recorded).
	pub fn record_bytes(job: &Job<T>) -> usize {
		let variable = job.status.encoded_size()
			+ job.stages.iter().map(|stage| stage.encoded_size()).sum::<usize>();
		let largest = JobStatus::<BlockNumberFor<T>>::max_encoded_len()
			+ job.stages.len() * Stage::<T>::max_encoded_len();
		job.encoded_size().saturating_sub(variable).saturating_add(largest)
	}

	/// The block from which `job`, ending now, is pruned.
	pub(crate) fn prune_block() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number()
			.saturating_add(Self::params().retention)
			.saturating_add(One::one())
	}

	/// Schedules `job`, which just ended, for pruning once its retention is over.
	pub(crate) fn schedule_pruning(job: JobId) {
		PruneAt::<T>::insert(Self::prune_block(), job, ());
	}

	/// Prunes the ended jobs due by `now`, oldest first, with at most `remaining` weight;
	/// returns the weight used.
	pub(crate) fn prune_ended(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		// The cursor, read and written once.
		let mut used = T::DbWeight::get().reads_writes(1, 1);
		let step = T::DbWeight::get().reads(1);
		let per_job = T::WeightInfo::prune_job();
		if remaining.any_lt(used.saturating_add(step)) {
			return Weight::zero();
		}
		let mut cursor = PruneCursor::<T>::get();
		'blocks: while cursor <= now {
			used.saturating_accrue(step);
			// Draining removes an entry only as it is taken.
			let mut due = PruneAt::<T>::drain_prefix(cursor);
			loop {
				if remaining.any_lt(used.saturating_add(per_job).saturating_add(step)) {
					break 'blocks;
				}
				let Some((job, ())) = due.next() else { break };
				Self::prune(job);
				used.saturating_accrue(per_job);
			}
			cursor.saturating_inc();
		}
		PruneCursor::<T>::put(cursor);
		used
	}

	/// Removes ended `job`'s record and returns its deposit; a job with a receipt still under
	/// check is scheduled again, `retention` blocks on. An open job (which is never
	/// scheduled) is left alone.
	pub(crate) fn prune(job_id: JobId) {
		let Some(job) = Jobs::<T>::get(job_id) else { return };
		if job.status.is_open() {
			frame_support::defensive!("an open job was due to be pruned");
			return;
		}
		let awaiting_verdict = job.stages.iter().enumerate().any(|(index, stage)| {
			stage.worker.as_ref().is_some_and(|worker| {
				Assignments::<T>::get(worker)
					.iter()
					.any(|held| held.is(job_id, Self::stage_index(index)))
			})
		});
		if awaiting_verdict {
			Self::schedule_pruning(job_id);
			return;
		}
		Jobs::<T>::remove(job_id);
		let deposit = if job.deposit.is_zero() {
			Zero::zero()
		} else {
			T::Currency::release(
				&HoldReason::JobDeposit.into(),
				&job.submitter,
				job.deposit,
				Precision::BestEffort,
			)
			.unwrap_or_else(|_| {
				frame_support::defensive!("a job's deposit was not held");
				Zero::zero()
			})
		};
		Self::deposit_event(Event::JobPruned { job: job_id, submitter: job.submitter, deposit });
	}
}
