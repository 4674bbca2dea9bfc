//! Inputs generated from a job's seed: a blake2-256 stream in counter mode, so worker and
//! verifier derive the same bytes on any machine.

use sp_crypto_hashing::blake2_256;

/// A deterministic byte stream: block `i` of input `label` is `blake2_256(seed ‖ label ‖ i)`,
/// `i` a little-endian u64.
pub struct SeedStream {
	seed: [u8; 32],
	label: Vec<u8>,
}

impl SeedStream {
	/// The stream of input `label` (e.g. `b"A"`) of the job seeded with `seed`.
	pub fn new(seed: [u8; 32], label: impl AsRef<[u8]>) -> Self {
		SeedStream { seed, label: label.as_ref().to_vec() }
	}

	/// The first `len` bytes of the stream.
	pub fn bytes(&self, len: usize) -> Vec<u8> {
		let mut out = Vec::with_capacity(len.next_multiple_of(32));
		let mut preimage = Vec::with_capacity(32 + self.label.len() + 8);
		let mut block = 0u64;
		while out.len() < len {
			preimage.clear();
			preimage.extend_from_slice(&self.seed);
			preimage.extend_from_slice(&self.label);
			preimage.extend_from_slice(&block.to_le_bytes());
			out.extend_from_slice(&blake2_256(&preimage));
			block += 1;
		}
		out.truncate(len);
		out
	}

	/// `len` i8 values: the stream's bytes read as two's complement.
	pub fn i8s(&self, len: usize) -> Vec<i8> {
		self.bytes(len).into_iter().map(|b| b as i8).collect()
	}

	/// `len` i32 values: the stream's bytes, four at a time, read as little-endian.
	pub fn i32s(&self, len: usize) -> Vec<i32> {
		self.bytes(len * 4)
			.chunks_exact(4)
			.map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
			.collect()
	}
}

/// The inputs of an int8 GEMM job seeded with `seed`: A (m×k) and B (k×n), row-major.
pub fn gemm_inputs(seed: [u8; 32], m: usize, n: usize, k: usize) -> (Vec<i8>, Vec<i8>) {
	(SeedStream::new(seed, b"A").i8s(m * k), SeedStream::new(seed, b"B").i8s(k * n))
}

/// The input rows of an int8 MLP job seeded with `seed`: `batch` rows of `inputs` i8 values
/// (X, batch × inputs, row-major).
pub fn mlp_inputs(seed: [u8; 32], batch: usize, inputs: usize) -> Vec<i8> {
	SeedStream::new(seed, b"X").i8s(batch * inputs)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_stream_is_counter_mode_blake2_and_labels_separate_inputs() {
		let seed = [7u8; 32];
		let a = SeedStream::new(seed, b"A").bytes(80);
		let mut first = seed.to_vec();
		first.extend_from_slice(b"A");
		first.extend_from_slice(&0u64.to_le_bytes());
		assert_eq!(a[..32], blake2_256(&first));
		let mut third = seed.to_vec();
		third.extend_from_slice(b"A");
		third.extend_from_slice(&2u64.to_le_bytes());
		assert_eq!(a[64..], blake2_256(&third)[..16]);
		assert_ne!(SeedStream::new(seed, b"B").bytes(80), a);
		assert_eq!(SeedStream::new(seed, b"A").bytes(33)[..], a[..33], "a prefix of a longer read");
	}
}
