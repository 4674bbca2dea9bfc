//! Slashing through the `ComputeStake` trait.

use frame_support::{assert_ok, traits::fungible::Inspect};
use sp_runtime::Perbill;

use super::*;
use crate::{Bonds, ComputeStake, Event, Ineligibility, SlashAmount, SlashReason};

#[test]
fn a_slash_takes_active_first_then_the_latest_chunks_into_the_penalty_pool() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 200)); // release 2
		set_epoch(1);
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 300)); // release 3
		events();

		// 50% of the whole bond (1000) = 500: all 500 active.
		let taken = ComputeStaking::slash(
			&1,
			SlashAmount::Fraction(Perbill::from_percent(50)),
			SlashReason::WrongResult,
			42,
		);
		assert_eq!(taken, 500);
		let bond = Bonds::<Test>::get(1).unwrap();
		assert_eq!(bond.active, 0);
		assert_eq!(bond.unbonding.iter().map(|c| c.amount).collect::<Vec<_>>(), vec![200, 300]);

		// 400 more: the latest chunk (300) first, then 100 of the earlier one.
		assert_eq!(
			ComputeStaking::slash(&1, SlashAmount::Amount(400), SlashReason::MissedDeadline, 43),
			400
		);
		let bond = Bonds::<Test>::get(1).unwrap();
		assert_eq!(bond.unbonding.iter().map(|c| c.amount).collect::<Vec<_>>(), vec![100]);
		assert_eq!(held(1), 100);
		assert_eq!(Balances::balance(&PENALTY_POOL), 1 + 900);
		assert_eq!(Balances::balance(&1), ENDOWMENT - 1_000, "slashed funds never come back");
		assert_eq!(
			events(),
			vec![
				Event::Slashed {
					who: 1,
					amount: 500,
					reason: SlashReason::WrongResult,
					evidence: 42
				},
				Event::Slashed {
					who: 1,
					amount: 400,
					reason: SlashReason::MissedDeadline,
					evidence: 43
				},
			]
		);
	});
}

#[test]
fn a_slash_is_capped_at_the_bond_and_removes_an_emptied_bond() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		assert_eq!(
			ComputeStaking::slash(&1, SlashAmount::Amount(5_000), SlashReason::FailedBenchmark, 7),
			1_000
		);
		assert!(Bonds::<Test>::get(1).is_none());
		assert_eq!(held(1), 0);
		assert_eq!(
			ComputeStaking::slash(&2, SlashAmount::Amount(5), SlashReason::WrongResult, 8),
			0,
			"nothing to take from an unbonded account"
		);
	});
}

#[test]
fn a_slash_below_s_n_makes_the_node_ineligible() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_node(1, 1);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 8_640));
		events();
		ComputeStaking::slash(&1, SlashAmount::Amount(1), SlashReason::WrongResult, 9);
		assert_eq!(
			events().last(),
			Some(&Event::EligibilityChanged {
				who: 1,
				eligible: false,
				reason: Some(Ineligibility::BondBelowMinimum)
			})
		);
	});
}
