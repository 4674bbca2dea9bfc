//! A job's output as the chain sees it: bytes (integers little-endian), cut into the
//! workload's tiles, under the binary Merkle root a receipt carries
//! ([`cinder_primitives::merkle`]).

use cinder_primitives::merkle::{self, Hash};

/// The bytes of i32 outputs (a GEMM's), little-endian, in order.
pub fn i32_bytes(values: &[i32]) -> Vec<u8> {
	values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The i32 outputs in `bytes` (the inverse of [`i32_bytes`]), or `None` if they are no whole
/// number of i32.
pub fn i32_values(bytes: &[u8]) -> Option<Vec<i32>> {
	if !bytes.len().is_multiple_of(4) {
		return None;
	}
	Some(bytes.chunks_exact(4).map(|w| i32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect())
}

/// The bytes of u32 outputs (a render tile's iteration counts, or GPU words), little-endian,
/// in order.
pub fn u32_bytes(values: &[u32]) -> Vec<u8> {
	values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The bytes of i8 outputs (an MLP's), two's complement, in order.
pub fn i8_bytes(values: &[i8]) -> Vec<u8> {
	values.iter().map(|v| *v as u8).collect()
}

/// The Merkle root over `bytes` cut into tiles of `tile_bytes`, and the tile count.
pub fn commitment(bytes: &[u8], tile_bytes: u32) -> (Hash, u32) {
	let count = merkle::tile_count(bytes.len() as u64, tile_bytes);
	(merkle::tiles_root(bytes, tile_bytes), u32::try_from(count).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The vectors pinned next to the chain's Merkle code: the worker commits exactly as the
	/// runtime hashes.
	#[test]
	fn the_worker_commits_to_the_chains_vectors() {
		let vectors: serde_json::Value =
			serde_json::from_str(include_str!("../../pallets/primitives/merkle_vectors.json"))
				.unwrap();
		for vector in vectors["vectors"].as_array().unwrap() {
			let len = vector["output_len"].as_u64().unwrap() as usize;
			let tile_bytes = vector["tile_bytes"].as_u64().unwrap() as u32;
			let bytes: Vec<u8> = (0..len).map(|i| i as u8).collect();
			let (root, count) = commitment(&bytes, tile_bytes);
			let hex = crate::store::hex(&root);
			assert_eq!(hex, vector["root"].as_str().unwrap(), "{len} bytes in {tile_bytes}");
			assert_eq!(u64::from(count), merkle::tile_count(len as u64, tile_bytes));
		}
	}

	#[test]
	fn outputs_are_little_endian_twos_complement() {
		assert_eq!(i32_bytes(&[1, -1]), vec![1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
		assert_eq!(u32_bytes(&[0x0403_0201]), vec![1, 2, 3, 4]);
		assert_eq!(i8_bytes(&[-1, 2, -128]), vec![0xff, 2, 0x80]);
		let values = [0, 1, -1, i32::MIN, i32::MAX];
		assert_eq!(i32_values(&i32_bytes(&values)), Some(values.to_vec()));
		assert_eq!(i32_values(&[1, 2, 3]), None, "not whole i32");
	}
}
