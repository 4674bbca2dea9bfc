//! Intake: receipts queue up in inclusion order with their sampling rate, benchmark answers in
//! a bounded queue of their own (always sampled), and each block decides those whose challenge
//! window has ended, with randomness from a block after their inclusion: receipts first, then
//! answers with the decisions the receipts left.

use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Saturating, Perbill, SaturatedConversion};

use crate::{
	pallet::*, sampling, AcceptReason, BalanceOf, BenchmarkOutcomes, BenchmarkProofs, ChallengeId,
	ComputeStake, Coverage, IntakeEntry, JobSettlement, ProofCheck, ReceiptVerifier, Subject,
	UnverifiableReason, WeightInfo, WorkerDirectory,
};
use cinder_primitives::{ProofPlan, ReceiptSubmitted, VerificationPlan, VerifierBusy};

impl<T: Config> Pallet<T> {
	/// The sampling rate of `worker`'s receipt for a stage whose faking saves at most `value`,
	/// caught with probability `detection` by one check: see [`sampling::sampling_rate`].
	pub fn rate_for(worker: &T::AccountId, value: BalanceOf<T>, detection: Perbill) -> Perbill {
		let params = Self::params();
		let reliability =
			T::Workers::worker(worker).map(|w| w.reliability).unwrap_or_else(Perbill::zero);
		let bond = T::Stake::active_bond(worker);
		sampling::sampling_rate(
			&params,
			reliability,
			value.saturated_into(),
			bond.saturated_into(),
			detection,
		)
	}

	/// Appends a claim to the intake queue; [`VerifierBusy`] when every page is full.
	pub(crate) fn enqueue(entry: crate::IntakeEntryOf<T>) -> Result<(), VerifierBusy> {
		let mut queue = Intake::<T>::get();
		let tail_len = IntakePages::<T>::decode_len(queue.tail).unwrap_or(0);
		if tail_len >= T::IntakePageSize::get() as usize {
			if queue.pages() >= T::MaxIntakePages::get() {
				return Err(VerifierBusy);
			}
			queue.tail = queue.tail.wrapping_add(1);
		}
		IntakePages::<T>::try_append(queue.tail, entry).map_err(|_| VerifierBusy)?;
		queue.queued = queue.queued.saturating_add(1);
		Intake::<T>::put(queue);
		Ok(())
	}

	/// Takes the sampling decision of up to `MaxDecisionsPerBlock` receipts whose challenge
	/// window has ended, oldest first, with the [`entropy`](crate::entropy) mixed so far.
	/// Stops early at a receipt whose window has not ended, or whose inclusion is not before
	/// the newest block mixed, or when no deadline slot is left for a sampled one (it is decided
	/// in a later block, as sampled: whether it is sampled is never drawn twice). Returns the
	/// weight and the number decided.
	pub(crate) fn decide_receipts(now: BlockNumberFor<T>) -> (Weight, u32) {
		let mut queue = Intake::<T>::get();
		let mut weight = T::WeightInfo::decide_receipts_base();
		if queue.queued == 0 {
			return (weight, 0);
		}
		let Some((seed, known_at)) = Self::seed() else { return (weight, 0) };
		let params = Self::params();
		let mut page = IntakePages::<T>::get(queue.head);
		let mut decided = 0u32;
		while decided < T::MaxDecisionsPerBlock::get() {
			let Some(entry) = page.get(queue.next as usize) else {
				if queue.head == queue.tail {
					break;
				}
				IntakePages::<T>::remove(queue.head);
				queue.head = queue.head.wrapping_add(1);
				queue.next = 0;
				page = IntakePages::<T>::get(queue.head);
				continue;
			};
			if !Self::is_due(entry, &params, now, known_at) {
				break;
			}
			let (spent, taken) = Self::decide(entry, &seed, &params, now);
			weight.saturating_accrue(spent);
			if !taken {
				// No deadline slot left: decided in a later block, and sampled there too (its
				// rate is now 100 %; its committee is drawn then), so a full block never gives
				// a claim a second chance not to be sampled.
				let index = queue.next as usize;
				if let Some(waiting) = page.get_mut(index) {
					waiting.rate = Perbill::one();
				}
				IntakePages::<T>::insert(queue.head, &page);
				weight.saturating_accrue(T::DbWeight::get().writes(1));
				break;
			}
			queue.next = queue.next.saturating_add(1);
			queue.queued = queue.queued.saturating_sub(1);
			decided += 1;
		}
		// A drained queue starts its single page afresh.
		if queue.queued == 0 {
			IntakePages::<T>::remove(queue.head);
			queue = crate::IntakeQueue { head: queue.tail, tail: queue.tail, next: 0, queued: 0 };
		}
		Intake::<T>::put(queue);
		(weight, decided)
	}

	/// Opens the checks of up to `budget` benchmark answers whose challenge window has ended,
	/// oldest first, as [`Self::decide_receipts`] does for receipts (an answer is always
	/// sampled). `budget` is what the block's receipts left of `MaxDecisionsPerBlock`, so
	/// answers never take a decision a receipt was due; a block without room for a deadline
	/// leaves the answer first in its queue.
	pub(crate) fn decide_benchmarks(now: BlockNumberFor<T>, budget: u32) -> Weight {
		if budget == 0 {
			return Weight::zero();
		}
		let mut weight = T::WeightInfo::decide_receipts_base();
		let queue = BenchmarkIntake::<T>::get();
		if queue.is_empty() {
			return weight;
		}
		let Some((seed, known_at)) = Self::seed() else { return weight };
		let params = Self::params();
		let mut decided = 0u32;
		while decided < budget {
			let Some(entry) = queue.get(decided as usize) else { break };
			if !Self::is_due(entry, &params, now, known_at) {
				break;
			}
			let (spent, taken) = Self::decide(entry, &seed, &params, now);
			weight.saturating_accrue(spent);
			if !taken {
				break;
			}
			decided += 1;
		}
		if decided > 0 {
			let rest: alloc::vec::Vec<_> = queue.into_inner().split_off(decided as usize);
			BenchmarkIntake::<T>::put(BoundedVec::truncate_from(rest));
			weight.saturating_accrue(T::DbWeight::get().writes(1));
		}
		weight
	}

	/// Whether `entry`'s challenge window has ended by `now`, with randomness from a block
	/// after its inclusion (`known_at`: the newest block mixed) to decide it.
	fn is_due(
		entry: &crate::IntakeEntryOf<T>,
		params: &crate::VerificationParams<BlockNumberFor<T>>,
		now: BlockNumberFor<T>,
		known_at: BlockNumberFor<T>,
	) -> bool {
		entry.included_at.saturating_add(params.challenge_window) <= now
			&& known_at > entry.included_at
	}

	/// Takes `entry`'s sampling decision with `seed`: accepted unsampled, a check opened with
	/// a committee, or the claim accepted (development chains) or unverifiable when no
	/// verifier serves. Returns its weight and `false` when a sampled claim found no deadline
	/// slot left this block (nothing changed: it is decided in a later block).
	fn decide(
		entry: &crate::IntakeEntryOf<T>,
		seed: &[u8; 32],
		params: &crate::VerificationParams<BlockNumberFor<T>>,
		now: BlockNumberFor<T>,
	) -> (Weight, bool) {
		let size = params.committee_size as u32;
		if !sampling::is_sampled(seed, &entry.subject, entry.rate) {
			Self::accept(entry.subject, &entry.worker, AcceptReason::NotSampled);
			return (T::WeightInfo::decide_unsampled().saturating_add(Self::settle_weight()), true);
		}
		let committee = Self::draw_members(seed, &entry.subject, 0, size, &entry.worker, &[]);
		if committee.is_empty() {
			// No verifier serves: only a development chain accepts the claim.
			if params.accept_without_verifiers {
				Self::accept(entry.subject, &entry.worker, AcceptReason::NoVerifiers);
			} else {
				Self::unverifiable(entry.subject, &entry.worker, UnverifiableReason::NoVerifiers);
			}
			return (
				T::WeightInfo::decide_sampled(size).saturating_add(Self::conclude_weight()),
				true,
			);
		}
		let bait = sampling::is_trap(seed, &entry.subject, params.trap_rate)
			.then(|| sampling::bait_root(seed, &entry.subject, &entry.output_root));
		let taken = Self::open_check(entry, committee, bait, now).is_ok();
		(T::WeightInfo::decide_sampled(size), taken)
	}

	/// The most `on_initialize` can weigh: the block's randomness mixed, an epoch closing, a
	/// full deadline bucket of disputes at the largest committee decided against their
	/// workers with every member reported, and a full block of sampling decisions (receipts
	/// and benchmark answers together), each the dearer of a settlement and a committee at the
	/// largest size.
	pub fn max_on_initialize_weight() -> Weight {
		let size = T::MaxCommitteeSize::get();
		let expiry = Self::expiry_weight().saturating_add(T::DbWeight::get().reads(1));
		let decision = T::WeightInfo::decide_sampled(size)
			.saturating_add(Self::conclude_weight())
			.max(T::WeightInfo::decide_unsampled().saturating_add(Self::settle_weight()));
		T::WeightInfo::close_epoch()
			.saturating_add(T::WeightInfo::mix_entropy())
			.saturating_add(T::WeightInfo::expire_checks_base())
			.saturating_add(expiry.saturating_mul(T::MaxChecksPerBlock::get().into()))
			.saturating_add(T::WeightInfo::decide_receipts_base().saturating_mul(2))
			.saturating_add(decision.saturating_mul(T::MaxDecisionsPerBlock::get().into()))
	}

	/// The most accepting a claim costs: a receipt's settlement, or a benchmark answer's
	/// confirmation.
	pub(crate) fn settle_weight() -> Weight {
		T::Jobs::accept_weight().max(T::Benchmarks::benchmark_checked_weight())
	}

	/// The most rejecting a claim costs: a receipt's reassignment (the slash and jail are in
	/// the pallet's own weights), or a benchmark answer's rejection.
	pub(crate) fn reject_weight() -> Weight {
		T::Jobs::reject_weight().max(T::Benchmarks::benchmark_checked_weight())
	}

	/// The most voiding an unverifiable claim costs: a receipt's job closed with its escrow
	/// refunded, or a benchmark answer's claim dropped.
	pub(crate) fn void_weight() -> Weight {
		T::Jobs::void_weight().max(T::Benchmarks::benchmark_checked_weight())
	}

	/// The most any final word on a claim costs: accepting, rejecting or voiding it.
	pub(crate) fn conclude_weight() -> Weight {
		Self::settle_weight().max(Self::reject_weight()).max(Self::void_weight())
	}

	/// Ends a claim no serving verifier's word decided, for `reason`: a receipt's job fails
	/// with its escrow refunded and its worker neither paid nor penalized; a benchmark
	/// answer's IB claim is not confirmed.
	pub(crate) fn unverifiable(
		subject: Subject,
		worker: &T::AccountId,
		reason: UnverifiableReason,
	) {
		match subject {
			Subject::Stage { job, stage } => {
				let voided =
					frame_support::storage::with_storage_layer(|| T::Jobs::void(job, stage));
				if let Err(error) = voided {
					log::warn!(
						target: "runtime::verification",
						"voiding job {job}/{stage} failed: {error:?}"
					);
				}
			}
			Subject::Benchmark { challenge } => {
				T::Benchmarks::benchmark_checked(worker, challenge, ProofCheck::Unverifiable);
			}
		}
		Self::deposit_event(Event::Unverifiable { subject, worker: worker.clone(), reason });
	}

	/// Accepts a claim: settles a receipt's stage (one that cannot settle any more, its job
	/// decided otherwise, is left alone), or confirms a benchmark answer, checked by verifiers
	/// unless none could be drawn.
	pub(crate) fn accept(subject: Subject, worker: &T::AccountId, reason: AcceptReason) {
		match subject {
			Subject::Stage { job, stage } => {
				let settled =
					frame_support::storage::with_storage_layer(|| T::Jobs::accept(job, stage));
				if let Err(error) = settled {
					log::warn!(
						target: "runtime::verification",
						"accepting job {job}/{stage} failed: {error:?}"
					);
					return;
				}
			}
			Subject::Benchmark { challenge } => {
				let check = match reason {
					AcceptReason::NotSampled | AcceptReason::NoVerifiers => {
						ProofCheck::AcceptedUnchecked
					}
					AcceptReason::CommitteeAgreed | AcceptReason::DisputeCleared => {
						ProofCheck::Verified
					}
				};
				T::Benchmarks::benchmark_checked(worker, challenge, check);
			}
		}
		Self::deposit_event(Event::Accepted { subject, worker: worker.clone(), reason });
	}
}

impl<T: Config> ReceiptVerifier<T::AccountId, BalanceOf<T>, BlockNumberFor<T>> for Pallet<T> {
	fn receipt_submitted(
		receipt: &ReceiptSubmitted<T::AccountId, BalanceOf<T>>,
	) -> Result<VerificationPlan<BlockNumberFor<T>>, VerifierBusy> {
		let rate = Self::rate_for(&receipt.worker, receipt.value, receipt.detection);
		Self::enqueue(IntakeEntry {
			subject: Subject::Stage { job: receipt.job, stage: receipt.stage },
			worker: receipt.worker.clone(),
			output_root: receipt.output_root,
			rate,
			coverage: if receipt.sampled { Coverage::SampleThenWhole } else { Coverage::Whole },
			included_at: frame_system::Pallet::<T>::block_number(),
		})?;
		Ok(VerificationPlan::Pending)
	}

	fn receipts_weight(receipts: u32) -> Weight {
		if receipts == 0 {
			return Weight::zero();
		}
		// Once: Params, the worker's record (reliability), its bond and Intake read, Intake
		// written. Per page the receipts fill (a new one every `IntakePageSize`): its length
		// read and an append written. Per receipt: the rate's arithmetic and the entry.
		let pages = (receipts / T::IntakePageSize::get().max(1)).saturating_add(1) as u64;
		T::DbWeight::get()
			.reads_writes(4 + pages, 1 + pages)
			.saturating_add(Weight::from_parts(5_000_000, 128).saturating_mul(receipts.into()))
	}

	fn can_deter(bond: BalanceOf<T>, value: BalanceOf<T>, detection: Perbill) -> bool {
		sampling::can_deter(
			&Self::params(),
			value.saturated_into(),
			bond.saturated_into(),
			detection,
		)
	}
}

/// Benchmark answers are always checked: they wait in their own bounded queue
/// ([`BenchmarkIntake`]) at a 100 % rate, so a committee recomputes each one; one that no
/// serving verifier checks is not confirmed. A full queue refuses the answer. Answers to
/// claims take at most half the queue: the other half is kept for spot checks, which the chain
/// issues at a bounded rate and whose late answer costs an honest worker its IB, so no flood of
/// cheap claims can crowd them out.
impl<T: Config> BenchmarkProofs<T::AccountId> for Pallet<T> {
	fn answer_submitted(
		who: &T::AccountId,
		challenge: ChallengeId,
		result: [u8; 32],
		spot: bool,
	) -> Result<ProofPlan, VerifierBusy> {
		let claims_room = T::MaxBenchmarkIntake::get() / 2;
		let queued = BenchmarkIntake::<T>::decode_len().unwrap_or(0);
		if !spot && queued >= claims_room as usize {
			return Err(VerifierBusy);
		}
		BenchmarkIntake::<T>::try_append(IntakeEntry {
			subject: Subject::Benchmark { challenge },
			worker: who.clone(),
			output_root: result,
			rate: Perbill::one(),
			coverage: Coverage::Sample,
			included_at: frame_system::Pallet::<T>::block_number(),
		})
		.map_err(|_| VerifierBusy)?;
		Ok(ProofPlan::Pending)
	}

	fn answer_weight() -> Weight {
		// The benchmark queue's length read and an entry appended.
		T::DbWeight::get().reads_writes(1, 1)
	}
}
