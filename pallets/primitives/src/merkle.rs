//! The binary Merkle tree over a job's output tiles, whose root a receipt carries. The worker
//! builds it and serves per-tile proofs; verifiers check sampled tiles against the root.
//!
//! - The output is cut into tiles of the workload's `tile_bytes` (the last may be shorter).
//! - A leaf is `blake2_256(0x00 ‖ tile)`, an inner node `blake2_256(0x01 ‖ left ‖ right)`:
//!   the prefixes keep a leaf from passing for a node (second-preimage resistance, as in
//!   RFC 6962).
//! - A level with an odd count promotes its last node unchanged to the next level (no
//!   duplication, so no two tile lists share a root).
//! - The root of no tiles is `blake2_256("")`.
//!
//! `merkle_vectors.json` in this crate pins the hashing; the worker's tests read it too.

use alloc::vec::Vec;
use sp_crypto_hashing::blake2_256;

/// A 32-byte blake2-256 hash.
pub type Hash = [u8; 32];

/// Prefix of a leaf's preimage.
const LEAF: u8 = 0x00;
/// Prefix of an inner node's preimage.
const NODE: u8 = 0x01;

/// The leaf of one tile.
pub fn leaf_hash(tile: &[u8]) -> Hash {
	let mut preimage = Vec::with_capacity(tile.len() + 1);
	preimage.push(LEAF);
	preimage.extend_from_slice(tile);
	blake2_256(&preimage)
}

/// The inner node over two children.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
	let mut preimage = [0u8; 65];
	preimage[0] = NODE;
	preimage[1..33].copy_from_slice(left);
	preimage[33..].copy_from_slice(right);
	blake2_256(&preimage)
}

/// The leaves of `output` cut into tiles of `tile_bytes` (`tile_bytes` 0 is read as 1).
pub fn tile_leaves(output: &[u8], tile_bytes: u32) -> Vec<Hash> {
	output.chunks(tile_bytes.max(1) as usize).map(leaf_hash).collect()
}

/// The number of tiles of an output of `output_len` bytes: ⌈output_len / tile_bytes⌉.
pub fn tile_count(output_len: u64, tile_bytes: u32) -> u64 {
	output_len.div_ceil(u64::from(tile_bytes.max(1)))
}

/// The next level up from `level`: neighbours paired, the last of an odd level promoted.
pub fn parent_level(level: &[Hash]) -> Vec<Hash> {
	level
		.chunks(2)
		.map(|pair| match pair {
			[left, right] => node_hash(left, right),
			// The last of an odd level (`chunks` yields no empty slice).
			_ => pair.first().copied().unwrap_or_default(),
		})
		.collect()
}

/// The root over `leaves`.
pub fn root(leaves: &[Hash]) -> Hash {
	if leaves.is_empty() {
		return blake2_256(&[]);
	}
	let mut level = leaves.to_vec();
	while level.len() > 1 {
		level = parent_level(&level);
	}
	level[0]
}

/// The root of `output` cut into tiles of `tile_bytes`.
pub fn tiles_root(output: &[u8], tile_bytes: u32) -> Hash {
	root(&tile_leaves(output, tile_bytes))
}

/// The proof of leaf `index`: its siblings from the bottom up (levels where it is promoted
/// have none); `None` for an index out of range.
pub fn proof(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
	if index >= leaves.len() {
		return None;
	}
	let mut siblings = Vec::new();
	let mut level = leaves.to_vec();
	let mut position = index;
	while level.len() > 1 {
		let sibling = position ^ 1;
		if sibling < level.len() {
			siblings.push(level[sibling]);
		}
		level = parent_level(&level);
		position /= 2;
	}
	Some(siblings)
}

/// Whether `tile` is tile `index` of `count` under `root`, by `proof`.
pub fn verify(root: &Hash, index: u64, count: u64, tile: &[u8], proof: &[Hash]) -> bool {
	if index >= count {
		return false;
	}
	let mut hash = leaf_hash(tile);
	let mut siblings = proof.iter();
	let (mut position, mut width) = (index, count);
	while width > 1 {
		let sibling = position ^ 1;
		if sibling < width {
			let Some(other) = siblings.next() else { return false };
			hash =
				if position % 2 == 0 { node_hash(&hash, other) } else { node_hash(other, &hash) };
		}
		position /= 2;
		width = width.div_ceil(2);
	}
	siblings.next().is_none() && hash == *root
}

#[cfg(test)]
mod tests {
	use super::*;

	fn hex(hash: &Hash) -> alloc::string::String {
		hash.iter().map(|b| alloc::format!("{b:02x}")).collect()
	}

	/// `len` bytes counting up from 0 (mod 256).
	fn counting(len: usize) -> Vec<u8> {
		(0..len).map(|i| i as u8).collect()
	}

	#[test]
	fn every_proof_verifies_and_a_changed_tile_or_index_does_not() {
		for tiles in 1..=17usize {
			let output = counting(tiles * 4 - 1);
			let leaves = tile_leaves(&output, 4);
			assert_eq!(leaves.len(), tiles);
			assert_eq!(tile_count(output.len() as u64, 4), tiles as u64);
			let root = root(&leaves);
			for (index, tile) in output.chunks(4).enumerate() {
				let path = proof(&leaves, index).unwrap();
				let (i, n) = (index as u64, tiles as u64);
				assert!(verify(&root, i, n, tile, &path), "tile {index} of {tiles}");
				let mut changed = tile.to_vec();
				changed[0] ^= 1;
				assert!(!verify(&root, i, n, &changed, &path));
				if tiles > 1 {
					assert!(!verify(&root, (i + 1) % n, n, tile, &path), "the wrong index");
				}
				assert!(!verify(&root, n, n, tile, &path), "index out of range");
			}
			assert_eq!(proof(&leaves, tiles), None);
		}
	}

	#[test]
	fn a_leaf_cannot_pass_for_a_node() {
		let leaves = tile_leaves(&counting(8), 4);
		let node = node_hash(&leaves[0], &leaves[1]);
		// The 64 bytes of the two children, offered as one tile, hash to a different leaf.
		let mut children = leaves[0].to_vec();
		children.extend_from_slice(&leaves[1]);
		assert_ne!(leaf_hash(&children), node);
		assert_eq!(root(&leaves), node);
	}

	#[test]
	fn the_pinned_vectors_hold() {
		let vectors: serde_json::Value =
			serde_json::from_str(include_str!("../merkle_vectors.json")).unwrap();
		for vector in vectors["vectors"].as_array().unwrap() {
			let len = vector["output_len"].as_u64().unwrap() as usize;
			let tile_bytes = vector["tile_bytes"].as_u64().unwrap() as u32;
			let output = counting(len);
			assert_eq!(hex(&tiles_root(&output, tile_bytes)), vector["root"].as_str().unwrap());
		}
	}
}
