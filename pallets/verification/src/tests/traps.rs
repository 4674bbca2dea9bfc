//! Traps: now and then a sampling round shows its committee a wrong root in place of the
//! worker's. A member that reveals the root it was shown, having agreed without computing, is
//! faulted and loses its seat; honest verdicts count on the worker's real claim, so a trap
//! neither hides a wrong worker nor costs an honest verifier anything.

use frame_support::assert_ok;
use sp_runtime::Perbill;

use super::{
	intake::*,
	verdicts::{bounded, credits, offences, BOND, CHECKED, JOB, OPENED, ROUND, WORKER},
	*,
};
use crate::{
	sampling, AcceptReason, Checks, Credits, Event, Round, UnverifiableReason, Verdict,
	VerificationParams, VerifierFault, Vote,
};

/// What one fault takes from a verifier bond of the `ExtBuilder` (10 %).
const FINE: Balance = VERIFIER_BOND / 10;

/// The default parameters with traps at `rate`.
fn trapping(rate: Perbill) -> VerificationParams<u64> {
	VerificationParams { trap_rate: rate, ..Verification::default_params() }
}

/// Submits the worker's receipt for `JOB` committing to `claimed`, sure to be sampled, and runs
/// to its sampling; returns the committee.
fn sampled(claimed: [u8; 32]) -> Vec<AccountId> {
	bonded_worker(WORKER, BOND);
	submit(&ReceiptSubmitted { output_root: claimed, ..receipt(WORKER, JOB, BIG_FEE) });
	run_to(OPENED);
	events();
	members(CHECKED)
}

fn members(subject: Subject) -> Vec<AccountId> {
	Checks::<Test>::get(subject).unwrap().members.iter().map(|m| m.who).collect()
}

/// The root `who` is shown as the claim on `subject` (`pending_checks`).
fn shown(who: AccountId, subject: Subject) -> [u8; 32] {
	Verification::pending_checks(&who)
		.into_iter()
		.find(|check| check.subject == subject)
		.expect("a check awaits this member")
		.output_root
}

/// What a verifier that computes finds: the honest root.
fn computed(job: JobId) -> Verdict {
	Verdict::Commitment(root(job))
}

/// What a verifier that does not compute reveals: the root it is shown.
fn lazy(who: AccountId, subject: Subject) -> Verdict {
	Verdict::Commitment(shown(who, subject))
}

#[test]
fn a_verifier_that_reveals_the_root_it_is_shown_is_caught_by_a_trap() {
	ExtBuilder::default().params(trapping(Perbill::one())).build_and_execute(|| {
		let members = sampled(root(JOB));
		let (idle, honest) = (members[0], members[1]);
		let bait = shown(idle, CHECKED);
		assert_ne!(bait, root(JOB), "the committee is shown a wrong root");
		assert_eq!(shown(honest, CHECKED), bait, "every member the same one");

		vote(CHECKED, &[(idle, lazy(idle, CHECKED)), (honest, computed(JOB))]);
		let sprung = events();
		assert!(sprung.contains(&Event::TrapSprung {
			subject: CHECKED,
			bait,
			caught: bounded(&[idle]),
		}));
		assert!(sprung.contains(&Event::VerifierFaulted {
			subject: CHECKED,
			verifier: idle,
			stash: idle,
			fault: VerifierFault::Baited,
			slashed: FINE,
		}));
		assert_eq!(offences(), vec![(idle, VerifierFault::Baited, CHECKED)], "one fault, not two");
		assert_eq!(bond_of(idle), VERIFIER_BOND - FINE);

		// Its seat goes to another verifier, shown the bait too (the sampling committee is
		// trapped through its redraws); the honest verdict stands, taken on the worker's real
		// claim.
		let check = Checks::<Test>::get(CHECKED).unwrap();
		assert_eq!((check.bait, check.redraws), (Some(bait), 1));
		assert_eq!(check.dismissed.to_vec(), vec![idle]);
		assert_eq!(check.members[1].vote, Vote::Agree);
		let newcomer = check.members[0].who;
		assert!(!members.contains(&newcomer));
		assert_eq!(shown(newcomer, CHECKED), bait);
		vote(CHECKED, &[(newcomer, computed(JOB))]);
		assert!(events().contains(&Event::Accepted {
			subject: CHECKED,
			worker: WORKER,
			reason: AcceptReason::CommitteeAgreed,
		}));
		assert_eq!(world(|w| w.accepted.clone()), vec![(JOB, 0)]);
		assert_eq!(credits(honest), Credits { matched: 1, disputes: 0 });
		assert_eq!(credits(idle), Credits::default(), "no credit for the bait");
	});
}

#[test]
fn an_honest_committee_passes_a_trap_without_noticing() {
	ExtBuilder::default().params(trapping(Perbill::one())).build_and_execute(|| {
		let members = sampled(root(JOB));
		let votes: Vec<_> = members.iter().map(|who| (*who, computed(JOB))).collect();
		vote(CHECKED, &votes);
		let events = events();
		assert!(events.iter().any(|e| matches!(
			e,
			Event::TrapSprung { subject: CHECKED, caught, .. } if caught.is_empty()
		)));
		assert!(events.contains(&Event::Accepted {
			subject: CHECKED,
			worker: WORKER,
			reason: AcceptReason::CommitteeAgreed,
		}));
		assert!(offences().is_empty());
		for who in members {
			assert_eq!(bond_of(who), VERIFIER_BOND);
			assert_eq!(credits(who), Credits { matched: 1, disputes: 0 });
		}
	});
}

/// The bait is shown through the sampling committee's redraws: a commitment to it still
/// sealed when a silent seat is redrawn is caught when it is revealed, never counted as a
/// disagreement with the worker.
#[test]
fn a_sealed_bait_is_caught_after_a_redraw() {
	ExtBuilder::default().params(trapping(Perbill::one())).build_and_execute(|| {
		let members = sampled(root(JOB));
		let (idle, silent) = (members[0], members[1]);
		let bait = shown(idle, CHECKED);
		assert_ok!(commit(idle, CHECKED, Verdict::Commitment(bait)));
		run_to(OPENED + ROUND);
		let check = Checks::<Test>::get(CHECKED).unwrap();
		assert_eq!((check.bait, check.redraws), (Some(bait), 1));
		assert!(matches!(check.members[0].vote, Vote::Committed(_)), "still sealed");
		let newcomer = check.members[1].who;
		assert_ne!(newcomer, silent);
		assert_eq!(shown(newcomer, CHECKED), bait, "the newcomer is shown the bait too");
		vote(CHECKED, &[(newcomer, computed(JOB))]);
		assert_ok!(reveal(idle, CHECKED, Verdict::Commitment(bait)));
		run_to(System::block_number() + crate::checks::DRAW_DELAY as u64);
		assert!(events().contains(&Event::TrapSprung {
			subject: CHECKED,
			bait,
			caught: bounded(&[idle]),
		}));
		assert_eq!(
			offences(),
			vec![(silent, VerifierFault::Silent, CHECKED), (idle, VerifierFault::Baited, CHECKED)]
		);
		// The idle seat is redrawn in turn, and the claim decided on computed verdicts.
		let check = Checks::<Test>::get(CHECKED).unwrap();
		assert_eq!(check.redraws, 2);
		let last = check.members[0].who;
		vote(CHECKED, &[(last, computed(JOB))]);
		assert!(events().contains(&Event::Accepted {
			subject: CHECKED,
			worker: WORKER,
			reason: AcceptReason::CommitteeAgreed,
		}));
		assert_eq!(credits(idle), Credits::default());
		assert_eq!(offences().len(), 2, "nobody else faulted");
	});
}

/// A trap changes nothing about a wrong worker: the verdicts of the members that computed
/// disagree with its real claim, and the dispute rejects it; the member that took the bait is
/// caught and kept out of the dispute.
#[test]
fn a_trap_does_not_hide_a_wrong_worker() {
	ExtBuilder::default().params(trapping(Perbill::one())).build_and_execute(|| {
		let members = sampled([0xbb; 32]);
		let (idle, honest) = (members[0], members[1]);
		vote(CHECKED, &[(idle, lazy(idle, CHECKED)), (honest, computed(JOB))]);
		let check = Checks::<Test>::get(CHECKED).unwrap();
		assert_eq!(check.round, Round::Dispute { disputer: Some(honest) });
		assert!(check.dismissed.contains(&idle));
		let dispute = members_of(&check);
		assert!(!dispute.contains(&idle), "a caught member is not drawn into the dispute");
		for who in &dispute {
			assert_eq!(shown(*who, CHECKED), [0xbb; 32], "the dispute is shown the claim");
		}
		let votes: Vec<_> = dispute.iter().map(|who| (*who, computed(JOB))).collect();
		vote(CHECKED, &votes);
		assert!(events()
			.iter()
			.any(|e| matches!(e, Event::Rejected { subject: CHECKED, worker: WORKER, .. })));
		assert_eq!(offences(), vec![(idle, VerifierFault::Baited, CHECKED)]);
		assert_eq!(credits(honest).disputes, 1, "the member that computed raised the dispute");
	});
}

fn members_of(check: &crate::CheckOf<Test>) -> Vec<AccountId> {
	check.members.iter().map(|m| m.who).collect()
}

/// A verifier that never computes, seated with an honest one on `checks` sampled receipts:
/// how many of its checks were traps, and how many times it was caught.
fn idle_verifier_on(checks: u64, params: VerificationParams<u64>) -> (u64, u64) {
	let (idle, honest) = (101, 102);
	let mut ext = ExtBuilder::default().verifiers(&[idle, honest]).params(params).build();
	ext.execute_with(|| {
		bonded_worker(WORKER, BOND);
		let mut traps = 0;
		for batch in 0..checks.div_ceil(MAX_DECISIONS as u64) {
			let jobs: Vec<JobId> = (0..MAX_DECISIONS as u64)
				.map(|i| batch * MAX_DECISIONS as u64 + i)
				.filter(|job| *job < checks)
				.collect();
			for job in &jobs {
				submit(&receipt(WORKER, *job, BIG_FEE));
			}
			run_to(System::block_number() + WINDOW);
			for job in &jobs {
				let subject = Subject::Stage { job: *job, stage: 0 };
				let mut seated = members(subject);
				seated.sort();
				assert_eq!(seated, vec![idle, honest], "both verifiers sit on every check");
				if shown(idle, subject) != root(*job) {
					traps += 1;
				}
				vote(subject, &[(idle, lazy(idle, subject)), (honest, computed(*job))]);
			}
		}
		let caught = offences()
			.iter()
			.filter(|(who, fault, _)| *who == idle && *fault == VerifierFault::Baited)
			.count() as u64;
		assert!(offences().iter().all(|(who, _, _)| *who == idle), "the honest one never");
		// With nobody left to take its seat, a trapped receipt is unverifiable, never paid
		// on the idle verifier's word.
		let unverifiable = events()
			.iter()
			.filter(|e| matches!(e, Event::Unverifiable { reason: UnverifiableReason::Silent, .. }))
			.count() as u64;
		assert_eq!(unverifiable, caught);
		Verification::do_try_state().expect("invariants hold");
		(traps, caught)
	})
}

/// At the default rate a verifier that reveals what it is shown is caught on every trapped
/// check and on no other; without traps it is never caught.
#[test]
fn an_idle_verifier_is_caught_on_every_trap_at_the_default_rate() {
	let default_rate = Verification::default_params().trap_rate;
	assert_eq!(default_rate, Perbill::from_percent(5));
	let (traps, caught) = idle_verifier_on(240, trapping(default_rate));
	assert_eq!(caught, traps, "caught on each trap");
	// 240 checks at 5 %: 12 expected, σ ≈ 3.4.
	assert!((4..=22).contains(&traps), "{traps} traps in 240 checks");

	let (traps, caught) = idle_verifier_on(60, trapping(Perbill::zero()));
	assert_eq!((traps, caught), (0, 0), "without traps, idleness is never caught");
}

/// Whether a round is a trap is drawn at `trap_rate` apart from whether the claim is
/// sampled, and the bait is never the claim's root.
#[test]
fn traps_are_drawn_at_their_rate() {
	let rate = Perbill::from_percent(5);
	let draws = 100_000u64;
	let mut traps = 0u64;
	let mut both = 0u64;
	for job in 0..draws {
		let subject = Subject::Stage { job, stage: 0 };
		let trapped = sampling::is_trap(&seed(3), &subject, rate);
		traps += trapped as u64;
		both += (trapped && sampling::is_sampled(&seed(3), &subject, rate)) as u64;
		if job < 1_000 {
			let bait = sampling::bait_root(&seed(3), &subject, &root(job));
			assert_ne!(bait, root(job));
		}
	}
	// 5 % of 100,000 is 5,000 with σ ≈ 69: within 4σ.
	assert!((4_724..=5_276).contains(&traps), "{traps} traps in {draws}");
	// Independent draws: 0.25 % both, 250 with σ ≈ 16.
	assert!((186..=314).contains(&both), "{both} both trapped and sampled");
}
