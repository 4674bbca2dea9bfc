//! The registry's timed benchmark challenge: the chain gives a seed and a number of work units
//! sized so that the claimed IB needs about `challenge_seconds`; the answer proves the work.
//!
//! The work is a run of 256³ int8 GEMMs, enough of them to cover the work units. GEMM `i`
//! takes its inputs from the seed `blake2_256(seed ‖ i)` (i a little-endian u64); its output
//! is committed like a job's (16 KiB tiles under the chain's Merkle root); the answer is the
//! Merkle root over those roots, in order. Only a machine that did every GEMM knows it, and a
//! verifier recomputes it exactly on any backend.

use cinder_primitives::merkle::{self, Hash};
use sp_crypto_hashing::blake2_256;

use crate::{backend::Backend, gemm::Shape, gpu::GpuError, output, work::Work};

/// The shape of each GEMM of a challenge.
pub const GEMM: Shape = Shape { m: 256, n: 256, k: 256 };
/// Tile size of each GEMM's output commitment.
pub const TILE_BYTES: u32 = 16_384;

/// GEMMs a challenge of `work_units` takes (at least one).
pub fn gemm_count(work_units: u64) -> u64 {
	work_units.div_ceil(GEMM.macs()).max(1)
}

/// The seed of GEMM `index` of the challenge seeded with `seed`.
pub fn gemm_seed(seed: &[u8; 32], index: u64) -> [u8; 32] {
	let mut preimage = [0u8; 40];
	preimage[..32].copy_from_slice(seed);
	preimage[32..].copy_from_slice(&index.to_le_bytes());
	blake2_256(&preimage)
}

/// Does the challenge `(seed, work_units)` on `backend` and returns the answer; `progress` is
/// called with the GEMMs done and the total after each one.
pub fn answer(
	backend: &Backend,
	seed: &[u8; 32],
	work_units: u64,
	mut progress: impl FnMut(u64, u64),
) -> Result<Hash, GpuError> {
	let count = gemm_count(work_units);
	let mut roots = Vec::with_capacity(count.min(1 << 20) as usize);
	for index in 0..count {
		let output = Work::seeded_gemm(gemm_seed(seed, index), GEMM).run(backend)?;
		roots.push(output::commitment(&output, TILE_BYTES).0);
		progress(index + 1, count);
	}
	Ok(merkle::root(&roots))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{gemm, inputs::gemm_inputs};

	#[test]
	fn the_work_units_round_up_to_whole_gemms() {
		assert_eq!(gemm_count(0), 1);
		assert_eq!(gemm_count(1), 1);
		assert_eq!(gemm_count(GEMM.macs()), 1);
		assert_eq!(gemm_count(GEMM.macs() + 1), 2);
	}

	/// The answer is the Merkle root over each GEMM's output root, from the definition.
	#[test]
	fn the_answer_is_the_root_of_the_gemm_roots() {
		let seed = [5u8; 32];
		let mut roots = Vec::new();
		for index in 0..3 {
			let (a, b) = gemm_inputs(gemm_seed(&seed, index), 256, 256, 256);
			let c = gemm::naive(&a, &b, GEMM);
			roots.push(merkle::tiles_root(&output::i32_bytes(&c), TILE_BYTES));
		}
		let mut calls = Vec::new();
		let backend = Backend::Cpu { threads: 2 };
		let root = answer(&backend, &seed, 2 * GEMM.macs() + 1, |done, of| calls.push((done, of)))
			.unwrap();
		assert_eq!(root, merkle::root(&roots));
		assert_eq!(calls, vec![(1, 3), (2, 3), (3, 3)]);
		assert_ne!(
			answer(&backend, &[6; 32], 1, |_, _| ()).unwrap(),
			answer(&backend, &seed, 1, |_, _| ()).unwrap()
		);
	}
}
