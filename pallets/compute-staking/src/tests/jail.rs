//! Jails through the `ComputeStake` trait: a jailed worker is ineligible until its jail's epoch
//! begins, without touching its bond.

use frame_support::assert_ok;

use super::*;
use crate::{ComputeStake, Event, Ineligibility, Jails};

#[test]
fn a_jail_makes_a_worker_ineligible_until_its_epoch_begins() {
	ExtBuilder::default().build_and_execute(|| {
		// Priced at 0, it bonds S(n) at the pallet's 1-planck floor: 2 · 4320.
		confirmed_node(1, 0);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 8_640));
		assert!(ComputeStaking::is_eligible(&1));
		set_epoch(3);
		events();

		assert_eq!(ComputeStaking::jail(&1, 2, 77), 5);
		assert_eq!(events(), vec![Event::Jailed { who: 1, until: 5, evidence: 77 }]);
		assert!(!ComputeStaking::is_eligible(&1));
		assert_eq!(ComputeStaking::ineligibility(&1), Some(Ineligibility::Jailed { until: 5 }));
		assert_eq!(held(1), 8_640, "a jail takes nothing");

		set_epoch(4);
		assert!(!ComputeStaking::is_eligible(&1));
		set_epoch(5);
		assert!(ComputeStaking::is_eligible(&1), "free when epoch 5 begins");
		// The next bond change clears the spent jail.
		assert!(Jails::<Test>::contains_key(1));
		assert_ok!(ComputeStaking::bond_extra(RuntimeOrigin::signed(1), 10));
		assert!(!Jails::<Test>::contains_key(1));
	});
}

#[test]
fn a_shorter_jail_does_not_shorten_a_longer_one() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_node(1, 0);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		assert_eq!(ComputeStaking::jail(&1, 5, 1), 5);
		set_epoch(2);
		assert_eq!(ComputeStaking::jail(&1, 1, 2), 5, "3 < 5: the longer jail stays");
		assert_eq!(ComputeStaking::jail(&1, 4, 3), 6, "6 > 5: extended");
		assert_eq!(ComputeStaking::ineligibility(&1), Some(Ineligibility::Jailed { until: 6 }));
	});
}

#[test]
fn a_served_jail_goes_with_the_bond_and_one_in_force_outlives_it() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_node(1, 0);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		assert_eq!(ComputeStaking::jail(&1, 2, 1), 2);
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 1_000)); // release at 2
		set_epoch(2);
		assert_ok!(ComputeStaking::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert!(!Jails::<Test>::contains_key(1), "a departed worker leaves no record");

		// A jail still in force when the bond goes stays, for a new bond to meet it.
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 1_000));
		assert_eq!(ComputeStaking::jail(&1, 5, 2), 7);
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 1_000)); // release at 4
		set_epoch(4);
		assert_ok!(ComputeStaking::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 8_640));
		assert_eq!(ComputeStaking::ineligibility(&1), Some(Ineligibility::Jailed { until: 7 }));
	});
}
