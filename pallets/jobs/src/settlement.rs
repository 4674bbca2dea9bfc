//! Settlement: accepted stages pay their fee from the escrow to the fee collector and report
//! their IBM for emission; rejected ones fail the job. Also the stand-in verifier, the jobs in
//! flight the registry asks about, and the invariants.

use core::marker::PhantomData;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, Zero};

use crate::{
	pallet::*, BalanceOf, HoldReason, Ibm, JobClass, JobFailure, JobId, JobSettlement, JobStatus,
	ReceiptSubmitted, ReceiptVerifier, RewardEpochs, SettledWork, StageIndex, StageState,
	VerificationPlan, VerifierBusy, WeightInfo, WorkRewards,
};
use cinder_primitives::JobsInFlight;

/// Accepts every receipt `Window` blocks after it is recorded: the stand-in until the
/// verification pallet samples receipts. Nothing is checked, so nothing is ever rejected.
pub struct AcceptAfterWindow<T, Window>(PhantomData<(T, Window)>);
impl<T, Balance, Window> ReceiptVerifier<T::AccountId, Balance, BlockNumberFor<T>>
	for AcceptAfterWindow<T, Window>
where
	T: frame_system::Config,
	Window: Get<BlockNumberFor<T>>,
{
	fn receipt_submitted(
		_: &ReceiptSubmitted<T::AccountId, Balance>,
	) -> Result<VerificationPlan<BlockNumberFor<T>>, VerifierBusy> {
		let now = frame_system::Pallet::<T>::block_number();
		Ok(VerificationPlan::AcceptAt(now.saturating_add(Window::get())))
	}

	fn receipts_weight(_: u32) -> Weight {
		// The acceptance timer it leads to is in `submit_receipts`' own weight.
		Weight::zero()
	}

	/// Nothing is checked, so no bond is too small: the stand-in refuses no worker.
	fn can_deter(_: Balance, _: Balance, _: sp_runtime::Perbill) -> bool {
		true
	}
}

impl<T: Config> Pallet<T> {
	/// Reward multiplier of a class, in percent.
	pub(crate) fn class_multiplier(class: JobClass) -> u32 {
		let params = Self::params();
		match class {
			JobClass::Standard => 100,
			JobClass::Background => params.background_multiplier_percent,
			JobClass::Pipeline { .. } => params.pipeline_multiplier_percent,
		}
	}

	/// Takes the delivered receipt of a running job's stage out of its worker's assignments
	/// (freeing the slot); returns the worker and the delivery.
	fn take_delivery(
		job: &crate::Job<T>,
		job_id: JobId,
		stage_index: StageIndex,
	) -> Result<(T::AccountId, crate::Delivery<BlockNumberFor<T>>), DispatchError> {
		// A running job's verifying stage, or an ended job's receipt still under check.
		ensure!(
			job.status == JobStatus::Running || !job.status.is_open(),
			Error::<T>::NotVerifying
		);
		let stage = job.stages.get(stage_index as usize).ok_or(Error::<T>::NotVerifying)?;
		ensure!(matches!(stage.state, StageState::Running { .. }), Error::<T>::NotVerifying);
		let worker = stage.worker.clone().ok_or(Error::<T>::NotVerifying)?;
		let delivery =
			Self::remove_assignment(&worker, job_id, stage_index, |a| a.delivered.is_some())
				.and_then(|a| a.delivered)
				.ok_or(Error::<T>::NotVerifying)?;
		Ok((worker, delivery))
	}

	/// The verdict on a receipt of a job that ended while it was under check (another stage
	/// failed it): the worker's slot is freed and the receipt kept in the job as the record of
	/// what was delivered; nothing is charged (the escrow went back when the job ended).
	fn conclude_ended(
		mut job: crate::Job<T>,
		job_id: JobId,
		stage_index: StageIndex,
		delivery: crate::Delivery<BlockNumberFor<T>>,
	) {
		if let Some(stage) = job.stages.get_mut(stage_index as usize) {
			stage.receipt.get_or_insert(delivery.receipt);
		}
		Jobs::<T>::insert(job_id, job);
	}

	/// Settles a verifying stage: charges F = IBM × price from the escrow, moves the receipt
	/// from the worker's assignments into the job, reports the work, and completes the job
	/// when it was the last stage. On error, the caller's storage layer undoes what was done.
	pub(crate) fn settle(job_id: JobId, stage_index: StageIndex) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let (worker, delivery) = Self::take_delivery(&job, job_id, stage_index)?;
		if !job.status.is_open() {
			Self::conclude_ended(job, job_id, stage_index, delivery);
			return Ok(());
		}
		let stage = job.stages.get_mut(stage_index as usize).ok_or(Error::<T>::NotVerifying)?;

		let fee = Self::fee(job.ref_units_per_ib_minute, stage.work_units, stage.price_per_ibm)?
			.min(job.escrow);
		let fee = T::Currency::transfer_on_hold(
			&HoldReason::JobEscrow.into(),
			&job.submitter,
			&T::FeeCollector::get(),
			fee,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		)?;
		job.escrow = job.escrow.saturating_sub(fee);
		stage.state = StageState::Settled { fee };
		stage.receipt = Some(delivery.receipt);
		let ibm = Ibm::from_work(stage.work_units, job.ref_units_per_ib_minute).unwrap_or_default();
		T::Rewards::work_settled(&SettledWork {
			job: job_id,
			stage: stage_index,
			worker: worker.clone(),
			submitter: job.submitter.clone(),
			manager: job.manager.clone(),
			ibm,
			class_multiplier_percent: Self::class_multiplier(job.class),
			fee,
			epoch: T::Epochs::current(),
		});
		Self::deposit_event(Event::StageSettled {
			job: job_id,
			stage: stage_index,
			worker,
			ibm,
			fee,
		});

		if job.stages.iter().all(|s| matches!(s.state, StageState::Settled { .. })) {
			let refund = Self::close(job_id, &mut job, JobStatus::Completed);
			Self::deposit_event(Event::JobCompleted { job: job_id, refund });
		}
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// Takes a verifying stage from the worker whose receipt was found wrong, charging nothing
	/// for it, and gives it to another worker. A pipeline stage whose successor already started
	/// from the wrong output cannot be redone alone: the job fails. A failed job keeps the
	/// wrong receipt as evidence.
	pub(crate) fn reject(job_id: JobId, stage_index: StageIndex) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let (worker, delivery) = Self::take_delivery(&job, job_id, stage_index)?;
		Self::deposit_event(Event::StageRejected {
			job: job_id,
			stage: stage_index,
			worker: worker.clone(),
			output_root: delivery.receipt.output_root,
		});
		if !job.status.is_open() {
			Self::conclude_ended(job, job_id, stage_index, delivery);
			return Ok(());
		}
		let successor_started = job
			.stages
			.get(stage_index as usize + 1)
			.is_some_and(|next| next.state != StageState::Waiting);
		if successor_started {
			Self::fail(job_id, &mut job, JobFailure::WrongResult);
		} else {
			let now = frame_system::Pallet::<T>::block_number();
			Self::reassign(job_id, &mut job, stage_index, worker, now, JobFailure::WrongResult);
		}
		if !job.status.is_open() {
			if let Some(stage) = job.stages.get_mut(stage_index as usize) {
				stage.receipt = Some(delivery.receipt);
			}
		}
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// Ends a job whose stage's receipt no serving verifier could check: nothing is charged for
	/// the stage, its worker is neither paid nor penalized, and what is left of the escrow goes
	/// back to the submitter.
	pub(crate) fn void(job_id: JobId, stage_index: StageIndex) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let (worker, delivery) = Self::take_delivery(&job, job_id, stage_index)?;
		Self::deposit_event(Event::StageUnverifiable {
			job: job_id,
			stage: stage_index,
			worker,
			output_root: delivery.receipt.output_root,
		});
		if !job.status.is_open() {
			Self::conclude_ended(job, job_id, stage_index, delivery);
			return Ok(());
		}
		if let Some(stage) = job.stages.get_mut(stage_index as usize) {
			stage.receipt = Some(delivery.receipt);
		}
		Self::fail(job_id, &mut job, JobFailure::Unverifiable);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// Invariants: each submitter's held escrow equals the escrow of its open jobs, and its
	/// held deposit the deposits of its jobs; closed jobs hold no escrow and are due to be
	/// pruned, and every job due to be pruned is closed; completed jobs have every stage settled
	/// and running ones do not; the assignments, the queue and the job records agree.
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame_support::traits::fungible::InspectHold;

		let queue = Queue::<T>::get();
		let mut escrow: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut due = BTreeMap::new();
		for (block, id, ()) in PruneAt::<T>::iter() {
			ensure!(block >= PruneCursor::<T>::get(), "a job due to be pruned behind the cursor");
			ensure!(due.insert(id, block).is_none(), "a job due to be pruned twice");
		}
		for (id, job) in Jobs::<T>::iter() {
			ensure!(
				job.encoded_size() <= Self::record_bytes(&job),
				"a job's record outgrew the bytes its deposit paid for"
			);
			let deposit = deposits.entry(job.submitter.clone()).or_insert_with(Zero::zero);
			*deposit = deposit.saturating_add(job.deposit);
			ensure!(
				job.status.is_open() != due.remove(&id).is_some(),
				"an ended job not due to be pruned, or an open one due"
			);
			let held = escrow.entry(job.submitter.clone()).or_insert_with(Zero::zero);
			let all_settled =
				job.stages.iter().all(|s| matches!(s.state, StageState::Settled { .. }));
			match job.status {
				JobStatus::Queued { until } => {
					ensure!(queue.contains(&id), "queued job missing from the queue");
					ensure!(
						QueueExpiries::<T>::contains_key(Self::expiry_block(until), id),
						"queued job without its expiry"
					);
					ensure!(
						job.stages.iter().all(|s| s.state == StageState::Unassigned),
						"queued job with an assigned stage"
					);
				}
				JobStatus::Running => ensure!(!all_settled, "job both settled and open"),
				JobStatus::Completed => ensure!(all_settled, "completed job with an open stage"),
				_ => {}
			}
			if job.status.is_open() {
				*held = held.saturating_add(job.escrow);
			} else {
				ensure!(job.escrow.is_zero(), "closed job still holds escrow");
			}
			if job.status == JobStatus::Running {
				for (index, stage) in job.stages.iter().enumerate() {
					let open =
						!matches!(stage.state, StageState::Settled { .. } | StageState::Unassigned);
					if let (true, Some(worker)) = (open, &stage.worker) {
						ensure!(
							Assignments::<T>::get(worker)
								.iter()
								.any(|a| a.is(id, index as StageIndex)),
							"open stage missing from its worker's assignments"
						);
					}
				}
			}
		}
		for (_, id, ()) in QueueExpiries::<T>::iter() {
			let queued = Jobs::<T>::get(id)
				.is_some_and(|job| matches!(job.status, JobStatus::Queued { .. }));
			ensure!(queued, "an expiry for a job no longer queued");
		}
		ensure!(due.is_empty(), "a job due to be pruned is gone");
		for (who, amount) in escrow {
			let on_hold = T::Currency::balance_on_hold(&HoldReason::JobEscrow.into(), &who);
			ensure!(on_hold == amount, "held escrow differs from the open jobs' escrow");
		}
		for (who, amount) in deposits {
			let on_hold = T::Currency::balance_on_hold(&HoldReason::JobDeposit.into(), &who);
			ensure!(on_hold == amount, "held deposit differs from the jobs' deposits");
		}
		for (worker, held) in Assignments::<T>::iter() {
			for assignment in held {
				let job = Jobs::<T>::get(assignment.job).ok_or("assignment of an unknown job")?;
				ensure!(
					job.status == JobStatus::Running
						|| (!job.status.is_open() && assignment.delivered.is_some()),
					"assignment of a job not running (other than a receipt awaiting its verdict)"
				);
				let stage = job
					.stages
					.get(assignment.stage as usize)
					.ok_or("assignment of an unknown stage")?;
				ensure!(stage.worker.as_ref() == Some(&worker), "assignment of another worker");
				if assignment.delivered.is_some() {
					ensure!(
						matches!(stage.state, StageState::Running { .. }),
						"a delivered receipt for a stage not running"
					);
				} else if let StageState::Running { deadline } = stage.state {
					// What routing queues the worker's next stages behind.
					ensure!(
						assignment.due == Some(deadline),
						"a running stage's slot does not record its deadline"
					);
				}
			}
		}
		for id in queue {
			let job = Jobs::<T>::get(id).ok_or("queue holds an unknown job")?;
			ensure!(matches!(job.status, JobStatus::Queued { .. }), "queue holds a job not queued");
		}
		Ok(())
	}
}

impl<T: Config> JobSettlement for Pallet<T> {
	type Error = DispatchError;

	fn accept(job: JobId, stage: StageIndex) -> Result<(), DispatchError> {
		Self::settle(job, stage)
	}

	fn reject(job: JobId, stage: StageIndex) -> Result<(), DispatchError> {
		Pallet::<T>::reject(job, stage)
	}

	fn accept_weight() -> Weight {
		T::WeightInfo::fire_acceptance().saturating_add(T::Rewards::work_settled_weight())
	}

	fn reject_weight() -> Weight {
		// A rejection frees the slot and reassigns the stage, as a missed deadline does.
		T::WeightInfo::fire_deadline()
	}

	fn void(job: JobId, stage: StageIndex) -> Result<(), DispatchError> {
		Pallet::<T>::void(job, stage)
	}

	fn void_weight() -> Weight {
		// Freeing the slot and closing the job cost no more than a reassignment does.
		T::WeightInfo::fire_deadline()
	}
}

impl<T: Config> JobsInFlight<T::AccountId> for Pallet<T> {
	fn jobs_in_flight(who: &T::AccountId) -> u32 {
		Self::load(who)
	}
}
