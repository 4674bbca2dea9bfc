//! Verifiers answer for every check they sit on: each fault costs a share of the verifier
//! bond, every time (the faults add up), and the stash recorded when the verifier was seated
//! is reported, even after the verifier left the directory and unbonded.

use frame_support::assert_ok;

use super::{intake::*, *};
use crate::{Event, UnverifiableReason, Verdict};

const WORKER: AccountId = 1;
const BOND: Balance = 1_000;
const OPENED: u64 = 1 + WINDOW;
const DEADLINE: u64 = OPENED + 40;
/// Each verifier of these tests verifies for the stash `STASH_OFFSET` above its account.
const STASH_OFFSET: AccountId = 1_000;
/// A tenth of the verifier bond: the default `verifier_fault_slash`.
const FAULT: Balance = VERIFIER_BOND / 10;

fn stage(job: JobId) -> Subject {
	Subject::Stage { job, stage: 0 }
}

/// Every verifier verifies for a stash of its own.
fn distinct_stashes() {
	world(|w| {
		for verifier in w.verifiers.clone() {
			w.stashes.insert(verifier, verifier + STASH_OFFSET);
		}
	});
}

/// Submits `jobs` at block 1, each sure to be sampled, and runs to their sampling; returns
/// their committees.
fn sampled(jobs: &[JobId]) -> Vec<Vec<AccountId>> {
	bonded_worker(WORKER, BOND);
	for job in jobs {
		submit(&receipt(WORKER, *job, BIG_FEE));
	}
	run_to(OPENED);
	let committee = |job: &JobId| {
		let check = crate::Checks::<Test>::get(stage(*job)).unwrap();
		check.members.iter().map(|m| m.who).collect()
	};
	jobs.iter().map(committee).collect()
}

/// The whole of `who`'s bond, active and unbonding.
fn held(who: AccountId) -> Balance {
	pallet_compute_staking::Bonds::<Test>::get(who).map(|bond| bond.total()).unwrap_or(0)
}

#[test]
fn a_verifier_that_leaves_mid_check_is_still_faulted_against_its_stash_and_bond() {
	ExtBuilder::default().build_and_execute(|| {
		distinct_stashes();
		let members = sampled(&[7]).remove(0);
		let leaver = members[1];
		// It leaves while seated: out of the directory, its stash no longer a validator, its
		// whole verifier bond unbonding.
		world(|w| {
			w.verifiers.retain(|v| *v != leaver);
			w.stashes.remove(&leaver);
		});
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(leaver), VERIFIER_BOND));
		assert_eq!(bond_of(leaver), 0);
		assert_ok!(commit(members[0], stage(7), Verdict::Commitment(root(7))));
		let pool_before = pool();
		events();
		run_to(DEADLINE);
		assert_eq!(
			world(|w| w.offences.clone()),
			vec![(leaver + STASH_OFFSET, crate::VerifierFault::Silent, stage(7))],
			"the stash recorded at the draw is reported"
		);
		assert_eq!(held(leaver), VERIFIER_BOND - FAULT, "the unbonding bond pays");
		assert_eq!(pool(), pool_before + FAULT);
		assert!(events().contains(&Event::VerifierFaulted {
			subject: stage(7),
			verifier: leaver,
			stash: leaver + STASH_OFFSET,
			fault: crate::VerifierFault::Silent,
			slashed: FAULT,
		}));
		assert_eq!(held(members[0]), VERIFIER_BOND, "the member that committed pays nothing");
	});
}

#[test]
fn every_fault_costs_the_verifier_bond_again() {
	// One verifier, silent on three checks: each fault takes a tenth of what is left. With
	// nobody to take its seat, each claim ends unverifiable and the worker keeps its bond.
	ExtBuilder::default().verifiers(&[101]).build_and_execute(|| {
		assert_eq!(sampled(&[1, 2, 3]), vec![vec![101]; 3]);
		events();
		run_to(DEADLINE);
		let events = events();
		let slashed: Vec<Balance> = events
			.iter()
			.filter_map(|event| match event {
				Event::VerifierFaulted { verifier: 101, slashed, .. } => Some(*slashed),
				_ => None,
			})
			.collect();
		assert_eq!(slashed, vec![FAULT, FAULT * 9 / 10, FAULT * 81 / 100]);
		assert_eq!(bond_of(101), VERIFIER_BOND * 729 / 1_000, "0.9³ of the bond is left");
		assert_eq!(world(|w| w.offences.len()), 3, "each fault is reported on its own");
		let silent = |event: &&Event<Test>| {
			matches!(event, Event::Unverifiable { reason: UnverifiableReason::Silent, .. })
		};
		assert_eq!(events.iter().filter(silent).count(), 3);
		assert_eq!(world(|w| w.voided.len()), 3);
		assert_eq!(bond_of(WORKER), BOND);
	});
}
