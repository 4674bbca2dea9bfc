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
	use crate::mlp::Model;

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
