//! The entropy: every block's randomness is mixed in, so a claim's draws depend on the
//! randomness of every block between its inclusion and its decision, and none of them alone
//! (nor the decision's parent block) sets them; a dispute is drawn blocks after the reveal
//! that calls for it; a claim drawn for sampling is never drawn again.

use frame_support::assert_ok;
use sp_runtime::Perbill;

use super::{
	intake::{BIG_FEE, WINDOW},
	*,
};
use crate::{
	checks::{DEADLINE_SPILL, DRAW_DELAY},
	AcceptReason, CheckDeadlines, Checks, Entropy, Event, Intake, IntakeEntry, IntakePages,
	MixedEntropy, Round, Verdict,
};

/// Runs a fresh chain to `block`, with `changed` blocks' randomness replaced; returns the
/// entropy then.
fn entropy_at(block: u64, changed: &[(u64, Option<H256>)]) -> MixedEntropy<u64> {
	ExtBuilder::default().build().execute_with(|| {
		world(|w| w.randomness.extend(changed.iter().copied()));
		run_to(block);
		Entropy::<Test>::get().expect("randomness mixed")
	})
}

#[test]
fn every_block_s_randomness_is_in_the_entropy() {
	let base = entropy_at(12, &[]);
	assert_eq!(base.newest, 11, "up to the parent block");
	for block in 1..=11 {
		let other = entropy_at(12, &[(block, Some(H256::repeat_byte(block as u8)))]);
		assert_ne!(other.value, base.value, "block {block}'s randomness changes it");
		assert_eq!(other.newest, 11);
	}
}

#[test]
fn a_block_without_randomness_mixes_nothing() {
	let gap = entropy_at(12, &[(11, None)]);
	assert_eq!(gap, entropy_at(11, &[]), "as if the chain had stopped a block earlier");
	assert_eq!(gap.newest, 10);
}

/// Queues six claims (jobs 0 to 5) included at block 1, sampled at 50 %.
fn queue_six_at_half() {
	for job in 0..6 {
		Verification::enqueue(IntakeEntry {
			subject: Subject::Stage { job, stage: 0 },
			worker: 1,
			output_root: root(job),
			rate: Perbill::from_percent(50),
			coverage: crate::Coverage::Whole,
			included_at: 1,
		})
		.expect("room in the queue");
	}
}

/// Which of six claims included at block 1 at a 50 % rate are sampled at their decision, on a
/// chain whose `changed` blocks' randomness is replaced.
fn sampled_with(changed: &[(u64, Option<H256>)]) -> Vec<bool> {
	ExtBuilder::default().build().execute_with(|| {
		world(|w| w.randomness.extend(changed.iter().copied()));
		queue_six_at_half();
		run_to(1 + WINDOW);
		let unsampled: Vec<JobId> = events()
			.into_iter()
			.filter_map(|e| match e {
				Event::Accepted {
					subject: Subject::Stage { job, .. },
					reason: AcceptReason::NotSampled,
					..
				} => Some(job),
				_ => None,
			})
			.collect();
		Verification::do_try_state().expect("invariants hold");
		(0..6).map(|job| !unsampled.contains(&job)).collect()
	})
}

/// The randomness of any one block after the inclusion changes the draws: the author of the
/// decision's parent block, who could compute its own VRF output an epoch ahead, does not
/// know them unless it also authored every block since the inclusion.
#[test]
fn a_claim_s_draws_depend_on_every_block_after_its_inclusion() {
	let base = sampled_with(&[]);
	assert!(base.contains(&true) && base.contains(&false), "{base:?}");
	let mut differ = 0;
	for block in 2..WINDOW + 1 {
		let other = sampled_with(&[(block, Some(H256::repeat_byte(0x5a)))]);
		differ += (other != base) as u32;
	}
	// Each replacement redraws six coins: the same six outcomes come out 1 time in 64.
	assert!(differ >= 8, "{differ} of 9 blocks changed the draws");
}

/// A dispute is drawn `DRAW_DELAY` blocks after the last reveal, never inside it, with the
/// randomness of the blocks from the reveal's on: the member that reveals last cannot pick
/// the dispute committee by the block it reveals in.
#[test]
fn a_dispute_is_drawn_after_the_last_reveal_not_in_it() {
	let dispute_with = |changed: &[(u64, Option<H256>)]| {
		ExtBuilder::default().build().execute_with(|| {
			world(|w| w.randomness.extend(changed.iter().copied()));
			bonded_worker(1, 1_000);
			submit(&receipt(1, 7, BIG_FEE));
			run_to(1 + WINDOW);
			let subject = Subject::Stage { job: 7, stage: 0 };
			let first: Vec<AccountId> =
				Checks::<Test>::get(subject).unwrap().members.iter().map(|m| m.who).collect();
			let said = [
				(first[0], Verdict::Commitment([0xee; 32])),
				(first[1], Verdict::Commitment(root(7))),
			];
			for (who, verdict) in said {
				assert_ok!(commit(who, subject, verdict));
			}
			for (who, verdict) in said {
				assert_ok!(reveal(who, subject, verdict));
			}
			let check = Checks::<Test>::get(subject).unwrap();
			assert_eq!(check.round, Round::Committee, "no dispute inside the reveal");
			assert_eq!(check.deadline, 1 + WINDOW + DRAW_DELAY as u64);
			assert!(!events().iter().any(|e| matches!(e, Event::Disputed { .. })));
			Verification::do_try_state().expect("invariants hold while the draw waits");
			run_to(check.deadline);
			let check = Checks::<Test>::get(subject).unwrap();
			assert_eq!(check.round, Round::Dispute { disputer: Some(first[0]) });
			Verification::do_try_state().expect("invariants hold");
			check.members.iter().map(|m| m.who).collect::<Vec<_>>()
		})
	};
	let base = dispute_with(&[]);
	assert_eq!(base.len(), 5);
	let after_the_reveal = dispute_with(&[(2 + WINDOW, Some(H256::repeat_byte(0x77)))]);
	assert_ne!(after_the_reveal, base, "a block after the reveal draws the dispute");
}

/// A claim drawn for sampling when no block has room for its check's deadline waits at the
/// head of the queue as sampled (rate 100 %): the next block cannot draw it unsampled.
#[test]
fn a_sampled_claim_without_room_stays_sampled() {
	ExtBuilder::default().build_and_execute(|| {
		queue_six_at_half();
		// Every block a check opened at 1 + WINDOW could end in is full.
		let first_deadline = 1 + WINDOW + 40;
		let full = first_deadline..first_deadline + DEADLINE_SPILL as u64;
		for block in full.clone() {
			for job in 0..8 {
				let filler = Subject::Stage { job: 1_000 + job, stage: 0 };
				assert_ok!(CheckDeadlines::<Test>::try_append(block, filler).map_err(|_| "full"));
			}
		}
		run_to(1 + WINDOW);
		let queue = Intake::<Test>::get();
		assert!(queue.queued > 0, "a sampled claim found no room");
		let waiting = IntakePages::<Test>::get(queue.head)[queue.next as usize].clone();
		assert_eq!(waiting.rate, Perbill::one(), "kept as sampled");
		for block in full {
			CheckDeadlines::<Test>::remove(block);
		}
		events();
		run_to(2 + WINDOW);
		assert!(events().iter().any(|e| matches!(
			e,
			Event::Sampled { subject, .. } if *subject == waiting.subject
		)));
	});
}

/// Other pallets (the node registry's challenge seeds) take the entropy as their randomness:
/// none before any block's randomness, then a hash of the subject and the entropy, changing
/// with every block.
#[test]
fn other_pallets_take_the_entropy_as_randomness() {
	ExtBuilder::default().build_and_execute(|| {
		let random = |subject: &[u8]| <Verification as Randomness<_, _>>::random(subject);
		assert_eq!(random(&b"cinder/ib-challenge"[..]), (None, 0));
		run_to(5);
		let (first, known_at) = random(&b"cinder/ib-challenge"[..]);
		assert!(first.is_some());
		assert_eq!(known_at, 4, "as new as the newest block mixed");
		assert_ne!(random(&b"another subject"[..]).0, first);
		run_to(6);
		let (next, known_at) = random(&b"cinder/ib-challenge"[..]);
		assert_ne!(next, first);
		assert_eq!(known_at, 5);
	});
}
