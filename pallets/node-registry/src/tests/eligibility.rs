//! Registry and stake together: a node is eligible only once active, confirmed and bonded to
//! S(n), and every change is an event from the stake.

use frame_support::assert_ok;
use pallet_compute_staking::{Event as StakeEvent, Ineligibility};

use super::*;

#[test]
fn register_confirm_and_bond_exactly_s_n_makes_a_worker_eligible() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), S_HALF_IB));
		assert_eq!(ComputeStaking::ineligibility(&1), Some(Ineligibility::IbNotConfirmed));
		stake_events();
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [3; 32]));
		assert_eq!(ComputeStaking::minimum_stake(&1), S_HALF_IB);
		assert_eq!(
			stake_events(),
			vec![StakeEvent::EligibilityChanged { who: 1, eligible: true, reason: None }]
		);

		// Pausing is reported to the stake, with the reason.
		assert_ok!(NodeRegistry::pause(RuntimeOrigin::signed(1)));
		assert_eq!(
			stake_events(),
			vec![StakeEvent::EligibilityChanged {
				who: 1,
				eligible: false,
				reason: Some(Ineligibility::Inactive)
			}]
		);
	});
}

#[test]
fn one_planck_short_of_s_n_is_ineligible_with_the_reason() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_worker(2);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(2), S_HALF_IB - 1));
		let status = ComputeStaking::stake_status(&2);
		assert_eq!(status.minimum_stake, S_HALF_IB);
		assert_eq!(status.ineligible_because, Some(Ineligibility::BondBelowMinimum));
	});
}
