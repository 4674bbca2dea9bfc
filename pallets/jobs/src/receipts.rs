//! Batched proof-of-work receipts.
//!
//! Each entry of a batch is judged on its own and either recorded or rejected with its reason
//! ([`ReceiptRejection`]); a rejected entry changes nothing (it runs in its own storage layer),
//! and the batch as a whole succeeds. A worker that submits many receipts at once must not lose
//! them all — and the fee of the call — because one job was reassigned a block earlier.

use frame_support::{pallet_prelude::*, storage::with_transaction};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::TransactionOutcome;

use crate::{
	pallet::*, Receipt, ReceiptBatch, ReceiptEntry, ReceiptRejection, ReceiptSubmitted,
	ReceiptVerifier, ReliabilityEvents, StageState, TimerKind, VerificationPlan,
};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_submit_receipts(who: T::AccountId, batch: ReceiptBatch<T>) -> DispatchResult {
		ensure!(!batch.is_empty(), Error::<T>::EmptyBatch);
		let now = frame_system::Pallet::<T>::block_number();
		for entry in batch {
			let recorded: Result<_, DispatchError> =
				with_transaction(|| match Self::record_receipt(&who, &entry, now) {
					Ok(()) => TransactionOutcome::Commit(Ok(Ok(()))),
					Err(reason) => TransactionOutcome::Rollback(Ok(Err(reason))),
				});
			// `with_transaction` itself fails only past the nesting limit, which one level
			// cannot reach; treat it as congestion all the same.
			let outcome = recorded.unwrap_or(Err(ReceiptRejection::Congested));
			if let Err(reason) = outcome {
				Self::deposit_event(Event::ReceiptRejected {
					job: entry.job,
					stage: entry.stage,
					worker: who.clone(),
					reason,
				});
			}
		}
		Ok(())
	}

	/// Checks one receipt and records it: the stage goes to verification, the worker's delivery
	/// counts as on time, and the next pipeline stage starts.
	fn record_receipt(
		who: &T::AccountId,
		entry: &ReceiptEntry,
		now: BlockNumberFor<T>,
	) -> Result<(), ReceiptRejection> {
		let mut job = Jobs::<T>::get(entry.job).ok_or(ReceiptRejection::UnknownJob)?;
		let index = entry.stage as usize;
		let stage = job.stages.get(index).ok_or(ReceiptRejection::UnknownStage)?;
		ensure!(job.status == crate::JobStatus::Running, ReceiptRejection::JobNotRunning);
		ensure!(stage.worker.as_ref() == Some(who), ReceiptRejection::NotAssigned);
		match stage.state {
			StageState::Running { deadline } => ensure!(now <= deadline, ReceiptRejection::Late),
			StageState::Waiting => return Err(ReceiptRejection::StageOutOfOrder),
			StageState::Verifying { .. } | StageState::Settled { .. } => {
				return Err(ReceiptRejection::Duplicate)
			}
			StageState::Unassigned => return Err(ReceiptRejection::NotAssigned),
		}
		ensure!(entry.output_len == stage.output_len, ReceiptRejection::WrongOutputSize);
		let tile_bytes = Workloads::<T>::get(job.workload)
			.map(|w| w.tile_bytes as u64)
			.ok_or(ReceiptRejection::UnknownJob)?;
		let tiles = entry.output_len.div_ceil(tile_bytes.max(1));
		ensure!(entry.tile_count as u64 == tiles, ReceiptRejection::WrongTileCount);

		let plan = T::Verifier::receipt_submitted(&ReceiptSubmitted {
			job: entry.job,
			stage: entry.stage,
			worker: who.clone(),
			workload: job.workload,
			output_root: entry.output_root,
			tile_count: entry.tile_count,
		});
		let accept_at = match plan {
			VerificationPlan::AcceptAt(at) => Some(
				Self::schedule(at, entry.job, entry.stage, TimerKind::Accept)
					.map_err(|_| ReceiptRejection::Congested)?,
			),
			VerificationPlan::Pending => None,
		};
		let stage = &mut job.stages[index];
		stage.receipt = Some(Receipt {
			output_root: entry.output_root,
			output_len: entry.output_len,
			tile_count: entry.tile_count,
			elapsed_ms: entry.elapsed_ms,
			submitted_at: now,
		});
		stage.state = StageState::Verifying { accept_at };
		T::Reliability::job_delivered(who, true);
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
				Self::deposit_event(Event::StageStarted {
					job: entry.job,
					stage: next_index,
					deadline,
				});
			}
		}
		Jobs::<T>::insert(entry.job, job);
		Ok(())
	}
}
