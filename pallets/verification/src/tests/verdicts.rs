//! Verdicts and disputes: unanimous acceptance, disputes decided each way by a majority of
//! seats, silent and equivocating verifiers' seats redrawn, claims that end unverifiable,
//! verdicts from outside the committee or too late, and the exact slash.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchResult, Perbill};

use super::{intake::*, *};
use crate::{
	AcceptReason, Checks, Credits, Error, Event, Round, UnverifiableReason, Verdict,
	VerifierCredits, VerifierFault,
};

const WORKER: AccountId = 1;
const BOND: Balance = 1_000;
const JOB: JobId = 7;
/// The receipt under check.
const CHECKED: Subject = Subject::Stage { job: JOB, stage: 0 };
/// The receipt's check is opened at this block; verdicts are due before `DEADLINE`.
const OPENED: u64 = 1 + WINDOW;
const DEADLINE: u64 = OPENED + 30;

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

fn verdict(who: AccountId, agrees: bool) -> DispatchResult {
	let verdict =
		if agrees { Verdict::Commitment(root(JOB)) } else { Verdict::Commitment([0xee; 32]) };
	Verification::submit_verdict(RuntimeOrigin::signed(who), CHECKED, verdict)
}

fn credits(who: AccountId) -> Credits {
	VerifierCredits::<Test>::get(crate::CreditEpoch::<Test>::get(), who)
}

fn bounded(list: &[AccountId]) -> frame_support::BoundedVec<AccountId, ConstU32<MAX_COMMITTEE>> {
	frame_support::BoundedVec::truncate_from(list.to_vec())
}

fn offences() -> Vec<(AccountId, VerifierFault, Subject)> {
	world(|w| w.offences.clone())
}

/// Opens a dispute: the first member disagrees. Returns (first committee, dispute committee).
fn disputed() -> (Vec<AccountId>, Vec<AccountId>) {
	let first = sampled();
	assert_ok!(verdict(first[0], false));
	let dispute = committee();
	(first, dispute)
}

#[test]
fn a_unanimous_committee_accepts_and_earns_credits() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		assert_ok!(verdict(members[0], true));
		assert!(world(|w| w.accepted.is_empty()), "one verdict of two decides nothing");
		assert_ok!(verdict(members[1], true));
		assert_eq!(
			events(),
			vec![
				Event::VerdictSubmitted { subject: CHECKED, verifier: members[0], agrees: true },
				Event::VerdictSubmitted { subject: CHECKED, verifier: members[1], agrees: true },
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

#[test]
fn a_check_verdict_counts_like_a_commitment() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		for who in members {
			assert_ok!(Verification::submit_verdict(
				RuntimeOrigin::signed(who),
				CHECKED,
				Verdict::Check { passed: true }
			));
		}
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)]);
	});
}

#[test]
fn a_dispute_that_proves_the_worker_wrong_slashes_jails_and_reassigns() {
	ExtBuilder::default().build_and_execute(|| {
		world(|w| w.epoch = 3);
		let (first, dispute) = disputed();
		assert_eq!(dispute.len(), 5);
		assert_eq!(
			events(),
			vec![
				Event::VerdictSubmitted { subject: CHECKED, verifier: first[0], agrees: false },
				Event::Disputed {
					subject: CHECKED,
					disputer: Some(first[0]),
					committee: dispute.clone().try_into().unwrap(),
					deadline: OPENED + 30,
				},
			]
		);
		let check = Checks::<Test>::get(CHECKED).unwrap();
		assert_eq!(check.round, Round::Dispute { disputer: Some(first[0]) });
		if !dispute.contains(&first[1]) {
			assert_noop!(verdict(first[1], true), Error::<Test>::NotInCommittee);
		}

		// Two against, one for, then the third against is a majority of five.
		let pool_before = pool();
		assert_ok!(verdict(dispute[0], false));
		assert_ok!(verdict(dispute[1], true));
		assert_ok!(verdict(dispute[2], false));
		assert!(world(|w| w.rejected.is_empty()));
		events();
		assert_ok!(verdict(dispute[3], false));

		let slash = Perbill::from_percent(10) * BOND;
		assert_eq!(slash, 100);
		assert_eq!(bond_of(WORKER), BOND - slash, "the bond shrinks by exactly the slash");
		// The verifier that agreed with the wrong receipt and the silent one lose a tenth of
		// their verifier bonds, into the same pool.
		let verifier_slash = VERIFIER_BOND / 10;
		assert_eq!(bond_of(dispute[1]), VERIFIER_BOND - verifier_slash);
		assert_eq!(bond_of(dispute[4]), VERIFIER_BOND - verifier_slash);
		assert_eq!(bond_of(dispute[0]), VERIFIER_BOND, "a verdict that matched costs nothing");
		assert_eq!(pool(), pool_before + slash + 2 * verifier_slash, "into the penalty pool");
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
		// majority matched; the one who agreed voted wrong, the silent one stayed silent.
		let disputer = first[0];
		let disputer_credit = credits(disputer);
		assert!(disputer_credit.disputes == 1 && disputer_credit.matched >= 1);
		assert!(offences().contains(&(dispute[1], VerifierFault::WrongVerdict, CHECKED)));
		assert!(offences().contains(&(dispute[4], VerifierFault::Silent, CHECKED)));
		assert!(
			!offences().iter().any(|(who, ..)| *who == first[1] && !dispute.contains(&first[1])),
			"a first-round member cut short by the dispute is not at fault"
		);
		assert!(Checks::<Test>::get(CHECKED).is_none());
	});
}

#[test]
fn a_dispute_that_clears_the_worker_accepts_and_faults_the_disputer() {
	ExtBuilder::default().build_and_execute(|| {
		let (first, dispute) = disputed();
		for who in &dispute[..3] {
			assert_ok!(verdict(*who, true));
		}
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)]);
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
		assert_ok!(verdict(members[0], true));
		run_to(DEADLINE - 1);
		assert!(world(|w| w.accepted.is_empty()), "waits for the silent member until the deadline");
		run_to(DEADLINE);
		assert!(world(|w| w.accepted.is_empty()), "one agreement of two seats accepts nothing");
		assert_eq!(offences(), vec![(members[1], VerifierFault::Silent, CHECKED)]);
		let seated = committee();
		assert_eq!(seated[0], members[0], "the verdict given stays");
		assert!(!members.contains(&seated[1]), "the silent seat goes to another verifier");
		let check = Checks::<Test>::get(CHECKED).unwrap();
		assert_eq!((check.deadline, check.redraws), (DEADLINE + 30, 1));
		assert_eq!(check.dismissed.to_vec(), vec![members[1]]);
		assert!(events().contains(&Event::Redrawn {
			subject: CHECKED,
			dismissed: bounded(&[members[1]]),
			committee: bounded(&seated),
			deadline: DEADLINE + 30,
			redraw: 1,
		}));
		assert_ok!(verdict(seated[1], true));
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)]);
		assert_eq!(credits(members[0]).matched, 1);
		assert_eq!(credits(seated[1]).matched, 1);
		assert_eq!(credits(members[1]), Credits::default());
		assert_noop!(verdict(members[1], true), Error::<Test>::NotUnderCheck);
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
		for who in &seated {
			assert_ok!(verdict(*who, true));
		}
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
			run_to(DEADLINE + 30 * (redraw - 1));
			assert_eq!(Checks::<Test>::get(CHECKED).unwrap().redraws as u64, redraw);
			silent.extend(committee());
		}
		run_to(DEADLINE + 30 * max_redraws);
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
		run_to(OPENED + 30);
		assert!(world(|w| w.accepted.is_empty()), "0 to 0 is no clearance");
		let redrawn = committee();
		assert!(redrawn.iter().all(|who| !dispute.contains(who)));
	});
}

#[test]
fn a_dispute_without_a_majority_of_seats_is_redrawn_not_decided() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, dispute) = disputed();
		assert_ok!(verdict(dispute[0], false));
		assert_ok!(verdict(dispute[1], false));
		assert_ok!(verdict(dispute[2], true));
		run_to(OPENED + 30);
		assert!(world(|w| w.rejected.is_empty()), "2 of 5 seats are no majority");
		assert_eq!(bond_of(WORKER), BOND);
		let seated = committee();
		assert_eq!(&seated[..3], &dispute[..3], "the given verdicts stay");
		assert_ok!(verdict(seated[3], false));
		assert_eq!(world(|w| w.rejected.clone()), vec![(JOB, 0)], "3 of 5 seats decide");
		assert_eq!(bond_of(WORKER), BOND - 100);
	});
}

#[test]
fn a_full_dispute_without_a_majority_is_unverifiable() {
	// Four serve, so the dispute has four seats: two against two decides nothing.
	ExtBuilder::default().verifiers(&[101, 102, 103, 104]).build_and_execute(|| {
		let (_, dispute) = disputed();
		assert_eq!(dispute.len(), 4);
		assert_ok!(verdict(dispute[0], false));
		assert_ok!(verdict(dispute[1], false));
		assert_ok!(verdict(dispute[2], true));
		assert_ok!(verdict(dispute[3], true));
		run_to(OPENED + 30);
		assert!(Checks::<Test>::get(CHECKED).is_none());
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
fn an_equivocating_verifier_loses_its_vote_and_seat_and_is_reported() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		assert_ok!(verdict(members[0], true));
		assert_ok!(verdict(members[0], false));
		assert_eq!(
			events(),
			vec![
				Event::VerdictSubmitted { subject: CHECKED, verifier: members[0], agrees: true },
				Event::VerifierFaulted {
					subject: CHECKED,
					verifier: members[0],
					stash: members[0],
					fault: VerifierFault::Equivocated,
					slashed: VERIFIER_BOND / 10,
				},
			]
		);
		assert_eq!(offences(), vec![(members[0], VerifierFault::Equivocated, CHECKED)]);
		assert_noop!(verdict(members[0], true), Error::<Test>::Equivocated);
		// The other member's agreement alone does not make the committee unanimous; at the
		// deadline the void seat goes to another verifier.
		assert_ok!(verdict(members[1], true));
		assert!(world(|w| w.accepted.is_empty()));
		run_to(DEADLINE);
		let seated = committee();
		assert_eq!(seated[1], members[1]);
		assert!(!members.contains(&seated[0]));
		assert_ok!(verdict(seated[0], true));
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)]);
		assert_eq!(credits(members[0]), Credits::default());
		assert_eq!(credits(members[1]).matched, 1);
		assert_eq!(offences().len(), 1, "reported once");
	});
}

#[test]
fn verdicts_from_outside_the_committee_twice_or_too_late_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		let outsider = (101..=107).find(|who| !members.contains(who)).unwrap();
		assert_noop!(verdict(outsider, true), Error::<Test>::NotInCommittee);
		assert_noop!(verdict(WORKER, true), Error::<Test>::NotInCommittee);
		assert_noop!(
			Verification::submit_verdict(
				RuntimeOrigin::signed(members[0]),
				Subject::Stage { job: JOB + 1, stage: 0 },
				Verdict::Check { passed: true }
			),
			Error::<Test>::NotUnderCheck
		);
		assert_ok!(verdict(members[0], true));
		assert_noop!(verdict(members[0], true), Error::<Test>::AlreadyVoted);
		System::set_block_number(DEADLINE);
		assert_noop!(verdict(members[1], true), Error::<Test>::VerdictTooLate);
	});
}

#[test]
fn a_dispute_no_verifier_can_take_is_unverifiable() {
	ExtBuilder::default().build_and_execute(|| {
		let first = sampled();
		// Every verifier stops serving after the committee was drawn.
		world(|w| w.not_serving.extend(101..=107));
		assert_ok!(verdict(first[0], false));
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
		let pending = crate::PendingCheck {
			subject: CHECKED,
			worker: WORKER,
			output_root: root(JOB),
			deadline: DEADLINE,
		};
		assert_eq!(Verification::pending_checks(&members[0]), vec![pending.clone()]);
		let outsider = (101..=107).find(|who| !members.contains(who)).unwrap();
		assert!(Verification::pending_checks(&outsider).is_empty());
		assert_ok!(verdict(members[0], true));
		assert!(Verification::pending_checks(&members[0]).is_empty(), "answered");
		assert_eq!(Verification::pending_checks(&members[1]), vec![pending]);
	});
}
