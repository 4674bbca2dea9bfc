//! # Node registry
//!
//! Who Cinder's nodes are and what they can do: role (worker, verifier, manager), declared
//! hardware, HTTP endpoint, price per IBM, hosted models, idle-capacity settings, and the three
//! things the chain measures itself:
//!
//! - **IB**, compute capacity, fixed point at 10⁻⁶ IB. A claimed IB is in force only after a
//!   **timed benchmark challenge**: the registry draws a seed from BABE randomness and sizes the
//!   workload so that the claimed IB needs about `challenge_seconds`; an answer (the Merkle root
//!   over the records of the workload's parts, runs of 256³ int8 GEMMs) must be included within
//!   [`Pallet::answer_blocks`]: `challenge_seconds` with `answer_tolerance_percent` more, plus
//!   `answer_latency_blocks` (21 blocks at the defaults: a node computing at 80 % of its claim
//!   answers in time, one at 75 % does not; the on-chain elapsed time decides, and
//!   `ChallengeAnswered` says how many blocks it took). A late or missing answer rejects the
//!   claim. A
//!   timely answer goes to [`Config::BenchmarkProofs`] (the verification pallet), where a
//!   committee of verifiers (never the node itself) always checks it: each member recomputes a
//!   few parts it draws after the answer is in, fetched with their Merkle proofs from the node's
//!   data server (`cinder-worker verify`: 16 of at most 2²⁰ parts), so a check costs at most
//!   16/2²⁰ of the challenge whatever the IB claimed (under a second at 1 IB for the largest),
//!   and a node that did a fraction `f` of the parts passes a member with probability `f¹⁶`;
//!   their word comes
//!   back through [`BenchmarkOutcomes`] and confirms the claim (`independently_checked: true`)
//!   or rejects it as wrong. When no serving verifier checks it, the claim is not confirmed
//!   (`IbRejected` with reason `Unverifiable`), except on a development chain that explicitly
//!   accepts answers while no verifier serves (`independently_checked: false`, in storage and in
//!   the event). Every outcome is an event that says why. A timely answer the verifiers' queue
//!   has no room for is kept as given and handed to them as room opens, oldest first
//!   ([`AnswersWaiting`]): congestion never makes an answer late.
//! - **Spot checks** (`spot_checks.rs`): each block the chain challenges eligible workers
//!   again at random (each about once per `spot_check_every` blocks, a day by default) for the
//!   IB in force; no availability reward is earned while one is open, and a wrong, late or
//!   missing answer revokes the IB (`IbRevoked`), so confirmed capacity must stay there and
//!   one machine cannot hold confirmed IB for many accounts.
//! - **Liveness**: a heartbeat every `heartbeat_interval` blocks, counted per reward epoch; a node
//!   that misses `offline_after` intervals is offline (stops getting work) and anyone may record it
//!   with [`Pallet::mark_offline`]; its next heartbeat brings it back.
//! - **Reliability** (a `Perbill`): three exponentially weighted averages, each updated as
//!   `c ← α·sample + (1 − α)·c` with sample 100 % or 0 %:
//!   uptime (each heartbeat interval met or missed), delivery (each job on time or late, reported
//!   by the jobs pallet) and verification (each sampled receipt passed or failed, reported by the
//!   verification pallet). The score is `w_u·uptime + w_d·delivery + w_v·verification` (40/30/30 %
//!   by default). A new node starts every component at the probation value (50 %), so it must earn
//!   its way up; α = 10 % lets about 22 observations move a component halfway.
//!
//! Price and IB raises are refused unless the compute bond already covers the new S(n)
//! ([`ComputeStake::ensure_covers`]); every change that can affect eligibility is reported to the
//! stake ([`ComputeStake::profile_changed`]).
//!
//! **Deposits.** Registering holds [`Config::NodeDeposit`] (under [`HoldReason::NodeDeposit`])
//! for the storage a node takes; deregistering returns it. So a flood of registrations costs its
//! sender funds locked for as long as the nodes stay registered, not just fees.
//!
//! **Routing pools** (`pools.rs`) hold the workers the stake has stored as eligible: a worker
//! joins when it becomes eligible and leaves when it stops ([`EligibilityObserver`]), at once
//! when its own call caused it, in `on_idle` when a block hook did (a slash, a verdict), so
//! registered but unbonded or unconfirmed nodes never stand between a job and a worker that can
//! take it. Each pool is a Fenwick tree of its members' IB, so the jobs pallet draws a worker in
//! proportion to its IB in O(log n) reads at any pool size; at most `MaxNodes` nodes register.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod challenge;
mod liveness;
mod pools;
mod registration;
mod reliability;
mod spot_checks;
pub mod types;
mod verifiers;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
#[cfg(test)]
mod tests;

pub use challenge::{MAX_ANSWERS_WAITING, MAX_HANDOVERS_PER_BLOCK};
pub use cinder_primitives::{
	AvailabilityRewards, BenchmarkOutcomes, BenchmarkProofs, ChallengeId, ComputeStake,
	EligibilityObserver, Ib, JobsInFlight, NodeProfile, NodeProfiles, ProofCheck, ProofPlan,
	ReliabilityEvents, RewardEpochs, ValidatorControllers, VerifierDirectory, WorkerDirectory,
	WorkerInfo, WorkerPool,
};
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// Balance type of prices.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, InspectHold, MutateHold},
			Contains, Randomness,
		},
	};
	use frame_system::pallet_prelude::{BlockNumberFor, *};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The token prices are quoted in and node deposits are held in (pallet-balances).
		type Currency: Inspect<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, of which [`HoldReason`] is a part.
		type RuntimeHoldReason: From<HoldReason>;

		/// Held from a node's account while it is registered, for the storage it takes (its
		/// record and its places in the routing pools); returned when it deregisters.
		#[pallet::constant]
		type NodeDeposit: Get<BalanceOf<Self>>;

		/// Held from a node's account while a benchmark challenge of its IB claim is pending,
		/// for the verifiers' work on its answer: returned when the claim is decided, except
		/// after a wrong answer, which forfeits it to [`Config::PenaltyPool`].
		#[pallet::constant]
		type ClaimDeposit: Get<BalanceOf<Self>>;

		/// Where a wrong benchmark answer's claim deposit goes: the penalty pool, which pays
		/// the verifiers whose verdicts matched. It must exist.
		type PenaltyPool: Get<Self::AccountId>;

		/// The compute stake (compute-staking): S(n) checks and eligibility updates.
		type Stake: ComputeStake<Self::AccountId, BalanceOf<Self>, Error = DispatchError>;

		/// Jobs in flight per node (the jobs pallet; `()` until it exists).
		type Jobs: JobsInFlight<Self::AccountId>;

		/// Whether an account controls a validator stash (over pallet-staking).
		type Validators: ValidatorControllers<Self::AccountId>;

		/// Checks answers to benchmark challenges: the verification pallet, whose verdicts come
		/// back through this pallet's [`BenchmarkOutcomes`]; `AcceptUnchecked` on a chain
		/// without verifiers.
		type BenchmarkProofs: BenchmarkProofs<Self::AccountId>;

		/// Randomness for challenge seeds, unknown until shortly before the block that issues
		/// the challenge, so the workload cannot be computed ahead of time: in the runtime, the
		/// verification pallet's entropy (every block's BABE VRF output mixed), which no
		/// author knows an epoch ahead as it knows its own slot's VRF output. Never an
		/// insecure source.
		type Randomness: Randomness<Option<Self::Hash>, BlockNumberFor<Self>>;

		/// Randomness of the spot-check draws: the freshest there is when a block starts (in
		/// Cinder's runtime BABE's VRF output of the parent block), so a worker that does not
		/// author that block cannot see its draw coming in time to leave the pool before it.
		type SpotRandomness: Randomness<Option<Self::Hash>, BlockNumberFor<Self>>;

		/// The current compute reward epoch, for uptime counting.
		type Epochs: RewardEpochs;

		/// The availability reward pool (bmw), told of each heartbeat interval an eligible
		/// worker node was online.
		type Availability: AvailabilityRewards<Self::AccountId>;

		/// The model registry (the jobs pallet): hosted models must exist.
		type Models: Contains<ModelId>;

		/// Who may change the parameters (root or governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Longest GPU adapter name and region.
		#[pallet::constant]
		type MaxTextLen: Get<u32>;

		/// Longest endpoint URL.
		#[pallet::constant]
		type MaxEndpointLen: Get<u32>;

		/// Most models one node hosts.
		#[pallet::constant]
		type MaxHostedModels: Get<u32>;

		/// Most registered nodes. It bounds every routing pool, so a draw reads at most
		/// `⌈log₂ MaxNodes⌉ + 1` tree entries (the weights count 21: 2²⁰ nodes).
		#[pallet::constant]
		type MaxNodes: Get<u32>;

		/// Most registered Verifier nodes (at least the most validators there can be).
		#[pallet::constant]
		type MaxVerifiers: Get<u32>;

		/// The compute bond (in compute staking, active) a Verifier node's account must hold to
		/// register and to serve. Each fault on a check costs a share of it (the verification
		/// pallet's `verifier_fault_slash`), every time; once it falls below this amount the
		/// verifier stops serving until it bonds more. It comes back through `unbond` and
		/// `withdraw_unbonded` once the node has left (slashable until released).
		#[pallet::constant]
		type VerifierBond: Get<BalanceOf<Self>>;

		/// Milliseconds per block: turns a challenge's seconds and tolerance into the blocks
		/// its answer has ([`Pallet::answer_blocks`]).
		#[pallet::constant]
		type MillisecsPerBlock: Get<u64>;

		/// Spot checks issued at most per block (more eligible workers than
		/// `spot_check_every × MaxSpotChecksPerBlock` are each checked less often).
		#[pallet::constant]
		type MaxSpotChecksPerBlock: Get<u32>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;

		/// Makes validators and bonds for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A registered node's storage deposit.
		#[codec(index = 0)]
		NodeDeposit,
		/// The deposit of an IB claim whose benchmark challenge is pending.
		#[codec(index = 1)]
		ClaimDeposit,
	}

	/// Registry parameters: heartbeats, challenges, IB bounds, reliability.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, RegistryParams<BlockNumberFor<T>>, OptionQuery>;

	/// Every registered node, by its operator account.
	#[pallet::storage]
	pub type Nodes<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, NodeRecord<T>>;

	/// Number of registered nodes.
	#[pallet::storage]
	pub type NodeCount<T> = StorageValue<_, u32, ValueQuery>;

	/// Number of workers in each routing pool (only eligible workers are in one).
	#[pallet::storage]
	pub type PoolSize<T> = StorageMap<_, Twox64Concat, WorkerPool, u32, ValueQuery>;

	/// Sum of the weights (IB in µIB) of each routing pool's members.
	#[pallet::storage]
	pub type PoolWeight<T> = StorageMap<_, Twox64Concat, WorkerPool, u128, ValueQuery>;

	/// Routing pools as dense arrays: pool, position `0‥size` → the worker there and its weight.
	#[pallet::storage]
	pub type PoolMembers<T: Config> =
		StorageDoubleMap<_, Twox64Concat, WorkerPool, Twox64Concat, u32, PoolSeat<T::AccountId>>;

	/// Workers whose pool membership waits to follow a change (of eligibility, or of the IB they
	/// weigh): noted by the stake's [`EligibilityObserver`] calls, applied by the call that
	/// caused the change or, for changes made in block hooks (slashes, verdicts, sweeps), in
	/// `on_idle`. Bounded by the registered nodes (each holds a deposit).
	#[pallet::storage]
	pub type PoolMoves<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ()>;

	/// Each pool's Fenwick tree over its positions: entry `i` (1-based, `1‥=size`) holds the sum
	/// of the weights at positions `i − lowbit(i) ‥ i − 1`.
	#[pallet::storage]
	pub type PoolTree<T> =
		StorageDoubleMap<_, Twox64Concat, WorkerPool, Twox64Concat, u32, u128, ValueQuery>;

	/// Position of each worker in each of its pools.
	#[pallet::storage]
	pub type PoolIndex<T: Config> =
		StorageDoubleMap<_, Twox64Concat, WorkerPool, Blake2_128Concat, T::AccountId, u32>;

	/// The registered Verifier nodes, in registration order (removal swaps the last one in):
	/// what verification committees are drawn from.
	#[pallet::storage]
	pub type Verifiers<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxVerifiers>, ValueQuery>;

	/// The Verifier nodes that serve (see [`crate::verifiers`]), in no particular order: what
	/// verification committees are drawn from.
	#[pallet::storage]
	pub type ServingVerifiers<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxVerifiers>, ValueQuery>;

	/// The session the serving set was last rebuilt in.
	#[pallet::storage]
	pub type ServingSession<T> = StorageValue<_, u32, OptionQuery>;

	/// Challenges issued so far (mixed into each seed so no two are alike).
	#[pallet::storage]
	pub type ChallengeNonce<T> = StorageValue<_, u64, ValueQuery>;

	/// Workers whose claim's answer came on time while the verifiers' queue was full, oldest
	/// first: the answer is kept in the challenge and handed to the verifiers as room opens
	/// (`on_initialize`, [`MAX_HANDOVERS_PER_BLOCK`] a block), so the chain's congestion never
	/// makes a timely answer late. When this list is full too, the answer is refused
	/// (`VerifierBusy`).
	#[pallet::storage]
	pub type AnswersWaiting<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, ConstU32<MAX_ANSWERS_WAITING>>, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Initial parameters; `None` uses [`Pallet::default_params`].
		pub params: Option<RegistryParams<BlockNumberFor<T>>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let params = self.params.unwrap_or_else(Pallet::<T>::default_params);
			assert!(Pallet::<T>::params_are_valid(&params), "invalid node-registry params");
			Params::<T>::put(params);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` registered a node with `role`, claiming `claimed_ib` (a challenge follows), and
		/// `deposit` is held until it deregisters.
		Registered {
			who: T::AccountId,
			role: NodeRole<T::AccountId>,
			claimed_ib: Ib,
			deposit: BalanceOf<T>,
		},
		/// `who` must compute the workload `(seed, work_units)` and answer challenge
		/// `challenge` by block `deadline`.
		ChallengeIssued {
			who: T::AccountId,
			challenge: ChallengeId,
			claimed_ib: Ib,
			seed: [u8; 32],
			work_units: u64,
			deadline: BlockNumberFor<T>,
		},
		/// `who` answered challenge `challenge` on time, `blocks` after it was issued (within
		/// [`Pallet::answer_blocks`]): verifiers check the answer, and the claim is confirmed or
		/// rejected when they are done.
		ChallengeAnswered { who: T::AccountId, challenge: ChallengeId, blocks: BlockNumberFor<T> },
		/// `who`'s IB `ib` is in force; `independently_checked` is false when the answer was
		/// accepted without recomputation (a development chain with no serving verifier).
		IbConfirmed { who: T::AccountId, ib: Ib, independently_checked: bool },
		/// `who`'s claim of `claimed_ib` was rejected because of `reason`.
		IbRejected { who: T::AccountId, claimed_ib: Ib, reason: ChallengeFailure },
		/// `who` failed a spot check of its IB `ib` (`reason`): the IB is no longer in force,
		/// so the worker is not eligible until a new claim is confirmed.
		IbRevoked { who: T::AccountId, ib: Ib, reason: ChallengeFailure },
		/// No serving verifier could check `who`'s answer to spot check `challenge`: its IB
		/// stays in force (the answer came on time), unchecked this time.
		SpotCheckUnverified { who: T::AccountId, challenge: ChallengeId },
		/// The verifiers could not take `who`'s answer to spot check `challenge` now (their
		/// queue is full): the check stays open until `deadline` for the answer to come again.
		SpotAnswerDeferred {
			who: T::AccountId,
			challenge: ChallengeId,
			deadline: BlockNumberFor<T>,
		},
		/// `who` answered its benchmark challenge wrong: its claim deposit, `amount`, went to
		/// the penalty pool.
		ClaimDepositForfeited { who: T::AccountId, amount: BalanceOf<T> },
		/// `who` changed its declared hardware.
		HardwareUpdated { who: T::AccountId },
		/// `who` changed its endpoint.
		EndpointUpdated { who: T::AccountId },
		/// `who` changed its price per IBM.
		PriceUpdated { who: T::AccountId, price_per_ibm: BalanceOf<T> },
		/// `who` changed the models it hosts.
		ModelsUpdated { who: T::AccountId, models: u32 },
		/// `who` changed its background-job and committed-memory settings.
		AvailabilityUpdated { who: T::AccountId, availability: Availability },
		/// `who` paused its node: it takes no work.
		Paused { who: T::AccountId },
		/// `who` resumed its node.
		Resumed { who: T::AccountId },
		/// `who` missed heartbeats since block `last_heartbeat`: it is offline.
		WentOffline { who: T::AccountId, last_heartbeat: BlockNumberFor<T> },
		/// `who` sent a heartbeat again: it is back online.
		BackOnline { who: T::AccountId },
		/// `who` left the registry; its deposit `deposit` was returned.
		Deregistered { who: T::AccountId, deposit: BalanceOf<T> },
		/// The parameters changed.
		ParamsSet { params: RegistryParams<BlockNumberFor<T>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account already runs a registered node.
		AlreadyRegistered,
		/// `MaxNodes` nodes are registered already.
		TooManyNodes,
		/// The account's free balance cannot cover the node deposit (`NodeDeposit`, held until
		/// the node deregisters): fund the account first.
		CannotAffordDeposit,
		/// The account's free balance cannot cover the claim deposit (`ClaimDeposit`), held
		/// while its benchmark challenge is pending and returned unless the answer is wrong:
		/// top up the account first.
		CannotAffordClaimDeposit,
		/// The account runs no registered node.
		NotRegistered,
		/// A verifier must be bound to a validator stash its account controls.
		NotValidatorController,
		/// A verifier's stash must be in the current session's validator set: register once
		/// the stash is elected.
		NotActiveValidator,
		/// A Verifier node's account must hold an active compute bond of at least
		/// `VerifierBond`: `computeStaking.bond` it first.
		VerifierBondTooLow,
		/// `MaxVerifiers` Verifier nodes are registered already.
		TooManyVerifiers,
		/// The price per IBM must be more than zero.
		ZeroPrice,
		/// The claimed IB is zero or above `max_ib`.
		IbOutOfRange,
		/// The endpoint must be an `http://` or `https://` URL.
		BadEndpoint,
		/// Too early: heartbeats are due every `heartbeat_interval` blocks.
		HeartbeatTooEarly,
		/// No benchmark challenge is pending.
		NoChallenge,
		/// The challenge's deadline has not passed yet.
		ChallengeNotExpired,
		/// The challenge was answered and verifiers are checking the answer: wait for their
		/// word (an `IbConfirmed` or `IbRejected` event) before answering, claiming again or
		/// deregistering.
		AnswerUnderCheck,
		/// The verifiers' queue, and the answers waiting for room in it, are full: answer again
		/// in a few blocks, before the deadline.
		VerifierBusy,
		/// A spot check of the IB in force is pending: answer it (`submit_benchmark`) before
		/// claiming another IB.
		SpotCheckPending,
		/// The node is not overdue: it is not offline.
		NotOverdue,
		/// The node is already paused.
		AlreadyPaused,
		/// The node is not paused.
		NotPaused,
		/// The node still has jobs in flight.
		JobsInFlight,
		/// The node still has an active bond: unbond it first (unbonding chunks may remain).
		StillBonded,
		/// A hosted model is not in the model registry.
		UnknownModel,
		/// Invalid parameters: intervals and windows must be at least 1, weights must sum to
		/// 100 %, `max_ib` must be more than zero.
		InvalidParams,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Rebuilds the serving verifiers when the session changed, issues the block's spot
		/// checks, and hands the verifiers the claims' answers waiting for room.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::follow_session()
				.saturating_add(Self::spot_check(now))
				.saturating_add(Self::hand_over_answers())
		}

		/// Moves workers into or out of the routing pools, as their noted changes of
		/// eligibility say, with the block's spare weight.
		fn on_idle(_: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::apply_pool_moves(remaining)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_block: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Register a node and receive a benchmark challenge for `claimed_ib`. Holds
		/// `NodeDeposit` from the account until the node deregisters. A worker joins the routing
		/// pools once it is eligible (IB confirmed, bond ≥ S(n), active), not before.
		///
		/// - `origin`: the operator account, not yet registered, able to afford the deposit.
		/// - `role`: `Worker`, `Manager`, or `Verifier { stash }` with a stash this account
		///   controls as a validator.
		/// - `hardware`, `endpoint` (`http(s)://…`), `price_per_ibm` (> 0), `claimed_ib`
		///   (0 < IB ≤ `max_ib`), `hosted_models`, `availability`.
		#[pallet::call_index(0)]
		#[allow(clippy::too_many_arguments)]
		pub fn register(
			origin: OriginFor<T>,
			role: NodeRole<T::AccountId>,
			hardware: HardwareProfile<T::MaxTextLen>,
			endpoint: BoundedVec<u8, T::MaxEndpointLen>,
			price_per_ibm: BalanceOf<T>,
			claimed_ib: Ib,
			hosted_models: BoundedVec<ModelId, T::MaxHostedModels>,
			availability: Availability,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(
				who,
				role,
				hardware,
				endpoint,
				price_per_ibm,
				claimed_ib,
				hosted_models,
				availability,
			)
		}

		/// Replace the declared hardware.
		#[pallet::call_index(1)]
		pub fn update_hardware(
			origin: OriginFor<T>,
			hardware: HardwareProfile<T::MaxTextLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::mutate_node(&who, |node| node.hardware = hardware)?;
			Self::deposit_event(Event::HardwareUpdated { who });
			Ok(())
		}

		/// Replace the endpoint (`http://` or `https://`).
		#[pallet::call_index(2)]
		pub fn update_endpoint(
			origin: OriginFor<T>,
			endpoint: BoundedVec<u8, T::MaxEndpointLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Self::endpoint_is_valid(&endpoint), Error::<T>::BadEndpoint);
			Self::mutate_node(&who, |node| node.endpoint = endpoint)?;
			Self::deposit_event(Event::EndpointUpdated { who });
			Ok(())
		}

		/// Change the price per IBM (> 0). A raise needs a bond that covers the new S(n).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::update_price().saturating_add(Pallet::<T>::max_pool_move_weight()))]
		pub fn update_price(
			origin: OriginFor<T>,
			price_per_ibm: BalanceOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::with_pool_move(
				T::WeightInfo::update_price(),
				Self::do_update_price(who, price_per_ibm),
			)
		}

		/// Claim a new IB (0 < IB ≤ `max_ib`) and receive a challenge for it; the confirmed IB
		/// stays in force until the new claim is confirmed. A raise needs a bond that covers the
		/// new S(n).
		#[pallet::call_index(4)]
		pub fn claim_ib(origin: OriginFor<T>, claimed_ib: Ib) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_ib(who, claimed_ib)
		}

		/// Replace the list of hosted models (each must be in the model registry); the node
		/// enters the routing pools of the new models and leaves those of the dropped ones.
		#[pallet::call_index(5)]
		pub fn update_models(
			origin: OriginFor<T>,
			hosted_models: BoundedVec<ModelId, T::MaxHostedModels>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_models(who, hosted_models)
		}

		/// Change the background-job opt-in and the committed memory.
		#[pallet::call_index(6)]
		pub fn update_availability(
			origin: OriginFor<T>,
			availability: Availability,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::mutate_node(&who, |node| node.availability = availability)?;
			Self::deposit_event(Event::AvailabilityUpdated { who, availability });
			Ok(())
		}

		/// Stop taking work.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::pause().saturating_add(Pallet::<T>::max_pool_move_weight()))]
		pub fn pause(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::with_pool_move(T::WeightInfo::pause(), Self::do_pause(who))
		}

		/// Take work again.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::resume().saturating_add(Pallet::<T>::max_pool_move_weight()))]
		pub fn resume(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::with_pool_move(T::WeightInfo::resume(), Self::do_resume(who))
		}

		/// Leave the registry: needs no job in flight and no active bond (unbond first). The
		/// node deposit comes back.
		#[pallet::call_index(9)]
		pub fn deregister(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deregister(who)
		}

		/// Prove liveness; due every `heartbeat_interval` blocks. Each heartbeat of a worker
		/// node eligible for work counts one interval online for availability rewards.
		#[pallet::call_index(10)]
		#[pallet::weight(
			Pallet::<T>::heartbeat_weight().saturating_add(Pallet::<T>::max_pool_move_weight())
		)]
		pub fn heartbeat(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			// Only a heartbeat that moves a worker into (or out of) its pools pays for the move.
			Self::with_pool_move(Self::heartbeat_weight(), Self::do_heartbeat(who))
		}

		/// Answer the pending benchmark challenge with the workload's output commitment.
		/// A late answer rejects the claim (the call succeeds and says so in an event); a
		/// timely one is checked by verifiers, whose word confirms or rejects the claim.
		#[pallet::call_index(11)]
		#[pallet::weight(
			T::WeightInfo::submit_benchmark()
				.saturating_add(T::BenchmarkProofs::answer_weight())
				.saturating_add(Pallet::<T>::max_pool_move_weight())
		)]
		pub fn submit_benchmark(
			origin: OriginFor<T>,
			result: [u8; 32],
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::with_pool_move(
				T::WeightInfo::submit_benchmark()
					.saturating_add(T::BenchmarkProofs::answer_weight()),
				Self::do_submit_benchmark(who, result),
			)
		}

		/// Reject `who`'s claim whose challenge passed its deadline unanswered (anyone may call;
		/// an answer under check is not expired). A missed spot check revokes the IB in force,
		/// and the worker leaves the routing pools.
		#[pallet::call_index(12)]
		#[pallet::weight(
			T::WeightInfo::expire_challenge().saturating_add(Pallet::<T>::max_pool_move_weight())
		)]
		pub fn expire_challenge(
			origin: OriginFor<T>,
			who: T::AccountId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::with_pool_move(T::WeightInfo::expire_challenge(), Self::do_expire_challenge(who))
		}

		/// Record that `who` missed `offline_after` heartbeat intervals (anyone may call).
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::mark_offline().saturating_add(Pallet::<T>::max_pool_move_weight()))]
		pub fn mark_offline(origin: OriginFor<T>, who: T::AccountId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::with_pool_move(T::WeightInfo::mark_offline(), Self::do_mark_offline(who))
		}

		/// Set the registry parameters.
		///
		/// - `origin`: `AdminOrigin`.
		#[pallet::call_index(14)]
		pub fn set_params(
			origin: OriginFor<T>,
			params: RegistryParams<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(Self::params_are_valid(&params), Error::<T>::InvalidParams);
			Params::<T>::put(params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}
}
