//! `bond` and `bond_extra`.

use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use sp_runtime::TokenError;

use super::*;
use crate::{Bonds, Error, Event, Ineligibility};

/// S(n) of `confirmed_node(_, 100)`: 2 · 4320 · 1 IB · 100.
const S: Balance = 864_000;

#[test]
fn bond_holds_funds_and_records_the_bond() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 5_000));
		assert_eq!(held(1), 5_000);
		assert_eq!(Balances::balance(&1), ENDOWMENT - 5_000, "held funds leave the free balance");
		let bond = Bonds::<Test>::get(1).unwrap();
		assert_eq!((bond.active, bond.unbonding.len(), bond.eligible), (5_000, 0, false));
		assert_eq!(events(), vec![Event::Bonded { who: 1, amount: 5_000, active: 5_000 }]);
	});
}

#[test]
fn bond_refuses_zero_dust_doubles_and_missing_funds() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ComputeStaking::bond(RuntimeOrigin::signed(1), 0).map_err(|e| e.error),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			ComputeStaking::bond(RuntimeOrigin::signed(1), MINIMUM_BOND - 1).map_err(|e| e.error),
			Error::<Test>::BelowMinimumBond
		);
		assert_noop!(
			ComputeStaking::bond(RuntimeOrigin::signed(1), ENDOWMENT + 1).map_err(|e| e.error),
			TokenError::FundsUnavailable
		);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), MINIMUM_BOND));
		assert_noop!(
			ComputeStaking::bond(RuntimeOrigin::signed(1), MINIMUM_BOND).map_err(|e| e.error),
			Error::<Test>::AlreadyBonded
		);
	});
}

#[test]
fn bond_extra_adds_to_an_existing_bond_only() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ComputeStaking::bond_extra(RuntimeOrigin::signed(1), 100).map_err(|e| e.error),
			Error::<Test>::NotBonded
		);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		assert_noop!(
			ComputeStaking::bond_extra(RuntimeOrigin::signed(1), 0).map_err(|e| e.error),
			Error::<Test>::ZeroAmount
		);
		assert_ok!(ComputeStaking::bond_extra(RuntimeOrigin::signed(1), 234));
		assert_eq!(held(1), 1_234);
		assert_eq!(Bonds::<Test>::get(1).unwrap().active, 1_234);
	});
}

#[test]
fn bonding_exactly_s_n_makes_a_confirmed_node_eligible() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_node(1, 100);
		assert_eq!(ComputeStaking::minimum_stake(&1), S);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), S));
		assert!(<ComputeStaking as crate::ComputeStake<_, _>>::is_eligible(&1));
		assert_eq!(
			events().last(),
			Some(&Event::EligibilityChanged { who: 1, eligible: true, reason: None })
		);
	});
}

#[test]
fn one_planck_short_of_s_n_leaves_the_node_ineligible_with_the_reason() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_node(1, 100);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), S - 1));
		assert_eq!(ComputeStaking::ineligibility(&1), Some(Ineligibility::BondBelowMinimum));
		assert!(!Bonds::<Test>::get(1).unwrap().eligible);
		// The missing planck flips it.
		assert_ok!(ComputeStaking::bond_extra(RuntimeOrigin::signed(1), 1));
		assert_eq!(ComputeStaking::ineligibility(&1), None);
	});
}
