//! A unit of work as the worker runs it, independent of the chain's types: which kernel, on
//! which inputs, and the output bytes a receipt commits to.

use crate::{
	backend::Backend,
	gemm::Shape,
	gpu::GpuError,
	inputs::{gemm_inputs, mlp_inputs},
	mlp::Layer,
	output,
	render::Tile,
};

/// Which kernel a piece of work runs (the chain's `WorkloadKind`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord)]
pub enum Kernel {
	/// int8 GEMM.
	Gemm,
	/// int8 MLP inference.
	Mlp,
	/// Fixed-point render tile.
	Render,
}

impl Kernel {
	/// Every kernel, in the chain's workload order.
	pub const ALL: [Kernel; 3] = [Kernel::Gemm, Kernel::Mlp, Kernel::Render];

	/// Its name in logs and reports.
	pub fn name(self) -> &'static str {
		match self {
			Kernel::Gemm => "int8 GEMM",
			Kernel::Mlp => "int8 MLP",
			Kernel::Render => "render tile",
		}
	}
}

/// Work ready to run: a kernel with its inputs.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Work {
	/// C = A·B.
	Gemm { shape: Shape, a: Vec<i8>, b: Vec<i8> },
	/// `batch` rows `x` through `layers` (a whole model, or a pipeline stage's layers).
	Mlp { layers: Vec<Layer>, x: Vec<i8>, batch: usize },
	/// A render tile.
	Render(Tile),
}

/// Why the inputs of a piece of work are not what its spec needs.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BadInput {
	/// Bytes the spec needs.
	pub needed: usize,
	/// Bytes given.
	pub given: usize,
}

impl std::fmt::Display for BadInput {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "the input has {} bytes, the spec needs {}", self.given, self.needed)
	}
}

impl std::error::Error for BadInput {}

impl Work {
	/// A GEMM on inputs drawn from `seed`.
	pub fn seeded_gemm(seed: [u8; 32], shape: Shape) -> Self {
		let (a, b) = gemm_inputs(seed, shape.m, shape.n, shape.k);
		Work::Gemm { shape, a, b }
	}

	/// A GEMM on given bytes: A (m×k) then B (k×n), i8 each.
	pub fn gemm_from_bytes(shape: Shape, bytes: &[u8]) -> Result<Self, BadInput> {
		let split = shape.m * shape.k;
		let needed = split + shape.k * shape.n;
		if bytes.len() != needed {
			return Err(BadInput { needed, given: bytes.len() });
		}
		let i8s = |bytes: &[u8]| bytes.iter().map(|b| *b as i8).collect::<Vec<_>>();
		Ok(Work::Gemm { shape, a: i8s(&bytes[..split]), b: i8s(&bytes[split..]) })
	}

	/// An MLP on the rows drawn from `seed`.
	pub fn seeded_mlp(seed: [u8; 32], layers: Vec<Layer>, batch: usize) -> Self {
		let inputs = layers.first().map_or(0, |l| l.inputs);
		Work::Mlp { x: mlp_inputs(seed, batch, inputs), layers, batch }
	}

	/// An MLP on given rows (batch × the first layer's inputs, i8).
	pub fn mlp_from_bytes(
		layers: Vec<Layer>,
		batch: usize,
		bytes: &[u8],
	) -> Result<Self, BadInput> {
		let needed = batch * layers.first().map_or(0, |l| l.inputs);
		if bytes.len() != needed {
			return Err(BadInput { needed, given: bytes.len() });
		}
		Ok(Work::Mlp { layers, x: bytes.iter().map(|b| *b as i8).collect(), batch })
	}

	/// Its kernel.
	pub fn kernel(&self) -> Kernel {
		match self {
			Work::Gemm { .. } => Kernel::Gemm,
			Work::Mlp { .. } => Kernel::Mlp,
			Work::Render(_) => Kernel::Render,
		}
	}

	/// Work units, as the chain counts them: MACs for GEMM and MLP, pixels × max iterations
	/// for a render tile.
	pub fn work_units(&self) -> u64 {
		match self {
			Work::Gemm { shape, .. } => shape.macs(),
			Work::Mlp { layers, batch, .. } => layers.iter().map(|l| l.shape(*batch).macs()).sum(),
			Work::Render(tile) => tile.work_units(),
		}
	}

	/// Rows of its output and bytes per row: every kernel's output is row-major (a GEMM's rows
	/// of C, an MLP's output rows, a render tile's rows of pixels).
	pub fn output_rows(&self) -> (usize, usize) {
		match self {
			Work::Gemm { shape, .. } => (shape.m, shape.n * 4),
			Work::Mlp { layers, batch, .. } => (*batch, layers.last().map_or(0, |l| l.outputs)),
			Work::Render(tile) => (tile.height as usize, tile.width as usize * 4),
		}
	}

	/// Work whose output is the band of whole rows of this work's output covering bytes
	/// `range`, and where `range` starts in that band's output. Each output row depends only on
	/// its own inputs (a GEMM's row of A, an MLP's input row, a render row's points), so a
	/// verifier recomputes sampled rows at their cost ([`crate::tile_sampling`]). `None` for a
	/// `range` empty or past the output.
	pub fn rows_covering(&self, range: std::ops::Range<usize>) -> Option<(Work, usize)> {
		let (rows, row_bytes) = self.output_rows();
		if range.is_empty() || range.end > rows.saturating_mul(row_bytes) {
			return None;
		}
		let first = range.start / row_bytes;
		let end = range.end.div_ceil(row_bytes);
		let band = end - first;
		let work = match self {
			Work::Gemm { shape, a, b } => Work::Gemm {
				shape: Shape { m: band, ..*shape },
				a: a.get(first * shape.k..end * shape.k)?.to_vec(),
				b: b.clone(),
			},
			Work::Mlp { layers, x, .. } => {
				let inputs = layers.first().map_or(0, |l| l.inputs);
				let x = x.get(first * inputs..end * inputs)?.to_vec();
				Work::Mlp { layers: layers.clone(), x, batch: band }
			}
			Work::Render(tile) => {
				// Row y of the band is row y + first of the tile: move the centre so that
				// `Tile::point` gives the same points (all wrapping, as `point` is).
				let shift = (first as i32)
					.wrapping_sub((tile.height / 2) as i32)
					.wrapping_add((band / 2) as i32);
				Work::Render(Tile {
					height: band as u32,
					center_im: tile.center_im.wrapping_sub(shift.wrapping_mul(tile.step)),
					..*tile
				})
			}
		};
		Some((work, range.start - first * row_bytes))
	}

	/// Work whose outputs, run in order and put end to end, are rows `rows` of this work's
	/// output (each below [`Self::output_rows`]'s count), in that order: one piece for a GEMM
	/// (those rows of A) or an MLP (those input rows), a band of one row each for a render
	/// tile. `None` for a row past the output.
	pub fn pick_rows(&self, rows: &[usize]) -> Option<Vec<Work>> {
		let (count, row_bytes) = self.output_rows();
		if rows.iter().any(|&row| row >= count) {
			return None;
		}
		let gather = |values: &[i8], width: usize| -> Option<Vec<i8>> {
			let picked = rows.iter().map(|&row| values.get(row * width..(row + 1) * width));
			Some(picked.collect::<Option<Vec<_>>>()?.concat())
		};
		Some(match self {
			Work::Gemm { shape, a, b } => vec![Work::Gemm {
				shape: Shape { m: rows.len(), ..*shape },
				a: gather(a, shape.k)?,
				b: b.clone(),
			}],
			Work::Mlp { layers, x, .. } => {
				let inputs = layers.first().map_or(0, |l| l.inputs);
				vec![Work::Mlp { layers: layers.clone(), x: gather(x, inputs)?, batch: rows.len() }]
			}
			Work::Render(_) => rows
				.iter()
				.map(|&row| Some(self.rows_covering(row * row_bytes..(row + 1) * row_bytes)?.0))
				.collect::<Option<Vec<_>>>()?,
		})
	}

	/// Runs it on `backend`: the output bytes a receipt commits to (i32 or u32 little-endian,
	/// or i8).
	pub fn run(&self, backend: &Backend) -> Result<Vec<u8>, GpuError> {
		Ok(match self {
			Work::Gemm { shape, a, b } => output::i32_bytes(&backend.gemm(a, b, *shape)?),
			Work::Mlp { layers, x, batch } => output::i8_bytes(&backend.mlp(layers, x, *batch)?),
			Work::Render(tile) => output::u32_bytes(&backend.render(tile)?),
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{mlp::Model, render::ONE};

	/// Small work of every kernel, with odd sizes.
	fn every_kernel() -> Vec<Work> {
		vec![
			Work::seeded_gemm([1; 32], Shape { m: 23, n: 9, k: 17 }),
			Work::seeded_mlp([2; 32], Model::seeded([3; 32], &[(12, 20), (20, 7)]).layers, 19),
			Work::Render(Tile {
				width: 13,
				height: 21,
				max_iterations: 50,
				center_re: -ONE / 2,
				center_im: ONE / 7,
				step: ONE / 9,
			}),
		]
	}

	/// A band of rows recomputes exactly the bytes of the whole output it covers, for every
	/// kernel, at ranges inside one row, across rows, and at the ends.
	#[test]
	fn a_band_of_rows_gives_the_bytes_it_covers() {
		let backend = Backend::Cpu { threads: 2 };
		let mut works = every_kernel();
		works.extend([
			// An odd height and a centre near the wrap of i32.
			Work::Render(Tile {
				width: 8,
				height: 10,
				max_iterations: 20,
				center_re: 3,
				center_im: i32::MAX - 5,
				step: 1 << 20,
			}),
		]);
		for work in works {
			let whole = work.run(&backend).unwrap();
			let len = whole.len();
			let (_, row_bytes) = work.output_rows();
			for range in [
				0..1,
				0..len,
				3..row_bytes,
				row_bytes - 1..row_bytes + 2,
				len - 5..len,
				7..7 + len / 3,
			] {
				let (band, offset) = work.rows_covering(range.clone()).unwrap();
				let bytes = band.run(&backend).unwrap();
				assert_eq!(
					&bytes[offset..offset + range.len()],
					&whole[range.clone()],
					"{:?} bytes {range:?}",
					work.kernel()
				);
				assert!(band.work_units() <= work.work_units());
			}
			assert!(work.rows_covering(len..len + 1).is_none());
			assert!(work.rows_covering(4..4).is_none());
		}
	}

	/// Rows picked anywhere, in any order, recompute exactly those rows of the whole output.
	#[test]
	fn picked_rows_give_those_rows_of_the_output() {
		let backend = Backend::Cpu { threads: 2 };
		for work in every_kernel() {
			let whole = work.run(&backend).unwrap();
			let (count, row_bytes) = work.output_rows();
			let rows = [count - 1, 0, 5, 6, 11];
			let picked: Vec<u8> = work
				.pick_rows(&rows)
				.unwrap()
				.iter()
				.flat_map(|piece| piece.run(&backend).unwrap())
				.collect();
			let expected: Vec<u8> = rows
				.iter()
				.flat_map(|&row| whole[row * row_bytes..(row + 1) * row_bytes].to_vec())
				.collect();
			assert_eq!(picked, expected, "{:?}", work.kernel());
			assert!(work.pick_rows(&[count]).is_none(), "past the output");
		}
	}

	#[test]
	fn inline_inputs_must_have_the_specs_size() {
		let shape = Shape { m: 2, n: 3, k: 4 };
		assert_eq!(Work::gemm_from_bytes(shape, &[0; 19]), Err(BadInput { needed: 20, given: 19 }));
		let Ok(Work::Gemm { a, b, .. }) = Work::gemm_from_bytes(shape, &[0xff; 20]) else {
			panic!("20 bytes are A and B");
		};
		assert_eq!((a.len(), b.len(), a[0]), (8, 12, -1));
		let layers = Model::seeded([1; 32], &[(5, 3)]).layers;
		assert!(Work::mlp_from_bytes(layers.clone(), 2, &[0; 9]).is_err());
		assert!(Work::mlp_from_bytes(layers, 2, &[0; 10]).is_ok());
	}

	#[test]
	fn work_units_are_the_chains() {
		let gemm = Work::seeded_gemm([0; 32], Shape { m: 2, n: 3, k: 5 });
		assert_eq!(gemm.work_units(), 30);
		let model = Model::seeded([0; 32], &[(4, 6), (6, 2)]);
		assert_eq!(Work::seeded_mlp([0; 32], model.layers, 3).work_units(), 3 * (24 + 12));
		let tile =
			Tile { width: 4, height: 5, max_iterations: 7, center_re: 0, center_im: 0, step: 1 };
		assert_eq!(Work::Render(tile).work_units(), 140);
	}

	#[test]
	fn every_kernel_runs_on_the_cpu_backend() {
		let backend = Backend::Cpu { threads: 2 };
		let gemm = Work::seeded_gemm([2; 32], Shape { m: 3, n: 5, k: 7 });
		assert_eq!(gemm.run(&backend).unwrap().len(), 3 * 5 * 4);
		let model = Model::seeded([3; 32], &[(7, 9), (9, 4)]);
		assert_eq!(Work::seeded_mlp([4; 32], model.layers, 6).run(&backend).unwrap().len(), 24);
		let tile =
			Tile { width: 4, height: 5, max_iterations: 7, center_re: 0, center_im: 0, step: 1 };
		assert_eq!(Work::Render(tile).run(&backend).unwrap().len(), 80);
	}
}
