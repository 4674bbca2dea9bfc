//! Settlement: issuance moves by exactly minted − burned; each worker is paid its own jobs'
//! credits, fully accounted for; the per-job cap, the allocation and the decay bind; bounded
//! per block.

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
fn each_worker_is_paid_its_own_jobs_credit_and_a_multiplier_takes_from_nobody() {
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
		// Each 1,000-planck job credits its worker the work half: 500 each.
		assert_eq!((emission, minted, withheld), (1_500, 1_500, 0));
		assert_eq!((reward_of(11, 0), reward_of(12, 0), reward_of(13, 0)), (500, 500, 500));
		let settlement = Settlements::<Test>::get(0).unwrap();
		assert_eq!(settlement.minted + settlement.withheld, settlement.emission);
	});
	ExtBuilder::default().build_and_execute(|| {
		pay_fee(30_000);
		// One worker at 150 %: it earns 1,500, and the two beside it still 1,000 each.
		settle(1, 11, 1, 100, 10_000);
		settle(2, 12, 1, 100, 10_000);
		settle(3, 13, 1, 150, 10_000);
		run_to_epoch(1);
		assert_eq!((reward_of(11, 0), reward_of(12, 0), reward_of(13, 0)), (1_000, 1_000, 1_500));
		assert_eq!(settled(&events(), 0), (3_500, 3_500, 0));
	});
}

#[test]
fn when_the_allocation_runs_short_every_credit_is_scaled_alike_and_dust_withheld() {
	ExtBuilder::default().allocation(2_000).build_and_execute(|| {
		pay_fee(30_000);
		settle(1, 11, 1, 100, 10_000);
		settle(2, 12, 1, 100, 10_000);
		settle(3, 13, 1, 100, 10_000);
		run_to_epoch(1);
		// 3,000 credited, 2,000 left: two thirds each, 666.67 → 666.
		assert_eq!((reward_of(11, 0), reward_of(12, 0), reward_of(13, 0)), (666, 666, 666));
		assert_eq!(settled(&events(), 0), (2_000, 1_998, 2), "the dust is withheld");
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
