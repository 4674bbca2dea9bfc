//! Expiry: an epoch's records and unclaimed rewards are kept `HistoryDepth` epochs after the
//! one it settled in (epoch 0 settles in epoch 1), then removed, what the rewards still owed
//! going back to the allocation; the state stays bounded.

use frame_support::{assert_noop, assert_ok};

use super::*;
use crate::{
	EpochStatus, EpochTotals, Error, Event, NextToExpire, RemainingAllocation, Rewards, Settlements,
};

/// Each of `workers` settles one IBM (a reward of 1,000) in the epoch in progress.
fn work_by(workers: &[AccountId]) {
	for (job, worker) in workers.iter().enumerate() {
		pay_fee(10_000);
		settle(job as JobId, *worker, 1, 100, 10_000);
	}
}

#[test]
fn an_unclaimed_reward_expires_after_the_history_depth_and_goes_back_to_the_allocation() {
	ExtBuilder::default().build_and_execute(|| {
		work_by(&[11, 12]);
		run_to_epoch(1);
		assert_ok!(Bmw::claim(RuntimeOrigin::signed(11), 0));
		// Settled in epoch 1: claimable through epoch 1 + HISTORY.
		assert_eq!(Settlements::<Test>::get(0).unwrap().settled_in, 1);
		run_to_epoch(HISTORY + 1);
		run_to(System::block_number() + EPOCH - 1);
		assert_eq!(Bmw::current(), HISTORY + 1);
		assert_eq!(reward_of(12, 0), 1_000);
		assert_eq!(Bmw::reward_breakdown(&12, 0).status, EpochStatus::Settled);
		let (allocation, issuance_before, pot) =
			(RemainingAllocation::<Test>::get(), issuance(), balance(Bmw::pot()));
		events();

		run_to(System::block_number() + 1);
		assert_eq!(Bmw::current(), HISTORY + 2);
		assert_eq!(reward_of(12, 0), 0);
		assert_eq!(balance(Bmw::pot()), pot - 1_000);
		assert_eq!(issuance(), issuance_before - 1_000);
		assert_eq!(RemainingAllocation::<Test>::get(), allocation + 1_000);
		let events = events();
		assert!(events.contains(&Event::RewardExpired { who: 12, epoch: 0, amount: 1_000 }));
		assert!(events.contains(&Event::EpochExpired { epoch: 0, returned: 1_000 }));
		assert_eq!(NextToExpire::<Test>::get(), 1);
		assert_eq!(Settlements::<Test>::get(0), None);
		assert!(!EpochTotals::<Test>::contains_key(0));
		assert_noop!(Bmw::claim(RuntimeOrigin::signed(12), 0), Error::<Test>::Expired);
		let breakdown = Bmw::reward_breakdown(&12, 0);
		assert_eq!((breakdown.status, breakdown.total), (EpochStatus::Expired, 0));
	});
}

#[test]
fn a_reward_vests_in_full_before_it_expires() {
	let vesting = BmwParams {
		vest_immediately: Perbill::from_percent(25),
		vesting_epochs: HISTORY - 1,
		..test_params()
	};
	ExtBuilder::default().params(vesting).build_and_execute(|| {
		work_by(&[11]);
		run_to_epoch(HISTORY + 1);
		assert!(!Bmw::is_expired(0));
		assert_ok!(Bmw::claim(RuntimeOrigin::signed(11), 0));
		assert_eq!(balance(11), 1_000, "all of it vested by the last epoch it can be claimed");
		assert_eq!(Rewards::<Test>::get(0, 11), None);
	});
}

#[test]
fn vesting_that_outlasts_the_history_depth_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let params = BmwParams { vesting_epochs: HISTORY, ..test_params() };
		assert_noop!(Bmw::set_params(RuntimeOrigin::root(), params), Error::<Test>::InvalidParams);
		let params = BmwParams { vesting_epochs: HISTORY - 1, ..test_params() };
		assert_ok!(Bmw::set_params(RuntimeOrigin::root(), params));
	});
}

#[test]
fn expiry_removes_at_most_a_blocks_worth_of_rewards() {
	ExtBuilder::default().build_and_execute(|| {
		work_by(&[11, 12, 13, 14, 15]);
		run_to_epoch(HISTORY + 2);
		// PER_BLOCK = 2: the first block of the epoch expired two of the five.
		assert_eq!(Rewards::<Test>::iter_prefix(0).count(), 3);
		assert_eq!(Settlements::<Test>::get(0).unwrap().expired, 2_000);
		assert_eq!(NextToExpire::<Test>::get(), 0);
		run_to(System::block_number() + 1);
		assert_eq!(Rewards::<Test>::iter_prefix(0).count(), 1);
		events();
		run_to(System::block_number() + 1);
		assert_eq!(Rewards::<Test>::iter_prefix(0).count(), 0);
		assert!(events().contains(&Event::EpochExpired { epoch: 0, returned: 5_000 }));
		assert_eq!(NextToExpire::<Test>::get(), 1);
	});
}

#[test]
fn the_records_of_a_worker_that_never_claims_stay_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..3 * HISTORY {
			work_by(&[11]);
			run_to_epoch(Bmw::current() + 1);
		}
		run_to(System::block_number() + 1);
		let current = Bmw::current();
		assert_eq!(current, 3 * HISTORY);
		// Rewards of the epochs settled in the last HISTORY epochs and the one running only,
		// and the totals of those and the one running.
		let kept = HISTORY as usize + 1;
		assert_eq!(Rewards::<Test>::iter().count(), kept);
		assert_eq!(EpochTotals::<Test>::iter().count(), kept + 1);
		assert_eq!(Settlements::<Test>::iter().count(), kept);
		assert_eq!(NextToExpire::<Test>::get(), current - HISTORY - 1);
		// Every expired planck went back to the allocation: minted and burned cancel out.
		assert_eq!(Bmw::unpaid(), kept as u64 * 1_000);
	});
}

#[test]
fn a_late_settlement_gets_the_whole_claim_window() {
	ExtBuilder::default().build_and_execute(|| {
		work_by(&[11, 12, 13]);
		// The epoch ends, but its settlement waits (as if far behind) until epoch 5.
		while Bmw::current() < 5 {
			System::set_block_number(System::block_number() + 1);
			Bmw::roll_epoch(System::block_number());
		}
		while crate::NextToSettle::<Test>::get() == 0 {
			Bmw::settle_step();
		}
		assert_eq!(Settlements::<Test>::get(0).unwrap().settled_in, 5);
		run_to_epoch(HISTORY + 5);
		assert!(!Bmw::is_expired(0), "claimable for HISTORY epochs after it settled");
		assert_ok!(Bmw::claim(RuntimeOrigin::signed(11), 0));
		run_to_epoch(HISTORY + 6);
		assert!(Bmw::is_expired(0));
		assert_noop!(Bmw::claim(RuntimeOrigin::signed(12), 0), Error::<Test>::Expired);
	});
}
