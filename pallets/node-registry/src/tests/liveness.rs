//! Heartbeats, uptime per epoch, offline and back, pause and resume.

use frame_support::{assert_noop, assert_ok};

use super::*;
use crate::{Error, Event, NodeProfiles, NodeStatus, Nodes};

#[test]
fn heartbeats_are_due_every_interval() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1); // block 1 counts as the first heartbeat
		assert_noop!(
			NodeRegistry::heartbeat(RuntimeOrigin::signed(2)).map_err(|e| e.error),
			Error::<Test>::NotRegistered
		);
		run_to(10);
		assert_noop!(
			NodeRegistry::heartbeat(RuntimeOrigin::signed(1)).map_err(|e| e.error),
			Error::<Test>::HeartbeatTooEarly
		);
		run_to(11);
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		assert_eq!(Nodes::<Test>::get(1).unwrap().last_heartbeat, 11);
		assert_noop!(
			NodeRegistry::heartbeat(RuntimeOrigin::signed(1)).map_err(|e| e.error),
			Error::<Test>::HeartbeatTooEarly
		);
	});
}

#[test]
fn heartbeats_are_counted_per_reward_epoch() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		for block in [11, 21, 31] {
			run_to(block);
			assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		}
		set_epoch(1);
		run_to(41);
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		assert_eq!(NodeRegistry::heartbeats_in(&1, 0), 3);
		assert_eq!(NodeRegistry::heartbeats_in(&1, 1), 1);
		assert_eq!(NodeRegistry::heartbeats_in(&1, 2), 0);
	});
}

#[test]
fn a_node_overdue_by_offline_after_intervals_goes_offline_and_comes_back() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_worker(1);
		run_to(31);
		assert_noop!(
			NodeRegistry::mark_offline(RuntimeOrigin::signed(2), 1).map_err(|e| e.error),
			Error::<Test>::NotOverdue
		);
		run_to(32); // 1 + 3 × 10 < 32
		assert!(!NodeRegistry::profile(&1).unwrap().active, "overdue nodes are inactive at once");
		events();
		assert_ok!(NodeRegistry::mark_offline(RuntimeOrigin::signed(2), 1));
		assert_eq!(Nodes::<Test>::get(1).unwrap().status, NodeStatus::Offline);
		assert_eq!(events(), vec![Event::WentOffline { who: 1, last_heartbeat: 1 }]);
		assert_noop!(
			NodeRegistry::mark_offline(RuntimeOrigin::signed(2), 1).map_err(|e| e.error),
			Error::<Test>::NotOverdue
		);

		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		assert_eq!(Nodes::<Test>::get(1).unwrap().status, NodeStatus::Active);
		assert_eq!(events(), vec![Event::BackOnline { who: 1 }]);
		assert!(NodeRegistry::profile(&1).unwrap().active);
	});
}

#[test]
fn pause_and_resume() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			NodeRegistry::pause(RuntimeOrigin::signed(1)).map_err(|e| e.error),
			Error::<Test>::NotRegistered
		);
		register_worker(1);
		assert_noop!(
			NodeRegistry::resume(RuntimeOrigin::signed(1)).map_err(|e| e.error),
			Error::<Test>::NotPaused
		);
		assert_ok!(NodeRegistry::pause(RuntimeOrigin::signed(1)));
		assert!(!NodeRegistry::profile(&1).unwrap().active);
		assert_noop!(
			NodeRegistry::pause(RuntimeOrigin::signed(1)).map_err(|e| e.error),
			Error::<Test>::AlreadyPaused
		);
		run_to(100);
		assert_ok!(NodeRegistry::resume(RuntimeOrigin::signed(1)));
		let profile = NodeRegistry::profile(&1).unwrap();
		assert!(profile.active, "resuming counts as a heartbeat, so the node is not overdue");
	});
}

#[test]
fn only_an_eligible_worker_nodes_heartbeats_count_for_availability() {
	ExtBuilder::default().build_and_execute(|| {
		// Registered, not yet confirmed nor bonded: its heartbeat counts for uptime only.
		register_worker(1);
		run_to(11);
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		assert_eq!(online_reports(), vec![]);
		// Confirmed but short of S(n): still nothing.
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [7; 32]));
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), S_HALF_IB - 1));
		run_to(21);
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		assert_eq!(online_reports(), vec![]);
		// Bonded to S(n): each heartbeat counts one 10-block interval, at the confirmed IB,
		// the memory it committed and its bond.
		assert_ok!(ComputeStaking::bond_extra(RuntimeOrigin::signed(1), 1));
		run_to(31);
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		assert_eq!(online_reports(), vec![(1, HALF_IB, 4_096, 10, S_HALF_IB.into())]);
		// Paused: not available for work, so no availability reward.
		assert_ok!(NodeRegistry::pause(RuntimeOrigin::signed(1)));
		run_to(41);
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		assert_eq!(online_reports(), vec![]);
		// Back at work; a heartbeat after missed intervals still counts one interval only.
		assert_ok!(NodeRegistry::resume(RuntimeOrigin::signed(1)));
		run_to(71);
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		assert_eq!(online_reports(), vec![(1, HALF_IB, 4_096, 10, S_HALF_IB.into())]);
	});
}
