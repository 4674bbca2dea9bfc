//! Spot checks: the chain challenges eligible workers again at random for the IB in force; a
//! wrong, late or missing answer revokes it, and no availability is earned while one is open.

use frame_support::{assert_noop, assert_ok, traits::Hooks};

use super::*;
use crate::{Challenge, ChallengeFailure, Error, Event, Nodes, Params};

/// An eligible worker: its IB confirmed, bonded to S(n), in the pools.
fn eligible(who: AccountId) {
	confirmed_worker(who);
	assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(who), S_HALF_IB));
	assert!(NodeRegistry::in_pools(&who));
}

fn spot_checks_every(blocks: u64) {
	let mut params = NodeRegistry::params();
	params.spot_check_every = blocks;
	Params::<Test>::put(params);
}

/// Moves to `block` and runs the registry's block hook there.
fn block(block: u64) {
	run_to(block);
	NodeRegistry::on_initialize(block);
}

/// `who`'s pending spot check.
fn spot(who: AccountId) -> Option<Challenge<u64>> {
	Nodes::<Test>::get(who).unwrap().challenge.filter(|c| c.spot)
}

/// Worker 1, eligible, is spot-checked at block 2 (and no more checks come after).
fn spot_checked() -> Challenge<u64> {
	eligible(1);
	spot_checks_every(1);
	block(2);
	spot_checks_every(u64::MAX);
	let challenge = spot(1).expect("the only worker is drawn");
	assert_eq!(challenge.claimed_ib, Ib::from_micro(HALF_IB), "the IB in force");
	assert_eq!(challenge.deadline, 2 + 21, "timed like a claim's");
	challenge
}

#[test]
fn eligible_workers_are_spot_checked_at_the_set_rate() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=4 {
			eligible(who);
		}
		// Four workers, on time, each checked once in 40 blocks on average: 40 checks in 400
		// blocks.
		spot_checks_every(40);
		let mut checks = [0u32; 4];
		for at in 2..=401 {
			block(at);
			if at % 10 == 1 {
				for who in 1..=4 {
					assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(who)));
				}
			}
			for who in 1..=4 {
				if spot(who).is_some() {
					checks[who as usize - 1] += 1;
					let node = Nodes::<Test>::get(who).unwrap();
					assert!(node.confirmed_ib.is_some(), "the IB stays in force meanwhile");
					assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(who), [7; 32]));
					assert!(spot(who).is_none(), "answered and confirmed");
				}
			}
		}
		let total: u32 = checks.iter().sum();
		assert!((25..=55).contains(&total), "{total} spot checks, {checks:?}");
		assert!(checks.iter().all(|&n| n > 0), "every worker is checked: {checks:?}");
		// No claim deposit is held for a check the chain asked for.
		assert_eq!(Balances::reserved_balance(1), NODE_DEPOSIT + S_HALF_IB);
	});
}

#[test]
fn a_missed_spot_check_revokes_the_ib_and_earns_nothing_meanwhile() {
	ExtBuilder::default().build_and_execute(|| {
		let challenge = spot_checked();
		// Pending: still pooled and routed, but no availability reward, and no new claim can
		// replace the check.
		run_to(11);
		online_reports();
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		assert_eq!(online_reports(), vec![], "no availability while a spot check is open");
		assert!(NodeRegistry::in_pools(&1));
		assert_noop!(
			NodeRegistry::claim_ib(RuntimeOrigin::signed(1), Ib::from_micro(HALF_IB / 2)),
			Error::<Test>::SpotCheckPending
		);
		// The deadline passes unanswered: the next heartbeat revokes the IB.
		run_to(challenge.deadline + 1);
		events();
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		assert!(events().contains(&Event::IbRevoked {
			who: 1,
			ib: Ib::from_micro(HALF_IB),
			reason: ChallengeFailure::Missing
		}));
		let node = Nodes::<Test>::get(1).unwrap();
		assert_eq!(node.confirmed_ib, None);
		assert!(node.challenge.is_none());
		assert!(!NodeRegistry::in_pools(&1), "no longer eligible");
		assert_eq!(online_reports(), vec![]);
	});
}

#[test]
fn anyone_may_expire_a_missed_spot_check() {
	ExtBuilder::default().build_and_execute(|| {
		let challenge = spot_checked();
		run_to(challenge.deadline + 1);
		events();
		assert_ok!(NodeRegistry::expire_challenge(RuntimeOrigin::signed(3), 1));
		assert_eq!(
			events(),
			vec![Event::IbRevoked {
				who: 1,
				ib: Ib::from_micro(HALF_IB),
				reason: ChallengeFailure::Missing
			}]
		);
		assert!(!NodeRegistry::in_pools(&1));
	});
}

#[test]
fn a_late_or_wrong_spot_answer_revokes_the_ib() {
	for (late, check, reason) in [
		(true, ProofCheck::Verified, ChallengeFailure::Late),
		(false, ProofCheck::Wrong, ChallengeFailure::WrongResult),
	] {
		ExtBuilder::default().build_and_execute(|| {
			let challenge = spot_checked();
			set_proof_check(check);
			if late {
				run_to(challenge.deadline + 1);
			}
			events();
			assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [7; 32]));
			assert_eq!(
				events(),
				vec![Event::IbRevoked { who: 1, ib: Ib::from_micro(HALF_IB), reason }],
				"no claim deposit to forfeit"
			);
			assert_eq!(Nodes::<Test>::get(1).unwrap().confirmed_ib, None);
			assert!(!NodeRegistry::in_pools(&1));
		});
	}
}

#[test]
fn a_confirmed_spot_answer_keeps_the_ib_and_availability_resumes() {
	ExtBuilder::default().build_and_execute(|| {
		spot_checked();
		set_proof_check(ProofCheck::Verified);
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [7; 32]));
		let node = Nodes::<Test>::get(1).unwrap();
		assert_eq!(
			node.confirmed_ib.map(|c| (c.ib, c.independently_checked)),
			Some((Ib::from_micro(HALF_IB), true))
		);
		assert!(NodeRegistry::in_pools(&1));
		run_to(11);
		online_reports();
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
		assert_eq!(online_reports().len(), 1, "availability again");
	});
}

#[test]
fn an_unverifiable_spot_answer_keeps_the_ib() {
	ExtBuilder::default().build_and_execute(|| {
		let challenge = spot_checked();
		set_proof_check(ProofCheck::Unverifiable);
		events();
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [7; 32]));
		assert_eq!(events(), vec![Event::SpotCheckUnverified { who: 1, challenge: challenge.id }]);
		let node = Nodes::<Test>::get(1).unwrap();
		assert!(node.confirmed_ib.is_some() && node.challenge.is_none());
		assert!(NodeRegistry::in_pools(&1));
	});
}

#[test]
fn only_active_workers_with_ib_in_force_and_no_challenge_are_spot_checked() {
	ExtBuilder::default().build_and_execute(|| {
		eligible(1);
		register_worker(2); // a claim pending: not in the pools, never drawn
		assert_ok!(NodeRegistry::pause(RuntimeOrigin::signed(1)));
		spot_checks_every(1);
		for at in 2..=20 {
			block(at);
		}
		assert!(spot(1).is_none(), "a paused worker left the pools");
		assert!(spot(2).is_none());
		assert!(!Nodes::<Test>::get(2).unwrap().challenge.unwrap().spot, "its claim's challenge");
	});
}

#[test]
fn a_spot_check_takes_the_place_of_an_unanswered_claim() {
	ExtBuilder::default().build_and_execute(|| {
		eligible(1);
		// A claim of the IB in force, never answered, would otherwise shield it for good.
		assert_ok!(NodeRegistry::claim_ib(RuntimeOrigin::signed(1), Ib::from_micro(HALF_IB)));
		assert_eq!(Balances::reserved_balance(1), NODE_DEPOSIT + S_HALF_IB + CLAIM_DEPOSIT);
		events();
		spot_checks_every(1);
		block(2);
		assert!(events().contains(&Event::IbRejected {
			who: 1,
			claimed_ib: Ib::from_micro(HALF_IB),
			reason: ChallengeFailure::Superseded
		}));
		assert!(spot(1).is_some());
		assert_eq!(Balances::reserved_balance(1), NODE_DEPOSIT + S_HALF_IB, "deposit returned");
	});
}

#[test]
fn behind_a_claim_under_check_the_spot_check_waits_and_follows_a_failed_claim() {
	use crate::BenchmarkOutcomes;
	for (verdict, spot_follows) in [(ProofCheck::Wrong, true), (ProofCheck::Verified, false)] {
		ExtBuilder::default().build_and_execute(|| {
			eligible(1);
			set_proof_plan(Ok(ProofPlan::Pending));
			assert_ok!(NodeRegistry::claim_ib(RuntimeOrigin::signed(1), Ib::from_micro(HALF_IB)));
			assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [7; 32]));
			let claim = Nodes::<Test>::get(1).unwrap().challenge.unwrap();
			spot_checks_every(1);
			block(2);
			spot_checks_every(u64::MAX);
			let node = Nodes::<Test>::get(1).unwrap();
			assert!(node.spot_due && spot(1).is_none(), "due behind the answer under check");
			run_to(11);
			online_reports();
			assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(1)));
			assert_eq!(online_reports(), vec![], "no availability while it is due");

			NodeRegistry::benchmark_checked(&1, claim.id, verdict);
			let node = Nodes::<Test>::get(1).unwrap();
			assert!(!node.spot_due);
			assert_eq!(spot(1).is_some(), spot_follows, "{verdict:?}");
			assert!(node.confirmed_ib.is_some(), "the IB in force stays until the spot check");
		});
	}
}

#[test]
fn pausing_or_resuming_does_not_carry_a_missed_spot_check_and_it_takes_no_new_stage() {
	use cinder_primitives::WorkerDirectory;
	for pause_first in [true, false] {
		ExtBuilder::default().build_and_execute(|| {
			let challenge = spot_checked();
			if !pause_first {
				assert_ok!(NodeRegistry::pause(RuntimeOrigin::signed(1)));
			}
			run_to(challenge.deadline + 1);
			assert!(NodeRegistry::worker(&1).is_none(), "overdue: no new stage");
			events();
			if pause_first {
				assert_ok!(NodeRegistry::pause(RuntimeOrigin::signed(1)));
			} else {
				assert_ok!(NodeRegistry::resume(RuntimeOrigin::signed(1)));
			}
			assert!(events().contains(&Event::IbRevoked {
				who: 1,
				ib: Ib::from_micro(HALF_IB),
				reason: ChallengeFailure::Missing
			}));
			assert_eq!(Nodes::<Test>::get(1).unwrap().confirmed_ib, None);
		});
	}
}

/// Also leaves a spot check pending at the end, for the invariants to hold with one open.
#[test]
fn a_spot_answer_the_verifiers_cannot_take_now_keeps_the_check_open() {
	ExtBuilder::default().build_and_execute(|| {
		let challenge = spot_checked();
		run_to(challenge.deadline);
		set_proof_plan(Err(VerifierBusy));
		events();
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [7; 32]));
		let deadline = challenge.deadline + 2;
		assert_eq!(
			events(),
			vec![Event::SpotAnswerDeferred { who: 1, challenge: challenge.id, deadline }]
		);
		let pending = spot(1).expect("still open");
		assert_eq!((pending.deadline, pending.answer), (deadline, None));
		assert!(Nodes::<Test>::get(1).unwrap().confirmed_ib.is_some());
		// A claim's answer is kept instead, waiting for room (see the challenge tests).
		register_worker(2);
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(2), [7; 32]));
		assert_eq!(crate::AnswersWaiting::<Test>::get().to_vec(), vec![2]);
	});
}
