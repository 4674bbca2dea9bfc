//! Committees: verifiers drawn without repetition from the serving set, by a partial
//! Fisher–Yates shuffle over their indices, driven by block randomness.

use alloc::{collections::btree_map::BTreeMap, vec::Vec};

use crate::sampling::draw;

/// The indices of `0..candidates` in a uniformly random order fixed by `seed` and `subject`,
/// produced lazily: taking `m` of them costs O(m · log m), whatever the number of candidates.
pub struct Shuffle<'a> {
	seed: &'a [u8; 32],
	subject: u64,
	candidates: u32,
	position: u32,
	/// Position → index after the swaps so far; untouched positions hold their own index.
	swapped: BTreeMap<u32, u32>,
}

impl<'a> Shuffle<'a> {
	/// The shuffle of `0..candidates` for `seed` and `subject`.
	pub fn new(seed: &'a [u8; 32], subject: u64, candidates: u32) -> Self {
		Shuffle { seed, subject, candidates, position: 0, swapped: BTreeMap::new() }
	}
}

impl Iterator for Shuffle<'_> {
	type Item = u32;

	fn next(&mut self) -> Option<u32> {
		let position = self.position;
		if position >= self.candidates {
			return None;
		}
		let mut input = [0u8; 12];
		input[..8].copy_from_slice(&self.subject.to_le_bytes());
		input[8..].copy_from_slice(&position.to_le_bytes());
		let offset = draw(self.seed, &input, (self.candidates - position) as u64) as u32;
		let pick = position + offset;
		let at_position = *self.swapped.get(&position).unwrap_or(&position);
		let at_pick = *self.swapped.get(&pick).unwrap_or(&pick);
		self.swapped.insert(pick, at_position);
		self.position += 1;
		Some(at_pick)
	}
}

/// `size` distinct indices of `0..candidates` (all of them when there are fewer), in the order
/// drawn. Every `size`-subset is equally likely. Costs O(size · log size), whatever the number
/// of candidates.
pub fn draw_committee(seed: &[u8; 32], subject: u64, candidates: u32, size: u32) -> Vec<u32> {
	Shuffle::new(seed, subject, candidates).take(size as usize).collect()
}
