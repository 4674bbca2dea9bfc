//! # Jobs
//!
//! Cinder's compute market: what can be computed, who computes it, and the proof that it was.
//!
//! - **Workloads** (admin): deterministic integer kernels the worker implements — int8 GEMM,
//!   int8 MLP inference over a registered model, a fixed-point render tile — with their limits,
//!   their calibration `ref_units_per_ib_minute` (work units → IBM) and their verification method.
//!   Work units are computed on-chain from the job's spec (an M×N×K GEMM is M·N·K MACs); never
//!   self-reported.
//! - **Models** (admin): content hash, size, layer shapes, and seeded or hosted weights. Workers
//!   list the models they host in the node registry; jobs per model per reward epoch are counted.
//! - **Jobs**: [`submit_job`](Pallet::submit_job) holds the worst-case fee (IBM × the submitter's
//!   maximum price) in escrow and routes the job on-chain: a weighted random draw (weight =
//!   reliability × IB, randomness from BABE) among eligible workers in the job's pool that ask at
//!   most the maximum price, have a free slot and can meet the deadline (see `routing.rs`). With
//!   no such worker the job waits in a bounded queue or the call fails with the reason, as the
//!   submitter chose. The queue is retried a few jobs a block, and a job that still finds no
//!   worker goes to the back, so no number of unroutable jobs ahead holds one back; a queued job
//!   expires on its own schedule at its deadline or after `queue_blocks`, whichever is sooner.
//!   Pipeline jobs split a model's layers over distinct workers; stage i starts when stage i−1's
//!   receipt arrives.
//! - **Deadlines** follow from the work and the worker's IB with slack. A missed deadline slashes
//!   `timeout_slash` of the worker's bond, lowers its reliability and reassigns the stage to
//!   another worker, up to `max_attempts`.
//! - **Receipts**: [`submit_receipts`](Pallet::submit_receipts) carries up to
//!   `MaxReceiptsPerCall` receipts. Each entry is checked on its own: a rejected entry emits
//!   [`Event::ReceiptRejected`] with its reason and the rest of the batch still counts, so one
//!   stale entry never costs a worker a whole batch. A batch is recorded with one write, into
//!   the worker's [`Assignments`], whatever its size; the receipts move into their jobs when
//!   the stages settle ([`Pallet::job`] shows both together). Accepted receipts go to
//!   [`Config::Verifier`], which either names the block the challenge window ends (then the
//!   stage settles by itself) or reports later through [`JobSettlement`].
//! - **Settlement** charges F = IBM × the worker's price from the escrow to the fee collector,
//!   refunds the rest when the last stage settles, and reports the verified IBM with the class
//!   multiplier to [`Config::Rewards`] (the BMW pallet).
//! - **Pruning** ([`pruning`]): a job's record is paid for by a deposit held from its submitter
//!   (`JobDepositBase` plus `JobDepositPerByte` for each byte of the record). `retention`
//!   blocks after the job ends, `on_idle` removes the record and returns the deposit
//!   ([`Event::JobPruned`]); its result stays findable from its events and the worker's data
//!   server.
//!
//! Invariants ([`Pallet::do_try_state`]): the escrow held from each account equals the escrow of
//! its open jobs, and its deposit the deposits of its jobs; every ended job is due to be
//! pruned; no job is both settled and open; assignments, the queue and job records agree.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod pruning;
mod receipts;
mod routing;
pub mod runtime_api;
mod settlement;
mod submission;
mod timers;
pub mod types;
pub mod weights;
mod workloads;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
#[cfg(test)]
mod tests;

pub use cinder_primitives::{
	ComputeStake, Ibm, JobId, JobSettlement, ModelId, ReceiptSubmitted, ReceiptVerifier,
	ReliabilityEvents, RewardEpochs, SettledWork, StageIndex, VerificationPlan, VerifierBusy,
	WorkRewards, WorkerDirectory, WorkerPool, WorkloadId,
};
pub use pallet::*;
pub use settlement::AcceptAfterWindow;
pub use timers::TIMER_SPILL;
pub use types::*;
pub use weights::WeightInfo;

/// Balance type of fees and escrow.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

/// A batch of receipts.
pub type ReceiptBatch<T> =
	frame_support::BoundedVec<ReceiptEntry, <T as Config>::MaxReceiptsPerCall>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, InspectHold, Mutate, MutateHold},
			Randomness,
		},
	};
	use frame_system::pallet_prelude::{BlockNumberFor, *};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency escrow is held in and fees are paid in (pallet-balances).
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, of which [`HoldReason`] is a part.
		type RuntimeHoldReason: From<HoldReason>;

		/// Workers by routing pool, and what routing reads about them (the node registry).
		type Workers: WorkerDirectory<Self::AccountId, BalanceOf<Self>>;

		/// Worker eligibility and the timeout slash (compute-staking).
		type Stake: ComputeStake<Self::AccountId, BalanceOf<Self>, Error = DispatchError>;

		/// Where on-time and late deliveries are reported (the node registry's reliability).
		type Reliability: ReliabilityEvents<Self::AccountId>;

		/// Decides when receipts are accepted (the verification pallet, or
		/// [`AcceptAfterWindow`] until it exists).
		type Verifier: ReceiptVerifier<Self::AccountId, BalanceOf<Self>, BlockNumberFor<Self>>;

		/// Receives settled work for emission (the BMW pallet; `()` until it exists).
		type Rewards: WorkRewards<Self::AccountId, BalanceOf<Self>>;

		/// Routing randomness: BABE's per-block VRF output (`ParentBlockRandomness`), unknown
		/// before the block, so a submitter cannot pick its worker. Never an insecure source.
		type Randomness: Randomness<Option<Self::Hash>, BlockNumberFor<Self>>;

		/// The current compute reward epoch (for model demand and settled work).
		type Epochs: RewardEpochs;

		/// Who registers workloads and models and sets parameters (root or governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The account fees are paid to when jobs settle (burned and split by the BMW pallet).
		/// It must exist (hold at least the existential deposit).
		type FeeCollector: Get<Self::AccountId>;

		/// Block time, to turn work durations into deadlines.
		#[pallet::constant]
		type MillisecsPerBlock: Get<u64>;

		/// Longest inline input any workload may allow.
		#[pallet::constant]
		type MaxInlineInput: Get<u32>;

		/// Longest input URI.
		#[pallet::constant]
		type MaxUriLen: Get<u32>;

		/// Most layers of a model.
		#[pallet::constant]
		type MaxLayers: Get<u32>;

		/// Most stages of a pipeline job.
		#[pallet::constant]
		type MaxStages: Get<u32>;

		/// Most deadlines one stage may miss (bounds `max_attempts`).
		#[pallet::constant]
		type MaxAttempts: Get<u32>;

		/// Most jobs (stages) one worker holds at once (bounds `slots_per_worker`).
		#[pallet::constant]
		type MaxJobsPerWorker: Get<u32>;

		/// Longest job queue.
		#[pallet::constant]
		type MaxQueueLen: Get<u32>;

		/// Most queued jobs retried per block (in `on_idle`).
		#[pallet::constant]
		type MaxQueueRetriesPerBlock: Get<u32>;

		/// Most receipts in one `submit_receipts` call.
		#[pallet::constant]
		type MaxReceiptsPerCall: Get<u32>;

		/// Most timers (deadlines and acceptances) due in one block.
		#[pallet::constant]
		type MaxTimersPerBlock: Get<u32>;

		/// Most deadlines due in one block (at most `MaxTimersPerBlock`). A missed deadline
		/// reroutes its stage, which costs a routing scan, so this bounds `on_initialize`.
		#[pallet::constant]
		type MaxDeadlinesPerBlock: Get<u32>;

		/// Most weighted draws from the pool routing makes for one stage (see
		/// [`crate::routing`]); each costs `⌈log₂ pool size⌉` reads.
		#[pallet::constant]
		type MaxRouteDraws: Get<u32>;

		/// Part of a job's storage deposit for the record and its pruning entry, whatever its
		/// size.
		#[pallet::constant]
		type JobDepositBase: Get<BalanceOf<Self>>;

		/// Part of a job's storage deposit per byte of its encoded record (an inline input
		/// costs its bytes).
		#[pallet::constant]
		type JobDepositPerByte: Get<BalanceOf<Self>>;

		/// Weights of the calls and hooks.
		type WeightInfo: WeightInfo;

		/// Makes eligible workers for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A submitter's escrow for a job's worst-case fee.
		#[codec(index = 0)]
		JobEscrow,
		/// A submitter's deposit for a job's record, returned when it is pruned.
		#[codec(index = 1)]
		JobDeposit,
	}

	/// Market parameters: slots, deadlines, attempts, queueing, class prices and multipliers.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, JobsParams<BlockNumberFor<T>>, OptionQuery>;

	/// Registered workloads.
	#[pallet::storage]
	pub type Workloads<T> = StorageMap<_, Twox64Concat, WorkloadId, Workload>;

	/// Id of the next workload.
	#[pallet::storage]
	pub type NextWorkloadId<T> = StorageValue<_, WorkloadId, ValueQuery>;

	/// Registered models.
	#[pallet::storage]
	pub type Models<T: Config> = StorageMap<_, Twox64Concat, ModelId, Model<T::MaxLayers>>;

	/// Id of the next model.
	#[pallet::storage]
	pub type NextModelId<T> = StorageValue<_, ModelId, ValueQuery>;

	/// Jobs submitted per model in the current and previous reward epoch.
	#[pallet::storage]
	pub type Demand<T> = StorageMap<_, Twox64Concat, ModelId, ModelDemand, ValueQuery>;

	/// Every job, open or ended `retention` blocks ago at most (then pruned).
	#[pallet::storage]
	pub type Jobs<T: Config> = StorageMap<_, Twox64Concat, JobId, Job<T>>;

	/// Ended jobs by the block from which they are pruned (`retention` blocks after they
	/// ended), pruned in `on_idle` from [`PruneCursor`] on.
	#[pallet::storage]
	pub type PruneAt<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, JobId, (), OptionQuery>;

	/// The oldest block of [`PruneAt`] that may still hold jobs to prune.
	#[pallet::storage]
	pub type PruneCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// Id of the next job.
	#[pallet::storage]
	pub type NextJobId<T> = StorageValue<_, JobId, ValueQuery>;

	/// Queued jobs by the block their time in the queue is up (`until + 1`), expired in
	/// `on_initialize` whether or not blocks leave room to retry the queue. An entry goes when
	/// its job is routed or cancelled, so there are never more than `MaxQueueLen`, and they
	/// never take the stage timers' room.
	#[pallet::storage]
	pub type QueueExpiries<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, JobId, (), OptionQuery>;

	/// Jobs waiting for a worker, in the order they are retried (a retry that finds no worker
	/// moves its job to the back).
	#[pallet::storage]
	pub type Queue<T: Config> = StorageValue<_, BoundedVec<JobId, T::MaxQueueLen>, ValueQuery>;

	/// The stages each worker holds (running, waiting or verifying): its used slots, and the
	/// receipts it delivered that wait for verification.
	#[pallet::storage]
	pub type Assignments<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<Assignment<BlockNumberFor<T>>, T::MaxJobsPerWorker>,
		ValueQuery,
	>;

	/// Deadlines and acceptances due at each block.
	#[pallet::storage]
	pub type Timers<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<Timer, T::MaxTimersPerBlock>,
		ValueQuery,
	>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Initial parameters; `None` uses [`Pallet::default_params`].
		pub params: Option<JobsParams<BlockNumberFor<T>>>,
		/// Workloads, given ids 0, 1, …
		pub workloads: alloc::vec::Vec<Workload>,
		/// Models, given ids 0, 1, …
		pub models: alloc::vec::Vec<GenesisModel>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let params = self.params.unwrap_or_else(Pallet::<T>::default_params);
			assert!(Pallet::<T>::params_are_valid(&params), "invalid jobs params");
			Params::<T>::put(params);
			for workload in &self.workloads {
				Pallet::<T>::insert_workload(*workload).expect("valid genesis workload");
			}
			for model in &self.models {
				let model = Model {
					hash: model.hash,
					size_bytes: model.size_bytes,
					layers: BoundedVec::try_from(model.layers.clone())
						.expect("genesis model within MaxLayers"),
					weights: model.weights,
				};
				Pallet::<T>::insert_model(model).expect("valid genesis model");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A workload was registered.
		WorkloadRegistered { workload: WorkloadId, kind: WorkloadKind },
		/// A workload was replaced (limits, calibration, verification or `enabled`).
		WorkloadUpdated { workload: WorkloadId, enabled: bool },
		/// A model was registered.
		ModelRegistered { model: ModelId, hash: [u8; 32], layers: u32 },
		/// `submitter` submitted `job`; `escrow` (the worst-case fee) and `deposit` (for the
		/// job's record, returned when it is pruned) are held.
		JobSubmitted {
			job: JobId,
			submitter: T::AccountId,
			workload: WorkloadId,
			class: JobClass,
			work_units: u64,
			escrow: BalanceOf<T>,
			deposit: BalanceOf<T>,
		},
		/// No worker could take `job` now; it waits until block `until`.
		JobQueued { job: JobId, until: BlockNumberFor<T> },
		/// `worker` took stage `stage` of `job` at `price_per_ibm`; its receipt is due by
		/// `deadline` (`None` while it waits for the previous stage).
		StageAssigned {
			job: JobId,
			stage: StageIndex,
			worker: T::AccountId,
			price_per_ibm: BalanceOf<T>,
			deadline: Option<BlockNumberFor<T>>,
		},
		/// The previous stage delivered: stage `stage` of `job` runs, due by `deadline`.
		StageStarted { job: JobId, stage: StageIndex, deadline: BlockNumberFor<T> },
		/// `worker`'s receipt for `job`/`stage` is recorded; accepted at `accept_at` unless
		/// verification says otherwise (`None`: when the verifiers decide).
		ReceiptAccepted {
			job: JobId,
			stage: StageIndex,
			worker: T::AccountId,
			output_root: [u8; 32],
			accept_at: Option<BlockNumberFor<T>>,
		},
		/// A receipt from `worker` for `job`/`stage` was rejected because of `reason`; the rest
		/// of its batch is unaffected.
		ReceiptRejected {
			job: JobId,
			stage: StageIndex,
			worker: T::AccountId,
			reason: ReceiptRejection,
		},
		/// Verification found `worker`'s receipt for `job`/`stage` wrong: nothing is charged
		/// for it, and the stage goes to another worker (or the job fails).
		StageRejected { job: JobId, stage: StageIndex, worker: T::AccountId, output_root: [u8; 32] },
		/// No serving verifier could check `worker`'s receipt for `job`/`stage`: nothing is
		/// charged for it, nobody is penalized, and the job fails with its escrow refunded.
		StageUnverifiable {
			job: JobId,
			stage: StageIndex,
			worker: T::AccountId,
			output_root: [u8; 32],
		},
		/// `worker` missed the deadline of `job`/`stage`: `slashed` was taken from its bond
		/// (nothing when the chain had refused its receipt as `Congested` before the deadline
		/// and there was no room to extend it), and the stage goes to another worker.
		DeadlineMissed {
			job: JobId,
			stage: StageIndex,
			worker: T::AccountId,
			slashed: BalanceOf<T>,
		},
		/// The chain refused `worker`'s receipt for `job`/`stage` as `Congested` before its
		/// deadline: the deadline moved to `deadline` for the receipt to be sent again, with
		/// no penalty.
		DeadlineExtended {
			job: JobId,
			stage: StageIndex,
			worker: T::AccountId,
			deadline: BlockNumberFor<T>,
		},
		/// `job`/`stage` settled: `fee` was charged for `ibm` of `worker`'s verified work.
		StageSettled {
			job: JobId,
			stage: StageIndex,
			worker: T::AccountId,
			ibm: Ibm,
			fee: BalanceOf<T>,
		},
		/// Every stage of `job` settled; `refund` of the escrow went back to the submitter.
		JobCompleted { job: JobId, refund: BalanceOf<T> },
		/// `job` failed because of `reason`; `refund` went back to the submitter.
		JobFailed { job: JobId, reason: JobFailure, refund: BalanceOf<T> },
		/// The submitter withdrew queued `job`; `refund` went back.
		JobCancelled { job: JobId, refund: BalanceOf<T> },
		/// Ended `job`'s record was removed `retention` blocks after it ended, and its
		/// `deposit` went back to `submitter`. Its events keep its result (each stage's output
		/// root is in `ReceiptAccepted`).
		JobPruned { job: JobId, submitter: T::AccountId, deposit: BalanceOf<T> },
		/// The parameters changed.
		ParamsSet { params: JobsParams<BlockNumberFor<T>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No workload with this id.
		UnknownWorkload,
		/// The workload is disabled.
		WorkloadDisabled,
		/// The spec is for another kind of workload.
		SpecMismatch,
		/// A dimension is zero or above the workload's `max_dimension`.
		DimensionOutOfRange,
		/// The job's work units exceed the workload's `max_work_units`.
		TooMuchWork,
		/// No model with this id.
		UnknownModel,
		/// The inline input is longer than the workload's `max_input_bytes`.
		InputTooLarge,
		/// The inline input's length differs from what the spec needs.
		InputSizeMismatch,
		/// This workload takes no such input (a render tile takes only a seed).
		InputNotSupported,
		/// Pipelines need an MLP workload.
		PipelineNeedsModel,
		/// A pipeline needs 2 to min(layers, `MaxStages`) stages.
		InvalidStages,
		/// The maximum price must be more than zero.
		ZeroPrice,
		/// The requested deadline is before `min_deadline_blocks` from now.
		DeadlineTooSoon,
		/// The fee does not fit in a balance.
		FeeOverflow,
		/// The free balance cannot cover the escrow (the worst-case fee at the maximum price).
		CannotAffordEscrow,
		/// The free balance cannot cover the job's storage deposit on top of its escrow
		/// (`JobDepositBase` plus `JobDepositPerByte` per byte of the record; an inline input
		/// costs its bytes): top up, or pass a large input by URI.
		CannotAffordDeposit,
		/// No eligible worker (bonded, online, hosting the model, with a free slot, fast enough)
		/// can take the job now.
		NoEligibleWorker,
		/// Eligible workers with free slots exist, but every one asks more than the maximum price.
		PriceBelowEveryWorker,
		/// The job queue is full.
		QueueFull,
		/// Too many deadlines fall in the coming blocks; try again shortly.
		TimersFull,
		/// No job with this id.
		UnknownJob,
		/// Only the submitter may do this.
		NotSubmitter,
		/// Only a queued job can be cancelled.
		NotQueued,
		/// The batch is empty.
		EmptyBatch,
		/// No stage of this job waits for a verdict.
		NotVerifying,
		/// Invalid workload: zero calibration, tile size or limits, or Freivalds for a kernel
		/// that is not a GEMM.
		InvalidWorkload,
		/// Invalid model: no layers, a zero dimension, consecutive layers that do not chain, or
		/// a size smaller than its weights.
		InvalidModel,
		/// Invalid parameters: slots must be 1‥`MaxJobsPerWorker`, attempts 1‥`MaxAttempts`,
		/// slack and background deadline ≥ 100 %, background price 1‥100 %.
		InvalidParams,
		/// Workers that could take the job exist, but none has bonded enough for verification
		/// to make faking a stage this large lose money (a stage's value at most about half a
		/// worker's fault penalty). Split the work into smaller jobs, or wait for a worker with
		/// a larger bond.
		JobTooLargeForEveryBond,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Fires the timers due now: missed deadlines (reassign or fail) and ended challenge
		/// windows (settle).
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::fire_timers(now).saturating_add(Self::expire_queued(now))
		}

		/// Retries queued jobs while the block has room, then prunes ended jobs whose
		/// retention is over with what room is left.
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			let used = Self::retry_queue(now, remaining);
			used.saturating_add(Self::prune_ended(now, remaining.saturating_sub(used)))
		}

		fn integrity_test() {
			assert!(
				(1..=StageIndex::MAX as u32).contains(&T::MaxStages::get()),
				"MaxStages must be 1‥255: stage indices are u8"
			);
			assert!(
				(1..=u8::MAX as u32).contains(&T::MaxAttempts::get()),
				"MaxAttempts must be 1‥255: max_attempts is a u8"
			);
			assert!(T::MaxRouteDraws::get() > 0, "routing must draw at least one worker");
			assert!(
				(1..=T::MaxTimersPerBlock::get()).contains(&T::MaxDeadlinesPerBlock::get()),
				"MaxDeadlinesPerBlock must be 1‥MaxTimersPerBlock"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_block: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a workload; it gets the next id.
		///
		/// - `origin`: `AdminOrigin`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_workload())]
		pub fn register_workload(origin: OriginFor<T>, workload: Workload) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::insert_workload(workload)?;
			Ok(())
		}

		/// Replace a workload (e.g. recalibrate, or disable it for new jobs). Jobs already
		/// submitted keep the work and price they were submitted with.
		///
		/// - `origin`: `AdminOrigin`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_workload())]
		pub fn update_workload(
			origin: OriginFor<T>,
			id: WorkloadId,
			workload: Workload,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_update_workload(id, workload)
		}

		/// Register a model; it gets the next id. Workers then list it in the registry.
		///
		/// - `origin`: `AdminOrigin`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_model(model.layers.len() as u32))]
		pub fn register_model(origin: OriginFor<T>, model: Model<T::MaxLayers>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::insert_model(model)?;
			Ok(())
		}

		/// Submit a job, holding its worst-case fee in escrow, and route it to a worker.
		///
		/// - `workload`, `spec`: what to compute; the spec must match the workload's kind.
		/// - `input`: a seed, inline bytes (≤ the workload's `max_input_bytes`, exactly the
		///   size the spec needs), or a content hash with a URI.
		/// - `max_price_per_ibm`: the highest price accepted; escrow = IBM × this.
		/// - `class`: `Standard`, `Background` or `Pipeline { stages }`.
		/// - `deadline`: the last block for the result, if any; only workers fast enough for
		///   it are chosen.
		/// - `when_no_worker`: `Queue` to wait for a worker, `Fail` to fail the call.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::submit_job(Pallet::<T>::stage_count(*class)))]
		#[allow(clippy::too_many_arguments)]
		pub fn submit_job(
			origin: OriginFor<T>,
			workload: WorkloadId,
			spec: JobSpec,
			input: JobInput<T::MaxInlineInput, T::MaxUriLen>,
			max_price_per_ibm: BalanceOf<T>,
			class: JobClass,
			deadline: Option<BlockNumberFor<T>>,
			when_no_worker: WhenNoWorker,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_job(
				who,
				workload,
				spec,
				input,
				max_price_per_ibm,
				class,
				deadline,
				when_no_worker,
			)
			.map(|_| ())
		}

		/// Withdraw a queued job and get its escrow back.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::cancel_job())]
		pub fn cancel_job(origin: OriginFor<T>, job: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_job(who, job)
		}

		/// Submit proof-of-work receipts for stages assigned to the sender, up to
		/// `MaxReceiptsPerCall` in one call. Each entry is judged on its own: a rejected one
		/// emits `ReceiptRejected` with its reason, the others are recorded. Fails only for an
		/// empty batch. The weight charged is that of the entries' actual work: a receipt that
		/// starts no pipeline stage is refunded that stage's cost.
		#[pallet::call_index(5)]
		#[pallet::weight(Pallet::<T>::submit_receipts_weight(receipts.len() as u32))]
		pub fn submit_receipts(
			origin: OriginFor<T>,
			receipts: ReceiptBatch<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_submit_receipts(who, receipts)
		}

		/// Set the market parameters.
		///
		/// - `origin`: `AdminOrigin`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(
			origin: OriginFor<T>,
			params: JobsParams<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(Self::params_are_valid(&params), Error::<T>::InvalidParams);
			Params::<T>::put(params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}
}
