//! Records kept by the jobs pallet: workloads, models, jobs and their stages, receipts, timers
//! and parameters.

use alloc::vec::Vec;
use cinder_primitives::{JobId, ModelId, RewardEpochIndex, StageIndex, WorkloadId};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::*, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

use crate::{BalanceOf, Config};

/// `BlockNumberFor` for the records.
pub type BlockNumberFor<T> = frame_system::pallet_prelude::BlockNumberFor<T>;

/// A deterministic kernel kind the worker implements. Every kind is integer-only, so every
/// GPU, lavapipe and the CPU reference give the same bits.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum WorkloadKind {
	/// C = A·B with A (M×K) and B (K×N) of i8 and C of i32. Work: M·N·K MACs.
	Int8Gemm,
	/// Inference of a registered int8 MLP: per layer an i8×i8→i32 product, bias, gemmlowp
	/// requantization to i8 and integer ReLU. Work: batch · Σ inputs·outputs MACs.
	Int8Mlp,
	/// A fixed-point (Q16.16) escape-time fractal tile, RGBA8 output. Work: width · height ·
	/// max_iterations (the worst case; never measured).
	RenderTile,
}

/// How verifiers check a receipt of a workload.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum VerificationMethod {
	/// Freivalds' test over a prime field, `rounds` random vectors (GEMM outputs).
	Freivalds { rounds: u8 },
	/// Each verifier of the sampling committee recomputes `tiles` rows of the output, drawn
	/// from its own secret after the receipt is in, fetched in their tiles with Merkle proofs
	/// under the receipt's root (a dispute recomputes the whole output).
	TileSampling { tiles: u16 },
}

impl VerificationMethod {
	/// Probability that one check catches a result faked whole. A Freivalds round with a 0/1
	/// vector misses a wrong product with probability at most ½ (a random vector over the
	/// field, at most 1/p, is only better), so `r` rounds catch it with at least 1 − 2⁻ʳ. Tile
	/// sampling recomputes tiles of an output that is wrong everywhere, so the first tile
	/// catches it. A partial fake of a fraction ρ is caught with 1 − (1 − ρ)ˢ ≥ ρ: relative
	/// to the work it saves it is no easier to hide, so the whole fake is the case to price.
	pub fn detection(self) -> Perbill {
		use sp_runtime::PerThing;
		match self {
			VerificationMethod::Freivalds { rounds } => {
				let rounds = rounds.min(30) as u32;
				if rounds == 0 {
					return Perbill::zero();
				}
				let miss = Perbill::from_rational(1u32, 1u32 << rounds);
				miss.left_from_one()
			}
			VerificationMethod::TileSampling { tiles: 0 } => Perbill::zero(),
			VerificationMethod::TileSampling { .. } => Perbill::one(),
		}
	}

	/// Whether a check recomputes a sample of the output rather than checking all of it: an
	/// honest verifier can then miss a fake confined to the rest (a Freivalds test covers the
	/// whole product).
	pub fn samples(self) -> bool {
		matches!(self, VerificationMethod::TileSampling { .. })
	}
}

/// A workload: a kernel kind with its limits, its work-unit calibration and how it is verified.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Workload {
	/// The kernel kind.
	pub kind: WorkloadKind,
	/// Hash of the kernel the worker must run (WGSL source, entry point, version).
	pub kernel_hash: [u8; 32],
	/// How receipts are checked.
	pub verification: VerificationMethod,
	/// Work units 1 IB does in a minute on this kernel (converts work units to IBM).
	pub ref_units_per_ib_minute: u64,
	/// Largest job, in work units.
	pub max_work_units: u64,
	/// Largest dimension (M, N, K, batch, width, height, iterations).
	pub max_dimension: u32,
	/// Largest inline input, in bytes.
	pub max_input_bytes: u32,
	/// Bytes per output tile (the Merkle leaves of a receipt).
	pub tile_bytes: u32,
	/// Whether new jobs may use it.
	pub enabled: bool,
}

/// Shape of one dense layer of a model.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct LayerShape {
	/// Input features.
	pub inputs: u32,
	/// Output features.
	pub outputs: u32,
}

/// Where a model's weights come from.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum ModelWeights {
	/// Generated from this seed (synthetic models for tests and demos), identically by worker
	/// and verifier.
	Seeded([u8; 32]),
	/// A file that hosts serve by its content hash.
	Hosted,
}

/// A registered model.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(MaxLayers))]
pub struct Model<MaxLayers: Get<u32>> {
	/// Content hash of the weights file (or of the seeded weights).
	pub hash: [u8; 32],
	/// Size of the weights in bytes.
	pub size_bytes: u64,
	/// The layers, in order; each layer's inputs are the previous layer's outputs.
	pub layers: BoundedVec<LayerShape, MaxLayers>,
	/// Where the weights come from.
	pub weights: ModelWeights,
}

/// A model in the genesis config.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
pub struct GenesisModel {
	/// Content hash of the weights.
	pub hash: [u8; 32],
	/// Size of the weights in bytes.
	pub size_bytes: u64,
	/// The layers.
	pub layers: Vec<LayerShape>,
	/// Where the weights come from.
	pub weights: ModelWeights,
}

/// Jobs submitted for a model, per reward epoch (marketplace demand).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
)]
pub struct ModelDemand {
	/// The epoch `jobs` counts.
	pub epoch: RewardEpochIndex,
	/// Jobs submitted in `epoch`.
	pub jobs: u32,
	/// Jobs submitted in the epoch before `epoch` (0 if it had none).
	pub previous_epoch_jobs: u32,
}

/// What to compute: the kernel's dimensions. Work units are derived from it on-chain.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum JobSpec {
	/// C (M×N, i32) = A (M×K, i8) · B (K×N, i8).
	Int8Gemm { m: u32, n: u32, k: u32 },
	/// `batch` input rows through every layer of `model`.
	Int8Mlp { model: ModelId, batch: u32 },
	/// A `width`×`height` tile of the escape-time fractal centred at (`center_re`,
	/// `center_im`) with `step` between pixels, all Q16.16, at most `max_iterations` each.
	RenderTile {
		width: u32,
		height: u32,
		max_iterations: u32,
		center_re: i32,
		center_im: i32,
		step: i32,
	},
}

/// A job's input.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(MaxInline, MaxUri))]
pub enum JobInput<MaxInline: Get<u32>, MaxUri: Get<u32>> {
	/// Generated from the seed, identically by worker and verifier (synthetic and benchmark
	/// inputs; the only input of a render tile).
	Seed([u8; 32]),
	/// The input bytes themselves (at most the workload's `max_input_bytes`).
	Inline(BoundedVec<u8, MaxInline>),
	/// Bytes fetched from `uri` whose blake2-256 hash is `hash`.
	Content { hash: [u8; 32], uri: BoundedVec<u8, MaxUri> },
}

/// Service class of a job.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum JobClass {
	/// Any eligible worker.
	Standard,
	/// Only idle workers that opted in to background jobs; pays `background_price_percent` of
	/// the worker's price and gets `background_deadline_percent` of the normal time.
	Background,
	/// An MLP split into `stages` contiguous layer ranges on distinct workers hosting the
	/// model; stage i's input is stage i−1's output commitment. Earns
	/// `pipeline_multiplier_percent` of the normal reward.
	Pipeline { stages: StageIndex },
}

/// What to do when no worker can take a job now.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum WhenNoWorker {
	/// Wait in the queue (escrow held) until a worker is free, or until the requested deadline
	/// or `queue_blocks` pass, whichever comes first.
	Queue,
	/// Fail the call with the reason.
	Fail,
}

/// Where a job is.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum JobStatus<BlockNumber> {
	/// Waiting for a worker until block `until`.
	Queued { until: BlockNumber },
	/// Assigned; stages are running, verifying or settled.
	Running,
	/// Every stage settled; the rest of the escrow was refunded.
	Completed,
	/// Ended without completing; the rest of the escrow was refunded.
	Failed(JobFailure),
	/// Withdrawn from the queue by its submitter; the escrow was refunded.
	Cancelled,
}

impl<BlockNumber> JobStatus<BlockNumber> {
	/// Whether the job holds escrow and may still change.
	pub fn is_open(&self) -> bool {
		matches!(self, JobStatus::Queued { .. } | JobStatus::Running)
	}
}

/// Why a job failed.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum JobFailure {
	/// A stage missed `max_attempts` deadlines.
	TooManyMissedDeadlines,
	/// A stage missed its deadline or was found wrong, and no other worker could take it.
	NoWorkerForReassignment,
	/// A stage was found wrong, or failed `max_attempts` times with at least one wrong result.
	WrongResult,
	/// No worker took it before its queue time ran out.
	QueueExpired,
	/// No serving verifier could check a sampled stage's receipt (none served, or those drawn
	/// stayed silent through every redraw): the stage is not paid and the escrow is refunded.
	Unverifiable,
}

/// Where a stage is.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum StageState<Balance, BlockNumber> {
	/// No worker yet (the job is queued).
	Unassigned,
	/// Assigned, waiting for the previous stage's output (later pipeline stages).
	Waiting,
	/// Computing; the receipt is due by `deadline` (inclusive). A delivered receipt is kept in
	/// the worker's [`Assignment`], not here, so that a batch of receipts writes one record per
	/// worker instead of one per job; [`Pallet::job`](crate::Pallet::job) shows such a stage as
	/// `Verifying`.
	Running { deadline: BlockNumber },
	/// Receipt recorded; accepted at `accept_at`, or when the verifier decides (`None`). Only
	/// in the view [`Pallet::job`](crate::Pallet::job) gives; the stored stage stays `Running`
	/// until it settles.
	Verifying { accept_at: Option<BlockNumber> },
	/// Accepted and paid: `fee` moved from the escrow to the fee collector.
	Settled { fee: Balance },
}

/// A proof-of-work receipt as recorded.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct Receipt<BlockNumber> {
	/// Binary Merkle root over the output tiles.
	pub output_root: [u8; 32],
	/// Output size in bytes.
	pub output_len: u64,
	/// Number of output tiles.
	pub tile_count: u32,
	/// Time the worker measured, for information only (never a payment basis).
	pub elapsed_ms: u32,
	/// Block the receipt was recorded in.
	pub submitted_at: BlockNumber,
}

/// A stage a worker holds — running, waiting for its input, or delivered and verifying — and
/// its receipt once delivered. A worker's assignments are one storage record, so a batch of its
/// receipts is recorded with one write.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct Assignment<BlockNumber> {
	/// The job.
	pub job: JobId,
	/// The stage.
	pub stage: StageIndex,
	/// The receipt, once delivered.
	pub delivered: Option<Delivery<BlockNumber>>,
	/// The last block its receipt is on time in, once its clock runs (none while it waits
	/// for its input). A stage given to the worker later starts its clock when the receipts
	/// the worker still owes are due: a worker does its stages one after another.
	pub due: Option<BlockNumber>,
	/// The chain refused a receipt for it as `Congested` (its verifier's intake or the
	/// block's timers were full) since its deadline was last set: the worker is not at fault,
	/// so a deadline that passes moves on once for it, with no slash and no reliability lost.
	pub refused: bool,
}

impl<BlockNumber> Assignment<BlockNumber> {
	/// A stage just given to a worker.
	pub fn new(job: JobId, stage: StageIndex) -> Self {
		Self { job, stage, delivered: None, due: None, refused: false }
	}

	/// Whether this is `(job, stage)`.
	pub fn is(&self, job: JobId, stage: StageIndex) -> bool {
		self.job == job && self.stage == stage
	}
}

/// A delivered receipt waiting for verification.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct Delivery<BlockNumber> {
	/// The receipt.
	pub receipt: Receipt<BlockNumber>,
	/// The block the challenge window ends, or `None` while the verifier decides.
	pub accept_at: Option<BlockNumber>,
}

/// One stage of a job (single-stage jobs have exactly one).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Stage<T: Config> {
	/// First model layer of the stage (0 for non-pipeline jobs).
	pub first_layer: u32,
	/// Number of model layers in the stage (0 for jobs without a model).
	pub layers: u32,
	/// Work units of the stage.
	pub work_units: u64,
	/// Output bytes of the stage.
	pub output_len: u64,
	/// The assigned worker.
	pub worker: Option<T::AccountId>,
	/// Price per IBM the worker is paid at (its price when assigned, scaled for the class).
	pub price_per_ibm: BalanceOf<T>,
	/// Blocks the worker has from the stage's start (from its IB when assigned).
	pub time_blocks: BlockNumberFor<T>,
	/// Where the stage is.
	pub state: StageState<BalanceOf<T>, BlockNumberFor<T>>,
	/// The receipt, once recorded.
	pub receipt: Option<Receipt<BlockNumberFor<T>>>,
	/// Workers that failed this stage, by missing its deadline or by a wrong result (never
	/// assigned it again).
	pub failed_by: BoundedVec<T::AccountId, T::MaxAttempts>,
}

/// A job.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Job<T: Config> {
	/// Who submitted and pays.
	pub submitter: T::AccountId,
	/// The submitter, if it runs a Manager (gateway) node.
	pub manager: Option<T::AccountId>,
	/// The workload.
	pub workload: WorkloadId,
	/// What to compute.
	pub spec: JobSpec,
	/// The input.
	pub input: JobInput<T::MaxInlineInput, T::MaxUriLen>,
	/// The service class.
	pub class: JobClass,
	/// Highest price per IBM the submitter accepts.
	pub max_price_per_ibm: BalanceOf<T>,
	/// Escrow still held: the worst-case fee less what settled stages charged.
	pub escrow: BalanceOf<T>,
	/// Held for this record's storage until it is pruned, `retention` blocks after the job
	/// ends, and then returned.
	pub deposit: BalanceOf<T>,
	/// Work units of the whole job.
	pub work_units: u64,
	/// The workload's calibration when the job was submitted; fees use it even if the
	/// workload is recalibrated later.
	pub ref_units_per_ib_minute: u64,
	/// The workload's output tile size when the job was submitted: receipts count tiles of
	/// this size even if the workload changes later.
	pub tile_bytes: u32,
	/// The workload's verification method when the job was submitted.
	pub verification: VerificationMethod,
	/// Last block by which the submitter wants the result, if any.
	pub requested_deadline: Option<BlockNumberFor<T>>,
	/// Block of submission.
	pub submitted_at: BlockNumberFor<T>,
	/// Where the job is.
	pub status: JobStatus<BlockNumberFor<T>>,
	/// The stages, in order.
	pub stages: BoundedVec<Stage<T>, T::MaxStages>,
}

/// One receipt in a `submit_receipts` batch.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct ReceiptEntry {
	/// The job.
	pub job: JobId,
	/// The stage (0 unless the job is a pipeline).
	pub stage: StageIndex,
	/// Binary Merkle root over the output tiles.
	pub output_root: [u8; 32],
	/// Output size in bytes (must equal the size the spec gives).
	pub output_len: u64,
	/// Number of output tiles (must equal ⌈output_len / tile_bytes⌉).
	pub tile_count: u32,
	/// Time the worker measured, for information.
	pub elapsed_ms: u32,
}

/// Why one receipt of a batch was rejected (the others are unaffected).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum ReceiptRejection {
	/// No such job.
	UnknownJob,
	/// The job has no such stage.
	UnknownStage,
	/// The job is not running (queued, completed, failed or cancelled).
	JobNotRunning,
	/// The sender is not the worker assigned to the stage.
	NotAssigned,
	/// The stage already has a receipt.
	Duplicate,
	/// The stage's deadline has passed.
	Late,
	/// The previous pipeline stage has no receipt yet, so this stage has no input.
	StageOutOfOrder,
	/// `output_len` differs from the size the job's spec gives.
	WrongOutputSize,
	/// `tile_count` differs from ⌈output_len / tile_bytes⌉.
	WrongTileCount,
	/// No room to schedule the acceptance, or the verifier's intake is full: submit it again
	/// in a later block. The chain, not the worker, turned it away, so if the stage's deadline
	/// passes meanwhile it moves on by `min_deadline_blocks` (`DeadlineExtended`), with no
	/// slash and no reliability lost.
	Congested,
}

/// What a timer does when its block comes.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum TimerKind {
	/// The stage's deadline passed: if no receipt came, reassign it.
	Deadline,
	/// The stage's challenge window ended: accept its receipt.
	Accept,
}

/// A timer set for a stage.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct Timer {
	/// The job.
	pub job: JobId,
	/// The stage.
	pub stage: StageIndex,
	/// What to do.
	pub kind: TimerKind,
}

/// Governance parameters of the jobs market.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct JobsParams<BlockNumber> {
	/// Jobs (stages) a worker holds at once, running or verifying (at most `MaxJobsPerWorker`).
	pub slots_per_worker: u32,
	/// A worker gets this percentage of the time its IB needs for the work (≥ 100).
	pub deadline_slack_percent: u32,
	/// Blocks added to every deadline (inclusion delay, fetching input).
	pub min_deadline_blocks: BlockNumber,
	/// Most blocks a worker may be given for one stage (its own time for it, slack and
	/// background factor included): a worker too slow to finish a stage within it does not
	/// fit, so a swarm of tiny bonded nodes cannot hold stages for months (more than
	/// `min_deadline_blocks`).
	pub max_stage_blocks: BlockNumber,
	/// Deadlines a stage may miss before the job fails.
	pub max_attempts: u8,
	/// Most blocks a queued job waits for a worker (less when its requested deadline is
	/// sooner).
	pub queue_blocks: BlockNumber,
	/// Blocks an ended job's record stays after it ends (for `JobsApi::job` and `cinder-worker
	/// job result`) before it is pruned and its deposit returned; a receipt of it still under
	/// check keeps it longer, until its verdict. A pruned job's result stays findable from its
	/// events (`ReceiptAccepted` holds each stage's output root) and the worker's data
	/// server.
	pub retention: BlockNumber,
	/// Share of a worker's price that Background jobs pay, in percent (≤ 100).
	pub background_price_percent: u32,
	/// Background jobs get this percentage of the normal deadline (≥ 100).
	pub background_deadline_percent: u32,
	/// Reward multiplier of Background work, in percent.
	pub background_multiplier_percent: u32,
	/// Reward multiplier of Pipeline work, in percent.
	pub pipeline_multiplier_percent: u32,
	/// Share of its bond a worker loses for a missed deadline.
	pub timeout_slash: Perbill,
}
