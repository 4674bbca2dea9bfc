//! `register`.

use frame_support::{assert_noop, assert_ok, BoundedVec};

use super::*;
use crate::{Error, Event, NodeCount, NodeStatus, Nodes};

#[test]
fn register_records_the_node_and_issues_a_challenge() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		let node = Nodes::<Test>::get(1).unwrap();
		assert_eq!(node.claimed_ib, Ib::from_micro(HALF_IB));
		assert_eq!(node.confirmed_ib, None, "not in force before the challenge");
		assert_eq!(node.status, NodeStatus::Active);
		assert_eq!(node.reliability.score, sp_runtime::Perbill::from_percent(50), "probation");
		assert_eq!(NodeCount::<Test>::get(), 1);
		let challenge = node.challenge.expect("a challenge is pending");
		// 0.5 IB for 90 s at 4e16 units per IB-minute: 3e16 units.
		assert_eq!(challenge.work_units, 30_000_000_000_000_000);
		// 90 s with 25 % more is 112.5 s, 19 blocks of 6 s, and 2 blocks of latency.
		assert_eq!(challenge.deadline, 1 + 21);
		let events = events();
		assert_eq!(
			events[0],
			Event::Registered {
				who: 1,
				role: NodeRole::Worker,
				claimed_ib: Ib::from_micro(HALF_IB),
				deposit: NODE_DEPOSIT,
			}
		);
		assert!(matches!(events[1], Event::ChallengeIssued { who: 1, deadline: 22, .. }));
	});
}

#[test]
fn challenge_seeds_differ_between_nodes() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		register_worker(2);
		let seed = |who| Nodes::<Test>::get(who).unwrap().challenge.unwrap().seed;
		assert_ne!(seed(1), seed(2));
	});
}

#[test]
fn register_refuses_a_second_registration() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		assert_noop!(
			NodeRegistry::register(
				RuntimeOrigin::signed(1),
				NodeRole::Manager,
				hardware(),
				endpoint("https://node.example"),
				PRICE,
				Ib::ONE,
				BoundedVec::new(),
				Availability::default(),
			),
			Error::<Test>::AlreadyRegistered
		);
	});
}

fn register_with(
	role: NodeRole<AccountId>,
	url: &str,
	price: Balance,
	ib: Ib,
) -> sp_runtime::DispatchResult {
	NodeRegistry::register(
		RuntimeOrigin::signed(1),
		role,
		hardware(),
		endpoint(url),
		price,
		ib,
		BoundedVec::new(),
		Availability::default(),
	)
}

#[test]
fn a_verifier_must_control_a_validator_stash() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			register_with(NodeRole::Verifier { stash: 11 }, "http://v", PRICE, Ib::ONE),
			Error::<Test>::NotValidatorController
		);
		add_validator(1, 11);
		bond_verifier(1);
		assert_ok!(register_with(NodeRole::Verifier { stash: 11 }, "http://v", PRICE, Ib::ONE));
	});
}

#[test]
fn register_refuses_zero_price_bad_ib_and_bad_endpoints() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			register_with(NodeRole::Worker, "http://a", 0, Ib::ONE),
			Error::<Test>::ZeroPrice
		);
		assert_noop!(
			register_with(NodeRole::Worker, "http://a", PRICE, Ib::ZERO),
			Error::<Test>::IbOutOfRange
		);
		assert_noop!(
			register_with(
				NodeRole::Worker,
				"http://a",
				PRICE,
				Ib::from_micro(10_001 * Ib::RESOLUTION)
			),
			Error::<Test>::IbOutOfRange
		);
		for bad in ["", "ftp://a", "http://", "http://a b", "node.example"] {
			assert_noop!(
				register_with(NodeRole::Worker, bad, PRICE, Ib::ONE),
				Error::<Test>::BadEndpoint
			);
		}
		// A lavapipe node: 1e-4 IB is in range.
		assert_ok!(register_with(NodeRole::Worker, "https://a", PRICE, Ib::from_micro(100)));
	});
}

#[test]
fn registering_holds_the_node_deposit() {
	use frame_support::traits::fungible::{Inspect, InspectHold};
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		let reason = crate::HoldReason::NodeDeposit.into();
		assert_eq!(Balances::balance_on_hold(&reason, &1), NODE_DEPOSIT);
		// And the claim deposit, while its benchmark challenge is pending.
		assert_eq!(Balances::balance(&1), ENDOWMENT - NODE_DEPOSIT - CLAIM_DEPOSIT);
	});
}

#[test]
fn an_account_that_cannot_afford_the_deposit_is_refused() {
	use frame_support::{assert_noop, traits::fungible::Mutate};
	ExtBuilder::default().build_and_execute(|| {
		// One planck short of the deposit over the existential deposit (1).
		Balances::set_balance(&6, NODE_DEPOSIT);
		assert_noop!(register_as(6, NodeRole::Worker), crate::Error::<Test>::CannotAffordDeposit);
		Balances::set_balance(&6, NODE_DEPOSIT + CLAIM_DEPOSIT + 1);
		register_worker(6);
	});
}

#[test]
fn no_more_than_max_nodes_register() {
	use frame_support::{assert_noop, traits::Get};
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		// As if the other MaxNodes − 1 were registered.
		let max: u32 = <Test as crate::Config>::MaxNodes::get();
		NodeCount::<Test>::put(max);
		assert_noop!(register_as(2, NodeRole::Worker), crate::Error::<Test>::TooManyNodes);
		NodeCount::<Test>::put(max - 1);
		assert_ok!(register_as(2, NodeRole::Worker));
		NodeCount::<Test>::put(2);
	});
}
