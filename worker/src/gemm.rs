//! The int8 GEMM, C (m×n, i32) = A (m×k, i8) · B (k×n, i8), all row-major, on the CPU.
//!
//! [`naive`] is the definition: one wrapping i32 sum of products per output. [`cpu`] is the CPU
//! twin the worker runs: B transposed so both operands stream along k, blocks of outputs sharing
//! their loads (2×4 with AVX2 16-bit multiply-add, else 4×4 in plain Rust), rows split over
//! threads. Integer sums do not depend on their order, so
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

	/// Panics unless A is m×k and B is k×n.
	pub(crate) fn check(&self, a: &[i8], b: &[i8]) {
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
pub(crate) fn transpose(b: &[i8], k: usize, n: usize) -> Vec<i8> {
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

/// A micro-kernel: the R×S block of dot products of R rows of A with S rows of Bᵀ over `k`.
trait Block<const R: usize, const S: usize> {
	fn block(&self, a: [&[i8]; R], bt: [&[i8]; S], k: usize) -> [[i32; S]; R];
}

/// Portable: each A and Bᵀ value read once for a 4×4 block of outputs.
struct Portable;
impl Block<4, 4> for Portable {
	fn block(&self, a: [&[i8]; 4], bt: [&[i8]; 4], k: usize) -> [[i32; 4]; 4] {
		let mut acc = [[0i32; 4]; 4];
		for p in 0..k {
			let bs: [i32; 4] = core::array::from_fn(|s| i32::from(bt[s][p]));
			for r in 0..4 {
				let x = i32::from(a[r][p]);
				for s in 0..4 {
					acc[r][s] = acc[r][s].wrapping_add(x * bs[s]);
				}
			}
		}
		acc
	}
}

/// AVX2 `vpmaddwd` on 2×4 blocks; only built once the CPU is known to have AVX2.
#[cfg(target_arch = "x86_64")]
struct Avx2(());
#[cfg(target_arch = "x86_64")]
impl Block<{ crate::gemm_avx2::ROWS }, { crate::gemm_avx2::COLS }> for Avx2 {
	fn block(&self, a: [&[i8]; 2], bt: [&[i8]; 4], k: usize) -> [[i32; 4]; 2] {
		// SAFETY: an `Avx2` exists only where AVX2 was detected; every row holds k values.
		unsafe { crate::gemm_avx2::block(a, bt, k) }
	}
}

/// Rows `rows` of C into `out` (those rows only), from A and Bᵀ, in R×S blocks by `kernel`
/// and the ragged edges by [`dot`].
fn block_rows<const R: usize, const S: usize>(
	kernel: &impl Block<R, S>,
	a: &[i8],
	bt: &[i8],
	shape: Shape,
	rows: std::ops::Range<usize>,
	out: &mut [i32],
) {
	let Shape { n, k, .. } = shape;
	let first = rows.start;
	let a_row = |i: usize| &a[i * k..(i + 1) * k];
	let bt_row = |j: usize| &bt[j * k..(j + 1) * k];
	let mut i = rows.start;
	while i < rows.end {
		let height = R.min(rows.end - i);
		let mut j = 0;
		while j < n {
			let width = S.min(n - j);
			if height == R && width == S {
				let block = kernel.block(
					core::array::from_fn(|r| a_row(i + r)),
					core::array::from_fn(|s| bt_row(j + s)),
					k,
				);
				for (r, values) in block.iter().enumerate() {
					let start = (i + r - first) * n + j;
					out[start..start + S].copy_from_slice(values);
				}
			} else {
				for r in 0..height {
					for s in 0..width {
						out[(i + r - first) * n + j + s] = dot(a_row(i + r), bt_row(j + s));
					}
				}
			}
			j += width;
		}
		i += height;
	}
}

/// Which micro-kernel the CPU twin runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kernel {
	/// Plain Rust, any CPU.
	Portable,
	/// AVX2 16-bit multiply-add (x86-64 with AVX2).
	Avx2,
}

impl Kernel {
	/// The fastest this CPU runs.
	pub fn best() -> Self {
		if Self::Avx2.available() {
			Kernel::Avx2
		} else {
			Kernel::Portable
		}
	}

	/// Whether this CPU runs it.
	pub fn available(self) -> bool {
		match self {
			Kernel::Portable => true,
			#[cfg(target_arch = "x86_64")]
			Kernel::Avx2 => std::is_x86_feature_detected!("avx2"),
			#[cfg(not(target_arch = "x86_64"))]
			Kernel::Avx2 => false,
		}
	}
}

/// The CPU twin: the same bits as [`naive`], blocked and spread over `threads` threads (at
/// least one), with the best micro-kernel this CPU runs.
pub fn cpu(a: &[i8], b: &[i8], shape: Shape, threads: usize) -> Vec<i32> {
	cpu_with(Kernel::best(), a, b, shape, threads)
}

/// [`cpu`] with a chosen micro-kernel; one this CPU lacks falls back to the portable one.
pub fn cpu_with(kernel: Kernel, a: &[i8], b: &[i8], shape: Shape, threads: usize) -> Vec<i32> {
	shape.check(a, b);
	let Shape { m, n, k } = shape;
	let bt = transpose(b, k, n);
	let mut c = vec![0i32; m * n];
	if m == 0 || n == 0 {
		return c;
	}
	// Whole 4-row blocks per thread (4 is a multiple of every kernel's height), so only the
	// last thread has a ragged edge.
	let blocks = m.div_ceil(4);
	let per_thread = blocks.div_ceil(threads.max(1)) * 4;
	thread::scope(|scope| {
		for (index, out) in c.chunks_mut(per_thread * n).enumerate() {
			let start = index * per_thread;
			let rows = start..(start + out.len() / n);
			let bt = &bt[..];
			scope.spawn(move || match kernel {
				#[cfg(target_arch = "x86_64")]
				Kernel::Avx2 if kernel.available() => block_rows(&Avx2(()), a, bt, shape, rows, out),
				_ => block_rows(&Portable, a, bt, shape, rows, out),
			});
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
			let expected = naive(&a, &b, shape);
			for kernel in [Kernel::Portable, Kernel::Avx2].into_iter().filter(|k| k.available()) {
				prop_assert_eq!(cpu_with(kernel, &a, &b, shape, threads), expected.clone());
			}
		}
	}

	/// The development and CI machines have AVX2: its kernel must run there, not fall back.
	#[test]
	#[cfg(target_arch = "x86_64")]
	fn the_avx2_kernel_runs_on_an_avx2_machine() {
		assert_eq!(Kernel::best() == Kernel::Avx2, std::is_x86_feature_detected!("avx2"));
	}

	#[test]
	fn extreme_values_sum_exactly() {
		// -128 · -128 = 16,384, k times: 16,384 · 4,096 = 2²⁶, well inside i32.
		let shape = Shape { m: 5, n: 6, k: 4_096 };
		let a = vec![-128i8; shape.m * shape.k];
		let b = vec![-128i8; shape.k * shape.n];
		for kernel in [Kernel::Portable, Kernel::Avx2].into_iter().filter(|k| k.available()) {
			let c = cpu_with(kernel, &a, &b, shape, 2);
			assert!(c.iter().all(|&x| x == 1 << 26), "{kernel:?}");
		}
	}
}
