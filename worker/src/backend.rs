//! Where the kernels run: the machine's WebGPU adapter (any GPU, or lavapipe) or the CPU twin.
//! Both give the same bits; the choice only changes speed.

use crate::{
	gemm::{self, Shape},
	gpu::{Gpu, GpuError, GpuGemm},
	mlp::{self, Layer},
	render::{self, Tile},
};

/// Which backend to run on (`--backend`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, clap::ValueEnum)]
pub enum BackendKind {
	/// The WebGPU adapter wgpu picks (a GPU, else lavapipe).
	#[default]
	Gpu,
	/// The CPU twin on every core.
	Cpu,
}

/// A backend ready to run kernels.
pub enum Backend {
	/// An adapter with the kernels compiled.
	Gpu(Box<Gpu>),
	/// The CPU twin on `threads` threads.
	Cpu { threads: usize },
}

impl Backend {
	/// Opens `kind`: the adapter (an error with the fix if there is none) or the CPU.
	pub fn open(kind: BackendKind) -> Result<Self, GpuError> {
		Ok(match kind {
			BackendKind::Gpu => Backend::Gpu(Box::new(Gpu::new()?)),
			BackendKind::Cpu => Backend::Cpu { threads: gemm::default_threads() },
		})
	}

	/// What runs the kernels, for logs and the node's hardware profile: the adapter's name, or
	/// "cpu (N threads)".
	pub fn describe(&self) -> String {
		match self {
			Backend::Gpu(gpu) => {
				let info = gpu.info();
				format!("{} ({:?}, {:?})", info.name, info.device_type, info.backend)
			}
			Backend::Cpu { threads } => format!("cpu ({threads} threads)"),
		}
	}

	/// C = A·B.
	pub fn gemm(&self, a: &[i8], b: &[i8], shape: Shape) -> Result<Vec<i32>, GpuError> {
		match self {
			Backend::Gpu(gpu) => gpu.gemm(GpuGemm::Tiled, a, b, shape),
			Backend::Cpu { threads } => Ok(gemm::cpu(a, b, shape, *threads)),
		}
	}

	/// `batch` rows through `layers`.
	pub fn mlp(&self, layers: &[Layer], x: &[i8], batch: usize) -> Result<Vec<i8>, GpuError> {
		match self {
			Backend::Gpu(gpu) => gpu.mlp(layers, x, batch),
			Backend::Cpu { threads } => Ok(mlp::forward_cpu(layers, x, batch, *threads)),
		}
	}

	/// A render tile.
	pub fn render(&self, tile: &Tile) -> Result<Vec<u32>, GpuError> {
		match self {
			Backend::Gpu(gpu) => gpu.render(tile),
			Backend::Cpu { threads } => Ok(render::cpu(tile, *threads)),
		}
	}
}
