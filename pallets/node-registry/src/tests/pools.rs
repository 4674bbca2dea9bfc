//! Routing pools: exactly the eligible workers, kept in step with eligibility and hosted models,
//! each weighing its IB in a Fenwick tree that draws in proportion to it; unknown models are
//! refused.

use frame_support::{assert_noop, assert_ok, BoundedVec};

use super::*;
use crate::{
	Error, PoolIndex, PoolMembers, PoolSize, PoolTree, PoolWeight, WorkerDirectory, WorkerPool,
};

fn members(pool: WorkerPool) -> Vec<AccountId> {
	let mut members: Vec<_> = (0..NodeRegistry::pool_size(pool))
		.map(|i| PoolMembers::<Test>::get(pool, i).expect("dense pool").who)
		.collect();
	members.sort();
	members
}

/// Registers, confirms and bonds `who` (0.5 IB, model 7): eligible.
fn eligible_worker(who: AccountId) {
	confirmed_worker(who);
	assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(who), S_HALF_IB));
	assert!(NodeRegistry::in_pools(&who));
}

#[test]
fn registered_workers_join_no_pool_until_eligible() {
	ExtBuilder::default().build_and_execute(|| {
		// Registered, unbonded: never drawn.
		register_worker(1);
		// Confirmed, unbonded.
		confirmed_worker(2);
		// Bonded, unconfirmed.
		register_worker(3);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(3), S_HALF_IB));
		for pool in [WorkerPool::AllWorkers, WorkerPool::Hosts(7)] {
			assert_eq!(NodeRegistry::pool_size(pool), 0);
			assert_eq!(NodeRegistry::draw(pool, 12_345), None);
		}
		// Bonding S(n) makes 2 eligible: it joins both pools.
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(2), S_HALF_IB));
		assert_eq!(members(WorkerPool::AllWorkers), vec![2]);
		assert_eq!(members(WorkerPool::Hosts(7)), vec![2]);
		assert_eq!(members(WorkerPool::Hosts(8)), Vec::<AccountId>::new());
		for random in [0, 1, u128::MAX] {
			assert_eq!(NodeRegistry::draw(WorkerPool::Hosts(7), random), Some(2));
		}
	});
}

#[test]
fn workers_leave_when_they_stop_being_eligible_and_come_back() {
	ExtBuilder::default().build_and_execute(|| {
		eligible_worker(1);
		eligible_worker(2);
		// Paused, resumed.
		assert_ok!(NodeRegistry::pause(RuntimeOrigin::signed(1)));
		assert_eq!(members(WorkerPool::AllWorkers), vec![2]);
		assert_eq!(members(WorkerPool::Hosts(7)), vec![2]);
		assert_ok!(NodeRegistry::resume(RuntimeOrigin::signed(1)));
		assert_eq!(members(WorkerPool::AllWorkers), vec![1, 2]);
		// Marked offline, back with a heartbeat.
		run_to(1 + 10 * 3 + 1);
		assert_ok!(NodeRegistry::mark_offline(RuntimeOrigin::signed(5), 2));
		assert_eq!(members(WorkerPool::AllWorkers), vec![1]);
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(2)));
		assert_eq!(members(WorkerPool::Hosts(7)), vec![1, 2]);
		// Unbonding below S(n).
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), 1));
		assert_eq!(members(WorkerPool::AllWorkers), vec![2]);
		// A price raise that S(n) no longer covers is refused; a cut keeps it pooled.
		assert_ok!(NodeRegistry::update_price(RuntimeOrigin::signed(2), PRICE / 2));
		assert_eq!(members(WorkerPool::AllWorkers), vec![2]);
	});
}

#[test]
fn a_slash_that_empties_the_bond_takes_the_worker_out() {
	use cinder_primitives::{ComputeStake, EvidenceId, SlashAmount, SlashReason};
	ExtBuilder::default().build_and_execute(|| {
		eligible_worker(1);
		let evidence: EvidenceId = 9;
		ComputeStaking::slash(
			&1,
			SlashAmount::Fraction(sp_runtime::Perbill::one()),
			SlashReason::WrongResult,
			evidence,
		);
		assert!(!pallet_compute_staking::Bonds::<Test>::contains_key(1), "the bond is gone");
		// A slash comes from a block hook: the move is noted, and made with spare weight.
		assert!(crate::PoolMoves::<Test>::contains_key(1));
		NodeRegistry::do_try_state().expect("a noted move is consistent");
		use frame_support::traits::Hooks;
		NodeRegistry::on_idle(1, frame_support::weights::Weight::MAX);
		assert_eq!(NodeRegistry::pool_size(WorkerPool::AllWorkers), 0);
		assert_eq!(NodeRegistry::pool_size(WorkerPool::Hosts(7)), 0);
		assert!(!crate::PoolMoves::<Test>::contains_key(1));
	});
}

#[test]
fn managers_and_verifiers_take_no_jobs() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(register_as(1, NodeRole::Manager));
		add_validator(2, 20);
		bond_verifier(2);
		assert_ok!(register_as(2, NodeRole::Verifier { stash: 20 }));
		assert_eq!(NodeRegistry::pool_size(WorkerPool::AllWorkers), 0);
		assert_eq!(NodeRegistry::pool_size(WorkerPool::Hosts(7)), 0);
		assert!(NodeRegistry::is_manager(&1));
		assert!(!NodeRegistry::is_manager(&2));
		assert_eq!(NodeRegistry::worker(&1), None, "a manager is not a worker");
	});
}

#[test]
fn changing_models_moves_a_pooled_worker_between_pools() {
	ExtBuilder::default().build_and_execute(|| {
		eligible_worker(1);
		eligible_worker(2);
		assert_ok!(NodeRegistry::update_models(
			RuntimeOrigin::signed(1),
			BoundedVec::truncate_from(vec![8, 9])
		));
		assert_eq!(members(WorkerPool::Hosts(7)), vec![2]);
		assert_eq!(members(WorkerPool::Hosts(8)), vec![1]);
		assert_eq!(members(WorkerPool::Hosts(9)), vec![1]);
		assert_eq!(members(WorkerPool::AllWorkers), vec![1, 2]);
		// An unpooled worker's models change without joining anything.
		register_worker(3);
		assert_ok!(NodeRegistry::update_models(
			RuntimeOrigin::signed(3),
			BoundedVec::truncate_from(vec![8])
		));
		assert_eq!(members(WorkerPool::Hosts(8)), vec![1]);
	});
}

#[test]
fn leaving_swaps_the_last_member_in_and_empty_pools_go() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=3 {
			eligible_worker(who);
		}
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), S_HALF_IB));
		assert_eq!(members(WorkerPool::AllWorkers), vec![2, 3]);
		assert_eq!(PoolMembers::<Test>::get(WorkerPool::AllWorkers, 0).map(|s| s.who), Some(3));
		assert_eq!(PoolMembers::<Test>::get(WorkerPool::AllWorkers, 2), None);
		for who in 2..=3 {
			assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(who), S_HALF_IB));
		}
		for pool in [WorkerPool::AllWorkers, WorkerPool::Hosts(7)] {
			assert!(!PoolSize::<Test>::contains_key(pool), "empty pools are removed");
			assert!(!PoolWeight::<Test>::contains_key(pool));
			assert_eq!(PoolTree::<Test>::iter_prefix(pool).count(), 0);
		}
	});
}

#[test]
fn a_confirmed_ib_change_reweighs_the_worker() {
	ExtBuilder::default().build_and_execute(|| {
		eligible_worker(1);
		assert_eq!(PoolWeight::<Test>::get(WorkerPool::AllWorkers), HALF_IB as u128);
		// A lower claim needs no more bond; once confirmed it is the new weight.
		assert_ok!(NodeRegistry::claim_ib(RuntimeOrigin::signed(1), Ib::from_micro(HALF_IB / 2)));
		assert_eq!(PoolWeight::<Test>::get(WorkerPool::AllWorkers), HALF_IB as u128);
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [3; 32]));
		assert_eq!(PoolWeight::<Test>::get(WorkerPool::Hosts(7)), (HALF_IB / 2) as u128);
	});
}

/// Every position's weight range, read back through `draw`: the draws at a range's first and
/// last number give its seat, so each seat is drawn for exactly `weight` of `total` numbers.
fn assert_draws_match_seats(pool: WorkerPool) {
	let seats: Vec<_> = (0..NodeRegistry::pool_size(pool))
		.map(|position| PoolMembers::<Test>::get(pool, position).expect("dense"))
		.collect();
	let mut from = 0u128;
	for seat in &seats {
		assert_eq!(NodeRegistry::draw(pool, from), Some(seat.who));
		assert_eq!(NodeRegistry::draw(pool, from + seat.weight - 1), Some(seat.who));
		from += seat.weight;
	}
	assert_eq!(from, PoolWeight::<Test>::get(pool));
	if from > 0 {
		// Numbers wrap around the total.
		assert_eq!(NodeRegistry::draw(pool, from), NodeRegistry::draw(pool, 0));
	}
}

#[test]
fn draws_follow_ib_through_any_sequence_of_joins_and_leaves() {
	ExtBuilder::default().build_and_execute(|| {
		// 40 workers of different IBs join and leave in a scrambled order; after each step the
		// tree, the totals and each seat's draw range match.
		let accounts: Vec<AccountId> = (10..50).collect();
		for &who in &accounts {
			use frame_support::traits::fungible::Mutate;
			Balances::set_balance(&who, ENDOWMENT);
			let ib = Ib::from_micro(1_000 * (1 + who % 7));
			assert_ok!(NodeRegistry::register(
				RuntimeOrigin::signed(who),
				NodeRole::Worker,
				hardware(),
				endpoint("http://127.0.0.1:8080"),
				1,
				ib,
				BoundedVec::truncate_from(vec![7]),
				Availability::default(),
			));
			assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(who), [3; 32]));
		}
		// S(n) of the largest (0.007 IB at 1 planck) is about 60 planck: 100 covers every one.
		let bond = 100;
		let mut state = 7u64;
		for step in 0..400 {
			state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
			let who = accounts[(state >> 33) as usize % accounts.len()];
			let signed = RuntimeOrigin::signed(who);
			if NodeRegistry::in_pools(&who) {
				assert_ok!(ComputeStaking::unbond(signed, bond));
				assert!(!NodeRegistry::in_pools(&who));
			} else {
				if pallet_compute_staking::Bonds::<Test>::contains_key(who) {
					assert_ok!(ComputeStaking::bond_extra(signed, bond));
				} else {
					assert_ok!(ComputeStaking::bond(signed, bond));
				}
				assert!(NodeRegistry::in_pools(&who));
			}
			if step % 25 == 0 {
				NodeRegistry::do_try_state().expect("pools consistent");
			}
			assert_draws_match_seats(WorkerPool::AllWorkers);
			assert_draws_match_seats(WorkerPool::Hosts(7));
		}
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
		let _ = PoolIndex::<Test>::iter().count();
	});
}

/// A call that may move its caller through the pools is charged for the dearest move up front
/// and refunds what the caller's own pools did not take: at 1,000 onboarding workers the
/// simulator filled every block with worst-case charges (33 pools at 52 ms a call), which
/// starved the verifiers' votes.
#[test]
fn a_pool_move_is_charged_for_the_callers_own_pools() {
	use crate::WeightInfo;
	use frame_support::dispatch::{GetDispatchInfo, PostDispatchInfo};
	type Weights = ();
	let moved = |pools| <Weights as WeightInfo>::pools_changed(pools);
	let charged = |result: frame_support::dispatch::DispatchResultWithPostInfo| match result {
		Ok(PostDispatchInfo { actual_weight, .. }) => actual_weight,
		Err(error) => error.post_info.actual_weight,
	};
	ExtBuilder::default().build_and_execute(|| {
		// Hosting model 7: two pools, all workers' and model 7's, of the five a worker may be in.
		confirmed_worker(1);
		let bond = <() as pallet_compute_staking::WeightInfo>::bond();
		assert_eq!(
			charged(ComputeStaking::bond(RuntimeOrigin::signed(1), S_HALF_IB)),
			Some(bond + moved(2)),
			"bonding to S(n) joins two pools"
		);
		assert!(NodeRegistry::in_pools(&1));
		let declared = crate::Call::<Test>::pause {}.get_dispatch_info().call_weight;
		assert_eq!(declared, <Weights as WeightInfo>::pause() + moved(5));
		assert_eq!(
			charged(NodeRegistry::pause(RuntimeOrigin::signed(1))),
			Some(<Weights as WeightInfo>::pause() + moved(2))
		);
		// Refused: no move, none charged.
		assert_eq!(
			charged(NodeRegistry::pause(RuntimeOrigin::signed(1))),
			Some(<Weights as WeightInfo>::pause())
		);
		assert_eq!(
			charged(NodeRegistry::resume(RuntimeOrigin::signed(1))),
			Some(<Weights as WeightInfo>::resume() + moved(2))
		);
		// A heartbeat with no move noted pays for none.
		run_to(12);
		assert_eq!(
			charged(NodeRegistry::heartbeat(RuntimeOrigin::signed(1))),
			Some(NodeRegistry::heartbeat_weight())
		);
		// Three models: four pools.
		assert_ok!(NodeRegistry::update_models(
			RuntimeOrigin::signed(1),
			BoundedVec::truncate_from(vec![7, 8, 9])
		));
		assert_eq!(
			charged(ComputeStaking::unbond(RuntimeOrigin::signed(1), 1)),
			Some(<() as pallet_compute_staking::WeightInfo>::unbond() + moved(4)),
			"falling below S(n) leaves four pools"
		);
		assert!(!NodeRegistry::in_pools(&1));
		assert_eq!(
			charged(NodeRegistry::update_price(RuntimeOrigin::signed(1), PRICE / 2)),
			Some(<Weights as WeightInfo>::update_price() + moved(4)),
			"a cut to what the bond covers joins them again"
		);
		assert_eq!(
			charged(NodeRegistry::update_price(RuntimeOrigin::signed(1), PRICE / 4)),
			Some(<Weights as WeightInfo>::update_price()),
			"a cut that changes no eligibility moves nothing"
		);
		// A claim's answer the verifiers cannot take now is charged the call alone.
		register_worker(2);
		set_proof_plan(Err(VerifierBusy));
		let answer = <Weights as WeightInfo>::submit_benchmark()
			+ <Test as crate::Config>::BenchmarkProofs::answer_weight();
		assert_eq!(
			charged(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(2), [7; 32])),
			Some(answer)
		);
	});
}
