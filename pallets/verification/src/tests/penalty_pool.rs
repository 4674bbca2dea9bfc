//! The penalty pool: closed per reward epoch, paid pro rata to matched verdicts and confirmed
//! disputes, the claims adding up to the pot exactly.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::Perbill;

use super::{intake::*, *};
use crate::{
	penalty_pool::CREDITS_EXPIRED_PER_BLOCK, Credits, EpochCredits, Error, Event, NextToExpire,
	Payouts, Reserved, Verdict, VerifierCredits,
};

/// Samples `job` of `worker` (bonded 1,000) and has its committee vote `agrees`, the dispute
/// committee (if any) the same way; returns everyone who voted.
fn decide(worker: AccountId, job: JobId, agrees: bool) -> Vec<AccountId> {
	if bond_of(worker) == 0 {
		bonded_worker(worker, 1_000);
	}
	submit(&receipt(worker, job, BIG_FEE));
	run_to(System::block_number() + WINDOW);
	let verdict = Verdict::Commitment(if agrees { root(job) } else { [0xee; 32] });
	let subject = Subject::Stage { job, stage: 0 };
	let mut voters = Vec::new();
	// Every round in progress (the committee, then any dispute) votes the same way.
	while let Some(check) = crate::Checks::<Test>::get(subject) {
		let votes: Vec<_> = check.members.iter().map(|m| (m.who, verdict)).collect();
		vote(subject, &votes);
		voters.extend(votes.into_iter().map(|(who, _)| who));
	}
	voters
}

fn claim(epoch: u32, who: AccountId) -> Balance {
	let before = <Balances as frame_support::traits::fungible::Inspect<_>>::balance(&who);
	assert_ok!(Verification::claim_penalty_share(RuntimeOrigin::signed(20), epoch, who));
	<Balances as frame_support::traits::fungible::Inspect<_>>::balance(&who) - before
}

#[test]
fn an_epochs_claims_add_up_to_the_pool_exactly() {
	ExtBuilder::default().build_and_execute(|| {
		// Two faulty workers (slashed 100 each) and one honest one; every verifier votes with
		// the outcome, so no verifier bond is slashed.
		decide(1, 10, false);
		decide(2, 11, false);
		decide(3, 12, true);
		let slashed: Balance = events()
			.iter()
			.map(|event| match event {
				Event::Rejected { slashed, .. } | Event::VerifierFaulted { slashed, .. } => {
					*slashed
				}
				_ => 0,
			})
			.sum();
		assert_eq!(slashed, 200, "two workers' slashes");
		assert_eq!(pool(), 1 + slashed, "the pool's existential deposit and every slash");
		let pot = slashed;
		let credits = EpochCredits::<Test>::get(0);
		assert_eq!(credits.disputes, 2);

		world(|w| w.epoch = 1);
		events();
		run_to(System::block_number() + 1);
		assert_eq!(events(), vec![Event::EpochClosed { epoch: 0, pot, credits }]);
		let payout = Payouts::<Test>::get(0).unwrap();
		assert_eq!(payout.disputer_pot, Perbill::from_percent(10) * pot);
		assert_eq!(payout.verifier_pot, pot - payout.disputer_pot);
		assert_eq!(Reserved::<Test>::get(), pot);

		let verifiers: Vec<AccountId> =
			VerifierCredits::<Test>::iter_prefix(0).map(|(who, _)| who).collect();
		let mut paid = 0;
		for who in &verifiers {
			let expected = Verification::penalty_share(0, who);
			let got = claim(0, *who);
			assert_eq!(got, expected);
			paid += got;
		}
		assert_eq!(paid, pot, "every planck of the pot is paid, rounding included");
		assert_eq!(Reserved::<Test>::get(), 0);
		assert_eq!(Payouts::<Test>::get(0).unwrap().unpaid, 0);
		assert_eq!(pool(), 1, "the pool keeps its existential deposit");
	});
}

#[test]
fn shares_are_pro_rata_to_matched_verdicts_and_confirmed_disputes() {
	ExtBuilder::default().build_and_execute(|| {
		decide(1, 10, false);
		fund(PENALTY_POOL, 1 + 10_000 - pool()); // a pot of 10,000 with the slashes
		assert_eq!(pool(), 1 + 10_000);
		world(|w| w.epoch = 1);
		run_to(System::block_number() + 1);
		let payout = Payouts::<Test>::get(0).unwrap();
		assert_eq!(payout.disputer_pot, 1_000);
		for (who, credits) in VerifierCredits::<Test>::iter_prefix(0) {
			let from_verdicts = 9_000 * credits.matched as u64 / payout.credits.matched as u64;
			let from_disputes = 1_000 * credits.disputes as u64;
			let share = Verification::penalty_share(0, &who);
			if credits != payout.unclaimed {
				assert_eq!(share, from_verdicts + from_disputes);
			}
		}
	});
}

#[test]
fn an_epoch_without_credits_leaves_the_pool_to_the_next() {
	ExtBuilder::default().build_and_execute(|| {
		fund(PENALTY_POOL, 500);
		world(|w| w.epoch = 1);
		run_to(2);
		assert!(Payouts::<Test>::get(0).is_none());
		assert_noop!(
			Verification::claim_penalty_share(RuntimeOrigin::signed(20), 0, 101),
			Error::<Test>::EpochNotClosed
		);
		decide(3, 12, true);
		world(|w| w.epoch = 2);
		run_to(System::block_number() + 1);
		assert_eq!(Payouts::<Test>::get(1).unwrap().pot, 500, "the earlier pool carried over");
	});
}

#[test]
fn claims_need_a_closed_epoch_and_unclaimed_credits() {
	ExtBuilder::default().build_and_execute(|| {
		let voters = decide(3, 12, true);
		assert_noop!(
			Verification::claim_penalty_share(RuntimeOrigin::signed(20), 0, voters[0]),
			Error::<Test>::EpochNotClosed
		);
		world(|w| w.epoch = 1);
		run_to(System::block_number() + 1);
		let outsider = (101..=107).find(|who| !voters.contains(who)).unwrap();
		assert_noop!(
			Verification::claim_penalty_share(RuntimeOrigin::signed(20), 0, outsider),
			Error::<Test>::NothingToClaim
		);
		claim(0, voters[0]);
		assert_eq!(VerifierCredits::<Test>::get(0, voters[0]), Credits::default());
		assert_noop!(
			Verification::claim_penalty_share(RuntimeOrigin::signed(20), 0, voters[0]),
			Error::<Test>::NothingToClaim
		);
	});
}

#[test]
fn an_unclaimed_share_expires_after_the_history_depth_and_goes_back_to_the_pool() {
	ExtBuilder::default().build_and_execute(|| {
		decide(1, 10, false);
		world(|w| w.epoch = 1);
		run_to(System::block_number() + 1);
		let pot = Payouts::<Test>::get(0).unwrap().pot;
		let verifiers: Vec<AccountId> =
			VerifierCredits::<Test>::iter_prefix(0).map(|(who, _)| who).collect();
		let claimed = claim(0, verifiers[0]);
		// Claimable through epoch HISTORY.
		world(|w| w.epoch = HISTORY);
		run_to(System::block_number() + 1);
		assert_eq!(Verification::penalty_share(0, &verifiers[1]) > 0, true);
		assert_eq!(NextToExpire::<Test>::get(), 0);
		events();

		world(|w| w.epoch = HISTORY + 1);
		run_to(System::block_number() + 1);
		assert!(events().contains(&Event::PayoutExpired { epoch: 0, returned: pot - claimed }));
		assert_eq!(NextToExpire::<Test>::get(), 1);
		assert!(Payouts::<Test>::get(0).is_none());
		assert!(!EpochCredits::<Test>::contains_key(0));
		assert_eq!(VerifierCredits::<Test>::iter_prefix(0).count(), 0);
		assert_eq!(Reserved::<Test>::get(), 0);
		assert_eq!(Verification::unreserved_pool(), pot - claimed, "the next pot takes it");
		assert_noop!(
			Verification::claim_penalty_share(RuntimeOrigin::signed(20), 0, verifiers[1]),
			Error::<Test>::ShareExpired
		);
		// The epochs after it, without credits, expire a block each once old enough.
		run_to(System::block_number() + HISTORY as u64);
		assert_eq!(NextToExpire::<Test>::get(), 1);
		world(|w| w.epoch = 2 * HISTORY + 1);
		run_to(System::block_number() + HISTORY as u64);
		assert_eq!(NextToExpire::<Test>::get(), HISTORY + 1);
	});
}

#[test]
fn expiry_removes_a_bounded_number_of_credits_a_block() {
	ExtBuilder::default().build_and_execute(|| {
		let many = CREDITS_EXPIRED_PER_BLOCK + 3;
		for who in 0..many {
			Verification::credit(&(5_000 + who as AccountId), 1, 0);
		}
		world(|w| w.epoch = 1);
		run_to(System::block_number() + 1);
		world(|w| w.epoch = HISTORY + 1);
		run_to(System::block_number() + 1);
		assert_eq!(VerifierCredits::<Test>::iter_prefix(0).count(), 3);
		assert!(Payouts::<Test>::get(0).is_some(), "kept until its last credits go");
		assert_eq!(NextToExpire::<Test>::get(), 0);
		run_to(System::block_number() + 1);
		assert_eq!(VerifierCredits::<Test>::iter_prefix(0).count(), 0);
		assert!(Payouts::<Test>::get(0).is_none());
		assert_eq!(NextToExpire::<Test>::get(), 1);
	});
}

#[test]
fn expiry_takes_only_the_weight_a_block_has_to_spare() {
	use crate::WeightInfo;
	ExtBuilder::default().build_and_execute(|| {
		for who in 0..4 {
			Verification::credit(&(5_000 + who as AccountId), 1, 0);
		}
		world(|w| w.epoch = 1);
		run_to(System::block_number() + 1);
		world(|w| w.epoch = HISTORY + 1);
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Verification::on_initialize(next);
		let base = <() as WeightInfo>::expire_payout_base();
		let short = base.saturating_sub(Weight::from_parts(1, 0));
		assert_eq!(Verification::on_idle(next, short), Weight::zero(), "no room: nothing done");
		assert_eq!(VerifierCredits::<Test>::iter_prefix(0).count(), 4);
		let two = <() as WeightInfo>::expire_credit().saturating_mul(2);
		let look = <<Test as frame_system::Config>::DbWeight as frame_support::traits::Get<
			frame_support::weights::RuntimeDbWeight,
		>>::get()
		.reads(3);
		let used = Verification::on_idle(next, look + base + two);
		assert!(used.all_lte(look + base + two));
		assert_eq!(VerifierCredits::<Test>::iter_prefix(0).count(), 2);
	});
}
