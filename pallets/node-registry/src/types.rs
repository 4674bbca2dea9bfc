//! Records kept by the registry.

use cinder_primitives::{ChallengeId, Ib, RewardEpochIndex};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::*, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

use crate::{BalanceOf, Config};

pub use cinder_primitives::ModelId;

/// What a node does.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub enum NodeRole<AccountId> {
	/// Executes jobs and earns work rewards.
	Worker,
	/// Re-executes sampled jobs; bound to the validator stash its account controls.
	Verifier { stash: AccountId },
	/// A gateway that brings off-chain customers' work on-chain in its own name.
	Manager,
}

/// The machine a node runs on, as its operator declares it.
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
#[scale_info(skip_type_params(MaxText))]
pub struct HardwareProfile<MaxText: Get<u32>> {
	/// CPU cores.
	pub cpu_cores: u16,
	/// RAM in MiB.
	pub ram_mib: u32,
	/// GPU adapter name as wgpu reports it (empty for CPU-only nodes).
	pub gpu_adapter: BoundedVec<u8, MaxText>,
	/// GPU memory in MiB (0 for CPU-only nodes).
	pub vram_mib: u32,
	/// Storage in GiB.
	pub storage_gib: u32,
	/// Region, e.g. `eu-west`.
	pub region: BoundedVec<u8, MaxText>,
}

/// Idle-capacity settings: background jobs and memory committed for availability rewards.
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
pub struct Availability {
	/// Takes Background-class jobs when idle.
	pub background_jobs: bool,
	/// Memory (MiB) kept available for the network, counted by availability rewards.
	pub committed_memory_mib: u32,
}

/// Whether a node takes work.
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
pub enum NodeStatus {
	/// Takes work (if online, confirmed and bonded).
	Active,
	/// Paused by its operator.
	Paused,
	/// Missed `offline_after` heartbeat intervals; back to `Active` with its next heartbeat.
	Offline,
}

/// A confirmed IB.
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
pub struct ConfirmedIb {
	/// The IB in force.
	pub ib: Ib,
	/// `false` while the answer was accepted on time without being recomputed (no verifier
	/// wired in yet): the claim stands, but nobody has checked it.
	pub independently_checked: bool,
}

/// A timed benchmark challenge: compute the seeded workload of `work_units` and submit its
/// result commitment before `deadline`.
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
pub struct Challenge<BlockNumber> {
	/// The challenge's number, which verifiers' checks of the answer refer to.
	pub id: ChallengeId,
	/// The IB being claimed.
	pub claimed_ib: Ib,
	/// Seed of the workload (from BABE randomness, the node and a nonce).
	pub seed: [u8; 32],
	/// Size of the workload: the claimed IB needs about `challenge_seconds` for it.
	pub work_units: u64,
	/// Block the challenge was issued at.
	pub issued_at: BlockNumber,
	/// Last block at which an answer is accepted.
	pub deadline: BlockNumber,
	/// The answer given on time, while verifiers check it (the claim is decided when they
	/// do; no other answer is taken meanwhile).
	pub answer: Option<[u8; 32]>,
	/// A spot check the chain issued, at random, to an eligible worker for the IB in force
	/// (`claimed_ib`): it keeps that IB while it answers, earns no availability reward until
	/// the answer is confirmed, and loses the IB if the answer is wrong, late or missing.
	pub spot: bool,
}

/// Why a claimed IB was rejected.
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
pub enum ChallengeFailure {
	/// The answer came after the deadline.
	Late,
	/// No answer came before the deadline.
	Missing,
	/// The answer was checked and is wrong.
	WrongResult,
	/// No serving verifier checked the answer (none served, or those drawn stayed silent
	/// through every redraw): claim again once verifiers serve.
	Unverifiable,
	/// A spot check of the IB in force took the place of the unanswered claim: answer it, then
	/// claim again.
	Superseded,
}

/// Heartbeats counted in one reward epoch.
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
pub struct EpochUptime {
	/// The reward epoch.
	pub epoch: RewardEpochIndex,
	/// Heartbeats received in it.
	pub heartbeats: u32,
}

/// The reliability score and its three components, each an exponentially weighted average.
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
pub struct Reliability {
	/// Share of heartbeat intervals met.
	pub uptime: Perbill,
	/// Share of jobs delivered on time.
	pub delivery: Perbill,
	/// Share of verified receipts that passed.
	pub verification: Perbill,
	/// The weighted score: `w_u·uptime + w_d·delivery + w_v·verification`.
	pub score: Perbill,
}

/// How reliability is computed.
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
pub struct ReliabilityParams {
	/// Weight α of each new observation: `c ← α·sample + (1 − α)·c`.
	pub alpha: Perbill,
	/// Where every component of a new node starts (the probation band).
	pub probation: Perbill,
	/// Weight of uptime in the score.
	pub uptime_weight: Perbill,
	/// Weight of on-time delivery in the score.
	pub delivery_weight: Perbill,
	/// Weight of the verification pass rate in the score. The three weights sum to 100 %.
	pub verification_weight: Perbill,
}

impl Default for ReliabilityParams {
	fn default() -> Self {
		Self {
			alpha: Perbill::from_percent(10),
			probation: Perbill::from_percent(50),
			uptime_weight: Perbill::from_percent(40),
			delivery_weight: Perbill::from_percent(30),
			verification_weight: Perbill::from_percent(30),
		}
	}
}

/// Governance parameters of the registry.
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
pub struct RegistryParams<BlockNumber> {
	/// Blocks between heartbeats.
	pub heartbeat_interval: BlockNumber,
	/// Missed intervals after which a node is offline.
	pub offline_after: u32,
	/// Seconds the challenge workload should take at the claimed IB.
	pub challenge_seconds: u32,
	/// How much longer than `challenge_seconds` computing an answer may take, in percent: the
	/// answer's on-chain elapsed time (blocks from the challenge to the answer's inclusion)
	/// decides whether the claimed IB was met, so a node computing at less than
	/// `100 / (100 + answer_tolerance_percent)` of its claim answers too late.
	pub answer_tolerance_percent: u32,
	/// Blocks allowed on top for seeing the challenge and getting the answer included.
	pub answer_latency_blocks: BlockNumber,
	/// Mean blocks between spot checks of one eligible worker: each block, the chain draws
	/// `eligible workers / spot_check_every` of them (the fraction drawn at random, at most
	/// `MaxSpotChecksPerBlock`) and challenges each for the IB in force.
	pub spot_check_every: BlockNumber,
	/// Work units 1 IB does per minute (calibrated from the reference node).
	pub work_units_per_ib_minute: u64,
	/// Largest IB a node may claim.
	pub max_ib: Ib,
	/// Reliability computation.
	pub reliability: ReliabilityParams,
}

/// Everything the registry knows about a node.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct NodeRecord<T: Config> {
	/// What the node does.
	pub role: NodeRole<T::AccountId>,
	/// The declared machine.
	pub hardware: HardwareProfile<T::MaxTextLen>,
	/// HTTP endpoint serving blobs and tile proofs.
	pub endpoint: BoundedVec<u8, T::MaxEndpointLen>,
	/// Price per IBM, in the smallest unit of the token.
	pub price_per_ibm: BalanceOf<T>,
	/// The last IB claimed.
	pub claimed_ib: Ib,
	/// The IB in force, once a challenge confirmed one.
	pub confirmed_ib: Option<ConfirmedIb>,
	/// The pending benchmark challenge.
	pub challenge: Option<Challenge<BlockNumberFor<T>>>,
	/// A spot check was drawn while a claim's answer was under check: it is issued if that
	/// claim fails (a confirmed claim proves its IB instead).
	pub spot_due: bool,
	/// Models whose weights the node serves and runs.
	pub hosted_models: BoundedVec<ModelId, T::MaxHostedModels>,
	/// Idle-capacity settings.
	pub availability: Availability,
	/// Active, paused or offline.
	pub status: NodeStatus,
	/// Block of the last heartbeat (registration counts as one).
	pub last_heartbeat: BlockNumberFor<T>,
	/// Heartbeats in the current reward epoch.
	pub uptime: EpochUptime,
	/// Heartbeats in the previous reward epoch that had any (for availability rewards).
	pub previous_uptime: EpochUptime,
	/// The reliability score.
	pub reliability: Reliability,
}

/// `BlockNumberFor` for the records.
pub type BlockNumberFor<T> = frame_system::pallet_prelude::BlockNumberFor<T>;

/// A worker's place in a routing pool.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct PoolSeat<AccountId> {
	/// The worker.
	pub who: AccountId,
	/// Its weight in draws: its IB in µIB.
	pub weight: u128,
}
