//! The CPU twin's AVX2 micro-kernel: 2 rows of A against 4 rows of Bᵀ, 16 values of k at a
//! time, i8 sign-extended to i16 and multiplied pairwise into i32 with `vpmaddwd` (exact:
//! |a·b + c·d| ≤ 2 · 128² < 2³¹), the rest of k in scalar code.

use std::arch::x86_64::*;

/// Rows of A per block.
pub const ROWS: usize = 2;
/// Rows of Bᵀ (columns of C) per block.
pub const COLS: usize = 4;

/// The 2×4 block of dot products of `a` rows with `bt` rows, all of length `k`.
///
/// # Safety
/// The CPU must support AVX2, and every row must hold at least `k` values.
#[target_feature(enable = "avx2")]
pub unsafe fn block(a: [&[i8]; ROWS], bt: [&[i8]; COLS], k: usize) -> [[i32; COLS]; ROWS] {
	let mut acc = [[_mm256_setzero_si256(); COLS]; ROWS];
	let simd = k - k % 16;
	let mut p = 0;
	while p < simd {
		let av: [__m256i; ROWS] = core::array::from_fn(|r| {
			_mm256_cvtepi8_epi16(_mm_loadu_si128(a[r].as_ptr().add(p) as *const __m128i))
		});
		for s in 0..COLS {
			let bv = _mm256_cvtepi8_epi16(_mm_loadu_si128(bt[s].as_ptr().add(p) as *const __m128i));
			for r in 0..ROWS {
				acc[r][s] = _mm256_add_epi32(acc[r][s], _mm256_madd_epi16(av[r], bv));
			}
		}
		p += 16;
	}
	let mut out = [[0i32; COLS]; ROWS];
	for r in 0..ROWS {
		for s in 0..COLS {
			let mut lanes = [0i32; 8];
			_mm256_storeu_si256(lanes.as_mut_ptr() as *mut __m256i, acc[r][s]);
			let mut sum = lanes.iter().fold(0i32, |x, y| x.wrapping_add(*y));
			for q in simd..k {
				sum = sum.wrapping_add(i32::from(a[r][q]) * i32::from(bt[s][q]));
			}
			out[r][s] = sum;
		}
	}
	out
}
