//! Freivalds' check of a claimed GEMM output: is C = A·B? Instead of recomputing A·B
//! (m·n·k multiply-adds), compare A·(B·r) with C·r for a random vector r: k·n + m·k + m·n per
//! round, each entry of A, B and C read once.
//!
//! **Exact, modulo 2⁶⁴.** Both sides are summed in wrapping 64-bit integers, which any CPU
//! vectorizes: A·(B·r) ≡ (A·B)·r (mod 2⁶⁴) exactly, so a correct C always passes. For the
//! chain's dimensions (k ≤ [`MAX_EXACT_K`]) the true product fits i32 without wrapping, so a
//! wrong C differs from it by a non-zero integer matrix D with every |d| < 2³³. Take a row with
//! D ≠ 0 and in it the entry d = 2ᵗ·u (u odd, t ≤ 32) of fewest trailing zeros: whatever the
//! other entries of r, d·rⱼ must hit one residue mod 2⁶⁴, which pins rⱼ to one residue mod
//! 2^(64−t), a modulus of at least 2³². With rⱼ drawn from the 2³² consecutive values of an i32,
//! at most one of them does: a round misses a wrong C with probability at most 2⁻³², and
//! `rounds` rounds with at most 2^(−32·rounds). Every product but A's by B·r is of two
//! sign-extended 32-bit values, one instruction for eight (x86's vpmuldq).
//! (Modulo 2³² this would fail: two entries off by 2³¹ fool half the vectors.)

use crate::{gemm::Shape, inputs::SeedStream};

/// The most `k` for which an i8 GEMM's exact sums fit i32 (2³¹ / 128²), so a correct output
/// holds no wrapped values.
pub const MAX_EXACT_K: usize = (1 << 31) / (128 * 128) - 1;

/// Rounds for a miss chance of at most 2⁻³²: the fewest verifiers use (a workload may declare
/// more).
pub const ROUNDS: u32 = 1;

/// Entries of C from which C·r runs on a second core, beside A·(B·r) on this one (a thread
/// costs tens of µs).
const CELLS_FOR_TWO_CORES: usize = 1 << 18;

/// Whether `c` is A·B, by `rounds` rounds with vectors drawn from `seed`. `false` for a C of
/// the wrong size or a `k` beyond [`MAX_EXACT_K`].
pub fn check(a: &[i8], b: &[i8], c: &[i32], shape: Shape, seed: [u8; 32], rounds: u32) -> bool {
	if !sizes_fit(a, b, c, shape) {
		return false;
	}
	let Shape { m, n, k } = shape;
	let two_cores = m * n >= CELLS_FOR_TWO_CORES
		&& std::thread::available_parallelism().is_ok_and(|cores| cores.get() > 1);
	random_vectors(seed, n, rounds).iter().all(|r| {
		let a_br = || a_times(a, m, k, &b_times(b, k, n, r));
		let (cr, abr) = if two_cores {
			// The two halves of the work (C is the larger matrix; A and B are smaller but
			// read twice): one thread spawned per check.
			std::thread::scope(|scope| {
				let cr = scope.spawn(|| c_times(c, m, n, r));
				let abr = a_br();
				(cr.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), abr)
			})
		} else {
			(c_times(c, m, n, r), a_br())
		};
		cr == abr
	})
}

fn sizes_fit(a: &[i8], b: &[i8], c: &[i32], shape: Shape) -> bool {
	let Shape { m, n, k } = shape;
	a.len() == m * k && b.len() == k * n && c.len() == m * n && k <= MAX_EXACT_K
}

/// `rounds` vectors of n entries in {−2³¹, …, 2³¹ − 1} drawn from `seed`.
fn random_vectors(seed: [u8; 32], n: usize, rounds: u32) -> Vec<Vec<i32>> {
	let randomness = SeedStream::new(seed, b"freivalds").bytes(4 * n * rounds as usize);
	randomness
		.chunks(4 * n.max(1))
		.take(rounds as usize)
		.map(|bytes| {
			bytes.chunks(4).map(|w| i32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect()
		})
		.collect()
}

/// Σ x·y in wrapping i64: a plain loop, inlined into the callers' AVX-512/AVX2 compilation,
/// which vectorizes it (wrapping integer sums may be reordered freely).
#[inline(always)]
fn dot<X: Copy + Into<i64>, Y: Copy + Into<i64>>(x: &[X], y: &[Y]) -> i64 {
	let mut sum = 0i64;
	for (x, y) in x.iter().zip(y) {
		sum = sum.wrapping_add((*x).into().wrapping_mul((*y).into()));
	}
	sum
}

/// `fn $name(…) = $inner`: `$inner` compiled for AVX-512 (F and DQ, whose 64-bit multiply
/// the sums use) and for AVX2 too, the widest the CPU has taken at run time.
macro_rules! widest {
	($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty = $inner:ident) => {
		$(#[$doc])*
		fn $name($($arg: $ty),*) -> $ret {
			#[cfg(target_arch = "x86_64")]
			{
				#[target_feature(enable = "avx512f,avx512dq")]
				fn avx512($($arg: $ty),*) -> $ret {
					$inner($($arg),*)
				}
				#[target_feature(enable = "avx2")]
				fn avx2($($arg: $ty),*) -> $ret {
					$inner($($arg),*)
				}
				if std::arch::is_x86_feature_detected!("avx512f")
					&& std::arch::is_x86_feature_detected!("avx512dq")
				{
					// SAFETY: the CPU has AVX-512F and DQ, as just detected.
					return unsafe { avx512($($arg),*) };
				}
				if std::arch::is_x86_feature_detected!("avx2") {
					// SAFETY: the CPU has AVX2, as just detected.
					return unsafe { avx2($($arg),*) };
				}
			}
			$inner($($arg),*)
		}
	};
}

/// The products of a `rows`×`cols` matrix's rows with `v` (mod 2⁶⁴).
#[inline(always)]
fn times_inlined<X: Copy + Into<i64>, Y: Copy + Into<i64>>(
	matrix: &[X],
	rows: usize,
	cols: usize,
	v: &[Y],
) -> Vec<i64> {
	// Loops, not iterator adaptors: a closure would compile outside the target features.
	let mut products = Vec::with_capacity(rows);
	for row in 0..rows {
		products.push(dot(&matrix[row * cols..(row + 1) * cols], v));
	}
	products
}

widest! {
	/// B·r (exact for n < 2²⁵).
	fn b_times(b: &[i8], k: usize, n: usize, r: &[i32]) -> Vec<i64> = times_inlined
}

widest! {
	/// A·(B·r).
	fn a_times(a: &[i8], m: usize, k: usize, br: &[i64]) -> Vec<i64> = times_inlined
}

widest! {
	/// C·r.
	fn c_times(c: &[i32], m: usize, n: usize, r: &[i32]) -> Vec<i64> = times_inlined
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{gemm, inputs::gemm_inputs};

	/// The check's verdict, recomputed with exact i128 sums (no modulus): the reference the
	/// wrapping sums must agree with.
	fn check_i128(a: &[i8], b: &[i8], c: &[i32], shape: Shape, r: &[i32]) -> bool {
		let Shape { m, n, k } = shape;
		let br: Vec<i128> = (0..k)
			.map(|p| (0..n).map(|j| i128::from(b[p * n + j]) * i128::from(r[j])).sum())
			.collect();
		(0..m).all(|i| {
			let abr: i128 = (0..k).map(|p| i128::from(a[i * k + p]) * br[p]).sum();
			let cr: i128 = (0..n).map(|j| i128::from(c[i * n + j]) * i128::from(r[j])).sum();
			abr == cr
		})
	}

	#[test]
	fn a_correct_output_passes_and_any_single_change_fails() {
		let shape = Shape { m: 17, n: 23, k: 31 };
		let (a, b) = gemm_inputs([3; 32], shape.m, shape.n, shape.k);
		let c = gemm::naive(&a, &b, shape);
		assert!(check(&a, &b, &c, shape, [9; 32], ROUNDS));
		// Off by one, by the top bit, by 2¹⁶, anywhere.
		for (index, delta) in [(0, 1i32), (200, -1), (390, i32::MIN), (77, 1 << 16)] {
			let mut wrong = c.clone();
			wrong[index] = wrong[index].wrapping_add(delta);
			assert!(!check(&a, &b, &wrong, shape, [9; 32], ROUNDS), "entry {index} off by {delta}");
		}
		assert!(!check(&a, &b, &c[1..], shape, [9; 32], ROUNDS), "a C of the wrong size");
	}

	/// A long k (the true sums near i32's edge): right passes, one off fails; beyond
	/// MAX_EXACT_K a correct output may hold wrapped sums, so it is refused, even all zero.
	#[test]
	fn a_long_k_sums_exactly_and_past_the_exact_k_is_refused() {
		let shape = Shape { m: 2, n: 3, k: 100_000 };
		let (a, b) = gemm_inputs([5; 32], shape.m, shape.n, shape.k);
		let c = gemm::naive(&a, &b, shape);
		assert!(check(&a, &b, &c, shape, [1; 32], ROUNDS));
		let mut wrong = c.clone();
		wrong[4] = wrong[4].wrapping_add(1);
		assert!(!check(&a, &b, &wrong, shape, [1; 32], ROUNDS));
		let (a, b) = (vec![-128i8; 2 * MAX_EXACT_K], vec![-128i8; MAX_EXACT_K]);
		let extreme = Shape { m: 2, n: 1, k: MAX_EXACT_K };
		let c = gemm::naive(&a, &b, extreme);
		assert_eq!(c[0], 16_384 * MAX_EXACT_K as i32, "the largest exact sum");
		assert!(check(&a, &b, &c, extreme, [1; 32], ROUNDS));
		let k = MAX_EXACT_K + 1;
		let too_long = Shape { m: 1, n: 1, k };
		assert!(!check(&vec![0; k], &vec![0; k], &[0], too_long, [1; 32], ROUNDS));
	}

	/// Random shapes (one over two cores, most with ragged vector tails) and outputs wrong
	/// in the ways wrapping sums could hide: by one, by the top bit in two entries of a row
	/// (what sums mod 2³² miss for half the vectors), by 2³¹ − 1 against −2³¹ (the largest
	/// |d|), everywhere. The wrapping sums decide as exact i128 sums do, and reject each.
	#[test]
	fn the_wrapping_sums_decide_as_exact_ones_and_catch_every_kind_of_error() {
		let mut draws = SeedStream::new([7; 32], b"freivalds-test").bytes(4096).into_iter();
		let mut draw = |below: usize| draws.next().unwrap() as usize % below;
		for case in 0..48u8 {
			// The first case has cells enough for two cores.
			let (m, n) = if case == 0 { (4_000, 70) } else { (1 + draw(150), 1 + draw(70)) };
			let shape = Shape { m, n, k: 1 + draw(70) };
			let (a, b) = gemm_inputs([case; 32], shape.m, shape.n, shape.k);
			let right = gemm::naive(&a, &b, shape);
			let index = draw(right.len());
			let mut outputs = vec![right.clone()];
			let mut changed = right.clone();
			changed[index] = changed[index].wrapping_add(1);
			outputs.push(changed);
			if shape.n >= 2 {
				let mut top_bits = right.clone();
				let row = index / shape.n * shape.n;
				top_bits[row] ^= i32::MIN;
				top_bits[row + 1] ^= i32::MIN;
				outputs.push(top_bits);
			}
			let mut widest = right.clone();
			widest[index] = if right[index] < 0 { i32::MAX } else { i32::MIN };
			outputs.push(widest);
			outputs.push(right.iter().map(|x| x.wrapping_mul(3)).collect());
			for (which, c) in outputs.iter().enumerate() {
				let is_right = *c == right;
				let verdict = check(&a, &b, c, shape, [case; 32], ROUNDS);
				assert_eq!(verdict, is_right, "{shape:?}, output {which}");
				let r = &random_vectors([case; 32], shape.n, 1)[0];
				assert_eq!(check_i128(&a, &b, c, shape, r), verdict, "{shape:?}, output {which}");
			}
		}
	}
}
