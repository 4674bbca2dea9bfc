//! `deregister`.

use frame_support::{assert_noop, assert_ok};

use super::*;
use crate::{Error, Event, NodeCount, Nodes};

#[test]
fn deregister_needs_no_jobs_and_no_active_bond() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			NodeRegistry::deregister(RuntimeOrigin::signed(1)),
			Error::<Test>::NotRegistered
		);
		confirmed_worker(1);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), S_HALF_IB));
		set_jobs(1, 2);
		assert_noop!(
			NodeRegistry::deregister(RuntimeOrigin::signed(1)),
			Error::<Test>::JobsInFlight
		);
		set_jobs(1, 0);
		assert_noop!(
			NodeRegistry::deregister(RuntimeOrigin::signed(1)),
			Error::<Test>::StillBonded
		);

		// Unbonding is enough: the chunks stay held and slashable until released.
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), S_HALF_IB));
		events();
		let free = <Balances as frame_support::traits::fungible::Inspect<_>>::balance(&1);
		assert_ok!(NodeRegistry::deregister(RuntimeOrigin::signed(1)));
		assert!(Nodes::<Test>::get(1).is_none());
		assert_eq!(NodeCount::<Test>::get(), 0);
		assert_eq!(events(), vec![Event::Deregistered { who: 1, deposit: NODE_DEPOSIT }]);
		let returned = <Balances as frame_support::traits::fungible::Inspect<_>>::balance(&1);
		assert_eq!(returned, free + NODE_DEPOSIT, "the deposit is back");
	});
}
