//! Routing pools: who the jobs pallet may draw from, kept in step with registrations and hosted
//! models; unknown models are refused.

use frame_support::{assert_noop, assert_ok, BoundedVec};

use super::*;
use crate::{Error, PoolSize, WorkerDirectory, WorkerPool};

fn members(pool: WorkerPool) -> Vec<AccountId> {
	let mut members: Vec<_> = (0..NodeRegistry::pool_size(pool))
		.map(|i| NodeRegistry::pool_member(pool, i).expect("dense pool"))
		.collect();
	members.sort();
	members
}

fn register_role(who: AccountId, role: NodeRole<AccountId>) -> sp_runtime::DispatchResult {
	NodeRegistry::register(
		RuntimeOrigin::signed(who),
		role,
		hardware(),
		endpoint("http://127.0.0.1:8080"),
		PRICE,
		Ib::from_micro(HALF_IB),
		BoundedVec::truncate_from(vec![7]),
		Availability::default(),
	)
}

#[test]
fn workers_join_the_pools_of_their_models() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		register_worker(2);
		assert_eq!(members(WorkerPool::AllWorkers), vec![1, 2]);
		assert_eq!(members(WorkerPool::Hosts(7)), vec![1, 2]);
		assert_eq!(members(WorkerPool::Hosts(8)), Vec::<AccountId>::new());
	});
}

#[test]
fn managers_and_verifiers_take_no_jobs() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(register_role(1, NodeRole::Manager));
		add_validator(2, 20);
		bond_verifier(2);
		assert_ok!(register_role(2, NodeRole::Verifier { stash: 20 }));
		assert_eq!(NodeRegistry::pool_size(WorkerPool::AllWorkers), 0);
		assert_eq!(NodeRegistry::pool_size(WorkerPool::Hosts(7)), 0);
		assert!(NodeRegistry::is_manager(&1));
		assert!(!NodeRegistry::is_manager(&2));
		assert_eq!(NodeRegistry::worker(&1), None, "a manager is not a worker");
	});
}

#[test]
fn changing_models_moves_the_worker_between_pools() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		register_worker(2);
		assert_ok!(NodeRegistry::update_models(
			RuntimeOrigin::signed(1),
			BoundedVec::truncate_from(vec![8, 9])
		));
		assert_eq!(members(WorkerPool::Hosts(7)), vec![2]);
		assert_eq!(members(WorkerPool::Hosts(8)), vec![1]);
		assert_eq!(members(WorkerPool::Hosts(9)), vec![1]);
		assert_eq!(members(WorkerPool::AllWorkers), vec![1, 2]);
	});
}

#[test]
fn leaving_swaps_the_last_member_in() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=3 {
			register_worker(who);
		}
		assert_ok!(NodeRegistry::deregister(RuntimeOrigin::signed(1)));
		assert_eq!(members(WorkerPool::AllWorkers), vec![2, 3]);
		assert_eq!(NodeRegistry::pool_member(WorkerPool::AllWorkers, 0), Some(3));
		assert_eq!(NodeRegistry::pool_member(WorkerPool::AllWorkers, 2), None);
		for who in 2..=3 {
			assert_ok!(NodeRegistry::deregister(RuntimeOrigin::signed(who)));
		}
		assert!(!PoolSize::<Test>::contains_key(WorkerPool::AllWorkers), "empty pools are removed");
	});
}

#[test]
fn the_directory_reports_routing_facts() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_worker(1);
		let info = NodeRegistry::worker(&1).expect("an active worker");
		assert_eq!(info.ib, Ib::from_micro(HALF_IB));
		assert_eq!(info.price_per_ibm, PRICE);
		assert!(info.background_jobs);
		assert_eq!(info.reliability, sp_runtime::Perbill::from_percent(50), "probation score");
		assert_ok!(NodeRegistry::pause(RuntimeOrigin::signed(1)));
		assert_eq!(NodeRegistry::worker(&1), None, "a paused worker takes no jobs");
	});
}

#[test]
fn unknown_models_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			NodeRegistry::register(
				RuntimeOrigin::signed(1),
				NodeRole::Worker,
				hardware(),
				endpoint("http://127.0.0.1:8080"),
				PRICE,
				Ib::from_micro(HALF_IB),
				BoundedVec::truncate_from(vec![KNOWN_MODELS]),
				Availability::default(),
			),
			Error::<Test>::UnknownModel
		);
		register_worker(1);
		assert_noop!(
			NodeRegistry::update_models(
				RuntimeOrigin::signed(1),
				BoundedVec::truncate_from(vec![7, KNOWN_MODELS + 1])
			),
			Error::<Test>::UnknownModel
		);
	});
}
