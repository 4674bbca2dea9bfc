//! The pools: they add up to the emission exactly (dust withheld, never created); verifiers
//! and managers are paid pro rata; self-dealing in every role mints no more than it burns; a
//! forfeit loses every pool.

use super::*;
use crate::{Event, Pools, RewardForfeits, Settlements};

/// The default split of the emission into pools, everything else as in the tests.
fn default_pools() -> BmwParams<u64, Balance> {
	BmwParams { pools: Bmw::default_pools(), ..test_params() }
}

#[test]
fn the_pools_add_up_to_the_emission_exactly() {
	ExtBuilder::default().params(default_pools()).build_and_execute(|| {
		pay_fee(20_000);
		let before = issuance();
		// Workers 11 (2 IBM) and 12 (1 IBM at 150 %), 12's job brought in by manager 31.
		settle(1, 11, 2, 100, 10_000);
		settle_managed(2, 12, Some(31), 1, 150, 10_000);
		// Worker 11 and node 13 online for 10 IBM each; verifiers 21 and 22 matched 1 and 2.
		online(11, 500_000, 0, 20);
		online(13, 1_000_000, 0, 10);
		verified(21, 1);
		verified(22, 2);
		run_to_epoch(1);
		let events = events();
		let earned: Vec<(AccountId, Pools<Balance>)> = events
			.iter()
			.filter_map(|event| match event {
				Event::Rewarded { who, earned, .. } => Some((*who, *earned)),
				_ => None,
			})
			.collect();
		let of = |who| earned.iter().find(|(w, _)| *w == who).map(|(_, e)| *e).unwrap();
		// 3,000 emitted: work 1,945, availability 486, verifiers 486, managers 81 (rounded
		// down from 64.86 %, 16.22 %, 16.22 %, 2.70 %).
		let settlement = Settlements::<Test>::get(0).unwrap();
		assert_eq!(
			settlement.pools,
			Pools { work: 1_945, availability: 486, verifiers: 486, managers: 81 }
		);
		// Work: 2 and 1.5 points of 3.5. Availability: half each. Verifiers: 1 and 2 of 3.
		assert_eq!(of(11), Pools { work: 1_111, availability: 243, ..Default::default() });
		assert_eq!(of(12), Pools { work: 833, ..Default::default() });
		assert_eq!(of(13), Pools { availability: 243, ..Default::default() });
		assert_eq!(of(21), Pools { verifiers: 162, ..Default::default() });
		assert_eq!(of(22), Pools { verifiers: 324, ..Default::default() });
		assert_eq!(of(31), Pools { managers: 81, ..Default::default() });
		let minted: Balance = earned.iter().map(|(_, e)| e.total()).sum();
		assert_eq!(minted, 2_997);
		// The 2 the shares leave and the 1 of rounding are withheld: 2,997 + 3 = 3,000.
		assert_eq!(settled(&events, 0), (3_000, 2_997, 3));
		assert_eq!(issuance(), before + 2_997 - 16_000);
	});
}

#[test]
fn a_pool_nobody_earned_is_withheld() {
	ExtBuilder::default().params(default_pools()).build_and_execute(|| {
		pay_fee(10_000);
		settle(1, 11, 3, 100, 10_000);
		run_to_epoch(1);
		// Only work: 64.86 % of 3,000; nobody was online, verified or managed.
		assert_eq!(reward_of(11, 0), 1_945);
		assert_eq!(settled(&events(), 0), (3_000, 1_945, 1_055));
	});
}

#[test]
fn managers_are_paid_pro_rata_to_the_ibm_they_brought_in_within_their_cap() {
	let params = BmwParams {
		pools: PoolShares {
			work: Perbill::from_percent(50),
			managers: Perbill::from_percent(50),
			..Default::default()
		},
		..test_params()
	};
	ExtBuilder::default().params(params).build_and_execute(|| {
		pay_fee(30_000);
		settle_managed(1, 11, Some(31), 1, 100, 10_000);
		settle_managed(2, 12, Some(31), 1, 100, 10_000);
		settle_managed(3, 13, Some(32), 2, 100, 10_000);
		run_to_epoch(1);
		// 4,000 emitted, 2,000 to managers: 31 brought in 2 IBM, 32 brought in 2.
		assert_eq!((reward_of(31, 0), reward_of(32, 0)), (1_000, 1_000));
	});
	ExtBuilder::default().params(params).build_and_execute(|| {
		// A cheap job: its 80 burned caps the manager at half of it.
		pay_fee(10_100);
		settle_managed(1, 11, Some(31), 1, 100, 100);
		settle_managed(2, 12, Some(32), 1, 100, 10_000);
		run_to_epoch(1);
		// 80 + 1,000 emitted: managers' 540, 270 each by IBM, 31's capped at 40.
		assert_eq!((reward_of(31, 0), reward_of(32, 0)), (40, 270));
	});
}

#[test]
fn verifiers_are_paid_pro_rata_to_matched_verifications() {
	let params = BmwParams {
		pools: PoolShares {
			work: Perbill::from_percent(40),
			verifiers: Perbill::from_percent(60),
			..Default::default()
		},
		..test_params()
	};
	ExtBuilder::default().params(params).build_and_execute(|| {
		pay_fee(10_000);
		settle(1, 11, 2, 100, 10_000);
		verified(21, 1);
		verified(22, 3);
		verified(23, 0);
		run_to_epoch(1);
		// 1,200 to verifiers: a quarter and three quarters.
		assert_eq!((reward_of(21, 0), reward_of(22, 0), reward_of(23, 0)), (300, 900, 0));
		assert_eq!(reward_of(11, 0), 800);
	});
}

#[test]
fn self_dealing_in_every_role_mints_no_more_than_it_burns() {
	ExtBuilder::default().params(default_pools()).build_and_execute(|| {
		// One operator pays itself 1,000 for a 100-IBM job, as its own manager (8), worker
		// (7) and an online node, and also verifies.
		pay_fee(1_000);
		let before = issuance();
		settle_managed(1, 7, Some(8), 100, 100, 1_000);
		online(7, 1_000_000, 0, 60);
		verified(7, 5);
		run_to_epoch(1);
		// The job adds the 800 it burned, not 100 IBM's 100,000, to the emission.
		let (emission, minted, _) = settled(&events(), 0);
		assert_eq!(emission, 800);
		assert!(reward_of(7, 0) + reward_of(8, 0) <= 800);
		assert_eq!(minted, reward_of(7, 0) + reward_of(8, 0));
		assert!(issuance() <= before, "it printed no money: {} > {before}", issuance());
	});
}

#[test]
fn a_forfeit_loses_every_pool() {
	let params = BmwParams {
		pools: PoolShares {
			work: Perbill::from_percent(40),
			availability: Perbill::from_percent(30),
			verifiers: Perbill::from_percent(20),
			managers: Perbill::from_percent(10),
		},
		..test_params()
	};
	ExtBuilder::default().params(params).build_and_execute(|| {
		pay_fee(20_000);
		settle_managed(1, 11, Some(11), 1, 100, 10_000);
		settle(2, 12, 1, 100, 10_000);
		online(11, 1_000_000, 0, 10);
		verified(11, 1);
		Bmw::forfeit(&11, 0);
		run_to_epoch(1);
		assert_eq!(reward_of(11, 0), 0);
		// 12 keeps its half of the work pool (400); the rest is withheld.
		assert_eq!(reward_of(12, 0), 400);
		assert_eq!(settled(&events(), 0), (2_000, 400, 1_600));
	});
}
