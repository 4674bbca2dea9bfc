//! Committees: verifiers drawn without repetition from the candidates, by a partial
//! Fisher–Yates shuffle over their indices, driven by block randomness.

use alloc::{collections::btree_map::BTreeMap, vec::Vec};

use crate::sampling::draw;

/// `size` distinct indices of `0..candidates` (all of them when there are fewer), in the order
/// drawn. Every `size`-subset is equally likely. Costs O(size · log size), whatever the number
/// of candidates.
pub fn draw_committee(seed: &[u8; 32], subject: u64, candidates: u32, size: u32) -> Vec<u32> {
	let size = size.min(candidates);
	// Position → index after the swaps so far; untouched positions hold their own index.
	let mut swapped: BTreeMap<u32, u32> = BTreeMap::new();
	let mut members = Vec::with_capacity(size as usize);
	for position in 0..size {
		let mut input = [0u8; 12];
		input[..8].copy_from_slice(&subject.to_le_bytes());
		input[8..].copy_from_slice(&position.to_le_bytes());
		let offset = draw(seed, &input, (candidates - position) as u64) as u32;
		let pick = position + offset;
		let at_position = *swapped.get(&position).unwrap_or(&position);
		let at_pick = *swapped.get(&pick).unwrap_or(&pick);
		swapped.insert(pick, at_position);
		members.push(at_pick);
	}
	members
}
