//! Claims: vesting is exact, a second claim pays only what vested since; forfeits.

use frame_support::{assert_noop, assert_ok};

use super::*;
use crate::{Contributions, Error, Event, RewardForfeits, Rewards};

/// A quarter at once, the rest over 4 epochs.
fn vesting() -> BmwParams<u64, Balance> {
	BmwParams { vest_immediately: Perbill::from_percent(25), vesting_epochs: 4, ..test_params() }
}

#[test]
fn the_vesting_schedule_is_exact_and_a_claim_twice_pays_once() {
	ExtBuilder::default().params(vesting()).build_and_execute(|| {
		pay_fee(10_000);
		settle(1, 11, 1, 100, 10_000);
		assert_noop!(Bmw::claim(RuntimeOrigin::signed(11), 0), Error::<Test>::NoReward);
		run_to_epoch(1);
		// A reward of 1,000: 250 at once, then 750 / 4 per epoch, rounded down.
		let mut paid = Vec::new();
		for epoch in 1..=5 {
			run_to_epoch(epoch);
			let before = balance(11);
			match Bmw::claim(RuntimeOrigin::signed(11), 0) {
				Ok(()) => paid.push(balance(11) - before),
				Err(_) => paid.push(0),
			}
			if epoch == 1 {
				assert_noop!(
					Bmw::claim(RuntimeOrigin::signed(11), 0),
					Error::<Test>::NothingVested
				);
			}
		}
		// Vested 250, 437, 625, 812, 1,000: each claim pays the difference.
		assert_eq!(paid, vec![250, 187, 188, 187, 188]);
		assert_eq!(paid.iter().sum::<Balance>(), 1_000);
		assert_eq!(Rewards::<Test>::get(0, 11), None, "paid in full");
		assert_eq!(Bmw::unpaid(), 0);
		assert_noop!(Bmw::claim(RuntimeOrigin::signed(11), 0), Error::<Test>::NoReward);
		assert!(events().contains(&Event::RewardClaimed {
			who: 11,
			epoch: 0,
			amount: 188,
			left: 0
		}));
	});
}

#[test]
fn a_forfeit_before_settlement_withholds_the_workers_share() {
	ExtBuilder::default().build_and_execute(|| {
		pay_fee(20_000);
		settle(1, 11, 1, 100, 10_000);
		settle(2, 12, 1, 100, 10_000);
		Bmw::forfeit(&11, 0);
		assert!(Contributions::<Test>::get(0, 11).unwrap().forfeited);
		// Work it settles later in the epoch does not count either.
		pay_fee(10_000);
		settle(3, 11, 1, 100, 10_000);
		assert_eq!(Contributions::<Test>::get(0, 11).unwrap().work, 0);
		run_to_epoch(1);
		assert_eq!(Rewards::<Test>::get(0, 11), None, "a jailed worker's work is not paid");
		assert_eq!(reward_of(12, 0), 1_000, "others keep their share");
		// 3 IBM emitted 3,000; the forfeited worker's 2,000 share is withheld, never minted.
		let settlement = crate::Settlements::<Test>::get(0).unwrap();
		assert_eq!((settlement.minted, settlement.withheld), (1_000, 2_000));
	});
}

#[test]
fn a_forfeit_before_any_work_in_the_epoch_covers_work_settled_after_it() {
	ExtBuilder::default().build_and_execute(|| {
		Bmw::forfeit(&11, 0);
		pay_fee(20_000);
		settle(1, 11, 1, 100, 10_000);
		settle(2, 12, 1, 100, 10_000);
		run_to_epoch(1);
		assert_eq!(Rewards::<Test>::get(0, 11), None);
		assert_eq!(reward_of(12, 0), 1_000);
	});
}

#[test]
fn a_forfeit_after_settlement_burns_what_was_not_paid() {
	ExtBuilder::default().params(vesting()).build_and_execute(|| {
		pay_fee(10_000);
		settle(1, 11, 1, 100, 10_000);
		run_to_epoch(1);
		assert_ok!(Bmw::claim(RuntimeOrigin::signed(11), 0));
		let before = issuance();
		events();
		Bmw::forfeit(&11, 0);
		assert_eq!(issuance(), before - 750);
		assert_eq!(events(), vec![Event::RewardsForfeited { who: 11, epoch: 0, burned: 750 }]);
		assert_eq!(Bmw::unpaid(), 0);
		assert_noop!(Bmw::claim(RuntimeOrigin::signed(11), 0), Error::<Test>::NoReward);
	});
}
