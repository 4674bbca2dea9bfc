//! Batched proof-of-work receipts.
//!
//! Each entry of a batch is judged on its own and either recorded or rejected with its reason
//! ([`ReceiptRejection`]); a rejected entry changes nothing (it runs in its own storage layer),
//! and the batch as a whole succeeds. A worker that submits many receipts at once must not lose
//! them all — and the fee of the call — because one job was reassigned a block earlier.
//!
//! A batch costs one write however many entries it has: a recorded receipt goes into the
//! worker's [`Assignments`] record (read once, written once per batch), and the job records are
//! only read. The job record is written only when a receipt starts the next pipeline stage;
//! the receipt moves into it when the stage settles.

use frame_support::{pallet_prelude::*, storage::with_transaction};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Saturating, TransactionOutcome};

use crate::{
	pallet::*, Assignment, Delivery, Receipt, ReceiptBatch, ReceiptEntry, ReceiptRejection,
	ReceiptSubmitted, ReceiptVerifier, ReliabilityEvents, StageState, TimerKind, VerificationPlan,
	WeightInfo,
};

/// What recording one receipt did beyond the common case, for the call's actual weight.
#[derive(Default)]
struct Recorded {
	/// The next pipeline stage started (its deadline was set, its job written).
	stage_started: bool,
	/// The acceptance timer went past a full bucket.
	spilled: bool,
}

impl<T: Config> Pallet<T> {
	/// The weight a batch of `receipts` entries may use: every entry starting a pipeline stage
	/// and the acceptance timers spilling over full buckets.
	pub(crate) fn submit_receipts_weight(receipts: u32) -> Weight {
		T::WeightInfo::submit_receipts(receipts)
			.saturating_add(T::WeightInfo::start_stage().saturating_mul(receipts as u64))
			.saturating_add(T::Verifier::receipts_weight(receipts))
			.saturating_add(T::WeightInfo::timer_spill())
	}

	pub(crate) fn do_submit_receipts(
		who: T::AccountId,
		batch: ReceiptBatch<T>,
	) -> DispatchResultWithPostInfo {
		ensure!(!batch.is_empty(), Error::<T>::EmptyBatch);
		let now = frame_system::Pallet::<T>::block_number();
		let mut weight = T::WeightInfo::submit_receipts(batch.len() as u32);
		// Nothing an entry does touches the sender's own assignments in storage (a pipeline's
		// next stage belongs to another worker), so they are read once and written once.
		let mut held = Assignments::<T>::get(&who);
		let mut changed = false;
		let mut spilled = false;
		let mut handed_over = 0u32;
		for entry in batch {
			let recorded: Result<_, DispatchError> =
				with_transaction(|| match Self::record_receipt(&who, &mut held, &entry, now) {
					Ok(recorded) => TransactionOutcome::Commit(Ok(Ok(recorded))),
					Err(reason) => TransactionOutcome::Rollback(Ok(Err(reason))),
				});
			// `with_transaction` itself fails only past the nesting limit, which one level
			// cannot reach; treat it as congestion all the same.
			match recorded.unwrap_or(Err(ReceiptRejection::Congested)) {
				Ok(recorded) => {
					changed = true;
					handed_over.saturating_inc();
					if recorded.stage_started {
						weight.saturating_accrue(T::WeightInfo::start_stage());
					}
					spilled |= recorded.spilled;
				}
				Err(reason) => {
					// Only a refusal by the verifier got as far as handing the receipt over.
					// The chain, not the worker, failed it: its deadline will not count.
					if reason == ReceiptRejection::Congested {
						handed_over.saturating_inc();
						if let Some(slot) = held.iter_mut().find(|a| {
							a.is(entry.job, entry.stage) && a.delivered.is_none() && !a.refused
						}) {
							slot.refused = true;
							changed = true;
						}
					}
					Self::deposit_event(Event::ReceiptRejected {
						job: entry.job,
						stage: entry.stage,
						worker: who.clone(),
						reason,
					})
				}
			}
		}
		if changed {
			Assignments::<T>::insert(&who, held);
		}
		if spilled {
			weight.saturating_accrue(T::WeightInfo::timer_spill());
		}
		weight.saturating_accrue(T::Verifier::receipts_weight(handed_over));
		Ok(Some(weight).into())
	}

	/// Checks one receipt and records it in `held`, the sender's assignments: the stage goes to
	/// verification, the worker's delivery counts as on time, and the next pipeline stage
	/// starts. `held` changes only when every fallible step has passed, so a rejected entry
	/// leaves it as it was (its storage changes are rolled back by the caller).
	fn record_receipt(
		who: &T::AccountId,
		held: &mut BoundedVec<Assignment<BlockNumberFor<T>>, T::MaxJobsPerWorker>,
		entry: &ReceiptEntry,
		now: BlockNumberFor<T>,
	) -> Result<Recorded, ReceiptRejection> {
		let mut job = Jobs::<T>::get(entry.job).ok_or(ReceiptRejection::UnknownJob)?;
		let index = entry.stage as usize;
		let stage = job.stages.get(index).ok_or(ReceiptRejection::UnknownStage)?;
		ensure!(job.status == crate::JobStatus::Running, ReceiptRejection::JobNotRunning);
		ensure!(stage.worker.as_ref() == Some(who), ReceiptRejection::NotAssigned);
		let deadline = match stage.state {
			StageState::Running { deadline } => deadline,
			StageState::Waiting => return Err(ReceiptRejection::StageOutOfOrder),
			StageState::Verifying { .. } | StageState::Settled { .. } => {
				return Err(ReceiptRejection::Duplicate)
			}
			StageState::Unassigned => return Err(ReceiptRejection::NotAssigned),
		};
		// A running stage is in its worker's assignments (see `do_try_state`).
		let slot = held
			.iter()
			.position(|a| a.is(entry.job, entry.stage))
			.ok_or(ReceiptRejection::NotAssigned)?;
		ensure!(held[slot].delivered.is_none(), ReceiptRejection::Duplicate);
		ensure!(now <= deadline, ReceiptRejection::Late);
		ensure!(entry.output_len == stage.output_len, ReceiptRejection::WrongOutputSize);
		let tiles = entry.output_len.div_ceil((job.tile_bytes as u64).max(1));
		ensure!(entry.tile_count as u64 == tiles, ReceiptRejection::WrongTileCount);

		let value =
			Self::stage_value(job.ref_units_per_ib_minute, stage.work_units, stage.price_per_ibm)
				.map_err(|_| ReceiptRejection::Congested)?;
		let plan = T::Verifier::receipt_submitted(&ReceiptSubmitted {
			job: entry.job,
			stage: entry.stage,
			worker: who.clone(),
			workload: job.workload,
			output_root: entry.output_root,
			tile_count: entry.tile_count,
			value,
			detection: job.verification.detection(),
			sampled: job.verification.samples(),
		})
		.map_err(|_| ReceiptRejection::Congested)?;
		let mut recorded = Recorded::default();
		let accept_at = match plan {
			VerificationPlan::AcceptAt(at) => {
				let set = Self::schedule(at, entry.job, entry.stage, TimerKind::Accept)
					.map_err(|_| ReceiptRejection::Congested)?;
				recorded.spilled = set > at.max(now.saturating_add(1u32.into()));
				Some(set)
			}
			VerificationPlan::Pending => None,
		};
		Self::deposit_event(Event::ReceiptAccepted {
			job: entry.job,
			stage: entry.stage,
			worker: who.clone(),
			output_root: entry.output_root,
			accept_at,
		});
		if let Some(next) = job.stages.get_mut(index + 1) {
			if next.state == StageState::Waiting {
				let next_index = entry.stage.saturating_add(1);
				let deadline = Self::start_stage(entry.job, next_index, next, now)
					.map_err(|_| ReceiptRejection::Congested)?;
				if let Some(worker) = &next.worker {
					Self::set_due(worker, entry.job, next_index, deadline);
				}
				Jobs::<T>::insert(entry.job, job);
				Self::deposit_event(Event::StageStarted {
					job: entry.job,
					stage: next_index,
					deadline,
				});
				recorded.stage_started = true;
			}
		}

		let assignment = held.get_mut(slot).ok_or(ReceiptRejection::NotAssigned)?;
		T::Reliability::job_delivered(who, true);
		assignment.delivered = Some(Delivery {
			receipt: Receipt {
				output_root: entry.output_root,
				output_len: entry.output_len,
				tile_count: entry.tile_count,
				elapsed_ms: entry.elapsed_ms,
				submitted_at: now,
			},
			accept_at,
		});
		Ok(recorded)
	}
}
