//! Verdicts and disputes: commit–reveal rounds, unanimous acceptance, disputes decided each way
//! by a majority of seats, seats left without a revealed verdict redrawn, claims that end
//! unverifiable, copied commitments that cannot be revealed, refused commitments and reveals,
//! and the exact slash.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchResult, Perbill};

use super::{intake::*, *};
use crate::{
	AcceptReason, Awaiting, Checks, Credits, Error, Event, Round, UnverifiableReason, Verdict,
	VerifierCredits, VerifierFault, Vote,
};

pub(super) const WORKER: AccountId = 1;
pub(super) const BOND: Balance = 1_000;
pub(super) const JOB: JobId = 7;
/// The receipt under check.
pub(super) const CHECKED: Subject = Subject::Stage { job: JOB, stage: 0 };
/// The receipt's check is opened at this block.
pub(super) const OPENED: u64 = 1 + WINDOW;
/// Blocks of a round: 30 to commit, 10 more to reveal.
pub(super) const ROUND: u64 = 40;
/// The first round's commitments are due before this block, and its reveals open then.
const COMMITS_UNTIL: u64 = OPENED + 30;
/// The first round's reveals are due before this block.
const DEADLINE: u64 = OPENED + ROUND;
/// A dispute after a first round revealed at `OPENED` is drawn at this block.
const DRAWN: u64 = OPENED + crate::checks::DRAW_DELAY as u64;

/// Submits a receipt that is sure to be sampled and runs to its sampling; returns the
/// committee.
fn sampled() -> Vec<AccountId> {
	bonded_worker(WORKER, BOND);
	submit(&receipt(WORKER, JOB, BIG_FEE));
	run_to(OPENED);
	events();
	committee()
}

fn committee() -> Vec<AccountId> {
	Checks::<Test>::get(CHECKED).unwrap().members.iter().map(|m| m.who).collect()
}

/// The verdict of a verifier that finds the receipt right (`agrees`) or wrong.
fn verdict(agrees: bool) -> Verdict {
	if agrees {
		Verdict::Commitment(root(JOB))
	} else {
		Verdict::Commitment([0xee; 32])
	}
}

fn commits(who: AccountId, agrees: bool) -> DispatchResult {
	commit(who, CHECKED, verdict(agrees))
}

fn reveals(who: AccountId, agrees: bool) -> DispatchResult {
	reveal(who, CHECKED, verdict(agrees))
}

/// Each of `votes` commits, then each reveals.
fn votes(votes: &[(AccountId, bool)]) {
	let votes: Vec<_> = votes.iter().map(|(who, agrees)| (*who, verdict(*agrees))).collect();
	vote(CHECKED, &votes);
}

pub(super) fn credits(who: AccountId) -> Credits {
	VerifierCredits::<Test>::get(crate::CreditEpoch::<Test>::get(), who)
}

pub(super) fn bounded(
	list: &[AccountId],
) -> frame_support::BoundedVec<AccountId, ConstU32<MAX_COMMITTEE>> {
	frame_support::BoundedVec::truncate_from(list.to_vec())
}

pub(super) fn offences() -> Vec<(AccountId, VerifierFault, Subject)> {
	world(|w| w.offences.clone())
}

/// What the verifiers' faults put into the penalty pool, from the events.
fn fines(events: &[Event<Test>]) -> Balance {
	events
		.iter()
		.map(|event| match event {
			Event::VerifierFaulted { slashed, .. } => *slashed,
			_ => 0,
		})
		.sum()
}

/// Opens a dispute: the first member finds the receipt wrong, the second right. Returns (first
/// committee, dispute committee).
fn disputed() -> (Vec<AccountId>, Vec<AccountId>) {
	let first = sampled();
	votes(&[(first[0], false), (first[1], true)]);
	run_to(DRAWN);
	let dispute = committee();
	(first, dispute)
}

#[test]
fn a_unanimous_committee_accepts_and_earns_credits() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		assert_ok!(commits(members[0], true));
		assert_ok!(commits(members[1], true));
		assert_ok!(reveals(members[0], true));
		assert!(world(|w| w.accepted.is_empty()), "one verdict of two decides nothing");
		assert_ok!(reveals(members[1], true));
		assert_eq!(
			events(),
			vec![
				Event::VerdictCommitted { subject: CHECKED, verifier: members[0] },
				Event::VerdictCommitted { subject: CHECKED, verifier: members[1] },
				Event::VerdictRevealed { subject: CHECKED, verifier: members[0], agrees: true },
				Event::VerdictRevealed { subject: CHECKED, verifier: members[1], agrees: true },
				Event::Accepted {
					subject: CHECKED,
					worker: WORKER,
					reason: AcceptReason::CommitteeAgreed
				},
			]
		);
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)]);
		assert_eq!(world(|w| w.verification_results.clone()), vec![(WORKER, true)]);
		for who in &members {
			assert_eq!(credits(*who), Credits { matched: 1, disputes: 0 });
		}
		let to_the_pool: Vec<_> = members.iter().map(|who| (*who, 1)).collect();
		assert_eq!(world(|w| w.matched.clone()), to_the_pool, "each counts for the verifier pool");
		assert!(Checks::<Test>::get(CHECKED).is_none());
		assert_eq!(bond_of(WORKER), BOND);
		assert!(offences().is_empty());
	});
}

/// Only the reveal that decides a round is charged for deciding it (slashes, reports, credits
/// for a whole committee); an earlier reveal, or one refused, is charged what it did. In the
/// simulator the worst case charged to every reveal filled blocks and starved the votes.
#[test]
fn only_the_reveal_that_decides_its_round_pays_for_the_decision() {
	use crate::WeightInfo;
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		let size =
			<<Test as crate::Config>::MaxCommitteeSize as frame_support::traits::Get<u32>>::get();
		let undecided = Some(<() as WeightInfo>::reveal_verdict_undecided(size));
		let reveal = |who: AccountId| match Verification::reveal_verdict(
			RuntimeOrigin::signed(who),
			CHECKED,
			verdict(true),
			SALT,
		) {
			Ok(info) => info.actual_weight,
			Err(error) => error.post_info.actual_weight,
		};
		assert_ok!(commits(members[0], true));
		assert_eq!(reveal(members[0]), undecided, "refused: reveals are not open");
		assert_ok!(commits(members[1], true));
		assert_eq!(reveal(members[0]), undecided, "one verdict of two decides nothing");
		assert_eq!(reveal(members[1]), None, "the deciding reveal is charged in full");
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)]);
		assert!(undecided.unwrap().all_lt(Verification::reveal_verdict_weight()));
	});
}

/// No verdict of a round is visible before every commitment is in: a member cannot reveal
/// while another seat has not committed, a seat that did not commit in time cannot join, and
/// its replacement commits before the sealed commitment opens.
#[test]
fn no_verdict_is_revealed_before_every_commitment_is_in() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		assert_ok!(commits(members[0], true));
		assert_noop!(reveals(members[0], true), Error::<Test>::RevealsNotOpen);
		let sealed = Vote::Committed(crate::verdict_commitment(
			&CHECKED,
			&members[0],
			&verdict(true),
			&SALT,
		));
		assert_eq!(
			Checks::<Test>::get(CHECKED).unwrap().members[0].vote,
			sealed,
			"only a hash is on chain"
		);
		run_to(COMMITS_UNTIL);
		assert_noop!(commits(members[1], true), Error::<Test>::CommitsClosed);
		assert_noop!(reveals(members[1], true), Error::<Test>::NotCommitted);
		assert_noop!(reveals(members[0], true), Error::<Test>::RevealsNotOpen);
		// At the deadline the seat that never committed goes to another verifier; the sealed
		// commitment stays sealed until the newcomer has committed.
		run_to(DEADLINE);
		let seated = committee();
		assert_eq!(seated[0], members[0]);
		assert_eq!(Checks::<Test>::get(CHECKED).unwrap().members[0].vote, sealed);
		assert_noop!(reveals(members[0], true), Error::<Test>::RevealsNotOpen);
		assert_ok!(commits(seated[1], true));
		assert_ok!(reveals(members[0], true));
		assert_ok!(reveals(seated[1], true));
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)]);
		assert_eq!(offences(), vec![(members[1], VerifierFault::Silent, CHECKED)]);
	});
}

/// A lazy member that copies another's commitment cannot reveal it: the commitment binds the
/// account that made it, so the copier's reveal of the same verdict and salt does not match.
/// It ends without a revealed verdict, faulted and redrawn.
#[test]
fn a_copied_commitment_cannot_be_revealed() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		let (honest, copier) = (members[0], members[1]);
		assert_ok!(commits(honest, true));
		let seen = match Checks::<Test>::get(CHECKED).unwrap().members[0].vote {
			Vote::Committed(commitment) => commitment,
			vote => panic!("committed, not {vote:?}"),
		};
		assert_ok!(Verification::commit_verdict(RuntimeOrigin::signed(copier), CHECKED, seen));
		assert_ok!(reveals(honest, true));
		// Everything the honest member revealed, replayed by the copier.
		assert_noop!(reveals(copier, true), Error::<Test>::RevealMismatch);
		assert_noop!(reveals(copier, false), Error::<Test>::RevealMismatch);
		assert!(world(|w| w.accepted.is_empty()));
		run_to(DEADLINE);
		assert_eq!(offences(), vec![(copier, VerifierFault::Silent, CHECKED)]);
		assert!(!committee().contains(&copier), "its seat went to another verifier");
		assert_eq!(bond_of(copier), VERIFIER_BOND - VERIFIER_BOND / 10);
	});
}

#[test]
fn a_dispute_that_proves_the_worker_wrong_slashes_jails_and_reassigns() {
	ExtBuilder::default().build_and_execute(|| {
		world(|w| w.epoch = 3);
		let (first, dispute) = disputed();
		assert_eq!(dispute.len(), 5);
		assert!(events().contains(&Event::Disputed {
			subject: CHECKED,
			disputer: Some(first[0]),
			committee: dispute.clone().try_into().unwrap(),
			commits_until: DRAWN + 30,
			deadline: DRAWN + ROUND,
		}));
		let check = Checks::<Test>::get(CHECKED).unwrap();
		assert_eq!(check.round, Round::Dispute { disputer: Some(first[0]) });
		if !dispute.contains(&first[1]) {
			assert_noop!(commits(first[1], true), Error::<Test>::NotInCommittee);
		}

		// Three against, one for, one committed but never revealed: a majority of five at the
		// deadline.
		let pool_before = pool();
		for (who, agrees) in [(0, false), (1, true), (2, false), (3, false), (4, true)] {
			assert_ok!(commits(dispute[who], agrees));
		}
		for (who, agrees) in [(0, false), (1, true), (2, false), (3, false)] {
			assert_ok!(reveals(dispute[who], agrees));
		}
		assert!(world(|w| w.rejected.is_empty()), "the round waits for its last seat");
		events();
		run_to(DRAWN + ROUND);

		let slash = Perbill::from_percent(10) * BOND;
		assert_eq!(slash, 100);
		assert_eq!(bond_of(WORKER), BOND - slash, "the bond shrinks by exactly the slash");
		let events = events();
		assert_eq!(
			events.last(),
			Some(&Event::Rejected {
				subject: CHECKED,
				worker: WORKER,
				slashed: slash,
				jailed_until: Some(3 + 2)
			})
		);
		// The verifiers that agreed with the wrong receipt and the silent one lose a tenth of
		// their verifier bonds, into the same pool.
		let fine = VERIFIER_BOND / 10;
		assert!(bond_of(dispute[1]) <= VERIFIER_BOND - fine);
		assert!(bond_of(dispute[4]) <= VERIFIER_BOND - fine);
		assert!(fines(&events) > 2 * fine, "two in the dispute, one in the first round");
		assert_eq!(pool(), pool_before + slash + fines(&events), "into the penalty pool");
		assert_eq!(
			pallet_compute_staking::Pallet::<Test>::jailed_until(&WORKER),
			Some(5),
			"jailed for jail_epochs"
		);
		assert_eq!(world(|w| w.forfeits.clone()), vec![(WORKER, 3)]);
		assert_eq!(world(|w| w.rejected.clone()), vec![(JOB, 0)]);
		assert!(world(|w| w.accepted.is_empty()), "the submitter is not charged");
		assert_eq!(world(|w| w.verification_results.clone()), vec![(WORKER, false)]);

		// The disputer: a matched verdict and a confirmed dispute. The dispute committee's
		// majority matched; the one who agreed voted wrong, the one that never revealed is
		// silent, and
		// the first round's member that agreed with the worker voted wrong too.
		let disputer = first[0];
		let disputer_credit = credits(disputer);
		assert!(disputer_credit.disputes == 1 && disputer_credit.matched >= 1);
		assert!(offences().contains(&(dispute[1], VerifierFault::WrongVerdict, CHECKED)));
		assert!(offences().contains(&(dispute[4], VerifierFault::Silent, CHECKED)));
		assert!(offences().contains(&(first[1], VerifierFault::WrongVerdict, CHECKED)));
		assert!(Checks::<Test>::get(CHECKED).is_none());
	});
}

/// A stage checked by tile sampling: its sampling committee recomputes a sample of the output,
/// so a member that agreed with a receipt the dispute (which recomputes it whole) rejects may
/// have missed a fake confined to rows it did not draw. It earns nothing and is not faulted;
/// a dispute member that agreed is, and the worker is rejected as with any check.
#[test]
fn agreeing_with_a_sampled_receipt_proven_wrong_is_a_fault_only_in_the_dispute() {
	ExtBuilder::default().build_and_execute(|| {
		bonded_worker(WORKER, BOND);
		submit(&ReceiptSubmitted { sampled: true, ..receipt(WORKER, JOB, BIG_FEE) });
		run_to(OPENED);
		let first = committee();
		assert_eq!(
			Checks::<Test>::get(CHECKED).unwrap().coverage,
			crate::Coverage::SampleThenWhole
		);
		votes(&[(first[0], false), (first[1], true)]);
		run_to(DRAWN);
		let dispute = committee();
		votes(&[
			(dispute[0], false),
			(dispute[1], true),
			(dispute[2], false),
			(dispute[3], false),
			(dispute[4], false),
		]);
		assert_eq!(world(|w| w.rejected.clone()), vec![(JOB, 0)]);
		assert_eq!(bond_of(WORKER), BOND - BOND / 10, "the worker is slashed");
		assert_eq!(offences(), vec![(dispute[1], VerifierFault::WrongVerdict, CHECKED)]);
		let seated = |who| u32::from(dispute.contains(&who));
		assert_eq!(credits(first[1]).matched, seated(first[1]), "agreeing earned nothing");
		if !dispute.contains(&first[1]) {
			assert_eq!(bond_of(first[1]), VERIFIER_BOND, "nor cost anything");
		}
	});
}

#[test]
fn a_dispute_that_clears_the_worker_accepts_and_faults_the_disputer() {
	ExtBuilder::default().build_and_execute(|| {
		let (first, dispute) = disputed();
		let all_agree: Vec<_> = dispute.iter().map(|who| (*who, true)).collect();
		votes(&all_agree);
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)], "the last reveal decides");
		assert!(events().contains(&Event::Accepted {
			subject: CHECKED,
			worker: WORKER,
			reason: AcceptReason::DisputeCleared
		}));
		assert_eq!(bond_of(WORKER), BOND, "nothing taken from a worker proven right");
		assert!(offences().contains(&(first[0], VerifierFault::WrongVerdict, CHECKED)));
		assert_eq!(credits(first[0]).disputes, 0);
	});
}

#[test]
fn a_silent_seat_is_redrawn_and_the_new_member_decides() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		assert_ok!(commits(members[0], true));
		run_to(DEADLINE - 1);
		assert!(world(|w| w.accepted.is_empty()), "waits for the silent member until the deadline");
		run_to(DEADLINE);
		assert!(world(|w| w.accepted.is_empty()), "one agreement of two seats accepts nothing");
		assert_eq!(offences(), vec![(members[1], VerifierFault::Silent, CHECKED)]);
		let seated = committee();
		assert_eq!(seated[0], members[0], "the member that answered keeps its seat");
		assert!(!members.contains(&seated[1]), "the silent seat goes to another verifier");
		let check = Checks::<Test>::get(CHECKED).unwrap();
		assert!(matches!(check.members[0].vote, Vote::Committed(_)), "its commitment stays sealed");
		assert_eq!(check.members[1].vote, Vote::Silent);
		assert_eq!(
			(check.commits_until, check.deadline, check.redraws),
			(DEADLINE + 30, DEADLINE + ROUND, 1)
		);
		assert_eq!(check.dismissed.to_vec(), vec![members[1]]);
		assert!(events().contains(&Event::Redrawn {
			subject: CHECKED,
			dismissed: bounded(&[members[1]]),
			committee: bounded(&seated),
			commits_until: DEADLINE + 30,
			deadline: DEADLINE + ROUND,
			redraw: 1,
		}));
		assert_ok!(commits(seated[1], true));
		assert_ok!(reveals(seated[0], true));
		assert_ok!(reveals(seated[1], true));
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)]);
		assert_eq!(credits(members[0]).matched, 1);
		assert_eq!(credits(seated[1]).matched, 1);
		assert_eq!(credits(members[1]), Credits::default());
		assert_noop!(commits(members[1], true), Error::<Test>::NotUnderCheck);
	});
}

#[test]
fn a_committed_seat_that_never_reveals_is_faulted_and_redrawn() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		assert_ok!(commits(members[0], true));
		assert_ok!(commits(members[1], true));
		assert_ok!(reveals(members[0], true));
		run_to(DEADLINE);
		assert_eq!(offences(), vec![(members[1], VerifierFault::Silent, CHECKED)]);
		assert!(!committee().contains(&members[1]));
		assert!(world(|w| w.accepted.is_empty()), "a hidden verdict is no agreement");
	});
}

#[test]
fn a_wholly_silent_committee_is_redrawn_then_decided() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		run_to(DEADLINE);
		let check = Checks::<Test>::get(CHECKED).unwrap();
		assert_eq!(check.round, Round::Committee, "silence is no dispute");
		let seated = committee();
		assert!(seated.iter().all(|who| !members.contains(who)));
		assert_eq!(
			offences(),
			members.iter().map(|who| (*who, VerifierFault::Silent, CHECKED)).collect::<Vec<_>>()
		);
		votes(&[(seated[0], true), (seated[1], true)]);
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)]);
		assert!(events().contains(&Event::Accepted {
			subject: CHECKED,
			worker: WORKER,
			reason: AcceptReason::CommitteeAgreed
		}));
	});
}

#[test]
fn silence_through_every_redraw_ends_unverifiable_with_nothing_paid_or_slashed() {
	ExtBuilder::default().build_and_execute(|| {
		let mut silent = sampled();
		let max_redraws = Verification::params().max_redraws as u64;
		for redraw in 1..=max_redraws {
			run_to(DEADLINE + ROUND * (redraw - 1));
			assert_eq!(Checks::<Test>::get(CHECKED).unwrap().redraws as u64, redraw);
			silent.extend(committee());
		}
		run_to(DEADLINE + ROUND * max_redraws);
		assert!(Checks::<Test>::get(CHECKED).is_none());
		assert_eq!(world(|w| w.voided.clone()), vec![(JOB, 0)], "the job closes, refunded");
		assert!(world(|w| w.accepted.is_empty() && w.rejected.is_empty()));
		assert_eq!(bond_of(WORKER), BOND, "the worker is not slashed");
		assert!(world(|w| w.forfeits.is_empty() && w.verification_results.is_empty()));
		assert_eq!(
			offences(),
			silent.iter().map(|who| (*who, VerifierFault::Silent, CHECKED)).collect::<Vec<_>>(),
			"every silent member faulted once"
		);
		let all: std::collections::BTreeSet<_> = silent.iter().collect();
		assert_eq!(all.len(), silent.len(), "nobody dismissed was drawn again");
		assert!(events().contains(&Event::Unverifiable {
			subject: CHECKED,
			worker: WORKER,
			reason: UnverifiableReason::Silent
		}));
	});
}

#[test]
fn a_silent_dispute_never_clears_the_worker() {
	// Ten verifiers: enough to give all five dispute seats to others.
	let verifiers: Vec<AccountId> = (101..=110).collect();
	ExtBuilder::default().verifiers(&verifiers).build_and_execute(|| {
		let (_, dispute) = disputed();
		run_to(DRAWN + ROUND);
		assert!(world(|w| w.accepted.is_empty()), "0 to 0 is no clearance");
		let redrawn = committee();
		assert!(redrawn.iter().all(|who| !dispute.contains(who)));
	});
}

#[test]
fn a_dispute_without_a_majority_of_seats_is_redrawn_not_decided() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, dispute) = disputed();
		// Three of five commit; the other two stay silent.
		for (who, agrees) in [(0, false), (1, false), (2, true)] {
			assert_ok!(commits(dispute[who], agrees));
		}
		run_to(DRAWN + ROUND);
		assert!(world(|w| w.rejected.is_empty()), "no majority of five seats");
		assert_eq!(bond_of(WORKER), BOND);
		let seated = committee();
		assert_eq!(&seated[..3], &dispute[..3], "the members that committed keep their seats");
		assert_ok!(commits(seated[3], false));
		assert_ok!(commits(seated[4], false));
		for (who, agrees) in [(0, false), (1, false), (2, true), (3, false), (4, false)] {
			assert_ok!(reveals(seated[who], agrees));
		}
		assert_eq!(world(|w| w.rejected.clone()), vec![(JOB, 0)], "4 of 5 seats decide");
		assert_eq!(bond_of(WORKER), BOND - 100);
	});
}

#[test]
fn a_full_dispute_without_a_majority_is_unverifiable() {
	// Four serve, so the dispute has four seats: two against two decides nothing.
	ExtBuilder::default().verifiers(&[101, 102, 103, 104]).build_and_execute(|| {
		let (_, dispute) = disputed();
		assert_eq!(dispute.len(), 4);
		votes(&[(dispute[0], false), (dispute[1], false), (dispute[2], true), (dispute[3], true)]);
		assert!(Checks::<Test>::get(CHECKED).is_none(), "ended DRAW_DELAY blocks later");
		assert_eq!(world(|w| w.voided.clone()), vec![(JOB, 0)]);
		assert_eq!(bond_of(WORKER), BOND);
		assert!(events().contains(&Event::Unverifiable {
			subject: CHECKED,
			worker: WORKER,
			reason: UnverifiableReason::NoMajority
		}));
	});
}

#[test]
fn commitments_and_reveals_out_of_turn_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		let outsider = (101..=107).find(|who| !members.contains(who)).unwrap();
		assert_noop!(commits(outsider, true), Error::<Test>::NotInCommittee);
		assert_noop!(commits(WORKER, true), Error::<Test>::NotInCommittee);
		assert_noop!(
			commit(members[0], Subject::Stage { job: JOB + 1, stage: 0 }, verdict(true)),
			Error::<Test>::NotUnderCheck
		);
		assert_ok!(commits(members[0], true));
		assert_noop!(commits(members[0], false), Error::<Test>::AlreadyVoted);
		assert_noop!(reveals(members[1], true), Error::<Test>::NotCommitted);
		assert_ok!(commits(members[1], true));
		assert_noop!(reveals(members[0], false), Error::<Test>::RevealMismatch);
		assert_noop!(
			Verification::reveal_verdict(
				RuntimeOrigin::signed(members[0]),
				CHECKED,
				verdict(true),
				[0; 32]
			)
			.map_err(|e| e.error),
			Error::<Test>::RevealMismatch
		);
		assert_ok!(reveals(members[0], true));
		assert_noop!(reveals(members[0], true), Error::<Test>::AlreadyVoted);
		System::set_block_number(DEADLINE);
		assert_noop!(reveals(members[1], true), Error::<Test>::VerdictTooLate);
	});
}

#[test]
fn a_dispute_no_verifier_can_take_is_unverifiable() {
	ExtBuilder::default().build_and_execute(|| {
		let first = sampled();
		// Every verifier stops serving after the committee was drawn.
		world(|w| w.not_serving.extend(101..=107));
		votes(&[(first[0], false), (first[1], true)]);
		run_to(DRAWN);
		assert!(Checks::<Test>::get(CHECKED).is_none());
		assert!(events().contains(&Event::Unverifiable {
			subject: CHECKED,
			worker: WORKER,
			reason: UnverifiableReason::NoVerifiers
		}));
		assert_eq!(world(|w| w.voided.clone()), vec![(JOB, 0)]);
		assert!(world(|w| w.rejected.is_empty()), "one verdict proves nothing");
		assert_eq!(bond_of(WORKER), BOND);
		assert_eq!(credits(first[0]), Credits::default());
	});
}

#[test]
fn pending_checks_list_what_each_member_still_owes() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		let pending = |awaiting| crate::PendingCheck {
			subject: CHECKED,
			worker: WORKER,
			output_root: root(JOB),
			awaiting,
			dispute: false,
			commits_until: COMMITS_UNTIL,
			deadline: DEADLINE,
		};
		assert_eq!(Verification::pending_checks(&members[0]), vec![pending(Awaiting::Commit)]);
		let outsider = (101..=107).find(|who| !members.contains(who)).unwrap();
		assert!(Verification::pending_checks(&outsider).is_empty());
		assert_ok!(commits(members[0], true));
		assert_eq!(
			Verification::pending_checks(&members[0]),
			vec![pending(Awaiting::Reveal { open: false })],
			"its reveal waits for the other seat"
		);
		assert_ok!(commits(members[1], true));
		let open = vec![pending(Awaiting::Reveal { open: true })];
		assert_eq!(Verification::pending_checks(&members[0]), open);
		assert_eq!(Verification::pending_checks(&members[1]), open);
		assert_ok!(reveals(members[0], true));
		assert!(Verification::pending_checks(&members[0]).is_empty(), "answered");
	});
}

/// The same vectors as cinder-worker's `verdict_commitments_match_the_chain`: the worker
/// computes commitments the chain accepts.
#[test]
fn verdict_commitments_match_the_worker() {
	let verifier = sp_core::crypto::AccountId32::new([1; 32]);
	let root = Verdict::Commitment([2; 32]);
	let stage =
		crate::verdict_commitment(&Subject::Stage { job: 7, stage: 1 }, &verifier, &root, &[3; 32]);
	assert_eq!(
		sp_core::hexdisplay::HexDisplay::from(&stage).to_string(),
		"da659461d6638cf238588c0a2ab7b0920dbce0d2bf55f8c087233b5b785ca5cd"
	);
	let answer =
		crate::verdict_commitment(&Subject::Benchmark { challenge: 9 }, &verifier, &root, &[3; 32]);
	assert_eq!(
		sp_core::hexdisplay::HexDisplay::from(&answer).to_string(),
		"70fc1c1bd3083b9e1dd358fc3f6606017c12e011494a9342b362c22e289cb6a7"
	);
}
