//! How Cinder's pallets talk to each other. Each trait is implemented by the pallet that owns the
//! data and consumed by the others through their `Config`, so each pallet is tested against mocks
//! and pallets that do not exist yet plug in later.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::Ib;
use sp_weights::Weight;

/// Index of a compute reward epoch (the BMW pallet's epoch, *not* BABE's epoch or staking's era).
pub type RewardEpochIndex = u32;

/// Identifier of the evidence behind a slash (a job id, a benchmark challenge id, …).
pub type EvidenceId = u64;

/// What the node registry knows about a node that matters to its stake.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct NodeProfile<Balance> {
	/// The node's IB: the confirmed value if there is one, else its claim.
	pub ib: Ib,
	/// Whether `ib` was confirmed by a timely benchmark challenge.
	pub ib_confirmed: bool,
	/// The node's own price per IBM.
	pub price_per_ibm: Balance,
	/// Registered, not paused, and online.
	pub active: bool,
}

/// Read access to node profiles (implemented by the node registry).
pub trait NodeProfiles<AccountId, Balance> {
	/// The profile of `who`'s node, or `None` if `who` runs no registered node.
	fn profile(who: &AccountId) -> Option<NodeProfile<Balance>>;
}

/// The current compute reward epoch (implemented by the BMW pallet, or by a block-based clock
/// until it exists).
pub trait RewardEpochs {
	/// The index of the epoch in progress.
	fn current() -> RewardEpochIndex;
}

/// Why a worker or verifier is slashed; carried in the slash event with the evidence id.
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
pub enum SlashReason {
	/// A result that verification found wrong.
	WrongResult,
	/// A job not delivered before its deadline.
	MissedDeadline,
	/// A benchmark challenge answered wrongly.
	FailedBenchmark,
	/// A verifier's fault on a check it sat on: a verdict against the final outcome, or
	/// silence past the deadline.
	VerifierMisconduct,
}

/// What a slash takes: a share of the whole bond (active and unbonding) or a fixed amount.
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
pub enum SlashAmount<Balance> {
	/// A fraction of the bond.
	Fraction(sp_arithmetic::Perbill),
	/// A fixed amount, capped at the bond.
	Amount(Balance),
}

/// The compute stake as other pallets see it (implemented by compute-staking).
pub trait ComputeStake<AccountId, Balance> {
	/// Error type of [`Self::ensure_covers`].
	type Error;

	/// S(n) for `who`'s current profile (zero without a profile).
	fn minimum_stake(who: &AccountId) -> Balance;

	/// `who`'s active bond (what counts towards S(n); unbonding chunks excluded).
	fn active_bond(who: &AccountId) -> Balance;

	/// The collateral floor price per IBM: S(n) and a stage's value are reckoned at a node's
	/// price or this, whichever is more, so a node pricing below cost still bonds, and is
	/// checked, for what faking its work would save.
	fn floor_price_per_ibm() -> Balance;

	/// Whether `who` may get jobs and rewards: active, IB confirmed, bond ≥ S(n).
	fn is_eligible(who: &AccountId) -> bool;

	/// The eligibility the stake has stored for `who`, jail aside: what it last told its
	/// [`EligibilityObserver`] (`false` without a bond). Routing pools hold exactly these.
	fn stored_eligibility(who: &AccountId) -> bool;

	/// Ok if `who`'s active bond covers S(n) for a node of capacity `ib` at `price_per_ibm`;
	/// the registry calls this before it raises a node's price or IB.
	fn ensure_covers(who: &AccountId, ib: Ib, price_per_ibm: Balance) -> Result<(), Self::Error>;

	/// Tells the stake that `who`'s profile changed, so it can re-evaluate eligibility and emit
	/// an event if it changed.
	fn profile_changed(who: &AccountId);

	/// Slashes `who`'s bond, moving the funds to the penalty pool; returns what was taken.
	fn slash(
		who: &AccountId,
		amount: SlashAmount<Balance>,
		reason: SlashReason,
		evidence: EvidenceId,
	) -> Balance;

	/// The most one [`Self::slash`] costs.
	fn slash_weight() -> Weight;

	/// Jails `who` for `epochs` reward epochs from the current one, `evidence` being the
	/// proven fault: no jobs and no rewards until the returned epoch begins. A longer jail
	/// already in force is kept.
	fn jail(who: &AccountId, epochs: u32, evidence: EvidenceId) -> RewardEpochIndex;
}

/// Jobs a node has accepted and not yet settled (implemented by the jobs pallet; `()` means none
/// exist yet).
pub trait JobsInFlight<AccountId> {
	/// Number of `who`'s unsettled jobs.
	fn jobs_in_flight(who: &AccountId) -> u32;
}

impl<AccountId> JobsInFlight<AccountId> for () {
	fn jobs_in_flight(_: &AccountId) -> u32 {
		0
	}
}

/// Whether an account controls a validator (implemented over pallet-staking by the runtime).
pub trait ValidatorControllers<AccountId> {
	/// `true` if `stash` is a validator candidate bonded with `controller` as its controller.
	fn controls_validator(controller: &AccountId, stash: &AccountId) -> bool;
	/// `true` if `stash` is in the validator set of the current session (so an offence
	/// reported against it can be slashed).
	fn is_active_validator(stash: &AccountId) -> bool;
	/// The current session's index: when it changes, the validator set may have changed.
	fn session_index() -> u32;
}

/// The verifiers a committee may be drawn from (implemented by the node registry).
///
/// A verifier *serves* while its node is an active Verifier node on time with its heartbeats,
/// its account holds the verifier bond in compute staking, controls a validator candidate's
/// stash and that stash is in the current session's validator set. The serving set, indexed
/// `0‥serving_count`, is brought up to date at every session change and by every registry
/// action that starts or stops a verifier serving; between those, a node can fall overdue, a
/// bond be unbonded or slashed, a stash be chilled, so a draw asks [`Self::serving_stash`] of
/// each verifier it picks.
pub trait VerifierDirectory<AccountId> {
	/// Number of verifiers in the serving set.
	fn serving_count() -> u32;
	/// The verifier (the account that signs its verdicts) at `index` of the serving set.
	fn serving_at(index: u32) -> Option<AccountId>;
	/// The validator stash `who` verifies for, while `who` serves now; `None` when it does
	/// not serve. A committee records it when it seats `who`, so a fault is answered for by
	/// that stash even after the node leaves.
	fn serving_stash(who: &AccountId) -> Option<AccountId>;
	/// Whether `who` serves now.
	fn is_serving(who: &AccountId) -> bool {
		Self::serving_stash(who).is_some()
	}
}

/// Number of a benchmark challenge, unique over the chain's life (the registry's nonce).
pub type ChallengeId = u64;

/// The outcome of checking a benchmark challenge's answer.
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
pub enum ProofCheck {
	/// Recomputed by verifiers and equal: the claim is confirmed and independently checked.
	Verified,
	/// Accepted on time without an independent check: no verifier served, on a chain that
	/// explicitly allows it (development chains only).
	AcceptedUnchecked,
	/// Recomputed and different: the claim is rejected.
	Wrong,
	/// No serving verifier checked it (none served, or those drawn stayed silent through every
	/// redraw): the claim is not confirmed, and the node may claim again.
	Unverifiable,
}

/// What becomes of an answer handed to [`BenchmarkProofs`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ProofPlan {
	/// Decided at once.
	Decided(ProofCheck),
	/// Verifiers check it; the outcome comes back through [`BenchmarkOutcomes`].
	Pending,
}

/// Checks the answers to benchmark challenges (implemented by the verification pallet).
pub trait BenchmarkProofs<AccountId> {
	/// `who` answered its challenge `challenge` with `result` (the output commitment of the
	/// seeded workload); `spot` when the chain issued it as a spot check (its answers have room
	/// claims' answers cannot take); [`crate::VerifierBusy`] when the answer cannot be taken now.
	fn answer_submitted(
		who: &AccountId,
		challenge: ChallengeId,
		result: [u8; 32],
		spot: bool,
	) -> Result<ProofPlan, crate::VerifierBusy>;
	/// The most [`Self::answer_submitted`] costs.
	fn answer_weight() -> Weight;
}

/// Accepts every timely answer at once, marked as not independently checked: for chains and
/// tests without verifiers.
pub struct AcceptUnchecked;
impl<AccountId> BenchmarkProofs<AccountId> for AcceptUnchecked {
	fn answer_submitted(
		_: &AccountId,
		_: ChallengeId,
		_: [u8; 32],
		_: bool,
	) -> Result<ProofPlan, crate::VerifierBusy> {
		Ok(ProofPlan::Decided(ProofCheck::AcceptedUnchecked))
	}
	fn answer_weight() -> Weight {
		Weight::zero()
	}
}

/// Where the verifiers' word on a benchmark answer goes (implemented by the node registry):
/// it confirms or rejects the claimed IB.
pub trait BenchmarkOutcomes<AccountId> {
	/// `who`'s answer to `challenge` was checked; an outcome for a challenge no longer pending
	/// (replaced by a new claim, or the node gone) is ignored.
	fn benchmark_checked(who: &AccountId, challenge: ChallengeId, check: ProofCheck);
	/// The most [`Self::benchmark_checked`] costs.
	fn benchmark_checked_weight() -> Weight;
}

impl<AccountId> BenchmarkOutcomes<AccountId> for () {
	fn benchmark_checked(_: &AccountId, _: ChallengeId, _: ProofCheck) {}
	fn benchmark_checked_weight() -> Weight {
		Weight::zero()
	}
}

/// What the jobs and verification pallets report about a node, feeding its reliability score
/// (implemented by the node registry).
pub trait ReliabilityEvents<AccountId> {
	/// A job of `who`'s was delivered, on time or late.
	fn job_delivered(who: &AccountId, on_time: bool);
	/// A receipt of `who`'s was verified, passing or failing.
	fn verification_result(who: &AccountId, passed: bool);
}

/// Told whenever the stake's stored eligibility of an account flips (implemented by the node
/// registry, whose routing pools hold exactly the eligible workers).
///
/// Noting a flip is cheap, so block hooks (slashes, sweeps) can flip many; acting on it (moving
/// a worker into or out of every pool it can be in) is not, so the observer does that either
/// in [`Self::catch_up`], which a call that caused the flip invokes and pays for, or later
/// with spare block weight.
pub trait EligibilityObserver<AccountId> {
	/// `who` became eligible (`true`) or stopped being eligible (`false`).
	fn eligibility_changed(who: &AccountId, eligible: bool);

	/// The most one [`Self::eligibility_changed`] costs.
	fn eligibility_changed_weight() -> Weight;

	/// Acts now on whatever was noted about `who`; returns the weight it took (at most
	/// [`Self::catch_up_weight`]), for the calling extrinsic's refund.
	fn catch_up(who: &AccountId) -> Weight;

	/// The most one [`Self::catch_up`] costs.
	fn catch_up_weight() -> Weight;
}

impl<AccountId> EligibilityObserver<AccountId> for () {
	fn eligibility_changed(_: &AccountId, _: bool) {}

	fn eligibility_changed_weight() -> Weight {
		Weight::zero()
	}

	fn catch_up(_: &AccountId) -> Weight {
		Weight::zero()
	}

	fn catch_up_weight() -> Weight {
		Weight::zero()
	}
}
