//! Eligibility: its reasons, `ensure_covers`, `profile_changed`, `refresh_eligibility`, and the
//! runtime API's `stake_status`.

use frame_support::{assert_noop, assert_ok};

use super::*;
use crate::{ComputeStake, Error, Event, Ineligibility, UnbondChunk};

#[test]
fn reasons_are_checked_in_order() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		assert_eq!(ComputeStaking::ineligibility(&1), Some(Ineligibility::NotRegistered));
		set_profile(1, 1_000_000, true, 1, false);
		assert_eq!(ComputeStaking::ineligibility(&1), Some(Ineligibility::Inactive));
		set_profile(1, 1_000_000, false, 1, true);
		assert_eq!(ComputeStaking::ineligibility(&1), Some(Ineligibility::IbNotConfirmed));
		set_profile(1, 1_000_000, true, 1, true); // S = 8640 > 1000
		assert_eq!(ComputeStaking::ineligibility(&1), Some(Ineligibility::BondBelowMinimum));
		set_profile(1, 100_000, true, 1, true); // 0.1 IB: S = 864 ≤ 1000
		assert_eq!(ComputeStaking::ineligibility(&1), None);
		ComputeStaking::profile_changed(&1);
	});
}

#[test]
fn ensure_covers_checks_a_raise_against_the_active_bond() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 8_640));
		assert_ok!(ComputeStaking::ensure_covers(&1, cinder_primitives::Ib::ONE, 1));
		assert_eq!(
			ComputeStaking::ensure_covers(&1, cinder_primitives::Ib::ONE, 2),
			Err(Error::<Test>::BondBelowMinimumStake.into())
		);
		assert_eq!(
			ComputeStaking::ensure_covers(&2, cinder_primitives::Ib::ONE, 1),
			Err(Error::<Test>::BondBelowMinimumStake.into()),
			"no bond covers nothing"
		);
	});
}

#[test]
fn profile_changes_reported_by_the_registry_emit_eligibility_events() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_node(1, 1);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 8_640));
		events();
		set_profile(1, 1_000_000, true, 1, false); // paused
		ComputeStaking::profile_changed(&1);
		assert_eq!(
			events(),
			vec![Event::EligibilityChanged {
				who: 1,
				eligible: false,
				reason: Some(Ineligibility::Inactive)
			}]
		);
		ComputeStaking::profile_changed(&1);
		assert_eq!(events(), vec![], "no event without a change");
	});
}

#[test]
fn refresh_eligibility_needs_a_bond() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ComputeStaking::refresh_eligibility(RuntimeOrigin::signed(2), 1).map_err(|e| e.error),
			Error::<Test>::NotBonded
		);
		confirmed_node(1, 1);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 8_640));
		set_profile(1, 1_000_000, false, 1, true);
		events();
		assert_ok!(ComputeStaking::refresh_eligibility(RuntimeOrigin::signed(2), 1));
		assert_eq!(
			events(),
			vec![Event::EligibilityChanged {
				who: 1,
				eligible: false,
				reason: Some(Ineligibility::IbNotConfirmed)
			}]
		);
	});
}

#[test]
fn stake_status_reports_bond_chunks_minimum_and_reason() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_node(1, 1);
		set_epoch(5);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 9_000));
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 1_000));
		let status = ComputeStaking::stake_status(&1);
		assert_eq!(status.active, 8_000);
		assert_eq!(status.unbonding, vec![UnbondChunk { amount: 1_000, release_epoch: 7 }]);
		assert_eq!(status.minimum_stake, 8_640);
		assert_eq!(status.current_epoch, 5);
		assert_eq!(status.ineligible_because, Some(Ineligibility::BondBelowMinimum));
	});
}
