//! Freivalds' check of a claimed GEMM output: is C = A·B? Instead of recomputing A·B
//! (m·n·k multiply-adds), compare A·(B·r) with C·r for random vectors r: m·k + k·n + m·n per
//! round.
//!
//! The sums are exact: for the chain's dimensions (k ≤ 131,071) the true product fits i32, so a
//! correct C is the integer product. If C ≠ A·B, the difference D is a non-zero integer matrix
//! and, for r drawn from {0, …, 2¹⁶ − 1}ⁿ, D·r = 0 with probability at most 2⁻¹⁶ per round
//! (Schwartz–Zippel); `rounds` rounds miss it with at most 2^(−16·rounds).
//!
//! Two ways to sum, the same verdict:
//! - **f64**, when k·n < 2²³ (n = k = 1,024 and below): once every entry of C is within
//!   k·2¹⁴ (a correct C's bound; any entry beyond is wrong already), every product and partial
//!   sum is an integer below 2⁵³, so f64 adds them exactly in any order. Eight lanes per
//!   accumulator let the compiler vectorize it (AVX-512 or AVX2, whichever the CPU has), and
//!   the rows of A and C are split over the cores.
//! - **i64/i128** otherwise: exact integer sums, one row at a time.

use crate::{gemm::Shape, inputs::SeedStream};

/// The most `k` for which an i8 GEMM's exact sums fit i32 (2³¹ / 128²), so a correct output
/// holds no wrapped values.
pub const MAX_EXACT_K: usize = (1 << 31) / (128 * 128) - 1;

/// Rounds for a miss chance of at most 2⁻³²: what verifiers use.
pub const ROUNDS: u32 = 2;

/// Whether `c` is A·B, by `rounds` rounds with vectors drawn from `seed`. `false` for a C of
/// the wrong size or a `k` beyond [`MAX_EXACT_K`].
pub fn check(a: &[i8], b: &[i8], c: &[i32], shape: Shape, seed: [u8; 32], rounds: u32) -> bool {
	if !sizes_fit(a, b, c, shape) {
		return false;
	}
	let vectors = random_vectors(seed, shape.n, rounds);
	if exact_in_f64(shape) {
		f64_sums::check(a, b, c, shape, &vectors)
	} else {
		check_exact(a, b, c, shape, &vectors)
	}
}

fn sizes_fit(a: &[i8], b: &[i8], c: &[i32], shape: Shape) -> bool {
	let Shape { m, n, k } = shape;
	a.len() == m * k && b.len() == k * n && c.len() == m * n && k <= MAX_EXACT_K
}

/// `rounds` vectors of n entries in {0, …, 2¹⁶ − 1} drawn from `seed`.
fn random_vectors(seed: [u8; 32], n: usize, rounds: u32) -> Vec<Vec<u16>> {
	let randomness = SeedStream::new(seed, b"freivalds").bytes(2 * n * rounds as usize);
	randomness
		.chunks(2 * n.max(1))
		.take(rounds as usize)
		.map(|bytes| bytes.chunks(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect())
		.collect()
}

/// Whether f64 sums the check exactly: |A·(B·r)| and |C·r| (C within k·2¹⁴) stay below
/// k·n·2³⁰, under 2⁵³ while k·n < 2²³.
fn exact_in_f64(shape: Shape) -> bool {
	(shape.k as u128) * (shape.n as u128) < 1 << 23
}

/// The check in exact integer sums (i64 where the dimensions allow, else i128).
fn check_exact(a: &[i8], b: &[i8], c: &[i32], shape: Shape, vectors: &[Vec<u16>]) -> bool {
	let Shape { m, n, k } = shape;
	// |B·r| < k·2²³, |A·(B·r)| < k²·2³⁰ and |C·r| < n·k·2³⁰: i64 holds them while k² and n·k
	// stay under 2³³ (the chain's 8,192 at most does); beyond, i128.
	let fits_i64 = (k as u128).pow(2) < 1 << 33 && (n as u128) * (k as u128) < 1 << 33;
	vectors.iter().all(|r| {
		let r: Vec<i64> = r.iter().map(|x| i64::from(*x)).collect();
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

/// The check summed in f64, exact where [`exact_in_f64`] holds.
mod f64_sums {
	use super::Shape;

	/// Lanes per accumulator: two AVX2 registers of f64.
	const LANES: usize = 8;

	/// Rows per thread below which one thread does all (a thread costs tens of µs).
	const ROWS_PER_THREAD: usize = 256;

	/// x·y, x converted to f64, in [`LANES`] independent sums added at the end. Plain loops,
	/// all inlined: what the callers' AVX2 compilation vectorizes.
	#[inline(always)]
	fn dot<X: Copy + Into<f64>>(x: &[X], y: &[f64]) -> f64 {
		let (xs, ys) = (x.chunks_exact(LANES), y.chunks_exact(LANES));
		let (x_tail, y_tail) = (xs.remainder(), ys.remainder());
		let mut lanes = [0f64; LANES];
		for (xs, ys) in xs.zip(ys) {
			// Whole chunks as arrays: no bounds checks left in the lane loop.
			let (Ok(xs), Ok(ys)) = (<&[X; LANES]>::try_from(xs), <&[f64; LANES]>::try_from(ys))
			else {
				continue;
			};
			for lane in 0..LANES {
				lanes[lane] += xs[lane].into() * ys[lane];
			}
		}
		let mut sum = 0f64;
		for lane in lanes {
			sum += lane;
		}
		for (x, y) in x_tail.iter().zip(y_tail) {
			sum += (*x).into() * y;
		}
		sum
	}

	/// Whether rows `rows` of A·(B·r) equal those of C·r for every r (with `br` = B·r).
	#[inline(always)]
	fn rows_hold(
		a: &[i8],
		c: &[i32],
		shape: Shape,
		rows: std::ops::Range<usize>,
		vectors: &[Vec<f64>],
		br: &[Vec<f64>],
	) -> bool {
		let Shape { n, k, .. } = shape;
		// A correct C is within k·2¹⁴ everywhere; the f64 sums are exact only within it.
		let bound = (k as i64) << 14;
		// Each row converted once, then dotted with every vector.
		let (mut a_f64, mut c_f64) = (vec![0f64; k], vec![0f64; n]);
		for i in rows {
			let (a_row, c_row) = (&a[i * k..(i + 1) * k], &c[i * n..(i + 1) * n]);
			let mut within = true;
			for (x, out) in c_row.iter().zip(c_f64.iter_mut()) {
				within &= i64::from(*x).abs() <= bound;
				*out = f64::from(*x);
			}
			if !within {
				return false;
			}
			for (x, out) in a_row.iter().zip(a_f64.iter_mut()) {
				*out = f64::from(*x);
			}
			for t in 0..vectors.len().min(br.len()) {
				if dot(&a_f64, &br[t]) != dot(&c_f64, &vectors[t]) {
					return false;
				}
			}
		}
		true
	}

	/// B·r for every r (each row of B converted once).
	#[inline(always)]
	fn products_inlined(b: &[i8], shape: Shape, vectors: &[Vec<f64>]) -> Vec<Vec<f64>> {
		let Shape { n, k, .. } = shape;
		let mut products = vec![Vec::with_capacity(k); vectors.len()];
		let mut row = vec![0f64; n];
		for p in 0..k {
			for (x, out) in b[p * n..(p + 1) * n].iter().zip(row.iter_mut()) {
				*out = f64::from(*x);
			}
			for (r, br) in vectors.iter().zip(products.iter_mut()) {
				br.push(dot(&row, r));
			}
		}
		products
	}

	/// `fn $name(…) = $inner`: `$inner` compiled for AVX-512F and for AVX2 too, the widest
	/// the CPU has taken at run time (what lets the compiler vectorize [`dot`] that wide).
	macro_rules! widest {
		($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty = $inner:ident) => {
			$(#[$doc])*
			fn $name($($arg: $ty),*) -> $ret {
				#[cfg(target_arch = "x86_64")]
				{
					#[target_feature(enable = "avx512f")]
					fn avx512($($arg: $ty),*) -> $ret {
						$inner($($arg),*)
					}
					#[target_feature(enable = "avx2")]
					fn avx2($($arg: $ty),*) -> $ret {
						$inner($($arg),*)
					}
					if std::arch::is_x86_feature_detected!("avx512f") {
						// SAFETY: the CPU has AVX-512F, as just detected.
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

	widest! {
		/// B·r for every r.
		fn products(b: &[i8], shape: Shape, vectors: &[Vec<f64>]) -> Vec<Vec<f64>> = products_inlined
	}

	widest! {
		/// Whether rows `rows` of A·(B·r) equal those of C·r for every r.
		fn rows_hold_here(
			a: &[i8],
			c: &[i32],
			shape: Shape,
			rows: std::ops::Range<usize>,
			vectors: &[Vec<f64>],
			br: &[Vec<f64>]
		) -> bool = rows_hold
	}

	/// `work` over `0..len` split into one range per core (one range when `len` is small),
	/// the results in order.
	fn split<T: Send>(len: usize, work: impl Fn(std::ops::Range<usize>) -> T + Sync) -> Vec<T> {
		let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
		let threads = threads.min(len / ROWS_PER_THREAD).max(1);
		if threads == 1 {
			return vec![work(0..len)];
		}
		let per_thread = len.div_ceil(threads);
		std::thread::scope(|scope| {
			let work = &work;
			let handles: Vec<_> = (0..threads)
				.map(|t| {
					let rows = t * per_thread..((t + 1) * per_thread).min(len);
					scope.spawn(move || work(rows))
				})
				.collect();
			handles.into_iter().map(|h| h.join()).collect::<Result<Vec<T>, _>>()
		})
		.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
	}

	/// The check: B·r for every r, then the rows of A and C split over the cores.
	pub fn check(a: &[i8], b: &[i8], c: &[i32], shape: Shape, vectors: &[Vec<u16>]) -> bool {
		let vectors: Vec<Vec<f64>> =
			vectors.iter().map(|r| r.iter().map(|x| f64::from(*x)).collect()).collect();
		// B·r on one core: split, it gained nothing measurable for its threads' cost.
		let br = products(b, shape, &vectors);
		split(shape.m, |rows| rows_hold_here(a, c, shape, rows, &vectors, &br))
			.into_iter()
			.all(|holds| holds)
	}
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

	/// Past k² = 2³³ the sums no longer fit i64: the i128 path decides the same way (and so
	/// does f64, exact here since k·n < 2²³).
	#[test]
	fn a_long_k_uses_exact_128_bit_sums() {
		let shape = Shape { m: 2, n: 3, k: 100_000 };
		let (a, b) = gemm_inputs([5; 32], shape.m, shape.n, shape.k);
		let c = gemm::naive(&a, &b, shape);
		let vectors = random_vectors([1; 32], shape.n, ROUNDS);
		assert!(check_exact(&a, &b, &c, shape, &vectors));
		assert!(check(&a, &b, &c, shape, [1; 32], ROUNDS));
		let mut wrong = c.clone();
		wrong[4] = wrong[4].wrapping_add(1);
		assert!(!check_exact(&a, &b, &wrong, shape, &vectors));
		assert!(!check(&a, &b, &wrong, shape, [1; 32], ROUNDS));
		// Beyond MAX_EXACT_K a correct output may hold wrapped sums: refused, even all zero.
		let k = MAX_EXACT_K + 1;
		let too_long = Shape { m: 1, n: 1, k };
		assert!(!check(&vec![0; k], &vec![0; k], &[0], too_long, [1; 32], ROUNDS));
	}

	/// On shapes where f64 is exact, it gives the exact sums' verdict for right outputs and
	/// for outputs changed by one, by the top bit in two entries of a row (what wrapping sums
	/// would miss), by a huge value, or everywhere; and the row split over threads changes
	/// nothing.
	#[test]
	fn the_f64_sums_decide_as_the_exact_ones() {
		let mut draws = SeedStream::new([7; 32], b"freivalds-test").bytes(4096).into_iter();
		let mut draw = |below: usize| draws.next().unwrap() as usize % below;
		for case in 0..48u8 {
			// The first case has rows enough to be split over threads.
			let m = if case == 0 { 600 } else { 1 + draw(150) };
			let shape = Shape { m, n: 1 + draw(70), k: 1 + draw(70) };
			assert!(exact_in_f64(shape));
			let (a, b) = gemm_inputs([case; 32], shape.m, shape.n, shape.k);
			let right = gemm::naive(&a, &b, shape);
			let mut outputs = vec![right.clone()];
			let (index, cells) = (draw(right.len()), right.len());
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
			let mut huge = right.clone();
			huge[index] = i32::MAX;
			outputs.push(huge);
			outputs.push((0..cells).map(|i| right[i].wrapping_mul(3)).collect());
			for (which, c) in outputs.iter().enumerate() {
				let vectors = random_vectors([case; 32], shape.n, ROUNDS);
				let exact = check_exact(&a, &b, c, shape, &vectors);
				assert_eq!(
					check(&a, &b, c, shape, [case; 32], ROUNDS),
					exact,
					"{shape:?}, output {which}"
				);
				assert_eq!(exact, which == 0 || *c == right, "{shape:?}, output {which}");
			}
		}
	}
}
