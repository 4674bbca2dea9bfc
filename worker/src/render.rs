//! The render tile: an escape-time fractal (the Mandelbrot set) in Q16.16 fixed point, one u32
//! iteration count per pixel, row-major from the top-left.
//!
//! [`pixel`] is the definition; [`cpu`] is the CPU twin (rows over threads) and the WGSL kernel
//! gives the same bits. Every step is exact integer arithmetic: products in 64 bits shifted
//! right by 16 (rounding toward −∞), sums wrapping in i32.

use std::thread;

/// 1.0 in Q16.16.
pub const ONE: i32 = 1 << 16;

/// A tile to render: the chain's `JobSpec::RenderTile`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Tile {
	/// Pixels per row.
	pub width: u32,
	/// Rows.
	pub height: u32,
	/// Iterations at most per pixel.
	pub max_iterations: u32,
	/// Real part of the tile's centre, Q16.16.
	pub center_re: i32,
	/// Imaginary part of the tile's centre, Q16.16.
	pub center_im: i32,
	/// Distance between neighbouring pixels, Q16.16.
	pub step: i32,
}

impl Tile {
	/// Pixels in the tile.
	pub fn pixels(&self) -> usize {
		self.width as usize * self.height as usize
	}

	/// Work units of the tile on the chain: pixels × max_iterations.
	pub fn work_units(&self) -> u64 {
		self.pixels() as u64 * u64::from(self.max_iterations)
	}

	/// The point of pixel (x, y): the centre plus (x − ⌊width/2⌋)·step on the real axis and
	/// minus (y − ⌊height/2⌋)·step on the imaginary one (row 0 on top), wrapping in i32.
	pub fn point(&self, x: u32, y: u32) -> (i32, i32) {
		let dx = (x as i32).wrapping_sub((self.width / 2) as i32);
		let dy = (y as i32).wrapping_sub((self.height / 2) as i32);
		(
			self.center_re.wrapping_add(dx.wrapping_mul(self.step)),
			self.center_im.wrapping_sub(dy.wrapping_mul(self.step)),
		)
	}
}

/// ⌊a·b / 2¹⁶⌋ truncated to i32: the Q16.16 product.
#[inline]
pub fn mul_q16(a: i32, b: i32) -> i32 {
	((i64::from(a) * i64::from(b)) >> 16) as i32
}

/// The definition: iterations of z ← z² + c from z = 0 before z escapes, at most
/// `max_iterations`. z escapes when a coordinate leaves [−2, 2] or |z|² > 4 (both checked
/// before each step, so every square is at most 4 and no sum wraps before the test).
pub fn pixel(c_re: i32, c_im: i32, max_iterations: u32) -> u32 {
	const TWO: i32 = 2 * ONE;
	const FOUR: i32 = 4 * ONE;
	let (mut zr, mut zi) = (0i32, 0i32);
	let mut i = 0;
	while i < max_iterations {
		if !(-TWO..=TWO).contains(&zr) || !(-TWO..=TWO).contains(&zi) {
			break;
		}
		let (zr2, zi2) = (mul_q16(zr, zr), mul_q16(zi, zi));
		if zr2 + zi2 > FOUR {
			break;
		}
		zi = mul_q16(zr, zi).wrapping_mul(2).wrapping_add(c_im);
		zr = (zr2 - zi2).wrapping_add(c_re);
		i += 1;
	}
	i
}

/// Rows `rows` of the tile into `out`.
fn render_rows(tile: &Tile, rows: std::ops::Range<u32>, out: &mut [u32]) {
	let width = tile.width as usize;
	for (index, y) in rows.enumerate() {
		for x in 0..tile.width {
			let (re, im) = tile.point(x, y);
			out[index * width + x as usize] = pixel(re, im, tile.max_iterations);
		}
	}
}

/// The CPU twin: the tile's rows spread over `threads` threads (at least one).
pub fn cpu(tile: &Tile, threads: usize) -> Vec<u32> {
	let mut out = vec![0u32; tile.pixels()];
	if out.is_empty() {
		return out;
	}
	let rows_per_thread = (tile.height as usize).div_ceil(threads.max(1));
	let width = tile.width as usize;
	thread::scope(|scope| {
		for (index, chunk) in out.chunks_mut(rows_per_thread * width).enumerate() {
			let first = (index * rows_per_thread) as u32;
			let rows = first..first + (chunk.len() / width) as u32;
			scope.spawn(move || render_rows(tile, rows, chunk));
		}
	});
	out
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	/// The whole set at a coarse step: a picture a user would recognise.
	fn whole_set(width: u32, height: u32) -> Tile {
		Tile {
			width,
			height,
			max_iterations: 64,
			center_re: -ONE / 2,
			center_im: 0,
			step: 3 * ONE / width as i32,
		}
	}

	#[test]
	fn points_inside_run_to_the_limit_and_points_outside_escape() {
		assert_eq!(pixel(0, 0, 100), 100, "0 is in the set");
		assert_eq!(pixel(-ONE, 0, 100), 100, "−1 cycles 0, −1, 0");
		assert_eq!(pixel(ONE, 0, 100), 3, "1: 0 → 1 → 2 → 5, and 5 is out");
		assert_eq!(pixel(3 * ONE, 0, 100), 1, "3 leaves [−2, 2] after one step");
		assert_eq!(pixel(i32::MIN, i32::MAX, 100), 1, "the extremes escape without wrapping");
		assert_eq!(pixel(0, 0, 0), 0);
	}

	#[test]
	fn q16_products_round_toward_minus_infinity() {
		assert_eq!(mul_q16(ONE, ONE), ONE);
		assert_eq!(mul_q16(3 * ONE / 2, -ONE), -3 * ONE / 2);
		assert_eq!(mul_q16(1, 1), 0);
		assert_eq!(mul_q16(-1, 1), -1);
	}

	#[test]
	fn the_whole_set_has_an_inside_an_outside_and_a_border() {
		let tile = whole_set(33, 21);
		let image = cpu(&tile, 2);
		let inside = image.iter().filter(|i| **i == tile.max_iterations).count();
		assert!(inside > 40 && inside < image.len() / 2, "{inside} pixels inside");
		assert!(image[0] <= 2, "the top-left corner, −1.95 + 0.91i, escapes at once");
		assert_eq!(image[10 * 33 + 16], 64, "the centre row's middle, −½, is inside");
		let border = image.iter().filter(|i| (4..64).contains(*i)).count();
		assert!(border > 20, "{border} pixels take between 4 and 63 iterations");
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(32))]
		/// The threaded twin equals the per-pixel definition for any tile, extreme
		/// coordinates and steps included.
		#[test]
		fn the_cpu_twin_matches_the_definition(
			width in 1u32..30, height in 1u32..30, max_iterations in 0u32..80,
			center_re in any::<i32>(), center_im in any::<i32>(), step in any::<i32>(),
			threads in 1usize..5,
		) {
			let tile = Tile { width, height, max_iterations, center_re, center_im, step };
			let image = cpu(&tile, threads);
			for y in 0..height {
				for x in 0..width {
					let (re, im) = tile.point(x, y);
					prop_assert_eq!(image[(y * width + x) as usize], pixel(re, im, max_iterations));
				}
			}
		}
	}
}
