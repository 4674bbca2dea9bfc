//! Checks of sampled claims (receipts and benchmark answers): committees, verdicts, disputes,
//! deadlines and outcomes.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{pallet_prelude::*, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, Zero};

use crate::{
	committee::draw_committee, pallet::*, AcceptReason, BenchmarkOutcomes, CheckOf, ComputeStake,
	IntakeEntryOf, JobSettlement, Member, ProofCheck, ReliabilityEvents, RewardEpochs,
	RewardForfeits, Round, Subject, Verdict, VerifierDirectory, VerifierFault, VerifierOffences,
	VerifierRewards, Vote, WeightInfo,
};
use cinder_primitives::{SlashAmount, SlashReason};

/// Blocks after the wanted one a check deadline may move to when that block is full.
pub const DEADLINE_SPILL: u32 = 16;

/// The final word on a claim.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
	/// The claim is right.
	Right(AcceptReason),
	/// The claim is wrong.
	Wrong,
}

impl<T: Config> Pallet<T> {
	/// The committee of `size` verifiers (fewer if there are fewer) for `subject`, drawn
	/// with `seed` from the directory's `candidates`; `round` separates the dispute's draw
	/// from the committee's.
	pub(crate) fn draw_members(
		seed: &[u8; 32],
		subject: &Subject,
		round: u8,
		candidates: u32,
		size: u32,
	) -> BoundedVec<Member<T::AccountId>, T::MaxCommitteeSize> {
		let check_seed = sp_io::hashing::blake2_256(&(seed, subject, round).encode());
		let size = size.min(T::MaxCommitteeSize::get());
		let members: Vec<_> = draw_committee(&check_seed, 0, candidates, size)
			.into_iter()
			.filter_map(T::Verifiers::verifier)
			.map(|who| Member { who, vote: Vote::Silent })
			.collect();
		BoundedVec::truncate_from(members)
	}

	/// Books `subject` at the first block from `at` with room for one more deadline, within
	/// `DEADLINE_SPILL` blocks; returns that block.
	fn book_deadline(
		at: BlockNumberFor<T>,
		subject: Subject,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		for offset in 0..DEADLINE_SPILL {
			let block = at.saturating_add(offset.into());
			if CheckDeadlines::<T>::try_append(block, subject).is_ok() {
				return Ok(block);
			}
		}
		Err(Error::<T>::ChecksFull.into())
	}

	fn committee_of(check: &CheckOf<T>) -> BoundedVec<T::AccountId, T::MaxCommitteeSize> {
		BoundedVec::truncate_from(check.members.iter().map(|m| m.who.clone()).collect())
	}

	/// Opens the check of a sampled claim with its committee (not empty).
	pub(crate) fn open_check(
		entry: &IntakeEntryOf<T>,
		members: BoundedVec<Member<T::AccountId>, T::MaxCommitteeSize>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		let at = now.saturating_add(Self::params().verdict_window);
		let deadline = Self::book_deadline(at, entry.subject)?;
		let check = CheckOf::<T> {
			worker: entry.worker.clone(),
			output_root: entry.output_root,
			round: Round::Committee,
			members,
			earlier: BoundedVec::new(),
			deadline,
		};
		Self::deposit_event(Event::Sampled {
			subject: entry.subject,
			worker: entry.worker.clone(),
			committee: Self::committee_of(&check),
			deadline,
		});
		Checks::<T>::insert(entry.subject, check);
		Ok(())
	}

	/// Replaces the sampling committee by a dispute committee, raised by `disputer` (or by a
	/// silent committee), and stores the check. When no verifier can be drawn, the dispute
	/// committee is empty and the first round's verdicts decide at the deadline.
	fn escalate(
		subject: Subject,
		mut check: CheckOf<T>,
		disputer: Option<T::AccountId>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		let params = Self::params();
		// Randomness exists once a block was built; a dispute cannot come before a sampling.
		let (seed, _) = Self::seed().ok_or(Error::<T>::NotUnderCheck)?;
		let candidates = T::Verifiers::verifier_count();
		let size = params.dispute_committee_size as u32;
		let members = Self::draw_members(&seed, &subject, 1, candidates, size);
		let deadline = Self::book_deadline(now.saturating_add(params.verdict_window), subject)?;
		check.earlier = core::mem::replace(&mut check.members, members);
		check.round = Round::Dispute { disputer: disputer.clone() };
		check.deadline = deadline;
		Self::deposit_event(Event::Disputed {
			subject,
			disputer,
			committee: Self::committee_of(&check),
			deadline,
		});
		Checks::<T>::insert(subject, check);
		Ok(())
	}

	/// The worst-case weight of `submit_verdict`: the verdict that decides a dispute against
	/// the worker (slash, jail, reassignment, credits for two committees), or the one that
	/// raises a dispute.
	pub(crate) fn submit_verdict_weight() -> Weight {
		let size = T::MaxCommitteeSize::get();
		T::WeightInfo::submit_verdict_reject(size)
			.saturating_add(Self::reject_weight().max(Self::settle_weight()))
			.saturating_add(Self::reports_weight(size))
			.max(T::WeightInfo::submit_verdict_dispute(size))
	}

	/// The most the fault reports and reward credits of a check with `size` members a round
	/// cost: every member of both rounds reported and credited.
	pub(crate) fn reports_weight(size: u32) -> Weight {
		T::Offences::report_weight()
			.saturating_add(T::Rewards::verifications_matched_weight())
			.saturating_mul(2u64.saturating_mul(size.into()))
	}

	pub(crate) fn do_submit_verdict(
		who: T::AccountId,
		subject: Subject,
		verdict: Verdict,
	) -> DispatchResult {
		let mut check = Checks::<T>::get(subject).ok_or(Error::<T>::NotUnderCheck)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now < check.deadline, Error::<T>::VerdictTooLate);
		let agrees = verdict.agrees_with(&check.output_root);
		let vote = if agrees { Vote::Agree } else { Vote::Disagree };
		let member =
			check.members.iter_mut().find(|m| m.who == who).ok_or(Error::<T>::NotInCommittee)?;
		match member.vote {
			Vote::Silent => member.vote = vote,
			Vote::Equivocated => return Err(Error::<T>::Equivocated.into()),
			given if given == vote => return Err(Error::<T>::AlreadyVoted.into()),
			_ => {
				member.vote = Vote::Equivocated;
				Self::fault(subject, &who, VerifierFault::Equivocated);
				Checks::<T>::insert(subject, check);
				return Ok(());
			}
		}
		Self::deposit_event(Event::VerdictSubmitted { subject, verifier: who.clone(), agrees });

		let (agreed, disagreed) = Self::tally(&check.members);
		let size = check.members.len();
		match check.round {
			Round::Committee if !agrees => Self::escalate(subject, check, Some(who), now),
			Round::Committee if agreed == size => {
				Self::resolve(subject, check, Outcome::Right(AcceptReason::CommitteeAgreed));
				Ok(())
			}
			Round::Dispute { .. } if agreed * 2 > size => {
				Self::resolve(subject, check, Outcome::Right(AcceptReason::DisputeCleared));
				Ok(())
			}
			Round::Dispute { .. } if disagreed * 2 > size => {
				Self::resolve(subject, check, Outcome::Wrong);
				Ok(())
			}
			_ => {
				Checks::<T>::insert(subject, check);
				Ok(())
			}
		}
	}

	/// The votes that decide a check at its deadline: its round's, or the first round's for a
	/// dispute no verifier could be drawn for.
	fn deciding(check: &CheckOf<T>) -> &[Member<T::AccountId>] {
		if check.members.is_empty() {
			&check.earlier
		} else {
			&check.members
		}
	}

	/// Votes for and against the worker.
	fn tally(members: &[Member<T::AccountId>]) -> (usize, usize) {
		let agreed = members.iter().filter(|m| m.vote == Vote::Agree).count();
		let disagreed = members.iter().filter(|m| m.vote == Vote::Disagree).count();
		(agreed, disagreed)
	}

	/// Decides the checks whose deadline is `now`: a committee that agreed or stayed partly
	/// silent accepts, a wholly silent one gives way to a dispute committee; a dispute goes
	/// to the side with more verdicts, a tie to the worker.
	pub(crate) fn expire_checks(now: BlockNumberFor<T>) -> Weight {
		let due = CheckDeadlines::<T>::take(now);
		let mut weight = T::WeightInfo::expire_checks_base();
		let size = T::MaxCommitteeSize::get();
		for subject in due {
			// Entries of checks decided earlier or moved to a dispute cost one read.
			weight.saturating_accrue(T::DbWeight::get().reads(1));
			let Some(check) = Checks::<T>::get(subject) else { continue };
			if check.deadline != now {
				continue;
			}
			weight.saturating_accrue(
				T::WeightInfo::expire_check(size)
					.saturating_add(Self::reject_weight().max(Self::settle_weight()))
					.saturating_add(Self::reports_weight(size)),
			);
			let (agreed, disagreed) = Self::tally(Self::deciding(&check));
			match check.round {
				Round::Committee if agreed == 0 => {
					match Self::escalate(subject, check.clone(), None, now) {
						// The whole committee let the deadline pass.
						Ok(()) => {
							for member in check.members.iter().filter(|m| m.vote == Vote::Silent) {
								Self::fault(subject, &member.who, VerifierFault::Silent);
							}
						}
						// Every deadline slot is taken: nothing was checked, nothing is held
						// against the worker (`resolve` reports the silent members).
						Err(error) => {
							log::warn!(
								target: "runtime::verification",
								"no dispute for silent check {subject:?}: {error:?}"
							);
							Self::resolve(
								subject,
								check,
								Outcome::Right(AcceptReason::NoVerifiers),
							);
						}
					}
				}
				Round::Committee => {
					Self::resolve(subject, check, Outcome::Right(AcceptReason::CommitteeAgreed))
				}
				Round::Dispute { .. } if disagreed > agreed => {
					Self::resolve(subject, check, Outcome::Wrong)
				}
				Round::Dispute { .. } => {
					Self::resolve(subject, check, Outcome::Right(AcceptReason::DisputeCleared))
				}
			}
		}
		weight
	}

	/// Reports a verifier fault.
	fn fault(subject: Subject, verifier: &T::AccountId, fault: VerifierFault) {
		T::Offences::report(verifier, fault, subject);
		Self::deposit_event(Event::VerifierFaulted { subject, verifier: verifier.clone(), fault });
	}

	/// Applies the final word on a check: credits and faults for every vote of both rounds,
	/// then the claim's fate: a right one is accepted; a wrong receipt costs its worker the
	/// slash, jail and forfeit and its stage is reassigned, a wrong benchmark answer rejects
	/// the claimed IB. Silence in a first round that a dispute cut short is no fault (a wholly
	/// silent first round was reported at its deadline).
	pub(crate) fn resolve(subject: Subject, check: CheckOf<T>, outcome: Outcome) {
		Checks::<T>::remove(subject);
		let right = matches!(outcome, Outcome::Right(_));
		let earlier = check.earlier.iter().filter(|m| m.vote != Vote::Silent);
		for member in earlier.chain(check.members.iter()) {
			match (member.vote, right) {
				(Vote::Agree, true) | (Vote::Disagree, false) => Self::credit(&member.who, 1, 0),
				(Vote::Agree, false) | (Vote::Disagree, true) => {
					Self::fault(subject, &member.who, VerifierFault::WrongVerdict)
				}
				(Vote::Silent, _) => Self::fault(subject, &member.who, VerifierFault::Silent),
				// Reported when it happened.
				(Vote::Equivocated, _) => {}
			}
		}
		let worker = &check.worker;
		let Outcome::Right(reason) = outcome else {
			if let Round::Dispute { disputer: Some(disputer) } = &check.round {
				Self::credit(disputer, 0, 1);
			}
			Self::reject(subject, worker);
			return;
		};
		if let Subject::Stage { .. } = subject {
			T::Reliability::verification_result(worker, true);
		}
		Self::accept(subject, worker, reason);
	}

	/// Rejects a claim proven wrong: a receipt's worker loses `fault_slash` of its bond to the
	/// penalty pool, is jailed and forfeits the epoch's rewards, and the stage goes to another
	/// worker; a benchmark answer's IB claim is rejected.
	fn reject(subject: Subject, worker: &T::AccountId) {
		let (slashed, jailed_until) = match subject {
			Subject::Stage { job, stage } => {
				let params = Self::params();
				let slashed = T::Stake::slash(
					worker,
					SlashAmount::Fraction(params.fault_slash),
					SlashReason::WrongResult,
					job,
				);
				let jailed_until = T::Stake::jail(worker, params.jail_epochs, job);
				T::Forfeits::forfeit(worker, T::Epochs::current());
				T::Reliability::verification_result(worker, false);
				if let Err(error) =
					frame_support::storage::with_storage_layer(|| T::Jobs::reject(job, stage))
				{
					log::warn!(
						target: "runtime::verification",
						"rejecting job {job}/{stage} failed: {error:?}"
					);
				}
				(slashed, Some(jailed_until))
			}
			Subject::Benchmark { challenge } => {
				T::Benchmarks::benchmark_checked(worker, challenge, ProofCheck::Wrong);
				(Zero::zero(), None)
			}
		};
		Self::deposit_event(Event::Rejected {
			subject,
			worker: worker.clone(),
			slashed,
			jailed_until,
		});
	}
}
