//! Benchmark challenges: on-time answers go to the verifiers, whose word confirms or rejects
//! the claim; late and missing answers reject it.

use frame_support::{assert_noop, assert_ok};

use super::*;
use crate::{BenchmarkOutcomes, ChallengeFailure, ConfirmedIb, Error, Event, Nodes};

/// The id of `who`'s pending challenge.
fn challenge_of(who: AccountId) -> ChallengeId {
	Nodes::<Test>::get(who).unwrap().challenge.unwrap().id
}

#[test]
fn a_timely_answer_confirms_the_claim_marked_unchecked() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		run_to(22); // the deadline block itself still counts (21 blocks: see the defaults)
		events();
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [1; 32]));
		let node = Nodes::<Test>::get(1).unwrap();
		assert_eq!(
			node.confirmed_ib,
			Some(ConfirmedIb { ib: Ib::from_micro(HALF_IB), independently_checked: false })
		);
		assert!(node.challenge.is_none());
		assert_eq!(
			events(),
			vec![Event::IbConfirmed {
				who: 1,
				ib: Ib::from_micro(HALF_IB),
				independently_checked: false
			}]
		);
	});
}

#[test]
fn a_verified_answer_is_marked_checked_and_a_wrong_one_rejects() {
	ExtBuilder::default().build_and_execute(|| {
		set_proof_check(ProofCheck::Verified);
		confirmed_worker(1);
		assert!(Nodes::<Test>::get(1).unwrap().confirmed_ib.unwrap().independently_checked);

		set_proof_check(ProofCheck::Wrong);
		register_worker(2);
		events();
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(2), [0; 32]));
		assert_eq!(Nodes::<Test>::get(2).unwrap().confirmed_ib, None);
		assert_eq!(
			events(),
			vec![
				Event::ClaimDepositForfeited { who: 2, amount: CLAIM_DEPOSIT },
				Event::IbRejected {
					who: 2,
					claimed_ib: Ib::from_micro(HALF_IB),
					reason: ChallengeFailure::WrongResult
				}
			]
		);
	});
}

#[test]
fn a_late_answer_rejects_the_claim() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		run_to(23);
		events();
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [1; 32]));
		assert_eq!(Nodes::<Test>::get(1).unwrap().confirmed_ib, None);
		assert!(Nodes::<Test>::get(1).unwrap().challenge.is_none());
		assert_eq!(
			events(),
			vec![Event::IbRejected {
				who: 1,
				claimed_ib: Ib::from_micro(HALF_IB),
				reason: ChallengeFailure::Late
			}]
		);
		assert_noop!(
			NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [1; 32]).map_err(|e| e.error),
			Error::<Test>::NoChallenge
		);
	});
}

#[test]
fn a_missing_answer_is_expired_by_anyone_after_the_deadline() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		assert_noop!(
			NodeRegistry::expire_challenge(RuntimeOrigin::signed(3), 1).map_err(|e| e.error),
			Error::<Test>::ChallengeNotExpired
		);
		run_to(23);
		events();
		assert_ok!(NodeRegistry::expire_challenge(RuntimeOrigin::signed(3), 1));
		assert_eq!(
			events(),
			vec![Event::IbRejected {
				who: 1,
				claimed_ib: Ib::from_micro(HALF_IB),
				reason: ChallengeFailure::Missing
			}]
		);
		assert_noop!(
			NodeRegistry::expire_challenge(RuntimeOrigin::signed(3), 1).map_err(|e| e.error),
			Error::<Test>::NoChallenge
		);
		assert_noop!(
			NodeRegistry::expire_challenge(RuntimeOrigin::signed(3), 4).map_err(|e| e.error),
			Error::<Test>::NotRegistered
		);
	});
}

#[test]
fn challenges_are_sized_for_the_claimed_ib() {
	ExtBuilder::default().build_and_execute(|| {
		// 90 s at the claimed IB: linear in IB, at least one unit.
		let one = NodeRegistry::challenge_size(Ib::ONE);
		assert_eq!(one, 60_000_000_000_000_000);
		assert_eq!(NodeRegistry::challenge_size(Ib::from_micro(100)), one / 10_000);
		assert_eq!(NodeRegistry::challenge_size(Ib::from_micro(1)), one / 1_000_000);
	});
}

#[test]
fn a_new_claim_keeps_the_confirmed_ib_until_confirmed_and_a_raise_needs_bond() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_worker(1);
		assert_noop!(
			NodeRegistry::claim_ib(RuntimeOrigin::signed(1), Ib::ONE),
			pallet_compute_staking::Error::<Test>::BondBelowMinimumStake
		);
		assert_noop!(
			NodeRegistry::claim_ib(RuntimeOrigin::signed(1), Ib::ZERO),
			Error::<Test>::IbOutOfRange
		);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 2 * S_HALF_IB));
		assert_ok!(NodeRegistry::claim_ib(RuntimeOrigin::signed(1), Ib::ONE));
		let node = Nodes::<Test>::get(1).unwrap();
		assert_eq!(node.confirmed_ib.unwrap().ib, Ib::from_micro(HALF_IB), "old IB in force");
		assert_eq!(node.challenge.unwrap().claimed_ib, Ib::ONE);
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [2; 32]));
		assert_eq!(Nodes::<Test>::get(1).unwrap().confirmed_ib.unwrap().ib, Ib::ONE);
	});
}

#[test]
fn a_timely_answer_waits_for_the_verifiers_whose_word_confirms_it_checked() {
	ExtBuilder::default().build_and_execute(|| {
		set_proof_plan(Ok(ProofPlan::Pending));
		register_worker(1);
		let id = challenge_of(1);
		events();
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [3; 32]));
		assert_eq!(answers(), vec![(1, id, [3; 32])], "the answer went to the verifiers");
		assert_eq!(events(), vec![Event::ChallengeAnswered { who: 1, challenge: id, blocks: 0 }]);
		let node = Nodes::<Test>::get(1).unwrap();
		assert_eq!(node.confirmed_ib, None, "nothing is in force before the verifiers' word");
		assert_eq!(node.challenge.unwrap().answer, Some([3; 32]));

		// No second answer, and no expiry, while the first is under check.
		assert_noop!(
			NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [4; 32]).map_err(|e| e.error),
			Error::<Test>::AnswerUnderCheck
		);
		run_to(23);
		assert_noop!(
			NodeRegistry::expire_challenge(RuntimeOrigin::signed(3), 1).map_err(|e| e.error),
			Error::<Test>::AnswerUnderCheck
		);
		// Nor can the node take the workload away from the verifiers recomputing it: a new
		// claim would replace the challenge, leaving would drop it (and fault every verifier
		// seated on the check for a verdict it cannot give).
		assert_noop!(
			NodeRegistry::claim_ib(RuntimeOrigin::signed(1), Ib::from_micro(HALF_IB)),
			Error::<Test>::AnswerUnderCheck
		);
		assert_noop!(
			NodeRegistry::deregister(RuntimeOrigin::signed(1)),
			Error::<Test>::AnswerUnderCheck
		);

		NodeRegistry::benchmark_checked(&1, id, ProofCheck::Verified);
		let node = Nodes::<Test>::get(1).unwrap();
		assert_eq!(
			node.confirmed_ib,
			Some(ConfirmedIb { ib: Ib::from_micro(HALF_IB), independently_checked: true })
		);
		assert!(node.challenge.is_none());
		assert_eq!(
			events(),
			vec![Event::IbConfirmed {
				who: 1,
				ib: Ib::from_micro(HALF_IB),
				independently_checked: true
			}]
		);
	});
}

#[test]
fn the_verifiers_finding_an_answer_wrong_reject_the_claim() {
	ExtBuilder::default().build_and_execute(|| {
		set_proof_plan(Ok(ProofPlan::Pending));
		register_worker(1);
		let id = challenge_of(1);
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [3; 32]));
		events();
		NodeRegistry::benchmark_checked(&1, id, ProofCheck::Wrong);
		assert_eq!(Nodes::<Test>::get(1).unwrap().confirmed_ib, None);
		assert!(Nodes::<Test>::get(1).unwrap().challenge.is_none());
		assert_eq!(
			events(),
			vec![
				Event::ClaimDepositForfeited { who: 1, amount: CLAIM_DEPOSIT },
				Event::IbRejected {
					who: 1,
					claimed_ib: Ib::from_micro(HALF_IB),
					reason: ChallengeFailure::WrongResult
				}
			]
		);
	});
}

#[test]
fn a_word_on_a_challenge_no_longer_pending_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		set_proof_plan(Ok(ProofPlan::Pending));
		register_worker(1);
		let first = challenge_of(1);
		// Not answered yet: the verifiers have nothing to say about it.
		NodeRegistry::benchmark_checked(&1, first, ProofCheck::Verified);
		assert_eq!(Nodes::<Test>::get(1).unwrap().confirmed_ib, None);
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [3; 32]));
		// Another challenge number, and another node's.
		let before = Nodes::<Test>::get(1).unwrap();
		NodeRegistry::benchmark_checked(&1, first + 1, ProofCheck::Verified);
		NodeRegistry::benchmark_checked(&2, first, ProofCheck::Verified);
		assert_eq!(Nodes::<Test>::get(1).unwrap(), before);
	});
}

/// A claim's answer given on time while the verifiers' queue is full is kept as given and
/// handed to them as room opens, oldest first, however long that takes: the chain's
/// congestion never makes it late, and the worker gains no time by the wait. (In the
/// simulator, with 6,000 workers registering three a block, answers refused as
/// `VerifierBusy` ended `Late`, every late claim was made again, and some honest workers were
/// never confirmed.)
#[test]
fn an_answer_the_verifiers_cannot_take_now_waits_for_room_and_is_never_late() {
	use frame_support::traits::Hooks;
	ExtBuilder::default().build_and_execute(|| {
		set_proof_plan(Err(VerifierBusy));
		register_worker(1);
		register_worker(2);
		let (first, second) = (challenge_of(1), challenge_of(2));
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [3; 32]));
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(2), [4; 32]));
		assert_eq!(crate::AnswersWaiting::<Test>::get().to_vec(), vec![1, 2]);
		// Kept: no other answer is taken, and it does not expire.
		assert_noop!(
			NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [5; 32]).map_err(|e| e.error),
			Error::<Test>::AnswerUnderCheck
		);
		let late = Nodes::<Test>::get(1).unwrap().challenge.unwrap().deadline + 1;
		run_to(late);
		NodeRegistry::on_initialize(late);
		assert_noop!(
			NodeRegistry::expire_challenge(RuntimeOrigin::signed(5), 1).map_err(|e| e.error),
			Error::<Test>::AnswerUnderCheck
		);
		assert!(answers().is_empty(), "still waiting");
		// A later answer queues behind them even when the verifiers would take it.
		set_proof_plan(Ok(ProofPlan::Pending));
		register_worker(3);
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(3), [6; 32]));
		assert!(answers().is_empty());
		// Room: handed over in order, as given; the verifiers' word then decides.
		NodeRegistry::on_initialize(late + 1);
		assert_eq!(
			answers(),
			vec![(1, first, [3; 32]), (2, second, [4; 32]), (3, challenge_of(3), [6; 32])]
		);
		assert!(crate::AnswersWaiting::<Test>::get().is_empty());
		NodeRegistry::benchmark_checked(&1, first, ProofCheck::Verified);
		assert!(Nodes::<Test>::get(1).unwrap().confirmed_ib.is_some());
	});
}

#[test]
fn a_full_waiting_list_refuses_the_answer_until_it_has_room() {
	use frame_support::traits::Hooks;
	ExtBuilder::default().build_and_execute(|| {
		set_proof_plan(Err(VerifierBusy));
		for who in 1..=4 {
			register_worker(who);
			assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(who), [3; 32]));
		}
		// The list at its bound (the first four repeated: only its length matters here).
		let full: Vec<AccountId> =
			(0..crate::MAX_ANSWERS_WAITING).map(|i| 1 + (i as u64 % 4)).collect();
		crate::AnswersWaiting::<Test>::put(frame_support::BoundedVec::truncate_from(full));
		register_worker(5);
		assert_noop!(
			NodeRegistry::submit_benchmark(RuntimeOrigin::signed(5), [3; 32]).map_err(|e| e.error),
			Error::<Test>::VerifierBusy
		);
		// Eight a block are handed over once the verifiers take them.
		set_proof_plan(Ok(ProofPlan::Pending));
		NodeRegistry::on_initialize(2);
		assert_eq!(answers().len(), crate::MAX_HANDOVERS_PER_BLOCK as usize);
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(5), [3; 32]));
		crate::AnswersWaiting::<Test>::put(frame_support::BoundedVec::truncate_from(vec![5]));
	});
}

/// What `who` holds as a claim deposit.
fn claim_deposit(who: AccountId) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&crate::HoldReason::ClaimDeposit.into(), &who)
}

#[test]
fn a_claim_holds_a_deposit_that_only_a_wrong_answer_forfeits() {
	ExtBuilder::default().build_and_execute(|| {
		// Confirmed: returned.
		register_worker(1);
		assert_eq!(claim_deposit(1), CLAIM_DEPOSIT);
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [1; 32]));
		assert_eq!(claim_deposit(1), 0);
		// A new claim holds it again; replacing that claim before answering holds no more.
		assert_ok!(NodeRegistry::claim_ib(RuntimeOrigin::signed(1), Ib::from_micro(HALF_IB)));
		assert_ok!(NodeRegistry::claim_ib(RuntimeOrigin::signed(1), Ib::from_micro(HALF_IB)));
		assert_eq!(claim_deposit(1), CLAIM_DEPOSIT);
		// Never answered: expired and returned.
		run_to(200);
		assert_ok!(NodeRegistry::expire_challenge(RuntimeOrigin::signed(3), 1));
		assert_eq!(claim_deposit(1), 0);
		// Wrong, once the verifiers have checked it: forfeited to the penalty pool.
		set_proof_plan(Ok(ProofPlan::Pending));
		register_worker(2);
		let pool = Balances::free_balance(999);
		let id = challenge_of(2);
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(2), [3; 32]));
		NodeRegistry::benchmark_checked(&2, id, ProofCheck::Wrong);
		assert_eq!(claim_deposit(2), 0);
		assert_eq!(Balances::free_balance(999), pool + CLAIM_DEPOSIT);
		assert_eq!(Balances::free_balance(2), ENDOWMENT - NODE_DEPOSIT - CLAIM_DEPOSIT);
	});
}

#[test]
fn a_claim_the_account_cannot_back_is_refused() {
	use frame_support::traits::fungible::Mutate;
	ExtBuilder::default().build_and_execute(|| {
		// The node deposit and the existential deposit, but not the claim deposit.
		Balances::set_balance(&6, NODE_DEPOSIT + CLAIM_DEPOSIT);
		assert_noop!(
			register_as(6, crate::NodeRole::Worker),
			Error::<Test>::CannotAffordClaimDeposit
		);
		Balances::set_balance(&6, NODE_DEPOSIT + CLAIM_DEPOSIT + 1);
		assert_ok!(register_as(6, crate::NodeRole::Worker));
	});
}

/// The answer's on-chain elapsed time decides whether the claimed IB was met. At the defaults
/// (a 90 s challenge, 25 % tolerance, 2 blocks of latency, 6 s blocks) a node that sees the
/// challenge a block after it is issued, computes at a share of its claimed IB and gets its
/// answer into the next block is on time at 80 % and late at 75 %. The old 40-block window let
/// one at 37.5 % pass.
#[test]
fn the_answers_elapsed_time_decides_whether_the_claimed_ib_was_met() {
	assert_eq!(NodeRegistry::answer_blocks(&NodeRegistry::default_params()), 21);
	for (share_percent, on_time) in [(100u64, true), (80, true), (75, false), (38, false)] {
		ExtBuilder::default().build_and_execute(|| {
			register_worker(1);
			let compute_blocks = (90_000 * 100 / share_percent).div_ceil(6_000);
			run_to(1 + 1 + compute_blocks + 1);
			events();
			assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(1), [1; 32]));
			let confirmed = Nodes::<Test>::get(1).unwrap().confirmed_ib.is_some();
			assert_eq!(confirmed, on_time, "{share_percent} % of the claimed IB");
			if !on_time {
				assert!(events().contains(&Event::IbRejected {
					who: 1,
					claimed_ib: Ib::from_micro(HALF_IB),
					reason: ChallengeFailure::Late
				}));
			}
		});
	}
}
