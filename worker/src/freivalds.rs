//! Freivalds' check of a claimed GEMM output: is C = A·B? Instead of recomputing A·B
//! (m·n·k multiply-adds), compare A·(B·r) with C·r for random vectors r: m·k + k·n + m·n per
//! round.
//!
//! The sums are exact integers (i64 where the dimensions allow, else i128; no wrapping): for the chain's dimensions (k ≤
//! 131,071) the true product fits i32, so a correct C is the integer product. If C ≠ A·B, the
//! difference D is a non-zero integer matrix and, for r drawn from {0, …, 2¹⁶ − 1}ⁿ, D·r = 0
//! with probability at most 2⁻¹⁶ per round (Schwartz–Zippel); `rounds` rounds miss it with at
//! most 2^(−16·rounds).

use crate::{gemm::Shape, inputs::SeedStream};

/// The most `k` for which an i8 GEMM's exact sums fit i32 (2³¹ / 128²), so a correct output
/// holds no wrapped values.
pub const MAX_EXACT_K: usize = (1 << 31) / (128 * 128) - 1;

/// Rounds for a miss chance of at most 2⁻³²: what verifiers use.
pub const ROUNDS: u32 = 2;

/// Whether `c` is A·B, by `rounds` rounds with vectors drawn from `seed`. `false` for a C of
/// the wrong size or a `k` beyond [`MAX_EXACT_K`].
pub fn check(a: &[i8], b: &[i8], c: &[i32], shape: Shape, seed: [u8; 32], rounds: u32) -> bool {
	let Shape { m, n, k } = shape;
	if a.len() != m * k || b.len() != k * n || c.len() != m * n || k > MAX_EXACT_K {
		return false;
	}
	let randomness = SeedStream::new(seed, b"freivalds").bytes(2 * n * rounds as usize);
	// |B·r| < k·2²³, |A·(B·r)| < k²·2³⁰ and |C·r| < n·k·2³⁰: i64 holds them while k² and n·k
	// stay under 2³³ (the chain's 8,192 at most does); beyond, i128.
	let fits_i64 = (k as u128).pow(2) < 1 << 33 && (n as u128) * (k as u128) < 1 << 33;
	randomness.chunks(2 * n.max(1)).take(rounds as usize).all(|bytes| {
		let r: Vec<i64> =
			bytes.chunks(2).map(|pair| i64::from(u16::from_le_bytes([pair[0], pair[1]]))).collect();
		let br: Vec<i64> = (0..k)
			.map(|p| b[p * n..(p + 1) * n].iter().zip(&r).map(|(x, y)| i64::from(*x) * y).sum())
			.collect();
		(0..m).all(|i| {
			let (a_row, c_row) = (&a[i * k..(i + 1) * k], &c[i * n..(i + 1) * n]);
			if fits_i64 {
				row_holds::<i64>(a_row, &br, c_row, &r)
			} else {
				row_holds::<i128>(a_row, &br, c_row, &r)
			}
		})
	})
}

/// Whether row `i` of A·(B·r) equals row `i` of C·r, summed exactly in `T`.
fn row_holds<T>(a_row: &[i8], br: &[i64], c_row: &[i32], r: &[i64]) -> bool
where
	T: From<i8> + From<i32> + From<i64> + core::ops::Mul<Output = T> + core::iter::Sum + Eq,
{
	let abr: T = a_row.iter().zip(br).map(|(x, y)| T::from(*x) * T::from(*y)).sum();
	let cr: T = c_row.iter().zip(r).map(|(x, y)| T::from(*x) * T::from(*y)).sum();
	abr == cr
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{gemm, inputs::gemm_inputs};

	#[test]
	fn a_correct_output_passes_and_any_single_change_fails() {
		let shape = Shape { m: 17, n: 23, k: 31 };
		let (a, b) = gemm_inputs([3; 32], shape.m, shape.n, shape.k);
		let c = gemm::naive(&a, &b, shape);
		assert!(check(&a, &b, &c, shape, [9; 32], ROUNDS));
		// Off by one, by the top bit (a wrapping-sum ambiguity), anywhere.
		for (index, delta) in [(0, 1i32), (200, -1), (390, i32::MIN), (77, 1 << 16)] {
			let mut wrong = c.clone();
			wrong[index] = wrong[index].wrapping_add(delta);
			assert!(!check(&a, &b, &wrong, shape, [9; 32], ROUNDS), "entry {index} off by {delta}");
		}
		assert!(!check(&a, &b, &c[1..], shape, [9; 32], ROUNDS), "a C of the wrong size");
	}

	/// Past k² = 2³³ the sums no longer fit i64: the i128 path decides the same way.
	#[test]
	fn a_long_k_uses_exact_128_bit_sums() {
		let shape = Shape { m: 2, n: 3, k: 100_000 };
		let (a, b) = gemm_inputs([5; 32], shape.m, shape.n, shape.k);
		let c = gemm::naive(&a, &b, shape);
		assert!(check(&a, &b, &c, shape, [1; 32], ROUNDS));
		let mut wrong = c.clone();
		wrong[4] = wrong[4].wrapping_add(1);
		assert!(!check(&a, &b, &wrong, shape, [1; 32], ROUNDS));
		// Beyond MAX_EXACT_K a correct output may hold wrapped sums: refused, even all zero.
		let k = MAX_EXACT_K + 1;
		let too_long = Shape { m: 1, n: 1, k };
		assert!(!check(&vec![0; k], &vec![0; k], &[0], too_long, [1; 32], ROUNDS));
	}
}
