//! Settlement: issuance moves by exactly minted − burned; the work pool is paid pro rata and
//! fully accounted for; the per-job cap, the allocation and the decay bind; bounded per block.

use super::*;
use crate::{emission::emission_per_ibm, Event, Pools, RemainingAllocation, Settlements};

#[test]
fn issuance_after_an_epoch_is_before_plus_minted_minus_burned() {
	ExtBuilder::default().build_and_execute(|| {
		pay_fee(20_000);
		let before = issuance();
		settle(1, 11, 2, 100, 10_000);
		settle(2, 12, 1, 100, 10_000);
		run_to_epoch(1);
		let (emission, minted, withheld) = settled(&events(), 0);
		// 3 IBM × 1,000 planck: 2,000 and 1,000, under both caps (8,000 each).
		assert_eq!((emission, minted, withheld), (3_000, 3_000, 0));
		assert_eq!(issuance(), before + minted - 16_000);
		assert_eq!((reward_of(11, 0), reward_of(12, 0)), (2_000, 1_000));
		assert_eq!(RemainingAllocation::<Test>::get(), 1_000_000_000 - 3_000);
	});
}

#[test]
fn the_pool_is_paid_pro_rata_and_rounding_dust_is_withheld_not_created() {
	let params = BmwParams {
		pools: PoolShares { work: Perbill::from_percent(50), ..Default::default() },
		..test_params()
	};
	ExtBuilder::default().params(params).build_and_execute(|| {
		pay_fee(30_000);
		for worker in [11, 12, 13] {
			settle(worker, worker, 1, 100, 10_000);
		}
		run_to_epoch(1);
		let (emission, minted, withheld) = settled(&events(), 0);
		// 3,000 emitted, half of it the work pool: 1,500 / 3 = 500 each; the other half, no
		// pool's, is withheld.
		assert_eq!((emission, minted, withheld), (3_000, 1_500, 1_500));
		assert_eq!((reward_of(11, 0), reward_of(12, 0), reward_of(13, 0)), (500, 500, 500));
		let settlement = Settlements::<Test>::get(0).unwrap();
		assert_eq!(settlement.minted + settlement.withheld, settlement.emission);
	});
	ExtBuilder::default().build_and_execute(|| {
		pay_fee(30_000);
		// Points 1 : 1 : 2 of a 4,000 pool... made uneven: 1 : 1 : 1 of 1,000 + 1,000 + 1,000
		// with one worker at 150 %: 3,000 emitted over 3.5 shares.
		settle(1, 11, 1, 100, 10_000);
		settle(2, 12, 1, 100, 10_000);
		settle(3, 13, 1, 150, 10_000);
		run_to_epoch(1);
		let (emission, minted, withheld) = settled(&events(), 0);
		assert_eq!(emission, 3_000);
		// 3,000 · 1/3.5 = 857.14 → 857, twice; 3,000 · 1.5/3.5 = 1,285.7 → 1,285.
		assert_eq!((reward_of(11, 0), reward_of(12, 0), reward_of(13, 0)), (857, 857, 1_285));
		assert_eq!((minted, withheld), (2_999, 1), "the dust is withheld, never minted");
	});
}

#[test]
fn the_wash_trade_cap_binds_so_self_dealing_loses() {
	ExtBuilder::default().build_and_execute(|| {
		// A worker pays itself a 10-planck fee for 100 IBM of claimed work: the job adds the
		// 8 it burned to the emission, not 100 IBM's 100,000.
		pay_fee(10);
		let before = issuance();
		let own = balance(7);
		settle(1, 7, 100, 100, 10);
		assert_eq!(crate::EpochTotals::<Test>::get(0).emission, 8);
		run_to_epoch(1);
		let events = events();
		assert!(events.contains(&Event::Rewarded {
			epoch: 0,
			who: 7,
			earned: Pools { work: 8, ..Default::default() },
			over_cap: 0
		}));
		assert_eq!(settled(&events, 0), (8, 8, 0));
		assert_eq!(issuance(), before, "it mints no more than its job burned");
		assert_ok!(Bmw::claim(RuntimeOrigin::signed(7), 0));
		assert_eq!(balance(7), own + 8, "8 back for a fee of 10: a loss");
	});
}

#[test]
fn nothing_is_minted_beyond_the_ecosystem_allocation() {
	ExtBuilder::default().allocation(1_500).build_and_execute(|| {
		pay_fee(20_000);
		settle(1, 11, 2, 100, 10_000);
		settle(2, 12, 1, 100, 10_000);
		run_to_epoch(1);
		let (emission, minted, _) = settled(&events(), 0);
		assert_eq!((emission, minted), (1_500, 1_500));
		assert_eq!((reward_of(11, 0), reward_of(12, 0)), (1_000, 500));
		assert_eq!(RemainingAllocation::<Test>::get(), 0);
		// The next epoch's work mints nothing.
		pay_fee(10_000);
		settle(3, 11, 1, 100, 10_000);
		run_to_epoch(2);
		assert_eq!(settled(&events(), 1), (0, 0, 0));
	});
}

#[test]
fn the_base_emission_declines_every_epoch() {
	assert_eq!(emission_per_ibm(1_000, Perbill::from_percent(10), 0), 1_000);
	assert_eq!(emission_per_ibm(1_000, Perbill::from_percent(10), 2), 810);
	let params = BmwParams { emission_decay: Perbill::from_percent(10), ..test_params() };
	ExtBuilder::default().params(params).build_and_execute(|| {
		run_to_epoch(2);
		pay_fee(10_000);
		settle(1, 11, 1, 100, 10_000);
		run_to_epoch(3);
		assert_eq!(settled(&events(), 2), (810, 810, 0));
	});
}

#[test]
fn an_epoch_settles_a_bounded_number_of_accounts_per_block() {
	ExtBuilder::default().build_and_execute(|| {
		pay_fee(50_000);
		for worker in 11..16 {
			settle(worker, worker, 1, 100, 10_000);
		}
		run_to(EPOCH - 1);
		events();
		let paid_in_block = |block| {
			run_to(block);
			events().iter().filter(|e| matches!(e, Event::Rewarded { .. })).count()
		};
		// 5 workers, 2 a block: the epoch's last block ends it and pays 2, then 2, then 1.
		assert_eq!(paid_in_block(EPOCH), 2);
		assert_eq!(Settlements::<Test>::get(0).unwrap().remaining, 3);
		Bmw::do_try_state().expect("invariants hold mid-settlement");
		assert_eq!(paid_in_block(EPOCH + 1), 2);
		assert_eq!(paid_in_block(EPOCH + 2), 1);
		assert_eq!(crate::NextToSettle::<Test>::get(), 1);
		assert_eq!(paid_in_block(EPOCH + 3), 0);
	});
}
