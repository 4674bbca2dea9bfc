//! Intake and sampling decisions: the challenge window, the queue's bounds, the rate, and
//! committees for sampled receipts.

use frame_support::assert_ok;
use sp_runtime::Perbill;

use super::*;
use crate::{AcceptReason, Checks, Event, Intake, VerificationParams};
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
fn the_rate_follows_reliability_and_rises_with_the_fee() {
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
		// Fee 1 against a penalty of 100: break-even 1/101, twice that ≈ 1.98 % > 1 %.
		assert_eq!(
			Verification::rate_for(&1, 1, Perbill::one()),
			Perbill::from_rational(2u32, 101u32)
		);
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
		assert_eq!(check.deadline, 1 + WINDOW + 30);
		assert_eq!(
			events(),
			vec![Event::Sampled {
				subject: Subject::Stage { job: 7, stage: 0 },
				worker: 1,
				committee: committee.clone().try_into().unwrap(),
				deadline: 41
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

#[test]
fn with_no_verifiers_a_sampled_receipt_is_accepted_and_says_so() {
	ExtBuilder::default().verifiers(&[]).build_and_execute(|| {
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
		assert!(Checks::<Test>::get(Subject::Stage { job: 7, stage: 0 }).is_none());
	});
}

#[test]
fn a_sampled_receipt_whose_drawn_verifiers_are_not_serving_is_accepted_and_says_so() {
	ExtBuilder::default().verifiers(&[101, 102]).build_and_execute(|| {
		world(|w| w.not_serving.extend([101, 102]));
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
		assert!(
			Checks::<Test>::get(Subject::Stage { job: 7, stage: 0 }).is_none(),
			"no check without a committee"
		);
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
