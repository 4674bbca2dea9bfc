//! The reward breakdown: the running epoch's estimate is what settlement pays; zero shares
//! carry their reason; what a claim would pay.

use frame_support::assert_ok;

use super::*;
use crate::{EpochStatus, PoolReward, RewardForfeits, ZeroReason};

fn all_pools() -> BmwParams<u64, Balance> {
	BmwParams {
		pools: PoolShares {
			work: Perbill::from_percent(40),
			availability: Perbill::from_percent(30),
			verifiers: Perbill::from_percent(20),
			managers: Perbill::from_percent(10),
		},
		reliability_bonus: Perbill::from_percent(50),
		vest_immediately: Perbill::from_percent(25),
		vesting_epochs: 3,
		..test_params()
	}
}

fn paid(amount: Balance) -> PoolReward<Balance> {
	PoolReward { amount, zero_because: None }
}

fn zero(reason: ZeroReason) -> PoolReward<Balance> {
	PoolReward { amount: 0, zero_because: Some(reason) }
}

#[test]
fn the_running_estimate_is_what_settlement_pays() {
	ExtBuilder::default().params(all_pools()).build_and_execute(|| {
		RELIABILITY.with(|r| r.borrow_mut().insert(11, Perbill::one()));
		pay_fee(20_000);
		// 11: 1 IBM at 200 % with the full 50 % bonus: its 1,000 emitted × 3, 40 % of it to
		// work; 12: 1 IBM, 400.
		settle_managed(1, 11, Some(31), 1, 200, 10_000);
		settle(2, 12, 1, 100, 10_000);
		online(11, 1_000_000, 0, 10);
		verified(11, 2);
		let estimate = Bmw::reward_breakdown(&11, 0);
		assert_eq!(estimate.status, EpochStatus::Running);
		assert_eq!(estimate.work, paid(1_200));
		// Of its 1,200 the plain 400 is not bonus.
		assert_eq!(estimate.bonus, 800);
		// 10 IBM online at 30 % × the 50 % target of 1,000: 150 a IBM.
		assert_eq!(estimate.availability, paid(1_500));
		// The verifier shares of both jobs (200 each), all to 11, the only verifier.
		assert_eq!(estimate.verification, paid(400));
		assert_eq!(estimate.management, zero(ZeroReason::NoManagedJobs));
		assert_eq!((estimate.total, estimate.claimable, estimate.forfeited), (3_100, 0, false));

		run_to(EPOCH);
		let due = Bmw::reward_breakdown(&11, 0);
		assert_eq!(due.status, EpochStatus::Settling);
		run_to_epoch(1);
		let settled = Bmw::reward_breakdown(&11, 0);
		assert_eq!(settled.status, EpochStatus::Settled);
		assert_eq!(reward_of(11, 0), estimate.total);
		assert_eq!((settled.work, settled.bonus, settled.total), (paid(1_200), 800, 3_100));
		assert_eq!(settled.claimable, 775, "a quarter vests when the epoch ends");
		assert_ok!(Bmw::claim(RuntimeOrigin::signed(11), 0));
		assert_eq!(Bmw::reward_breakdown(&11, 0).claimable, 0);
		run_to_epoch(2);
		assert_eq!(Bmw::reward_breakdown(&11, 0).claimable, 775, "a third of the rest");
		// The manager's own statement: 10 % of its job's 1,000.
		assert_eq!(Bmw::reward_breakdown(&31, 0).management, paid(100));
		assert_eq!(Bmw::reward_breakdown(&31, 0).work, zero(ZeroReason::NoWork));
	});
}

#[test]
fn every_zero_has_its_reason() {
	ExtBuilder::default().params(all_pools()).build_and_execute(|| {
		// Online without work: availability, and no work.
		online(13, 1_000_000, 0, 10);
		let idle = Bmw::reward_breakdown(&13, 0);
		assert_eq!(idle.availability, paid(1_500));
		assert_eq!(idle.work, zero(ZeroReason::NoWork));

		pay_fee(10_000);
		settle(1, 12, 1, 100, 10_000);
		// A job at price zero burns nothing, so it may mint nothing.
		settle(2, 14, 1, 100, 0);
		Bmw::forfeit(&15, 0);
		let nobody = Bmw::reward_breakdown(&16, 0);
		assert_eq!(nobody.work, zero(ZeroReason::NoWork));
		assert_eq!(nobody.availability, zero(ZeroReason::Offline));
		assert_eq!(nobody.verification, zero(ZeroReason::NoVerifications));
		assert_eq!(nobody.management, zero(ZeroReason::NoManagedJobs));
		assert_eq!(Bmw::reward_breakdown(&14, 0).work, zero(ZeroReason::NothingBurned));
		let forfeited = Bmw::reward_breakdown(&15, 0);
		assert!(forfeited.forfeited);
		assert_eq!(forfeited.work, zero(ZeroReason::Forfeited));
		assert_eq!(forfeited.availability, zero(ZeroReason::Forfeited));

		run_to_epoch(1);
		// Settled: an account with nothing outstanding.
		assert_eq!(Bmw::reward_breakdown(&16, 0).work, zero(ZeroReason::NoneOutstanding));
		assert_eq!(Bmw::reward_breakdown(&13, 0).availability, paid(1_500));
	});
	// With the ecosystem allocation spent, nothing is paid.
	ExtBuilder::default().params(all_pools()).allocation(0).build_and_execute(|| {
		online(13, 1_000_000, 0, 10);
		assert_eq!(Bmw::reward_breakdown(&13, 0).availability, zero(ZeroReason::NoEmission));
	});
}
