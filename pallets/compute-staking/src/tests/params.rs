//! `set_params`, genesis parameters, and the eligibility sweep that follows a change.

use cinder_primitives::StakeRule;
use frame_support::{
	assert_noop, assert_ok,
	traits::{Hooks, OnIdle},
	weights::Weight,
};
use sp_runtime::DispatchError;

use super::*;
use crate::{ComputeStake, EligibilitySweep, Error, Event, Ineligibility, Params, StakeParams};

fn params(multiplier: u32, epoch_minutes: u32, unbonding_epochs: u32) -> StakeParams {
	StakeParams {
		rule: StakeRule { multiplier, epoch_minutes },
		unbonding_epochs,
		..Default::default()
	}
}

#[test]
fn genesis_sets_the_params() {
	ExtBuilder::default().params(params(3, 60, 5)).build_and_execute(|| {
		assert_eq!(Params::<Test>::get(), params(3, 60, 5));
		confirmed_node(1, 10);
		assert_eq!(ComputeStaking::minimum_stake(&1), 3 * 60 * 10);
	});
}

#[test]
#[should_panic(expected = "invalid compute-staking params")]
fn genesis_refuses_a_zero_unbonding_delay() {
	ExtBuilder::default().params(params(2, 4320, 0)).build();
}

#[test]
fn only_the_admin_sets_params_and_they_must_be_valid() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ComputeStaking::set_params(RuntimeOrigin::signed(1), params(3, 60, 1)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			ComputeStaking::set_params(RuntimeOrigin::root(), params(0, 60, 1)),
			Error::<Test>::InvalidParams
		);
		assert_noop!(
			ComputeStaking::set_params(RuntimeOrigin::root(), params(2, 0, 1)),
			Error::<Test>::InvalidParams
		);
		// Without an unbonding delay a slashable bond could leave in the block it unbonds.
		assert_noop!(
			ComputeStaking::set_params(RuntimeOrigin::root(), params(2, 4320, 0)),
			Error::<Test>::InvalidParams
		);
		// Without a floor a node priced at 0 planck would bond nothing.
		assert_noop!(
			ComputeStaking::set_params(
				RuntimeOrigin::root(),
				StakeParams { floor_price_per_ibm: 0, ..params(2, 4320, 2) }
			),
			Error::<Test>::InvalidParams
		);
		assert_ok!(ComputeStaking::set_params(RuntimeOrigin::root(), params(3, 60, 1)));
		assert_eq!(Params::<Test>::get(), params(3, 60, 1));
		assert_eq!(events(), vec![Event::ParamsSet { params: params(3, 60, 1) }]);
	});
}

#[test]
fn raising_k_sweeps_bonds_in_bounded_steps_with_events() {
	ExtBuilder::default().build_and_execute(|| {
		// Five eligible nodes with bonds of exactly S(n) = 8640.
		for who in 1..=5 {
			confirmed_node(who, 1);
			assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(who), 8_640));
		}
		events();
		assert_ok!(ComputeStaking::set_params(RuntimeOrigin::root(), params(3, 4320, 2)));
		events();

		let plenty = Weight::from_parts(u64::MAX / 2, u64::MAX / 2);
		// MaxSweepPerBlock = 2: three blocks for five bonds.
		let mut flipped = 0;
		for block in 1..=3 {
			<ComputeStaking as OnIdle<u64>>::on_idle(block, plenty);
			let changed = events();
			assert!(changed.len() <= 2, "block {block} re-evaluated {} bonds", changed.len());
			for event in &changed {
				assert!(matches!(
					event,
					Event::EligibilityChanged {
						eligible: false,
						reason: Some(Ineligibility::BondBelowMinimum),
						..
					}
				));
			}
			flipped += changed.len();
		}
		assert_eq!(flipped, 5);
		assert!(EligibilitySweep::<Test>::get().is_none(), "sweep finished");
		// Nothing to do afterwards.
		<ComputeStaking as Hooks<u64>>::on_idle(4, plenty);
		assert_eq!(events(), vec![]);
	});
}

#[test]
fn the_sweep_waits_for_spare_weight() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_node(1, 1);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 8_640));
		assert_ok!(ComputeStaking::set_params(RuntimeOrigin::root(), params(3, 4320, 2)));
		events();
		<ComputeStaking as Hooks<u64>>::on_idle(1, Weight::zero());
		assert_eq!(events(), vec![], "no weight, no work");
		assert!(EligibilitySweep::<Test>::get().is_some());
		<ComputeStaking as Hooks<u64>>::on_idle(2, Weight::from_parts(u64::MAX / 2, u64::MAX / 2));
		assert_eq!(events().len(), 1);
	});
}

#[test]
fn a_node_priced_below_the_collateral_floor_bonds_as_if_it_asked_the_floor() {
	let floored = StakeParams { floor_price_per_ibm: 50, ..params(2, 4320, 2) };
	ExtBuilder::default().params(floored).build_and_execute(|| {
		// A 1-planck worker: S(n) = 2 · 4320 · 1 IB · 50, not 2 · 4320 · 1.
		confirmed_node(1, 1);
		assert_eq!(ComputeStaking::minimum_stake(&1), 432_000);
		// Above the floor its own price counts.
		confirmed_node(2, 80);
		assert_eq!(ComputeStaking::minimum_stake(&2), 691_200);
		assert_eq!(ComputeStaking::floor_price_per_ibm(), 50);

		// The bond of its own price's S(n) no longer makes it eligible...
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 8_640));
		assert_eq!(ComputeStaking::ineligibility(&1), Some(Ineligibility::BondBelowMinimum));
		assert_eq!(
			ComputeStaking::ensure_covers(&1, Ib::ONE, 1),
			Err(Error::<Test>::BondBelowMinimumStake.into())
		);
		// ...the floor's does.
		assert_ok!(ComputeStaking::bond_extra(RuntimeOrigin::signed(1), 432_000 - 8_640));
		assert_eq!(ComputeStaking::ineligibility(&1), None);
	});
}

#[test]
fn raising_the_floor_sweeps_a_cheap_workers_eligibility_away() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_node(1, 1);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 8_640));
		assert_eq!(ComputeStaking::ineligibility(&1), None, "no floor: its own price's S(n)");
		let floored = StakeParams { floor_price_per_ibm: 2, ..params(2, 4320, 2) };
		assert_ok!(ComputeStaking::set_params(RuntimeOrigin::root(), floored));
		events();
		<ComputeStaking as Hooks<u64>>::on_idle(1, Weight::from_parts(u64::MAX / 2, u64::MAX / 2));
		assert!(events().contains(&Event::EligibilityChanged {
			who: 1,
			eligible: false,
			reason: Some(Ineligibility::BondBelowMinimum)
		}));
	});
}
