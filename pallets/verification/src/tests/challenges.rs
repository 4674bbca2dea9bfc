//! Benchmark challenge answers are always checked: whatever the sampling rates, a committee
//! recomputes each one; its word confirms (checked) or rejects the claimed IB in the registry,
//! with no slash and no jail; an answer no serving verifier checked is not confirmed (only a
//! development chain with no verifier at all accepts it unchecked).

use super::{intake::WINDOW, *};
use crate::{
	AcceptReason, BenchmarkIntake, BenchmarkProofs, CheckDeadlines, Checks, Event, Intake,
	ReceiptVerifier, Verdict,
};
use frame_support::assert_ok;

const NODE: AccountId = 5;
const CHALLENGE: ChallengeId = 42;
const ANSWERED: Subject = Subject::Benchmark { challenge: CHALLENGE };
const ANSWER: [u8; 32] = [0xaa; 32];

/// The node answers its challenge and the challenge window runs out.
fn answered() {
	assert_eq!(
		Verification::answer_submitted(&NODE, CHALLENGE, ANSWER, false),
		Ok(cinder_primitives::ProofPlan::Pending)
	);
	run_to(1 + WINDOW);
}

fn committee() -> Vec<AccountId> {
	Checks::<Test>::get(ANSWERED).expect("under check").members.iter().map(|m| m.who).collect()
}

/// The whole committee of the round in progress commits to `root`, then reveals it.
fn all_say(root: [u8; 32]) {
	let votes: Vec<_> =
		committee().into_iter().map(|who| (who, Verdict::Commitment(root))).collect();
	vote(ANSWERED, &votes);
}

fn word() -> Vec<(AccountId, ChallengeId, ProofCheck)> {
	world(|w| w.benchmarks.clone())
}

#[test]
fn an_answer_is_checked_at_the_lowest_rates_and_an_agreeing_committee_confirms_it() {
	let lowest = crate::VerificationParams {
		base_sampling_rate: Perbill::from_parts(1),
		floor_sampling_rate: Perbill::from_parts(1),
		..Verification::default_params()
	};
	ExtBuilder::default().params(lowest).build_and_execute(|| {
		answered();
		let members = committee();
		assert_eq!(members.len(), lowest.committee_size as usize);
		all_say(ANSWER);
		assert_eq!(word(), vec![(NODE, CHALLENGE, ProofCheck::Verified)]);
		assert!(events().contains(&Event::Accepted {
			subject: ANSWERED,
			worker: NODE,
			reason: AcceptReason::CommitteeAgreed
		}));
		assert!(world(|w| w.accepted.is_empty()), "no job settles");
		assert!(world(|w| w.verification_results.is_empty()), "no receipt was checked");
	});
}

#[test]
fn a_wrong_answer_is_rejected_by_the_dispute_without_slash_or_jail() {
	ExtBuilder::default().build_and_execute(|| {
		bonded_worker(NODE, 1_000);
		answered();
		// The committee finds the answer wrong, and so does the dispute.
		all_say([0xbb; 32]);
		all_say([0xbb; 32]);
		assert_eq!(word(), vec![(NODE, CHALLENGE, ProofCheck::Wrong)]);
		assert!(events().contains(&Event::Rejected {
			subject: ANSWERED,
			worker: NODE,
			slashed: 0,
			jailed_until: None
		}));
		assert_eq!(bond_of(NODE), 1_000, "a wrong benchmark answer is not slashed");
		assert_eq!(pallet_compute_staking::Pallet::<Test>::jailed_until(&NODE), None);
		assert!(world(|w| w.rejected.is_empty() && w.forfeits.is_empty()));
	});
}

#[test]
fn with_no_verifier_to_draw_an_answer_is_not_confirmed() {
	ExtBuilder::default().verifiers(&[]).build_and_execute(|| {
		answered();
		assert!(Checks::<Test>::get(ANSWERED).is_none());
		assert_eq!(word(), vec![(NODE, CHALLENGE, ProofCheck::Unverifiable)]);
		assert!(events().contains(&Event::Unverifiable {
			subject: ANSWERED,
			worker: NODE,
			reason: crate::UnverifiableReason::NoVerifiers
		}));
	});
}

#[test]
fn a_development_chain_accepts_an_answer_unchecked_when_no_verifier_serves() {
	ExtBuilder::default()
		.verifiers(&[])
		.params(super::intake::accepting_without_verifiers())
		.build_and_execute(|| {
			answered();
			assert_eq!(word(), vec![(NODE, CHALLENGE, ProofCheck::AcceptedUnchecked)]);
			assert!(events().contains(&Event::Accepted {
				subject: ANSWERED,
				worker: NODE,
				reason: AcceptReason::NoVerifiers
			}));
		});
}

/// The silent-verifier attack: the only verifier sits on the committee of a garbage answer
/// and never answers. Its seat cannot be redrawn (nobody else serves), so the claim ends
/// unverifiable: no IB is confirmed, on a development chain too.
#[test]
fn a_silent_verifier_cannot_confirm_a_garbage_answer() {
	ExtBuilder::default()
		.verifiers(&[101])
		.params(super::intake::accepting_without_verifiers())
		.build_and_execute(|| {
			answered();
			assert_eq!(committee(), vec![101]);
			let deadline = Checks::<Test>::get(ANSWERED).unwrap().deadline;
			run_to(deadline);
			assert!(Checks::<Test>::get(ANSWERED).is_none());
			assert_eq!(word(), vec![(NODE, CHALLENGE, ProofCheck::Unverifiable)]);
			let events = events();
			assert!(events.contains(&Event::Unverifiable {
				subject: ANSWERED,
				worker: NODE,
				reason: crate::UnverifiableReason::Silent
			}));
			assert!(events.iter().all(|e| !matches!(e, Event::Accepted { .. })));
			assert_eq!(
				world(|w| w.offences.clone()),
				vec![(101, crate::VerifierFault::Silent, ANSWERED)]
			);
		});
}

/// A Verifier node's own benchmark answer is never put to itself: with it the only verifier,
/// nobody is drawn (a development chain then accepts unchecked, and no other chain confirms);
/// with others serving, the committees of every round, dispute included, are drawn from them.
#[test]
fn a_verifier_never_sits_on_the_check_of_its_own_answer() {
	const OWN: AccountId = 101;
	let answered_by_own = || {
		assert_eq!(
			Verification::answer_submitted(&OWN, CHALLENGE, ANSWER, false),
			Ok(cinder_primitives::ProofPlan::Pending)
		);
		run_to(1 + WINDOW);
	};
	ExtBuilder::default().verifiers(&[OWN]).build_and_execute(|| {
		answered_by_own();
		assert!(Checks::<Test>::get(ANSWERED).is_none(), "nobody but itself to draw");
		assert_eq!(word(), vec![(OWN, CHALLENGE, ProofCheck::Unverifiable)]);
	});
	ExtBuilder::default().verifiers(&[OWN, 102, 103]).build_and_execute(|| {
		answered_by_own();
		let first = committee();
		assert_eq!(first.len(), 2);
		assert!(!first.contains(&OWN), "{first:?}");
		// A disagreement: the dispute is drawn from the others too (all that are left).
		all_say([0xbb; 32]);
		let dispute = committee();
		assert!(!dispute.is_empty() && !dispute.contains(&OWN), "{dispute:?}");
	});
}

/// A node can withhold its answer's parts from the verifiers it chooses: a sampling member
/// that refuted an answer the dispute then clears earns nothing and is not faulted. Each
/// member checks a few parts drawn at random, so an honest one can miss parts made up: a member
/// that agreed with an answer the dispute rejects earns nothing and is not faulted either,
/// while the members that matched the outcome earn their credit.
#[test]
fn refuting_an_answer_that_is_cleared_and_agreeing_with_a_wrong_one_are_no_faults() {
	// One member refutes (its parts were withheld), the other agrees: a dispute. The sampling
	// committee.
	let split = || {
		answered();
		let first = committee();
		vote(
			ANSWERED,
			&[(first[0], Verdict::Commitment([0xbb; 32])), (first[1], Verdict::Commitment(ANSWER))],
		);
		first
	};
	ExtBuilder::default().build_and_execute(|| {
		split();
		all_say(ANSWER);
		assert_eq!(word(), vec![(NODE, CHALLENGE, ProofCheck::Verified)]);
		assert!(world(|w| w.offences.is_empty()), "{:?}", world(|w| w.offences.clone()));
	});
	ExtBuilder::default().build_and_execute(|| {
		let first = split();
		let dispute = committee();
		all_say([0xbb; 32]);
		assert_eq!(word(), vec![(NODE, CHALLENGE, ProofCheck::Wrong)]);
		assert!(world(|w| w.offences.is_empty()), "{:?}", world(|w| w.offences.clone()));
		// Credits for the dispute's matching verdicts, and the refutation; none for agreeing.
		let seated = |who| u32::from(dispute.contains(&who));
		assert_eq!(super::verdicts::credits(first[1]).matched, seated(first[1]));
		assert_eq!(super::verdicts::credits(first[0]).matched, 1 + seated(first[0]));
	});
}

#[test]
fn a_flood_of_benchmark_answers_never_makes_a_receipt_refused() {
	ExtBuilder::default().build_and_execute(|| {
		// Answers to claims fill half their own queue, and then are refused...
		let half = (MAX_BENCHMARK_INTAKE / 2) as ChallengeId;
		for challenge in 0..half {
			assert_ok!(Verification::answer_submitted(&NODE, challenge, ANSWER, false));
		}
		assert_eq!(
			Verification::answer_submitted(&NODE, CHALLENGE, ANSWER, false),
			Err(cinder_primitives::VerifierBusy)
		);
		// ...while spot checks' answers still find room, up to the whole queue...
		for challenge in half..MAX_BENCHMARK_INTAKE as ChallengeId {
			assert_ok!(Verification::answer_submitted(&NODE, challenge, ANSWER, true));
		}
		assert_eq!(
			Verification::answer_submitted(&NODE, CHALLENGE, ANSWER, true),
			Err(cinder_primitives::VerifierBusy)
		);
		// ...and the receipts' intake keeps all its room.
		let capacity = (PAGE_SIZE * MAX_PAGES) as u64;
		for job in 0..capacity {
			assert_ok!(Verification::receipt_submitted(&receipt(1, job, 0)));
		}
		assert_eq!(Intake::<Test>::get().queued, capacity as u32);
		assert_eq!(BenchmarkIntake::<Test>::get().len(), MAX_BENCHMARK_INTAKE as usize);
	});
}

#[test]
fn receipts_due_in_a_block_are_decided_before_benchmark_answers() {
	ExtBuilder::default().params(super::intake::never_sampled()).build_and_execute(|| {
		// The answer comes first, then a block's worth of receipts, all due together.
		assert_ok!(Verification::answer_submitted(&NODE, CHALLENGE, ANSWER, false));
		for job in 0..MAX_DECISIONS as u64 {
			submit(&receipt(1, job, 0));
		}
		run_to(1 + WINDOW);
		assert_eq!(world(|w| w.accepted.len()), MAX_DECISIONS as usize, "every receipt decided");
		assert!(Checks::<Test>::get(ANSWERED).is_none(), "the answer waits for a spare decision");
		assert_eq!(BenchmarkIntake::<Test>::get().len(), 1);
		run_to(2 + WINDOW);
		assert!(Checks::<Test>::get(ANSWERED).is_some(), "then it is checked, as always");
		assert!(BenchmarkIntake::<Test>::get().is_empty());
	});
}

/// Benchmark rounds take at most half of a block's deadlines: with that half booked in every
/// block an answer's round could end in, the answer waits in its queue, and a receipt's check
/// still finds room in the same blocks.
#[test]
fn benchmark_answers_take_at_most_half_of_a_blocks_deadlines() {
	ExtBuilder::default().build_and_execute(|| {
		// Half of the mock's 8 deadlines a block.
		let share = 4;
		let first = 1 + WINDOW + 40;
		for block in first..first + crate::checks::DEADLINE_SPILL as u64 {
			for n in 0..share as u64 {
				let filler = Subject::Benchmark { challenge: 1_000 + 8 * block + n };
				assert_ok!(CheckDeadlines::<Test>::try_append(block, filler).map_err(|_| "full"));
			}
		}
		answered();
		assert!(Checks::<Test>::get(ANSWERED).is_none(), "no benchmark room: no round opened");
		assert_eq!(BenchmarkIntake::<Test>::get().len(), 1, "the answer waits in its queue");

		bonded_worker(1, 1_000);
		let job = 7;
		submit(&receipt(1, job, super::intake::BIG_FEE));
		run_to(1 + 2 * WINDOW);
		let check = Checks::<Test>::get(Subject::Stage { job, stage: 0 }).expect("checked");
		assert!((first..first + crate::checks::DEADLINE_SPILL as u64).contains(&check.deadline));
	});
}

/// A benchmark round whose last reveal leaves it undecided is brought forward to `DRAW_DELAY`
/// blocks on only where benchmark rounds have room; with that share booked there, it keeps
/// its own deadline (so no block ever holds more benchmark rounds than its share).
#[test]
fn an_undecided_benchmark_round_moves_only_into_room_for_benchmarks() {
	ExtBuilder::default().build_and_execute(|| {
		answered();
		let deadline = Checks::<Test>::get(ANSWERED).expect("under check").deadline;
		let delay = crate::checks::DRAW_DELAY as u64;
		let from = System::block_number() + delay;
		for block in from..from + delay {
			for n in 0..4 {
				let filler = Subject::Benchmark { challenge: 2_000 + 8 * block + n };
				assert_ok!(CheckDeadlines::<Test>::try_append(block, filler).map_err(|_| "full"));
			}
		}
		let members = committee();
		assert_eq!(members.len(), 2);
		let votes = [
			(members[0], Verdict::Commitment(ANSWER)),
			(members[1], Verdict::Commitment([0xee; 32])),
		];
		for (who, verdict) in votes {
			assert_ok!(commit(who, ANSWERED, verdict));
		}
		for (who, verdict) in votes {
			assert_ok!(reveal(who, ANSWERED, verdict));
		}
		assert_eq!(Checks::<Test>::get(ANSWERED).unwrap().deadline, deadline, "not moved");
	});
}
