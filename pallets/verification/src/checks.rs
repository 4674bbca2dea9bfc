//! Checks of sampled claims (receipts and benchmark answers): committees, verdicts, disputes,
//! deadlines and outcomes.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{pallet_prelude::*, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, Zero};

use crate::{
	committee::Shuffle, pallet::*, verdict_commitment, AcceptReason, BenchmarkOutcomes, CheckOf,
	ComputeStake, IntakeEntryOf, JobSettlement, Member, ProofCheck, ReliabilityEvents,
	RewardEpochs, RewardForfeits, Round, Subject, UnverifiableReason, Verdict, VerifierDirectory,
	VerifierFault, VerifierOffences, VerifierRewards, Vote, WeightInfo,
};
use cinder_primitives::{SlashAmount, SlashReason};

/// Blocks after the wanted one a check deadline may move to when that block is full.
pub const DEADLINE_SPILL: u32 = 22;

/// Blocks after the last reveal of a round that does not decide the claim before the dispute
/// or the redraw it leads to is drawn: the draw then mixes the randomness of the blocks from
/// the reveal's on, so no member chooses a committee by the block it reveals in (the entropy
/// of the next block is public once this one is built).
pub const DRAW_DELAY: u32 = 3;

/// Entries of the serving set a draw may pass over because they stopped serving since the set
/// was last brought up to date (a node fell overdue, a stash was chilled mid-session).
pub const DRAW_SLACK: u32 = 8;

/// The final word on a claim.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
	/// The claim is right.
	Right(AcceptReason),
	/// The claim is wrong.
	Wrong,
}

impl<T: Config> Pallet<T> {
	/// Up to `size` verifiers for `subject` (fewer only when fewer serve), neither `worker`
	/// (whose claim it is: a Verifier node's own benchmark answer is checked by others) nor
	/// any of `excluded`, drawn with `seed` from the serving set; `round` separates the draws
	/// of one check. Entries that stopped serving since the set was last brought up to date
	/// are passed over: the draw visits at most `size + excluded.len() + 1 + DRAW_SLACK`
	/// entries.
	pub(crate) fn draw_members(
		seed: &[u8; 32],
		subject: &Subject,
		round: u8,
		size: u32,
		worker: &T::AccountId,
		excluded: &[T::AccountId],
	) -> BoundedVec<Member<T::AccountId>, T::MaxCommitteeSize> {
		let check_seed = sp_io::hashing::blake2_256(&(seed, subject, round).encode());
		let size = size.min(T::MaxCommitteeSize::get()) as usize;
		let visits = size.saturating_add(excluded.len()).saturating_add(1 + DRAW_SLACK as usize);
		let mut members = Vec::with_capacity(size);
		for index in Shuffle::new(&check_seed, 0, T::Verifiers::serving_count()).take(visits) {
			if members.len() == size {
				break;
			}
			let Some(who) = T::Verifiers::serving_at(index) else { continue };
			if who == *worker || excluded.contains(&who) {
				continue;
			}
			let Some(stash) = T::Verifiers::serving_stash(&who) else { continue };
			members.push(Member { who, stash, vote: Vote::Silent });
		}
		BoundedVec::truncate_from(members)
	}

	/// Books `subject` at the first block from `at` with room for one more deadline, within
	/// `DEADLINE_SPILL` blocks; returns that block. A benchmark answer's round takes at most
	/// [`Self::benchmark_deadlines`] of a block's deadlines: the rest are kept for receipts, so
	/// no number of benchmark claims (refundable deposits, cheap to keep answering) crowds a
	/// receipt's dispute out of the book.
	fn book_deadline(
		at: BlockNumberFor<T>,
		subject: Subject,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		for offset in 0..DEADLINE_SPILL {
			let block = at.saturating_add(offset.into());
			if Self::try_book(block, subject) {
				return Ok(block);
			}
		}
		Err(Error::<T>::ChecksFull.into())
	}

	/// Books `subject`'s deadline at `block` if it has room: any free entry for a receipt,
	/// one within [`Self::benchmark_deadlines`] for a benchmark answer; whether it did.
	fn try_book(block: BlockNumberFor<T>, subject: Subject) -> bool {
		let is_benchmark = |s: &Subject| matches!(s, Subject::Benchmark { .. });
		let share = Self::benchmark_deadlines() as usize;
		CheckDeadlines::<T>::try_mutate(block, |due| {
			if is_benchmark(&subject) && due.iter().filter(|s| is_benchmark(s)).count() >= share {
				return Err(());
			}
			due.try_push(subject).map_err(|_| ())
		})
		.is_ok()
	}

	/// Deadlines of one block that benchmark answers' rounds may take: half of
	/// `MaxChecksPerBlock`, rounded up.
	pub fn benchmark_deadlines() -> u32 {
		T::MaxChecksPerBlock::get().div_ceil(2)
	}

	fn committee_of(check: &CheckOf<T>) -> BoundedVec<T::AccountId, T::MaxCommitteeSize> {
		BoundedVec::truncate_from(check.members.iter().map(|m| m.who.clone()).collect())
	}

	/// Books a round starting `now`: commitments are taken for `verdict_window` blocks, then
	/// reveals for `reveal_window` more, up to a deadline in the first block with room.
	/// Returns (`commits_until`, `deadline`).
	fn book_round(
		now: BlockNumberFor<T>,
		subject: Subject,
	) -> Result<(BlockNumberFor<T>, BlockNumberFor<T>), DispatchError> {
		let params = Self::params();
		let commits_until = now.saturating_add(params.verdict_window);
		let deadline =
			Self::book_deadline(commits_until.saturating_add(params.reveal_window), subject)?;
		Ok((commits_until, deadline))
	}

	/// Opens the check of a sampled claim with its committee (not empty); with a `bait`, its
	/// sampling committee is a trap, shown that root in place of the claim's.
	pub(crate) fn open_check(
		entry: &IntakeEntryOf<T>,
		members: BoundedVec<Member<T::AccountId>, T::MaxCommitteeSize>,
		bait: Option<[u8; 32]>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		let (commits_until, deadline) = Self::book_round(now, entry.subject)?;
		let check = CheckOf::<T> {
			worker: entry.worker.clone(),
			output_root: entry.output_root,
			coverage: entry.coverage,
			bait,
			round: Round::Committee,
			members,
			earlier: BoundedVec::new(),
			commits_until,
			deadline,
			dismissed: BoundedVec::new(),
			redraws: 0,
		};
		Self::deposit_event(Event::Sampled {
			subject: entry.subject,
			worker: entry.worker.clone(),
			committee: Self::committee_of(&check),
			commits_until,
			deadline,
		});
		Checks::<T>::insert(entry.subject, check);
		Ok(())
	}

	/// Ends a sampling round that revealed a disagreement: its members that revealed nothing
	/// are faulted and dismissed, and a dispute committee is drawn, raised by the first
	/// member that disagreed. With no serving verifier to draw, or no room for its deadline,
	/// the claim is unverifiable.
	fn escalate(subject: Subject, mut check: CheckOf<T>, now: BlockNumberFor<T>) {
		let disputer =
			check.members.iter().find(|m| m.vote == Vote::Disagree).map(|m| m.who.clone());
		for member in check.members.iter().filter(|m| Self::in_default_at_end(&m.vote)) {
			if !member.vote.is_revealed() {
				Self::fault(subject, member, VerifierFault::Silent);
			}
			// Bounded by a full committee at each redraw and at the escalation.
			let _ = check.dismissed.try_push(member.who.clone());
		}
		let size = Self::params().dispute_committee_size as u32;
		// Randomness exists once a block was built, as it did when the claim was sampled.
		let members = match Self::seed() {
			Some((seed, _)) => {
				Self::draw_members(&seed, &subject, 1, size, &check.worker, &check.dismissed)
			}
			None => BoundedVec::new(),
		};
		if members.is_empty() {
			return Self::void(subject, check, UnverifiableReason::NoVerifiers);
		}
		let Ok((commits_until, deadline)) = Self::book_round(now, subject) else {
			return Self::void(subject, check, UnverifiableReason::ChecksFull);
		};
		check.earlier = core::mem::replace(&mut check.members, members);
		check.round = Round::Dispute { disputer: disputer.clone() };
		// The dispute is shown the worker's root.
		check.bait = None;
		check.commits_until = commits_until;
		check.deadline = deadline;
		Self::deposit_event(Event::Disputed {
			subject,
			disputer,
			committee: Self::committee_of(&check),
			commits_until,
			deadline,
		});
		Checks::<T>::insert(subject, check);
	}

	/// The worst-case weight of `reveal_verdict`: the last reveal of a dispute that decides
	/// it against the worker (slash, jail, reassignment, credits and faults for two
	/// committees), or the last reveal of a round that does not decide the claim, booking its
	/// dispute or redraw for later (drawn in the block hook).
	pub(crate) fn reveal_verdict_weight() -> Weight {
		let size = T::MaxCommitteeSize::get();
		T::WeightInfo::reveal_verdict_reject(size)
			.saturating_add(Self::conclude_weight())
			.saturating_add(Self::reports_weight(size))
			.max(T::WeightInfo::reveal_verdict_undecided(size))
	}

	/// The most the faults and reward credits of a check with `size` members a round cost:
	/// every member of both rounds slashed, reported and credited.
	pub(crate) fn reports_weight(size: u32) -> Weight {
		T::Offences::report_weight()
			.saturating_add(T::Stake::slash_weight())
			.saturating_add(T::Rewards::verifications_matched_weight())
			.saturating_mul(2u64.saturating_mul(size.into()))
	}

	pub(crate) fn do_commit_verdict(
		who: T::AccountId,
		subject: Subject,
		commitment: [u8; 32],
	) -> DispatchResult {
		let mut check = Checks::<T>::get(subject).ok_or(Error::<T>::NotUnderCheck)?;
		let now = frame_system::Pallet::<T>::block_number();
		let member =
			check.members.iter_mut().find(|m| m.who == who).ok_or(Error::<T>::NotInCommittee)?;
		ensure!(member.vote == Vote::Silent, Error::<T>::AlreadyVoted);
		ensure!(now < check.commits_until, Error::<T>::CommitsClosed);
		member.vote = Vote::Committed(commitment);
		Checks::<T>::insert(subject, check);
		Self::deposit_event(Event::VerdictCommitted { subject, verifier: who });
		Ok(())
	}

	/// Returns whether the reveal decided its round.
	pub(crate) fn do_reveal_verdict(
		who: T::AccountId,
		subject: Subject,
		verdict: Verdict,
		salt: [u8; 32],
	) -> Result<bool, DispatchError> {
		let mut check = Checks::<T>::get(subject).ok_or(Error::<T>::NotUnderCheck)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now < check.deadline, Error::<T>::VerdictTooLate);
		let all_committed = check.members.iter().all(|m| m.vote != Vote::Silent);
		let member =
			check.members.iter_mut().find(|m| m.who == who).ok_or(Error::<T>::NotInCommittee)?;
		let commitment = match member.vote {
			Vote::Committed(commitment) => commitment,
			Vote::Silent => return Err(Error::<T>::NotCommitted.into()),
			Vote::Agree | Vote::Disagree | Vote::Baited => {
				return Err(Error::<T>::AlreadyVoted.into())
			}
		};
		ensure!(all_committed, Error::<T>::RevealsNotOpen);
		ensure!(
			verdict_commitment(&subject, &who, &verdict, &salt) == commitment,
			Error::<T>::RevealMismatch
		);
		let agrees = verdict.agrees_with(&check.output_root);
		member.vote = match check.bait {
			Some(bait) if verdict.agrees_with(&bait) => Vote::Baited,
			_ if agrees => Vote::Agree,
			_ => Vote::Disagree,
		};
		Self::deposit_event(Event::VerdictRevealed { subject, verifier: who, agrees });
		if check.members.iter().all(|m| m.vote.is_revealed()) {
			if Self::majority(&check).is_some() {
				Self::conclude_round(subject, check, now);
				return Ok(true);
			}
			// A dispute or a redraw follows: drawn `DRAW_DELAY` blocks on, with randomness the
			// last revealer could not know when it chose its block (at the round's deadline if
			// that comes first or no block in between has room).
			let from = now.saturating_add(DRAW_DELAY.into());
			let until = check.deadline.min(from.saturating_add(DRAW_DELAY.into()));
			let mut block = from;
			while block < until {
				if Self::try_book(block, subject) {
					// Every seat committed: the commit phase is over too.
					check.commits_until = check.commits_until.min(block);
					check.deadline = block;
					break;
				}
				block = block.saturating_add(1u32.into());
			}
		}
		Checks::<T>::insert(subject, check);
		Ok(false)
	}

	/// Ends the round in progress, at the reveal that decides it or at its deadline (brought
	/// forward to `DRAW_DELAY` blocks after a last reveal that does not decide it): a decided
	/// round decides the claim; a sampling round with a disagreement goes to a dispute;
	/// otherwise the seats left without a revealed verdict are redrawn (or the claim is
	/// unverifiable).
	fn conclude_round(subject: Subject, check: CheckOf<T>, now: BlockNumberFor<T>) {
		if let Some(bait) = check.bait {
			Self::spring_trap(subject, &check, bait);
		}
		let disagreed = check.members.iter().any(|m| m.vote == Vote::Disagree);
		match (&check.round, Self::majority(&check)) {
			(_, Some(outcome)) => Self::resolve(subject, check, outcome),
			(Round::Committee, None) if disagreed => Self::escalate(subject, check, now),
			_ => Self::redraw(subject, check, now),
		}
	}

	/// Ends a round of a trapped sampling committee: every member that revealed the `bait` it
	/// was shown, having agreed without computing, is faulted (its seat is then in default and
	/// redrawn, or dismissed at an escalation); the other verdicts were taken against the
	/// worker's real root and count as they are. The bait stays shown through the sampling
	/// committee's redraws, so a commitment to it still sealed at a redraw is caught when it
	/// is revealed.
	fn spring_trap(subject: Subject, check: &CheckOf<T>, bait: [u8; 32]) {
		let mut caught = Vec::new();
		for member in check.members.iter().filter(|m| m.vote == Vote::Baited) {
			Self::fault(subject, member, VerifierFault::Baited);
			caught.push(member.who.clone());
		}
		Self::deposit_event(Event::TrapSprung {
			subject,
			bait,
			caught: BoundedVec::truncate_from(caught),
		});
	}

	/// Votes for and against the worker.
	fn tally(members: &[Member<T::AccountId>]) -> (usize, usize) {
		let agreed = members.iter().filter(|m| m.vote == Vote::Agree).count();
		let disagreed = members.iter().filter(|m| m.vote == Vote::Disagree).count();
		(agreed, disagreed)
	}

	/// The outcome the current round's revealed votes decide, if they decide one: a sampling
	/// committee needs every seat to agree; a dispute, a majority of its seats either way.
	/// Seats without a revealed verdict count as seats, never as votes.
	pub(crate) fn majority(check: &CheckOf<T>) -> Option<Outcome> {
		let seats = check.members.len();
		let (agreed, disagreed) = Self::tally(&check.members);
		match check.round {
			Round::Committee if seats > 0 && agreed == seats => {
				Some(Outcome::Right(AcceptReason::CommitteeAgreed))
			}
			Round::Committee => None,
			Round::Dispute { .. } if agreed.saturating_mul(2) > seats => {
				Some(Outcome::Right(AcceptReason::DisputeCleared))
			}
			Round::Dispute { .. } if disagreed.saturating_mul(2) > seats => Some(Outcome::Wrong),
			Round::Dispute { .. } => None,
		}
	}

	/// Decides the checks whose deadline is `now`: a round whose revealed votes decide the
	/// claim decides it, a sampling round with a disagreement goes to a dispute; otherwise the
	/// seats left without a revealed verdict are redrawn and the round starts again, and after
	/// `max_redraws` redraws, or with no serving verifier left to take them, the claim is
	/// unverifiable. Silence never accepts a claim.
	pub(crate) fn expire_checks(now: BlockNumberFor<T>) -> Weight {
		let due = CheckDeadlines::<T>::take(now);
		let mut weight = T::WeightInfo::expire_checks_base();
		for subject in due {
			// Entries of checks decided earlier or given a later deadline cost one read.
			weight.saturating_accrue(T::DbWeight::get().reads(1));
			let Some(check) = Checks::<T>::get(subject) else { continue };
			if check.deadline != now {
				continue;
			}
			weight.saturating_accrue(Self::expiry_weight());
			Self::conclude_round(subject, check, now);
		}
		weight
	}

	/// The most deciding one check at its deadline costs: redrawing a full committee with the
	/// most members excluded, or ending the check, with every member of both rounds reported.
	pub(crate) fn expiry_weight() -> Weight {
		let size = T::MaxCommitteeSize::get();
		T::WeightInfo::expire_check(size)
			.saturating_add(Self::conclude_weight())
			.saturating_add(Self::reports_weight(size))
	}

	/// At the deadline of a round its votes do not decide: faults the members in default,
	/// gives their seats to other serving verifiers and opens a fresh round. In default are the
	/// seats that did not commit, and, once every seat had committed (so reveals were open),
	/// those that did not reveal. Every other vote stays as it is: a commitment stays sealed
	/// until the new members have committed too, so no verdict is visible to anyone who has
	/// not committed; a revealed verdict stays binding (after a seat withheld its reveal, the
	/// newcomer sees the verdicts revealed beside it). The claim is unverifiable when every
	/// seat revealed without a majority, when the redraws are used up, or when not every such
	/// seat can be filled.
	fn redraw(subject: Subject, mut check: CheckOf<T>, now: BlockNumberFor<T>) {
		let params = Self::params();
		let in_default = Self::in_default(&check);
		let mut dismissed = Vec::new();
		for member in check.members.iter().filter(|m| in_default(&m.vote)) {
			// A baited member was faulted when its trap sprung.
			if member.vote != Vote::Baited {
				Self::fault(subject, member, VerifierFault::Silent);
			}
			dismissed.push(member.who.clone());
		}
		if dismissed.is_empty() {
			return Self::void(subject, check, UnverifiableReason::NoMajority);
		}
		if check.redraws >= params.max_redraws {
			return Self::void(subject, check, UnverifiableReason::Silent);
		}
		let Some((seed, _)) = Self::seed() else {
			return Self::void(subject, check, UnverifiableReason::Silent);
		};
		let mut excluded: Vec<T::AccountId> = check.members.iter().map(|m| m.who.clone()).collect();
		excluded.extend(check.dismissed.iter().cloned());
		let round = check.redraws.saturating_add(2);
		let seats = dismissed.len() as u32;
		let replacements =
			Self::draw_members(&seed, &subject, round, seats, &check.worker, &excluded);
		if replacements.len() < dismissed.len() {
			return Self::void(subject, check, UnverifiableReason::Silent);
		}
		let Ok((commits_until, deadline)) = Self::book_round(now, subject) else {
			return Self::void(subject, check, UnverifiableReason::ChecksFull);
		};
		let mut replacements = replacements.into_iter();
		for member in check.members.iter_mut() {
			if in_default(&member.vote) {
				if let Some(next) = replacements.next() {
					*member = next;
				}
			}
		}
		for who in &dismissed {
			// Bounded by a full committee at each redraw and at the escalation.
			let _ = check.dismissed.try_push(who.clone());
		}
		check.redraws = check.redraws.saturating_add(1);
		check.commits_until = commits_until;
		check.deadline = deadline;
		Self::deposit_event(Event::Redrawn {
			subject,
			dismissed: BoundedVec::truncate_from(dismissed),
			committee: Self::committee_of(&check),
			commits_until,
			deadline,
			redraw: check.redraws,
		});
		Checks::<T>::insert(subject, check);
	}

	/// Which votes of the round in progress are in default at its deadline: no commitment,
	/// a commitment not revealed although every seat had committed, or a trap's bait.
	fn in_default(check: &CheckOf<T>) -> impl Fn(&Vote) -> bool {
		let reveals_opened = check.members.iter().all(|m| m.vote != Vote::Silent);
		move |vote| match vote {
			Vote::Silent | Vote::Baited => true,
			Vote::Committed(_) => reveals_opened,
			Vote::Agree | Vote::Disagree => false,
		}
	}

	/// Whether a vote is in default when its round ends with a decision or a dispute: no
	/// revealed verdict, or a trap's bait.
	fn in_default_at_end(vote: &Vote) -> bool {
		!matches!(vote, Vote::Agree | Vote::Disagree)
	}

	/// Ends a check that no serving verifier's word decided: the claim is neither paid nor
	/// confirmed, nobody is slashed and no vote earns or loses credit (silence was faulted
	/// when its deadline passed).
	fn void(subject: Subject, check: CheckOf<T>, reason: UnverifiableReason) {
		Checks::<T>::remove(subject);
		Self::unverifiable(subject, &check.worker, reason);
	}

	/// Answers a verifier's fault on `subject`: `verifier_fault_slash` of the member's
	/// verifier bond (active or unbonding: a node that left is still held to it until the
	/// bond is released) goes to the penalty pool, and the stash recorded when it was seated
	/// is reported as an offence.
	fn fault(subject: Subject, member: &Member<T::AccountId>, fault: VerifierFault) {
		let evidence = match subject {
			Subject::Stage { job, .. } => job,
			Subject::Benchmark { challenge } => challenge,
		};
		let slashed = T::Stake::slash(
			&member.who,
			SlashAmount::Fraction(Self::params().verifier_fault_slash),
			SlashReason::VerifierMisconduct,
			evidence,
		);
		T::Offences::report(&member.stash, fault, subject);
		Self::deposit_event(Event::VerifierFaulted {
			subject,
			verifier: member.who.clone(),
			stash: member.stash.clone(),
			fault,
			slashed,
		});
	}

	/// Applies the final word on a check: credits and faults for every vote of both rounds,
	/// then the claim's fate: a right one is accepted; a wrong receipt costs its worker the
	/// slash, jail and forfeit and its stage is reassigned, a wrong benchmark answer rejects
	/// the claimed IB. A seat without a revealed verdict is a fault (a sampling round's were
	/// faulted when it went to the dispute).
	pub(crate) fn resolve(subject: Subject, check: CheckOf<T>, outcome: Outcome) {
		Checks::<T>::remove(subject);
		let right = matches!(outcome, Outcome::Right(_));
		// Each member, with whether it sat on the sampling committee.
		let earlier = check.earlier.iter().filter(|m| m.vote.is_revealed()).map(|m| (m, true));
		let sampling = matches!(check.round, Round::Committee);
		for (member, sampling) in earlier.chain(check.members.iter().map(|m| (m, sampling))) {
			match (member.vote, right) {
				(Vote::Agree, true) | (Vote::Disagree, false) => Self::credit(&member.who, 1, 0),
				// A member that checked a sample of the claim may have missed a fake confined to
				// the rest: agreeing with a claim proven wrong earns nothing but is no fault, or
				// a worker could fake a little to have honest verifiers slashed.
				(Vote::Agree, false) if !check.coverage.whole_in(sampling) => {}
				// A benchmark answer is refuted when its node does not serve the parts a
				// verifier draws, and the node chooses whom it serves: refuting an answer that
				// is then cleared earns nothing but is no fault, or a node could have honest
				// verifiers slashed at will.
				(Vote::Disagree, true) if matches!(subject, Subject::Benchmark { .. }) => {}
				(Vote::Agree, false) | (Vote::Disagree, true) => {
					Self::fault(subject, member, VerifierFault::WrongVerdict)
				}
				(Vote::Silent | Vote::Committed(_), _) => {
					Self::fault(subject, member, VerifierFault::Silent)
				}
				// Faulted when its trap sprung.
				(Vote::Baited, _) => {}
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
