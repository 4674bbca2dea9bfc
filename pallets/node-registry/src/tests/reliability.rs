//! The reliability score: EWMA components and their weighted sum.

use frame_support::assert_ok;
use sp_runtime::Perbill;

use super::*;
use crate::{Nodes, ReliabilityEvents};

fn reliability(who: AccountId) -> crate::Reliability {
	Nodes::<Test>::get(who).unwrap().reliability
}

#[test]
fn delivery_and_verification_move_by_alpha() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		// 0.9 · 50 % + 10 % = 55 %.
		NodeRegistry::job_delivered(&1, true);
		assert_eq!(reliability(1).delivery, Perbill::from_percent(55));
		// 0.9 · 50 % = 45 %.
		NodeRegistry::verification_result(&1, false);
		assert_eq!(reliability(1).verification, Perbill::from_percent(45));
		// Score: 40 % · 50 % + 30 % · 55 % + 30 % · 45 % = 20 + 16.5 + 13.5 = 50 %.
		assert_eq!(reliability(1).score, Perbill::from_percent(50));
		NodeRegistry::job_delivered(&1, true);
		// delivery 0.9 · 55 % + 10 % = 59.5 %; score 20 + 17.85 + 13.5 = 51.35 %.
		assert_eq!(reliability(1).score, Perbill::from_parts(513_500_000));
	});
}

#[test]
fn missed_heartbeat_intervals_decay_uptime() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		run_to(11);
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		assert_eq!(reliability(1).uptime, Perbill::from_percent(55), "on time");
		// Next heartbeat 3 intervals later: 2 missed, then 1 met.
		run_to(41);
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		// 0.9² · 55 % = 44.55 %, then 0.9 · 44.55 % + 10 % = 50.095 %.
		assert_eq!(reliability(1).uptime, Perbill::from_parts(500_950_000));
	});
}

#[test]
fn reports_about_unknown_nodes_are_ignored() {
	ExtBuilder::default().build_and_execute(|| {
		NodeRegistry::job_delivered(&9, true);
		NodeRegistry::verification_result(&9, false);
		assert!(Nodes::<Test>::get(9).is_none());
	});
}
