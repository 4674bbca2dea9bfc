//! The entropy: every block's randomness is mixed in, so a claim's draws depend on the
//! randomness of every block between its inclusion and its decision, and none of them alone
//! (nor the decision's parent block) sets them.

use sp_runtime::Perbill;

use super::{intake::WINDOW, *};
use crate::{AcceptReason, Entropy, Event, IntakeEntry, MixedEntropy};

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

/// Which of six claims included at block 1 at a 50 % rate are sampled at their decision, on a
/// chain whose `changed` blocks' randomness is replaced.
fn sampled_with(changed: &[(u64, Option<H256>)]) -> Vec<bool> {
	ExtBuilder::default().build().execute_with(|| {
		world(|w| w.randomness.extend(changed.iter().copied()));
		for job in 0..6 {
			Verification::enqueue(IntakeEntry {
				subject: Subject::Stage { job, stage: 0 },
				worker: 1,
				output_root: root(job),
				rate: Perbill::from_percent(50),
				included_at: 1,
			})
			.expect("room in the queue");
		}
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
