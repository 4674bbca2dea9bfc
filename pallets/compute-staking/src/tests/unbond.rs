//! `unbond` and `withdraw_unbonded`.

use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};

use super::*;
use crate::{
	Bonds, ComputeStake, Error, Event, Ineligibility, SlashAmount, SlashReason, UnbondChunk,
};

#[test]
fn unbond_moves_funds_to_a_chunk_released_after_the_delay() {
	ExtBuilder::default().build_and_execute(|| {
		set_epoch(7);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		events();
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 300));
		let bond = Bonds::<Test>::get(1).unwrap();
		assert_eq!(bond.active, 700);
		// Default delay: 2 epochs.
		assert_eq!(
			bond.unbonding.into_inner(),
			vec![UnbondChunk { amount: 300, release_epoch: 9 }]
		);
		assert_eq!(held(1), 1_000, "unbonding funds stay held");
		assert_eq!(events(), vec![Event::Unbonded { who: 1, amount: 300, release_epoch: 9 }]);
	});
}

#[test]
fn unbond_refuses_zero_unknown_and_more_than_bonded() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ComputeStaking::unbond(RuntimeOrigin::signed(1), 10).map_err(|e| e.error),
			Error::<Test>::NotBonded
		);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		assert_noop!(
			ComputeStaking::unbond(RuntimeOrigin::signed(1), 0).map_err(|e| e.error),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			ComputeStaking::unbond(RuntimeOrigin::signed(1), 1_001).map_err(|e| e.error),
			Error::<Test>::InsufficientBond
		);
	});
}

#[test]
fn unbond_leaves_all_of_the_bond_or_at_least_the_minimum() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		// Leaving MINIMUM_BOND − 1 planck active would keep a bond record for dust.
		assert_noop!(
			ComputeStaking::unbond(RuntimeOrigin::signed(1), 1_000 - MINIMUM_BOND + 1)
				.map_err(|e| e.error),
			Error::<Test>::BelowMinimumBond
		);
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 1_000 - MINIMUM_BOND));
		assert_eq!(Bonds::<Test>::get(1).unwrap().active, MINIMUM_BOND);
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), MINIMUM_BOND));
		assert_eq!(Bonds::<Test>::get(1).unwrap().active, 0);
	});
}

#[test]
fn unbonds_in_one_epoch_merge_and_chunks_are_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 10));
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 15));
		assert_eq!(Bonds::<Test>::get(1).unwrap().unbonding.len(), 1);
		assert_eq!(Bonds::<Test>::get(1).unwrap().unbonding[0].amount, 25);
		for epoch in 1..MAX_CHUNKS {
			set_epoch(epoch);
			assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 10));
		}
		set_epoch(MAX_CHUNKS);
		assert_noop!(
			ComputeStaking::unbond(RuntimeOrigin::signed(1), 10).map_err(|e| e.error),
			Error::<Test>::TooManyUnbondingChunks
		);
	});
}

#[test]
fn withdraw_before_release_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ComputeStaking::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NotBonded
		);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 400));
		set_epoch(1);
		assert_noop!(
			ComputeStaking::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToWithdraw
		);
	});
}

#[test]
fn withdraw_releases_only_due_chunks_and_removes_an_empty_bond() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 400)); // release at 2
		set_epoch(1);
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 600)); // release at 3
		set_epoch(2);
		events();
		assert_ok!(ComputeStaking::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_eq!(events(), vec![Event::Withdrawn { who: 1, amount: 400 }]);
		assert_eq!(held(1), 600);
		assert_eq!(Balances::balance(&1), ENDOWMENT - 600);

		set_epoch(3);
		assert_ok!(ComputeStaking::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_eq!(held(1), 0);
		assert_eq!(Balances::balance(&1), ENDOWMENT);
		assert!(Bonds::<Test>::get(1).is_none(), "nothing left: the record is gone");
	});
}

#[test]
fn a_bond_backing_job_stages_in_flight_is_not_withdrawn_until_they_settle() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 1_000));
		// A stage still under verification when the chunk is due: a wrong verdict can still
		// slash it, so the bond stays held, unbonding chunk included.
		set_jobs_in_flight(1, 1);
		set_epoch(2);
		assert_noop!(
			ComputeStaking::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::JobsInFlight
		);
		assert_eq!(held(1), 1_000);
		// The verdict comes (a 10 % slash of what is held), then the stage settles.
		let slashed = ComputeStaking::slash(
			&1,
			SlashAmount::Fraction(sp_runtime::Perbill::from_percent(10)),
			SlashReason::WrongResult,
			7,
		);
		assert_eq!(slashed, 100, "the unbonding chunk is still there to slash");
		set_jobs_in_flight(1, 0);
		assert_ok!(ComputeStaking::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_eq!(held(1), 0);
		assert_eq!(Balances::balance(&1), ENDOWMENT - 100);
	});
}

#[test]
fn unbonding_below_s_n_makes_the_node_ineligible() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_node(1, 1);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 8_640));
		events();
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 1));
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
