//! The registry's timed benchmark challenge: the chain gives a seed and a number of work units
//! sized so that the claimed IB needs about `challenge_seconds`; the answer proves the work.
//!
//! The work is a run of 256³ int8 GEMMs, enough of them to cover the work units. GEMM `j`
//! takes its inputs from the seed `blake2_256(seed ‖ j)` (j a little-endian u64); its output is
//! committed like a job's (16 KiB tiles under the chain's Merkle root). The GEMMs are cut into
//! at most [`MAX_PARTS`] **parts** of [`gemms_per_part`] consecutive GEMMs (the last may have
//! fewer): one GEMM each up to 2²⁰ GEMMs (a claim of about 293 µIB at the default
//! calibration), more above. A part's 32-byte record is the Merkle root over its GEMMs' output
//! roots (for a part of one GEMM, that root itself). The answer is the Merkle root of the
//! records in order, cut into tiles of [`PART_BYTES`]: the root of a blob (the records,
//! concatenated, at most 32 MiB) that the node keeps in its data dir and its data server
//! serves, so that `/blobs/<answer>/tiles/<i>` is part `i`'s record with its Merkle proof.
//!
//! Only a node that did every part knows the answer, and nobody recomputes all of it: a
//! verifier draws [`SPOT_CHECKS`] parts at random after the answer is on chain, fetches their
//! records with proofs from the node's data server and recomputes just those parts (exact on
//! every backend): at most 16/2²⁰ of the challenge, 0.4 s of work at 1 IB for the largest
//! challenge the chain sets (`u64::MAX` work units, where the registry's largest claims
//! saturate), well inside the verdict window. A node that did a fraction `f` of the parts and
//! made up the rest passes one verifier with probability at most `f^16` (a half: 1.5·10⁻⁵),
//! each committee member drawing anew; an answer whose parts the node does not serve is
//! refuted.

use cinder_primitives::merkle::{self, Hash};
use sp_crypto_hashing::blake2_256;

use crate::{backend::Backend, gemm::Shape, gpu::GpuError, output, work::Work};

/// The shape of each GEMM of a challenge.
pub const GEMM: Shape = Shape { m: 256, n: 256, k: 256 };
/// Tile size of each GEMM's output commitment.
pub const TILE_BYTES: u32 = 16_384;
/// Bytes of a part's record in the answer's blob (its output root): the blob's tile size.
pub const PART_BYTES: u32 = 32;
/// Parts a verifier recomputes of each answer it checks.
pub const SPOT_CHECKS: u64 = 16;
/// The most parts a challenge is cut into (their records are a 32 MiB blob).
pub const MAX_PARTS: u64 = 1 << 20;

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

/// Consecutive GEMMs in each part of a challenge of `work_units` (the last part may have
/// fewer).
pub fn gemms_per_part(work_units: u64) -> u64 {
	gemm_count(work_units).div_ceil(MAX_PARTS)
}

/// Parts of a challenge of `work_units`: at most [`MAX_PARTS`].
pub fn part_count(work_units: u64) -> u64 {
	gemm_count(work_units).div_ceil(gemms_per_part(work_units))
}

/// The output root of GEMM `index` of the challenge seeded with `seed`.
fn gemm_root(backend: &Backend, seed: &[u8; 32], index: u64) -> Result<Hash, GpuError> {
	let output = Work::seeded_gemm(gemm_seed(seed, index), GEMM).run(backend)?;
	Ok(output::commitment(&output, TILE_BYTES).0)
}

/// The GEMMs of part `index` of a challenge of `work_units`.
pub fn part_gemms(work_units: u64, index: u64) -> std::ops::Range<u64> {
	let per_part = gemms_per_part(work_units);
	let start = index.saturating_mul(per_part).min(gemm_count(work_units));
	start..start.saturating_add(per_part).min(gemm_count(work_units))
}

/// The record of part `index` of the challenge `(seed, work_units)`: the Merkle root over its
/// GEMMs' output roots; `progress` is called after each GEMM.
pub fn part(
	backend: &Backend,
	seed: &[u8; 32],
	work_units: u64,
	index: u64,
	mut progress: impl FnMut(),
) -> Result<Hash, GpuError> {
	let mut roots = Vec::new();
	for gemm in part_gemms(work_units, index) {
		roots.push(gemm_root(backend, seed, gemm)?);
		progress();
	}
	Ok(merkle::root(&roots))
}

/// A computed answer: its root, and the blob of part records it is the root of (what the
/// node serves under it).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Answer {
	/// The Merkle root submitted as the answer.
	pub root: Hash,
	/// Every part's record, in order.
	pub parts: Vec<u8>,
}

/// Does the challenge `(seed, work_units)` on `backend` and returns the answer; `progress` is
/// called with the GEMMs done and the total after each one.
pub fn answer(
	backend: &Backend,
	seed: &[u8; 32],
	work_units: u64,
	mut progress: impl FnMut(u64, u64),
) -> Result<Answer, GpuError> {
	let count = gemm_count(work_units);
	let part_count = part_count(work_units);
	let mut parts = Vec::with_capacity(part_count as usize * PART_BYTES as usize);
	let mut done = 0;
	for index in 0..part_count {
		let record = part(backend, seed, work_units, index, || {
			done += 1;
			progress(done, count);
		})?;
		parts.extend_from_slice(&record);
	}
	Ok(Answer { root: merkle::tiles_root(&parts, PART_BYTES), parts })
}

/// The parts a verifier recomputes of a challenge of `count` parts: [`SPOT_CHECKS`] distinct
/// ones (all of them when there are fewer), drawn from `random`, which the verifier draws
/// itself once the answer is on chain.
pub fn spot_checks(count: u64, random: [u8; 32]) -> Vec<u64> {
	distinct_draws(count, SPOT_CHECKS, random)
}

/// `wanted` distinct indices of `0..count` (all of them when there are fewer), each index as
/// likely as another, drawn from `random`.
pub fn distinct_draws(count: u64, wanted: u64, random: [u8; 32]) -> Vec<u64> {
	let wanted = wanted.min(count) as usize;
	let mut drawn = Vec::with_capacity(wanted);
	let mut counter = 0u64;
	while drawn.len() < wanted {
		let hash = blake2_256(&[&random[..], &counter.to_le_bytes()].concat());
		counter += 1;
		let value = u64::from_le_bytes(hash[..8].try_into().unwrap_or_default());
		// Rejection sampling: no index is likelier than another.
		let zone = u64::MAX - u64::MAX % count;
		if value < zone && !drawn.contains(&(value % count)) {
			drawn.push(value % count);
		}
	}
	drawn
}

/// What a verifier reveals for a claimed root it refutes (an answer, a receipt's output
/// root): a root that is never the claimed one.
pub fn refuted(answer: &Hash) -> Hash {
	blake2_256(&[&b"cinder/refuted-answer"[..], answer].concat())
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

	/// The answer is the Merkle root over each GEMM's output root (as 32-byte tiles), from the
	/// definition, and each part's record comes with a proof under it.
	#[test]
	fn the_answer_is_the_root_of_the_part_records() {
		let seed = [5u8; 32];
		let mut roots = Vec::new();
		for index in 0..3 {
			let (a, b) = gemm_inputs(gemm_seed(&seed, index), 256, 256, 256);
			let c = gemm::naive(&a, &b, GEMM);
			roots.push(merkle::tiles_root(&output::i32_bytes(&c), TILE_BYTES));
		}
		let mut calls = Vec::new();
		let backend = Backend::Cpu { threads: 2 };
		let answered =
			answer(&backend, &seed, 2 * GEMM.macs() + 1, |done, of| calls.push((done, of)))
				.unwrap();
		assert_eq!(answered.parts, roots.concat());
		let leaves: Vec<Hash> = roots.iter().map(|r| merkle::leaf_hash(r)).collect();
		assert_eq!(answered.root, merkle::root(&leaves));
		assert_eq!(calls, vec![(1, 3), (2, 3), (3, 3)]);
		let work_units = 2 * GEMM.macs() + 1;
		for (index, record) in roots.iter().enumerate() {
			let proof = merkle::proof(&leaves, index).unwrap();
			assert!(merkle::verify(&answered.root, index as u64, 3, record, &proof));
			assert_eq!(part(&backend, &seed, work_units, index as u64, || {}).unwrap(), *record);
		}
		assert_ne!(
			answer(&backend, &[6; 32], 1, |_, _| ()).unwrap().root,
			answer(&backend, &seed, 1, |_, _| ()).unwrap().root
		);
	}

	/// Up to a million GEMMs a part is one GEMM; past that, parts of consecutive GEMMs, never
	/// more than a million of them, covering every GEMM once.
	#[test]
	fn a_challenge_is_cut_into_at_most_a_million_parts() {
		let units = |gemms: u64| gemms * GEMM.macs();
		assert_eq!((gemms_per_part(units(1)), part_count(units(1))), (1, 1));
		assert_eq!(
			(gemms_per_part(units(MAX_PARTS)), part_count(units(MAX_PARTS))),
			(1, MAX_PARTS)
		);
		assert_eq!(gemms_per_part(units(MAX_PARTS + 1)), 2);
		assert_eq!(part_count(units(MAX_PARTS + 1)), MAX_PARTS / 2 + 1);
		assert_eq!(part_gemms(units(MAX_PARTS + 1), MAX_PARTS / 2), MAX_PARTS..MAX_PARTS + 1);
		// The largest challenge: the chain's work units are a u64 (10,000 IB for 90 s at the
		// default calibration, 6·10²⁰ MACs, is clamped to it).
		let largest = u64::MAX;
		assert!(part_count(largest) <= MAX_PARTS);
		let per_part = gemms_per_part(largest);
		assert!(per_part * MAX_PARTS >= gemm_count(largest));
		assert!((per_part - 1) * MAX_PARTS < gemm_count(largest));
		// A verifier's spot check of it, in seconds at 1 IB (the default calibration): 0.4.
		let checked = (SPOT_CHECKS * per_part * GEMM.macs()) as f64;
		let seconds_at_one_ib = checked / (40_000_000_000_000_000f64 / 60.0);
		assert!((0.3..0.5).contains(&seconds_at_one_ib), "{seconds_at_one_ib} s");
		// A part of several GEMMs is the root over theirs.
		let backend = Backend::Cpu { threads: 2 };
		let seed = [9; 32];
		let two = part(&backend, &seed, units(MAX_PARTS + 1), 0, || {}).unwrap();
		let roots =
			[gemm_root(&backend, &seed, 0).unwrap(), gemm_root(&backend, &seed, 1).unwrap()];
		assert_eq!(two, merkle::root(&roots));
	}

	#[test]
	fn spot_checks_are_distinct_parts_drawn_anew_by_each_verifier() {
		for count in [1, 5, 16, 17, 1_000, u64::MAX] {
			let drawn = spot_checks(count, [count as u8; 32]);
			assert_eq!(drawn.len() as u64, SPOT_CHECKS.min(count), "{count}");
			assert!(drawn.iter().all(|&i| i < count));
			let mut unique = drawn.clone();
			unique.sort();
			unique.dedup();
			assert_eq!(unique.len(), drawn.len(), "distinct parts of {count}");
		}
		assert_eq!(spot_checks(5, [0; 32]).len(), 5, "every part of a small challenge");
		assert_ne!(spot_checks(1 << 30, [1; 32]), spot_checks(1 << 30, [2; 32]));
		// Spread over the whole range: of 1,600 draws from 1,000 parts, both halves get many.
		let low = (0..100u8).flat_map(|r| spot_checks(1_000, [r; 32])).filter(|&i| i < 500).count();
		assert!((650..=950).contains(&low), "{low} of 1600 in the lower half");
	}

	#[test]
	fn a_refutation_is_never_the_answer() {
		let answer = [7; 32];
		assert_ne!(refuted(&answer), answer);
		assert_ne!(refuted(&answer), refuted(&[8; 32]));
	}
}
