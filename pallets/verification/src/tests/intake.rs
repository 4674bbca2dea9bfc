//! Intake and sampling decisions: the challenge window, the queue's bounds, the rate, and
//! committees for sampled receipts.

use frame_support::assert_ok;
use sp_runtime::Perbill;

use super::*;
use crate::{AcceptReason, Checks, Event, Intake, UnverifiableReason, VerificationParams};
use cinder_primitives::VerifierBusy;

/// Blocks of the default challenge window.
pub const WINDOW: u64 = 10;
/// A fee so large against a 1,000 bond that every receipt is sampled.
pub const BIG_FEE: Balance = 1_000;

/// Parameters under which (almost) nothing is sampled: a rate of 10⁻⁹.
pub fn never_sampled() -> VerificationParams<u64> {
	VerificationParams {
		base_sampling_rate: Perbill::from_parts(1),
		floor_sampling_rate: Perbill::from_parts(1),
		..Verification::default_params()
	}
}

#[test]
fn unsampled_receipts_are_accepted_when_their_challenge_window_ends() {
	ExtBuilder::default().params(never_sampled()).build_and_execute(|| {
		submit(&receipt(1, 10, 0));
		run_to(3);
		submit(&receipt(2, 11, 0));
		run_to(WINDOW);
		assert!(world(|w| w.accepted.is_empty()), "nothing before the window ends");
		events();
		run_to(1 + WINDOW);
		assert_eq!(
			events(),
			vec![Event::Accepted {
				subject: Subject::Stage { job: 10, stage: 0 },
				worker: 1,
				reason: AcceptReason::NotSampled
			}]
		);
		run_to(3 + WINDOW);
		assert_eq!(world(|w| w.accepted.clone()), vec![(10, 0), (11, 0)]);
		assert_eq!(Intake::<Test>::get().queued, 0);
		assert!(
			world(|w| w.verification_results.is_empty()),
			"an unchecked receipt says nothing about reliability"
		);
	});
}

#[test]
fn a_full_intake_refuses_receipts_until_it_drains() {
	ExtBuilder::default().params(never_sampled()).build_and_execute(|| {
		let capacity = (PAGE_SIZE * MAX_PAGES) as u64;
		for job in 0..capacity {
			submit(&receipt(1, job, 0));
		}
		assert_eq!(Verification::receipt_submitted(&receipt(1, capacity, 0)), Err(VerifierBusy));
		assert_eq!(Intake::<Test>::get().queued, capacity as u32);

		// At most MAX_DECISIONS a block: 6 of 12, then the rest.
		run_to(1 + WINDOW);
		assert_eq!(world(|w| w.accepted.len()), MAX_DECISIONS as usize);
		submit(&receipt(1, capacity, 0));
		run_to(2 + WINDOW);
		assert_eq!(world(|w| w.accepted.len()), 2 * MAX_DECISIONS as usize);
		// The late receipt waits for its own window.
		run_to(11 + WINDOW);
		assert_eq!(world(|w| w.accepted.len()), capacity as usize + 1);
		assert_eq!(world(|w| w.accepted.last().copied()), Some((capacity, 0)));
	});
}

#[test]
fn a_receipt_that_can_no_longer_settle_is_left_alone() {
	ExtBuilder::default().params(never_sampled()).build_and_execute(|| {
		submit(&receipt(1, UNSETTLEABLE, 0));
		run_to(1 + WINDOW);
		assert!(events().is_empty());
		assert_eq!(Intake::<Test>::get().queued, 0);
	});
}

#[test]
fn the_rate_follows_reliability_and_rises_with_the_value() {
	ExtBuilder::default().build_and_execute(|| {
		bonded_worker(1, 1_000);
		let defaults = Verification::default_params();
		assert_eq!(
			Verification::rate_for(&1, 0, Perbill::one()),
			defaults.base_sampling_rate,
			"a worker without reliability is sampled at the base rate"
		);
		world(|w| w.reliability.insert(1, Perbill::one()));
		assert_eq!(Verification::rate_for(&1, 0, Perbill::one()), defaults.floor_sampling_rate);
		// Value 1 against a penalty of 100: break-even 1 %, twice that 2 % > 1 %.
		assert_eq!(Verification::rate_for(&1, 1, Perbill::one()), Perbill::from_percent(2));
		assert_eq!(Verification::rate_for(&1, BIG_FEE, Perbill::one()), Perbill::one());
	});
}

#[test]
fn a_sampled_receipt_gets_a_committee_of_distinct_verifiers_and_a_deadline() {
	ExtBuilder::default().build_and_execute(|| {
		bonded_worker(1, 1_000);
		submit(&receipt(1, 7, BIG_FEE));
		events();
		run_to(1 + WINDOW);
		let check = Checks::<Test>::get(Subject::Stage { job: 7, stage: 0 }).expect("sampled");
		let committee: Vec<AccountId> = check.members.iter().map(|m| m.who).collect();
		assert_eq!(committee.len(), 2);
		assert_ne!(committee[0], committee[1]);
		assert!(committee.iter().all(|who| (101..=107).contains(who)));
		assert_eq!((check.commits_until, check.deadline), (1 + WINDOW + 30, 1 + WINDOW + 40));
		assert_eq!(
			events(),
			vec![Event::Sampled {
				subject: Subject::Stage { job: 7, stage: 0 },
				worker: 1,
				committee: committee.clone().try_into().unwrap(),
				commits_until: 41,
				deadline: 51
			}]
		);
		assert!(world(|w| w.accepted.is_empty()), "a sampled receipt waits for its verdicts");
	});
}

#[test]
fn committees_spread_over_all_verifiers() {
	ExtBuilder::default().build_and_execute(|| {
		bonded_worker(1, 1_000);
		for job in 0..MAX_DECISIONS as u64 {
			submit(&receipt(1, job, BIG_FEE));
		}
		run_to(1 + WINDOW);
		let mut seen = std::collections::BTreeSet::new();
		for job in 0..MAX_DECISIONS as u64 {
			seen.extend(
				Checks::<Test>::get(Subject::Stage { job, stage: 0 })
					.unwrap()
					.members
					.iter()
					.map(|m| m.who),
			);
		}
		assert!(seen.len() >= 5, "12 seats over 7 verifiers reach most of them: {seen:?}");
	});
}

/// The default parameters with the development-only acceptance of unchecked claims.
pub fn accepting_without_verifiers() -> VerificationParams<u64> {
	VerificationParams { accept_without_verifiers: true, ..Verification::default_params() }
}

#[test]
fn with_no_verifiers_a_sampled_receipt_is_unverifiable_not_paid() {
	ExtBuilder::default().verifiers(&[]).build_and_execute(|| {
		bonded_worker(1, 1_000);
		submit(&receipt(1, 7, BIG_FEE));
		run_to(1 + WINDOW);
		assert_eq!(
			events(),
			vec![Event::Unverifiable {
				subject: Subject::Stage { job: 7, stage: 0 },
				worker: 1,
				reason: UnverifiableReason::NoVerifiers
			}]
		);
		assert!(Checks::<Test>::get(Subject::Stage { job: 7, stage: 0 }).is_none());
		assert_eq!(world(|w| w.voided.clone()), vec![(7, 0)], "the job closes, refunded");
		assert!(world(|w| w.accepted.is_empty() && w.rejected.is_empty()));
		assert_eq!(bond_of(1), 1_000, "nobody is slashed");
	});
}

#[test]
fn only_a_development_chain_accepts_a_sampled_receipt_with_no_verifiers() {
	ExtBuilder::default().verifiers(&[]).params(accepting_without_verifiers()).build_and_execute(
		|| {
			bonded_worker(1, 1_000);
			submit(&receipt(1, 7, BIG_FEE));
			run_to(1 + WINDOW);
			assert_eq!(
				events(),
				vec![Event::Accepted {
					subject: Subject::Stage { job: 7, stage: 0 },
					worker: 1,
					reason: AcceptReason::NoVerifiers
				}]
			);
			assert_eq!(world(|w| w.accepted.clone()), vec![(7, 0)]);
		},
	);
}

#[test]
fn a_crowd_of_verifiers_that_stopped_serving_never_sits_and_never_accepts() {
	// 24 verifiers in the serving set stopped serving (chilled mid-session), one serves:
	// every receipt is sampled.
	let crowd: Vec<AccountId> = (201..=224).collect();
	let mut listed = crowd.clone();
	listed.push(101);
	ExtBuilder::default().verifiers(&listed).build_and_execute(|| {
		world(|w| w.not_serving.extend(crowd.iter().copied()));
		bonded_worker(1, 1_000);
		for job in 0..4 {
			submit(&receipt(1, job, BIG_FEE));
		}
		run_to(1 + WINDOW);
		let mut seated = 0;
		for job in 0..4 {
			let subject = Subject::Stage { job, stage: 0 };
			match Checks::<Test>::get(subject) {
				Some(check) => {
					let members: Vec<_> = check.members.iter().map(|m| m.who).collect();
					assert_eq!(members, vec![101], "only the serving verifier sits");
					seated += 1;
				}
				None => assert!(world(|w| w.voided.contains(&(job, 0)))),
			}
		}
		assert!(seated > 0, "the serving verifier is found past some of the crowd");
		assert!(world(|w| w.accepted.is_empty()), "nothing is accepted unchecked");
		assert!(events().iter().all(|e| !matches!(e, Event::Accepted { .. })));
	});
}

#[test]
fn receipts_keep_coming_while_earlier_ones_are_decided() {
	ExtBuilder::default().params(never_sampled()).build_and_execute(|| {
		// One every other block: at most 6 wait at once, within 3 pages of 4 however they
		// straddle pages.
		for block in (1..=40u64).step_by(2) {
			run_to(block);
			submit(&receipt(1, block, 0));
		}
		run_to(40 + WINDOW);
		assert_eq!(world(|w| w.accepted.len()), 20);
		assert_ok!(Verification::do_try_state());
	});
}
