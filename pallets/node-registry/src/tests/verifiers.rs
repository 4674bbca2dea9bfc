//! The verifier directory: Verifier nodes join on registration and leave on deregistration;
//! a paused verifier or one whose stash stopped validating is skipped; the list is bounded.

use frame_support::{assert_noop, assert_ok, BoundedVec};

use super::*;
use crate::{Availability, Error, NodeRole, VerifierDirectory, Verifiers};

fn register_verifier(who: AccountId, stash: AccountId) -> sp_runtime::DispatchResult {
	add_validator(who, stash);
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

fn directory() -> Vec<Option<AccountId>> {
	(0..NodeRegistry::verifier_count()).map(NodeRegistry::verifier).collect()
}

#[test]
fn verifier_nodes_join_the_directory_and_leave_it_when_they_deregister() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(register_verifier(1, 11));
		assert_ok!(register_verifier(2, 12));
		register_worker(3);
		assert_eq!(directory(), vec![Some(1), Some(2)], "workers are not verifiers");
		assert_ok!(NodeRegistry::deregister(RuntimeOrigin::signed(1)));
		assert_eq!(directory(), vec![Some(2)]);
		assert_eq!(Verifiers::<Test>::get().to_vec(), vec![2]);
	});
}

#[test]
fn a_paused_verifier_or_one_no_longer_validating_keeps_no_seat() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(register_verifier(1, 11));
		assert_ok!(register_verifier(2, 12));
		assert_ok!(NodeRegistry::pause(RuntimeOrigin::signed(1)));
		VALIDATORS.with(|v| v.borrow_mut().remove(&(2, 12)));
		assert_eq!(directory(), vec![None, None]);
		assert_ok!(NodeRegistry::resume(RuntimeOrigin::signed(1)));
		assert_eq!(directory(), vec![Some(1), None]);
	});
}

#[test]
fn a_verifier_whose_stash_is_not_elected_keeps_no_seat() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(register_verifier(1, 11));
		assert_ok!(register_verifier(2, 12));
		unelect(12);
		assert_eq!(directory(), vec![Some(1), None], "a candidate outside the session set");
	});
}

#[test]
fn the_directory_is_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=3 {
			assert_ok!(register_verifier(who, 10 + who));
		}
		assert_noop!(register_verifier(4, 14), Error::<Test>::TooManyVerifiers);
	});
}
