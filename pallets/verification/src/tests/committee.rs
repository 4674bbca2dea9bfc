//! Committees: distinct members, every candidate equally likely.

use super::*;
use crate::committee::draw_committee;

#[test]
fn committees_have_no_duplicates() {
	for candidates in 0..20u32 {
		for size in 0..12u32 {
			for round in 0..20u64 {
				let members = draw_committee(&seed(round), round, candidates, size);
				assert_eq!(members.len() as u32, size.min(candidates));
				let mut sorted = members.clone();
				sorted.sort();
				sorted.dedup();
				assert_eq!(sorted.len(), members.len(), "duplicate in {members:?}");
				assert!(members.iter().all(|m| *m < candidates));
			}
		}
	}
}

#[test]
fn every_candidate_is_drawn_about_equally_often() {
	// 10 candidates, committees of 3, 6,000 draws: each candidate expects 1,800
	// (sd = √(6000 · 0.3 · 0.7) ≈ 35.5); allow 4 sd.
	let mut counts = [0u32; 10];
	for round in 0..6_000u64 {
		for member in draw_committee(&seed(round), round, 10, 3) {
			counts[member as usize] += 1;
		}
	}
	for (candidate, count) in counts.iter().enumerate() {
		assert!((1_658..=1_942).contains(count), "candidate {candidate}: {count}");
	}
}

#[test]
fn a_committee_depends_on_the_subject() {
	let a = draw_committee(&seed(1), 1, 1_000, 5);
	let b = draw_committee(&seed(1), 2, 1_000, 5);
	assert_ne!(a, b, "two receipts in one block get their own committees");
	assert_eq!(a, draw_committee(&seed(1), 1, 1_000, 5), "and the same one each time");
}
