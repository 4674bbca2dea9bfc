//! The int8 GEMM, C (m×n, i32) = A (m×k, i8) · B (k×n, i8), all row-major, on the CPU.
//!
//! [`naive`] is the definition: one wrapping i32 sum of products per output. [`cpu`] is the CPU
//! twin the worker runs: B transposed so both operands stream along k, 4×4 blocks of outputs
//! sharing their loads, rows split over threads. Integer sums do not depend on their order, so
//! the two agree bit for bit, as does every GPU kernel.

use std::thread;

/// The dimensions of a GEMM.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Shape {
	/// Rows of A and C.
	pub m: usize,
	/// Columns of B and C.
	pub n: usize,
	/// Columns of A, rows of B.
	pub k: usize,
}

impl Shape {
	/// Multiply-accumulates it takes: m·n·k (the chain's work units).
	pub fn macs(&self) -> u64 {
		(self.m as u64) * (self.n as u64) * (self.k as u64)
	}

	fn check(&self, a: &[i8], b: &[i8]) {
		assert_eq!(a.len(), self.m * self.k, "A is m×k");
		assert_eq!(b.len(), self.k * self.n, "B is k×n");
	}
}

/// The definition: `C[i][j] = Σ_p A[i][p]·B[p][j]`, wrapping i32.
pub fn naive(a: &[i8], b: &[i8], shape: Shape) -> Vec<i32> {
	shape.check(a, b);
	let Shape { m, n, k } = shape;
	let mut c = vec![0i32; m * n];
	for i in 0..m {
		for j in 0..n {
			let mut acc = 0i32;
			for p in 0..k {
				acc = acc.wrapping_add(i32::from(a[i * k + p]) * i32::from(b[p * n + j]));
			}
			c[i * n + j] = acc;
		}
	}
	c
}

/// B (k×n) transposed to n×k.
fn transpose(b: &[i8], k: usize, n: usize) -> Vec<i8> {
	let mut t = vec![0i8; n * k];
	for p in 0..k {
		for j in 0..n {
			t[j * k + p] = b[p * n + j];
		}
	}
	t
}

/// The dot product of two i8 rows, wrapping i32.
#[inline(always)]
fn dot(x: &[i8], y: &[i8]) -> i32 {
	x.iter().zip(y).fold(0i32, |acc, (a, b)| acc.wrapping_add(i32::from(*a) * i32::from(*b)))
}

/// Rows `rows` of C into `out` (those rows only), from A and Bᵀ.
fn block_rows(a: &[i8], bt: &[i8], shape: Shape, rows: std::ops::Range<usize>, out: &mut [i32]) {
	let Shape { n, k, .. } = shape;
	const R: usize = 4;
	let first = rows.start;
	let mut i = rows.start;
	while i < rows.end {
		let height = R.min(rows.end - i);
		let mut j = 0;
		while j < n {
			let width = R.min(n - j);
			if height == R && width == R {
				// A 4×4 block: each A and Bᵀ row read once for 16 outputs.
				let mut acc = [[0i32; R]; R];
				let a_rows: [&[i8]; R] = core::array::from_fn(|r| &a[(i + r) * k..(i + r + 1) * k]);
				let b_rows: [&[i8]; R] =
					core::array::from_fn(|s| &bt[(j + s) * k..(j + s + 1) * k]);
				for p in 0..k {
					let bs: [i32; R] = core::array::from_fn(|s| i32::from(b_rows[s][p]));
					for r in 0..R {
						let x = i32::from(a_rows[r][p]);
						for s in 0..R {
							acc[r][s] = acc[r][s].wrapping_add(x * bs[s]);
						}
					}
				}
				for r in 0..R {
					for s in 0..R {
						out[(i + r - first) * n + j + s] = acc[r][s];
					}
				}
			} else {
				for r in 0..height {
					for s in 0..width {
						out[(i + r - first) * n + j + s] = dot(
							&a[(i + r) * k..(i + r + 1) * k],
							&bt[(j + s) * k..(j + s + 1) * k],
						);
					}
				}
			}
			j += width;
		}
		i += height;
	}
}

/// The CPU twin: the same bits as [`naive`], blocked and spread over `threads` threads (at
/// least one).
pub fn cpu(a: &[i8], b: &[i8], shape: Shape, threads: usize) -> Vec<i32> {
	shape.check(a, b);
	let Shape { m, n, k } = shape;
	let bt = transpose(b, k, n);
	let mut c = vec![0i32; m * n];
	if m == 0 || n == 0 {
		return c;
	}
	// Whole 4-row blocks per thread, so only the last thread has a ragged edge.
	let blocks = m.div_ceil(4);
	let per_thread = blocks.div_ceil(threads.max(1)) * 4;
	thread::scope(|scope| {
		for (index, out) in c.chunks_mut(per_thread * n).enumerate() {
			let start = index * per_thread;
			let rows = start..(start + out.len() / n);
			let bt = &bt[..];
			scope.spawn(move || block_rows(a, bt, shape, rows, out));
		}
	});
	c
}

/// Threads the CPU twin uses by default: every core.
pub fn default_threads() -> usize {
	thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::inputs::gemm_inputs;
	use proptest::prelude::*;

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]
		/// Fresh random inputs and shapes, ragged edges included: the twin matches the
		/// definition on every bit, whatever the thread count.
		#[test]
		fn the_cpu_twin_matches_the_definition_bit_for_bit(
			m in 1usize..40, n in 1usize..40, k in 0usize..70,
			seed in any::<[u8; 32]>(), threads in 1usize..5,
		) {
			let shape = Shape { m, n, k };
			let (a, b) = gemm_inputs(seed, m, n, k);
			prop_assert_eq!(cpu(&a, &b, shape, threads), naive(&a, &b, shape));
		}
	}

	#[test]
	fn extreme_values_sum_exactly() {
		// -128 · -128 = 16,384, k times: 16,384 · 4,096 = 2²⁶, well inside i32.
		let shape = Shape { m: 5, n: 6, k: 4_096 };
		let a = vec![-128i8; shape.m * shape.k];
		let b = vec![-128i8; shape.k * shape.n];
		let c = cpu(&a, &b, shape, 2);
		assert!(c.iter().all(|&x| x == 1 << 26));
		assert_eq!(c, naive(&a, &b, shape));
	}
}
