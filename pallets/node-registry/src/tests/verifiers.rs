//! The verifier directory and its serving set: Verifier nodes of elected validators join on
//! registration and leave on deregistration; a paused, offline, chilled or unelected verifier
//! leaves the serving set (at once, or at the next session change) and comes back when it
//! serves again; the directory is bounded.

use frame_support::{assert_noop, assert_ok, BoundedVec};

use super::*;
use crate::{Availability, Error, NodeRole, ServingVerifiers, VerifierDirectory, Verifiers};

/// `who` controls the validator candidate `stash`, bonds the verifier bond and registers its
/// Verifier node.
fn register_verifier(who: AccountId, stash: AccountId) -> sp_runtime::DispatchResult {
	add_validator(who, stash);
	bond_verifier(who);
	register_as_verifier(who, stash)
}

/// `who` registers a Verifier node bound to `stash`.
fn register_as_verifier(who: AccountId, stash: AccountId) -> sp_runtime::DispatchResult {
	NodeRegistry::register(
		RuntimeOrigin::signed(who),
		NodeRole::Verifier { stash },
		hardware(),
		endpoint("http://verifier"),
		PRICE,
		Ib::ONE,
		BoundedVec::new(),
		Availability::default(),
	)
}

/// The serving set, sorted.
fn serving() -> Vec<AccountId> {
	let mut set: Vec<_> =
		(0..NodeRegistry::serving_count()).filter_map(NodeRegistry::serving_at).collect();
	set.sort();
	set
}

/// The verifiers of the serving set that a draw would seat now.
fn seated() -> Vec<AccountId> {
	serving().into_iter().filter(NodeRegistry::is_serving).collect()
}

#[test]
fn verifier_nodes_join_the_directory_and_leave_it_when_they_deregister() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(register_verifier(1, 11));
		assert_ok!(register_verifier(2, 12));
		register_worker(3);
		assert_eq!(serving(), vec![1, 2], "workers are not verifiers");
		// Leaving takes unbonding the verifier bond first (it stays slashable until released).
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(1), VERIFIER_BOND));
		assert_ok!(NodeRegistry::deregister(RuntimeOrigin::signed(1)));
		assert_eq!(serving(), vec![2]);
		assert_eq!(Verifiers::<Test>::get().to_vec(), vec![2]);
	});
}

#[test]
fn a_verifier_must_be_bound_to_an_elected_validator_it_controls() {
	ExtBuilder::default().build_and_execute(|| {
		bond_verifier(1);
		assert_noop!(register_as_verifier(1, 11), Error::<Test>::NotValidatorController);
		// A candidate outside the session's validator set (a fresh `validate`) waits for its
		// election.
		add_validator(1, 11);
		unelect(11);
		assert_noop!(register_as_verifier(1, 11), Error::<Test>::NotActiveValidator);
		elect(11);
		assert_ok!(register_as_verifier(1, 11));
		assert_eq!(serving(), vec![1]);
	});
}

#[test]
fn a_verifier_must_hold_the_verifier_bond_to_register() {
	ExtBuilder::default().build_and_execute(|| {
		add_validator(1, 11);
		assert_noop!(register_as_verifier(1, 11), Error::<Test>::VerifierBondTooLow);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), VERIFIER_BOND - 1));
		assert_noop!(register_as_verifier(1, 11), Error::<Test>::VerifierBondTooLow);
		assert_ok!(ComputeStaking::bond_extra(RuntimeOrigin::signed(1), 1));
		assert_ok!(register_as_verifier(1, 11));
		assert_eq!(serving(), vec![1]);
	});
}

#[test]
fn a_verifier_whose_bond_falls_below_the_verifier_bond_stops_serving_until_it_bonds_again() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(register_verifier(1, 11));
		assert_ok!(register_verifier(2, 12));
		// 2 unbonds a little: a draw passes over it at once, the session change drops it.
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(2), 1));
		assert_eq!(seated(), vec![1], "a verifier below the verifier bond is never seated");
		new_session();
		assert_eq!(serving(), vec![1]);
		// Bonding again brings it back at the next session change.
		assert_ok!(ComputeStaking::bond_extra(RuntimeOrigin::signed(2), 1));
		new_session();
		assert_eq!(serving(), vec![1, 2]);
		assert_eq!(NodeRegistry::serving_stash(&2), Some(12), "it verifies for its stash");
	});
}

#[test]
fn a_paused_or_offline_verifier_leaves_the_serving_set_and_comes_back() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(register_verifier(1, 11));
		assert_ok!(register_verifier(2, 12));
		assert_ok!(NodeRegistry::pause(RuntimeOrigin::signed(1)));
		assert_eq!(serving(), vec![2]);
		assert_ok!(NodeRegistry::resume(RuntimeOrigin::signed(1)));
		assert_eq!(serving(), vec![1, 2]);

		// Overdue: skipped by a draw at once, out of the set when marked offline.
		let params = NodeRegistry::params();
		let overdue = 1 + params.heartbeat_interval * (params.offline_after as u64 + 1);
		run_to(overdue);
		assert_eq!(seated(), Vec::<AccountId>::new(), "an overdue verifier is never seated");
		assert_ok!(NodeRegistry::mark_offline(RuntimeOrigin::signed(3), 2));
		assert_eq!(serving(), vec![1]);
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(2)));
		assert_eq!(serving(), vec![1, 2], "a heartbeat brings it back");
		assert_eq!(seated(), vec![2]);
	});
}

#[test]
fn a_chilled_or_unelected_verifier_is_passed_over_and_dropped_at_the_session_change() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(register_verifier(1, 11));
		assert_ok!(register_verifier(2, 12));
		assert_ok!(register_verifier(3, 13));
		// 2 chills its stash, 3's stash is not elected for the next session.
		VALIDATORS.with(|v| v.borrow_mut().remove(&(2, 12)));
		unelect(13);
		assert_eq!(seated(), vec![1], "a draw passes over them before the session ends");
		assert_eq!(serving(), vec![1, 2, 3]);
		new_session();
		assert_eq!(serving(), vec![1], "the session change drops them");
		// A later election brings 3 back at the next session change.
		elect(13);
		assert_eq!(serving(), vec![1]);
		new_session();
		assert_eq!(serving(), vec![1, 3]);
	});
}

#[test]
fn the_session_hook_costs_two_reads_while_the_session_lasts() {
	use frame_support::traits::Hooks;
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(register_verifier(1, 11));
		new_session();
		let once = NodeRegistry::on_initialize(2);
		use frame_support::{traits::Get, weights::RuntimeDbWeight};
		let db = <<Test as frame_system::Config>::DbWeight as Get<RuntimeDbWeight>>::get();
		assert_eq!(
			once,
			db.reads(2).saturating_add(<() as crate::WeightInfo>::spot_check_base()),
			"the session index and the session the set was built in, and no spot check drawn"
		);
		assert_eq!(ServingVerifiers::<Test>::get().to_vec(), vec![1]);
	});
}

#[test]
fn the_directory_is_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=3 {
			assert_ok!(register_verifier(who, 10 + who));
		}
		add_validator(4, 14);
		bond_verifier(4);
		assert_noop!(register_as_verifier(4, 14), Error::<Test>::TooManyVerifiers);
	});
}
