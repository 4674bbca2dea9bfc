//! A job's stage as the worker and the verifier run it: the chain's spec, input and layer range
//! turned into [`Work`]. Kept apart from the chain's types ([`crate::chain`] converts them),
//! so that worker and verifier build the same work from the same record.

use std::ops::Range;

use crate::{
	gemm::Shape,
	mlp::Model,
	render::Tile,
	work::{BadInput, Kernel, Work},
};

/// What a job computes (the chain's `JobSpec`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Spec {
	/// C (M×N, i32) = A (M×K, i8) · B (K×N, i8).
	Gemm(Shape),
	/// `batch` rows through the layers of model `model`.
	Mlp { model: u32, batch: usize },
	/// A render tile (its only input is the spec).
	Render(Tile),
}

impl Spec {
	/// The kernel that computes it.
	pub fn kernel(&self) -> Kernel {
		match self {
			Spec::Gemm(_) => Kernel::Gemm,
			Spec::Mlp { .. } => Kernel::Mlp,
			Spec::Render(_) => Kernel::Render,
		}
	}
}

/// A stage's input (the chain's `JobInput`, or the previous pipeline stage's output).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Input {
	/// Generated from the seed, identically by worker and verifier.
	Seed([u8; 32]),
	/// The bytes themselves.
	Bytes(Vec<u8>),
	/// Bytes at `uri` whose blake2-256 hash is `hash` (fetched before the stage runs).
	Content { hash: [u8; 32], uri: String },
}

/// A registered model: its layers and, for a seeded one, the seed of its weights.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ModelInfo {
	/// `(inputs, outputs)` of each layer, in order.
	pub shapes: Vec<(usize, usize)>,
	/// The weights' seed; `None` for weights hosted as a file.
	pub seed: Option<[u8; 32]>,
}

/// An output kept on another worker's data server.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RemoteOutput {
	/// The data server's URL (the worker's registered endpoint).
	pub endpoint: String,
	/// The Merkle root its receipt commits to.
	pub root: [u8; 32],
	/// Its bytes.
	pub len: u64,
}

/// Where a stage stands, for its worker.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StagePhase {
	/// Waiting for the previous stage's output.
	Waiting,
	/// To compute; the receipt is due by this block.
	Running { deadline: u32 },
	/// Delivered, settled, or not assigned.
	Done,
}

/// One stage of a job, with what computing or checking it needs ([`crate::chain::stage_task`]
/// reads it from the chain).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StageTask {
	/// The job.
	pub job: u64,
	/// The stage.
	pub stage: u8,
	/// The job's spec.
	pub spec: Spec,
	/// The job's input; for a later pipeline stage, replace it by the previous stage's output
	/// once fetched.
	pub input: Input,
	/// A later pipeline stage's input: the previous stage's output, once its receipt is in.
	pub previous: Option<RemoteOutput>,
	/// The stage's model layers (empty for jobs without a model).
	pub layers: Range<usize>,
	/// The job's model, if it has one.
	pub model: Option<ModelInfo>,
	/// Tile size of the output commitment.
	pub tile_bytes: u32,
	/// Output bytes the chain expects.
	pub output_len: u64,
	/// The output root this stage's receipt claims, once it is in: what a verifier checks (a
	/// check's trap round shows its committee another root).
	pub receipt_root: Option<[u8; 32]>,
	/// Where the stage is.
	pub phase: StagePhase,
	/// How the job's workload declares its outputs are checked.
	pub method: CheckMethod,
}

/// How a workload's outputs are checked, as the chain declares it (the jobs pallet's
/// `VerificationMethod`, fixed for a job when it is submitted).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CheckMethod {
	/// Freivalds' check of a GEMM output with `rounds` random vectors.
	Freivalds { rounds: u32 },
	/// Recompute `tiles` output tiles drawn at random, each checked by its Merkle proof.
	TileSampling { tiles: u32 },
}

impl StageTask {
	/// The stage's work on [`Self::input`] (what its worker runs).
	pub fn work(&self) -> Result<Work, StageError> {
		work(&self.spec, &self.input, self.layers.clone(), self.model.as_ref())
	}

	/// Bytes of the job's own input, for a `Content` input fetched from its URI (0 for a
	/// render tile, and for an MLP whose model is unknown).
	pub fn job_input_len(&self) -> u64 {
		input_len(&self.spec, self.model.as_ref())
	}

	/// Whether the stage's input is the previous pipeline stage's output.
	pub fn takes_previous_output(&self) -> bool {
		matches!(self.spec, Spec::Mlp { .. }) && self.layers.start > 0
	}

	/// Work whose output is the stage's, from the job's own input: a later pipeline stage
	/// through every layer up to its last, so no other worker's output is trusted (what a
	/// verifier runs).
	pub fn work_from_job_input(&self) -> Result<Work, StageError> {
		work(&self.spec, &self.input, 0..self.layers.end, self.model.as_ref())
	}
}

/// Why a stage cannot be turned into work.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum StageError {
	/// The input's size is not what the spec needs.
	BadInput(BadInput),
	/// The job's model is not registered.
	UnknownModel(u32),
	/// The model's weights are a hosted file, which this worker does not fetch yet.
	HostedWeights(u32),
	/// The stage's layers are not within the model.
	Layers { range: Range<usize>, model_layers: usize },
	/// The input must be fetched first.
	NotFetched,
}

impl std::fmt::Display for StageError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			StageError::BadInput(bad) => bad.fmt(f),
			StageError::UnknownModel(model) => write!(f, "model {model} is not registered"),
			StageError::HostedWeights(model) => write!(
				f,
				"model {model}'s weights are a hosted file: this worker runs seeded models only"
			),
			StageError::Layers { range, model_layers } => {
				write!(f, "layers {range:?} are not within the model's {model_layers}")
			}
			StageError::NotFetched => write!(f, "the input is remote and was not fetched"),
		}
	}
}

impl std::error::Error for StageError {}

impl From<BadInput> for StageError {
	fn from(bad: BadInput) -> Self {
		StageError::BadInput(bad)
	}
}

/// Bytes of a job's own input for `spec` (0 for a render tile, which takes none, and for an
/// MLP whose `model` is unknown): A then B for a GEMM, the batch's rows for an MLP.
pub fn input_len(spec: &Spec, model: Option<&ModelInfo>) -> u64 {
	let bytes = match *spec {
		Spec::Gemm(shape) => shape.m * shape.k + shape.k * shape.n,
		Spec::Mlp { batch, .. } => batch * model.and_then(|m| m.shapes.first()).map_or(0, |s| s.0),
		Spec::Render(_) => 0,
	};
	bytes as u64
}

/// The work of a stage: `spec` on `input`; for an MLP, through the model's `layers` (the whole
/// model, or a pipeline stage's range, whose input is the previous stage's output).
pub fn work(
	spec: &Spec,
	input: &Input,
	layers: Range<usize>,
	model: Option<&ModelInfo>,
) -> Result<Work, StageError> {
	match *spec {
		Spec::Gemm(shape) => match input {
			Input::Seed(seed) => Ok(Work::seeded_gemm(*seed, shape)),
			Input::Bytes(bytes) => Ok(Work::gemm_from_bytes(shape, bytes)?),
			Input::Content { .. } => Err(StageError::NotFetched),
		},
		Spec::Mlp { model: id, batch } => {
			let model = model.ok_or(StageError::UnknownModel(id))?;
			let seed = model.seed.ok_or(StageError::HostedWeights(id))?;
			let model_layers = model.shapes.len();
			if layers.is_empty() || layers.end > model_layers {
				return Err(StageError::Layers { range: layers, model_layers });
			}
			// Seeded whole: a layer's requantization depends on its place in the model.
			let mut all = Model::seeded(seed, &model.shapes).layers;
			all.truncate(layers.end);
			let stage_layers = all.split_off(layers.start);
			match input {
				Input::Seed(seed) if layers.start == 0 => {
					Ok(Work::seeded_mlp(*seed, stage_layers, batch))
				}
				Input::Bytes(bytes) => Ok(Work::mlp_from_bytes(stage_layers, batch, bytes)?),
				// A later stage's input is the previous stage's output, fetched.
				Input::Seed(_) | Input::Content { .. } => Err(StageError::NotFetched),
			}
		}
		Spec::Render(tile) => Ok(Work::Render(tile)),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::backend::Backend;

	fn demo() -> ModelInfo {
		ModelInfo { shapes: vec![(6, 8), (8, 5), (5, 3)], seed: Some([9; 32]) }
	}

	#[test]
	fn pipeline_stages_compose_to_the_whole_model() {
		let backend = Backend::Cpu { threads: 2 };
		let spec = Spec::Mlp { model: 0, batch: 4 };
		let seed = Input::Seed([5; 32]);
		let model = demo();
		let whole = work(&spec, &seed, 0..3, Some(&model)).unwrap().run(&backend).unwrap();
		let first = work(&spec, &seed, 0..1, Some(&model)).unwrap().run(&backend).unwrap();
		let rest = work(&spec, &Input::Bytes(first), 1..3, Some(&model)).unwrap();
		assert_eq!(rest.run(&backend).unwrap(), whole);
		assert_eq!(whole.len(), 4 * 3);
	}

	#[test]
	fn a_stage_that_cannot_run_says_why() {
		let spec = Spec::Mlp { model: 7, batch: 2 };
		let seed = Input::Seed([1; 32]);
		assert_eq!(work(&spec, &seed, 0..1, None), Err(StageError::UnknownModel(7)));
		let hosted = ModelInfo { seed: None, ..demo() };
		assert_eq!(work(&spec, &seed, 0..1, Some(&hosted)), Err(StageError::HostedWeights(7)));
		assert_eq!(
			work(&spec, &seed, 2..4, Some(&demo())),
			Err(StageError::Layers { range: 2..4, model_layers: 3 })
		);
		assert_eq!(work(&spec, &seed, 1..3, Some(&demo())), Err(StageError::NotFetched));
		let remote = Input::Content { hash: [0; 32], uri: "http://x".into() };
		assert_eq!(work(&spec, &remote, 0..3, Some(&demo())), Err(StageError::NotFetched));
		let short = Input::Bytes(vec![0; 11]);
		assert_eq!(
			work(&spec, &short, 0..3, Some(&demo())),
			Err(StageError::BadInput(BadInput { needed: 12, given: 11 }))
		);
	}

	#[test]
	fn gemm_and_render_take_their_spec() {
		let shape = Shape { m: 2, n: 3, k: 4 };
		let gemm = work(&Spec::Gemm(shape), &Input::Seed([3; 32]), 0..0, None).unwrap();
		assert_eq!(gemm, Work::seeded_gemm([3; 32], shape));
		let bytes = Input::Bytes(vec![1; 20]);
		assert!(matches!(work(&Spec::Gemm(shape), &bytes, 0..0, None), Ok(Work::Gemm { .. })));
		let tile =
			Tile { width: 3, height: 2, max_iterations: 9, center_re: 0, center_im: 0, step: 1 };
		assert_eq!(
			work(&Spec::Render(tile), &Input::Seed([0; 32]), 0..0, None),
			Ok(Work::Render(tile))
		);
	}
}
