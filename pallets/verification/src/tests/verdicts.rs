//! Verdicts and disputes: unanimous acceptance, disputes decided each way, silent and
//! equivocating verifiers, verdicts from outside the committee or too late, and the exact
//! slash.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchResult, Perbill};

use super::{intake::*, *};
use crate::{
	AcceptReason, Checks, Credits, Error, Event, Round, Verdict, VerifierCredits, VerifierFault,
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
		assert_eq!(pool(), pool_before + slash, "into the penalty pool");
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
fn a_silent_verifier_is_faulted_and_the_others_decide_at_the_deadline() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		assert_ok!(verdict(members[0], true));
		run_to(DEADLINE - 1);
		assert!(world(|w| w.accepted.is_empty()), "waits for the silent member until the deadline");
		run_to(DEADLINE);
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)]);
		assert_eq!(offences(), vec![(members[1], VerifierFault::Silent, CHECKED)]);
		assert_eq!(credits(members[0]).matched, 1);
		assert_eq!(credits(members[1]), Credits::default());
	});
}

#[test]
fn a_wholly_silent_committee_gives_way_to_a_dispute_and_a_silent_dispute_clears_the_worker() {
	ExtBuilder::default().build_and_execute(|| {
		let members = sampled();
		run_to(DEADLINE);
		let check = Checks::<Test>::get(CHECKED).unwrap();
		assert_eq!(check.round, Round::Dispute { disputer: None });
		assert_eq!(check.deadline, DEADLINE + 30);
		let mut silent: Vec<_> =
			members.iter().map(|who| (*who, VerifierFault::Silent, CHECKED)).collect();
		assert_eq!(offences(), silent);
		let dispute = committee();
		run_to(DEADLINE + 30);
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)], "a tie goes to the worker");
		silent.extend(dispute.iter().map(|who| (*who, VerifierFault::Silent, CHECKED)));
		assert_eq!(offences(), silent, "every silent member once, per round");
	});
}

#[test]
fn at_the_deadline_a_dispute_goes_to_the_side_with_more_verdicts() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, dispute) = disputed();
		assert_ok!(verdict(dispute[0], false));
		assert_ok!(verdict(dispute[1], false));
		assert_ok!(verdict(dispute[2], true));
		run_to(OPENED + 30);
		assert_eq!(world(|w| w.rejected.clone()), vec![(JOB, 0)]);
		assert_eq!(bond_of(WORKER), BOND - 100);
	});
}

#[test]
fn an_equivocating_verifier_loses_its_vote_and_is_reported() {
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
					fault: VerifierFault::Equivocated
				},
			]
		);
		assert_eq!(offences(), vec![(members[0], VerifierFault::Equivocated, CHECKED)]);
		assert_noop!(verdict(members[0], true), Error::<Test>::Equivocated);
		// The other member's agreement alone does not make the committee unanimous; the
		// deadline decides, with no credit for the equivocator.
		assert_ok!(verdict(members[1], true));
		assert!(world(|w| w.accepted.is_empty()));
		run_to(DEADLINE);
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
fn a_dispute_no_verifier_can_take_is_decided_by_the_first_rounds_verdicts() {
	ExtBuilder::default().build_and_execute(|| {
		let first = sampled();
		// Every verifier stops serving after the committee was drawn.
		world(|w| w.not_serving.extend(101..=107));
		assert_ok!(verdict(first[0], false));
		let check = Checks::<Test>::get(CHECKED).unwrap();
		assert_eq!(check.round, Round::Dispute { disputer: Some(first[0]) });
		assert!(check.members.is_empty());
		assert_noop!(verdict(first[1], true), Error::<Test>::NotInCommittee);
		run_to(OPENED + 30);
		// One verdict against, none for: the worker is wrong.
		assert_eq!(world(|w| w.rejected.clone()), vec![(JOB, 0)]);
		assert_eq!(bond_of(WORKER), BOND - 100);
		assert_eq!(credits(first[0]), Credits { matched: 1, disputes: 1 });
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
