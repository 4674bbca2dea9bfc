//! Records of the BMW pallet.

use cinder_primitives::RewardEpochIndex;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{traits::AtLeast32BitUnsigned, Perbill};

/// The BMW parameters, set by the admin origin. The defaults and why are in the crate docs.
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
pub struct BmwParams<BlockNumber, Balance> {
	/// Length of a reward epoch in blocks (a change applies from the next epoch on).
	pub epoch_length: BlockNumber,
	/// Share of each settled job's fee that is burned; the rest goes to the foundation.
	pub burn_share: Perbill,
	/// Emission per verified IBM in epoch 0, in planck: `E_0` of the emission plan.
	pub base_emission_per_ibm: Balance,
	/// The base emission falls by this share every epoch: `E_p = E_0 · (1 − decay)^p`.
	pub emission_decay: Perbill,
	/// The IBME the emission plan aims at: below it the next epoch's emission per IBM rises,
	/// above it it falls.
	pub ibme_target: Perbill,
	/// The most one epoch's IBME moves the next epoch's emission per IBM, either way.
	pub ibme_adjust_max: Perbill,
	/// A job mints at most this share of what was burned for it (`≤ 100 %`), its worker's
	/// bonuses included, so paying yourself for fake demand burns more than it mints.
	pub max_mint_per_burn: Perbill,
	/// Each job's emission is credited to its worker, its manager and the verifiers by these
	/// shares; availability earns its share per online IBM at the target IBME. What the
	/// shares leave is not minted.
	pub pools: PoolShares,
	/// Bonus on a job's work credit for a fully reliable worker (scaled by its reliability).
	pub reliability_bonus: Perbill,
	/// Bonus on availability for a node committing `memory_bonus_full_mib` or more.
	pub memory_bonus: Perbill,
	/// Committed memory (MiB) that earns the whole `memory_bonus` (less earns it pro rata).
	pub memory_bonus_full_mib: u32,
	/// Share of a reward paid at once; the rest vests linearly.
	pub vest_immediately: Perbill,
	/// Epochs over which the rest of a reward vests (0: all at once).
	pub vesting_epochs: u32,
	/// The most a node's availability earns in one epoch, as a share of its active compute
	/// bond (pro rata to the time it covers), so capacity nobody has put stake behind (a node
	/// priced at 1 planck needs next to no bond) earns next to nothing.
	pub availability_max_yield: Perbill,
}

/// How each job's emission is shared out, and what availability earns; the shares add up to
/// at most 100 %.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub struct PoolShares {
	/// Of each job's emission, to its worker (times its class multiplier and reliability
	/// bonus, within the job's cap).
	pub work: Perbill,
	/// Of the emission per IBM, per IBM of capacity kept online at the target IBME
	/// (`availability · ibme_target · E_p` per online IBM, with the committed-memory bonus):
	/// what an availability pool of this share would pay per online IBM if the epoch ran at
	/// its target.
	pub availability: Perbill,
	/// Of each job's emission, to the verifier pool, paid pro rata to verifications that
	/// matched the outcome.
	pub verifiers: Perbill,
	/// Of each job's emission, to the manager (gateway) that brought it in.
	pub managers: Perbill,
}

impl PoolShares {
	/// Whether the shares add up to at most 100 %.
	pub fn is_valid(&self) -> bool {
		let parts = [self.work, self.availability, self.verifiers, self.managers]
			.iter()
			.map(|share| u64::from(share.deconstruct()))
			.sum::<u64>();
		parts <= u64::from(Perbill::one().deconstruct())
	}

	/// The pools of an emission of `emission`, each rounded down.
	pub fn split<Balance: AtLeast32BitUnsigned + Copy>(&self, emission: Balance) -> Pools<Balance> {
		Pools {
			work: self.work.mul_floor(emission),
			availability: self.availability.mul_floor(emission),
			verifiers: self.verifiers.mul_floor(emission),
			managers: self.managers.mul_floor(emission),
		}
	}
}

/// An amount per reward pool.
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
pub struct Pools<Balance> {
	/// From the work pool.
	pub work: Balance,
	/// From the availability pool.
	pub availability: Balance,
	/// From the verifier pool.
	pub verifiers: Balance,
	/// From the manager pool.
	pub managers: Balance,
}

impl<Balance: AtLeast32BitUnsigned + Copy> Pools<Balance> {
	/// The amounts added up.
	pub fn total(&self) -> Balance {
		self.work
			.saturating_add(self.availability)
			.saturating_add(self.verifiers)
			.saturating_add(self.managers)
	}
}

/// What an epoch's contributions added up to, and its emission rate.
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
pub struct EpochWork<Balance> {
	/// Emission per verified IBM, `E_p`, fixed when the epoch starts.
	pub emission_per_ibm: Balance,
	/// Verified IBM, in pico-IBM: `W_p`.
	pub ibm: u128,
	/// Verified IBM its burns back, in pico-IBM: each job's IBM times the share of its
	/// emission its cap allows (all of it unless its price is below `E_p`). The IBME's
	/// numerator (paid IBM), so jobs priced near zero do not move the emission rate.
	pub backed_ibm: u128,
	/// The emission its jobs earned: each job's `ibm · E_p`, at most `max_mint_per_burn` of
	/// what it burned.
	pub emission: Balance,
	/// What its contributions earned, by pool, before the allocation's cap: the work,
	/// manager and verifier credits of its jobs, and the availability of its nodes.
	pub credited: Pools<Balance>,
	/// Verified IBM of jobs that managers brought in, in pico-IBM.
	pub managed_ibm: u128,
	/// IB × online minutes of eligible worker nodes that their bonds back, in pico-IBM: the
	/// IBME's denominator (apparent IBM).
	pub apparent_ibm: u128,
	/// Verifications that matched the outcome.
	pub verifications: u64,
	/// Fees burned.
	pub burned: Balance,
	/// Fees paid to the foundation.
	pub to_foundation: Balance,
	/// Accounts with a contribution record in the epoch.
	pub accounts: u32,
}

impl<Balance> EpochWork<Balance> {
	/// IBM Efficiency: paid IBM / apparent IBM (at most 100 %), both as their burns and
	/// bonds back them; `None` with no node online.
	pub fn ibme(&self) -> Option<Perbill> {
		(self.apparent_ibm > 0).then(|| {
			Perbill::from_rational(self.backed_ibm.min(self.apparent_ibm), self.apparent_ibm)
		})
	}
}

/// One account's contributions in one epoch, as worker, node online, verifier and manager.
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
pub struct Contribution<Balance> {
	/// Verified IBM it worked, in pico-IBM.
	pub ibm: u128,
	/// Its work credit: for each of its jobs, the work share of the job's emission times its
	/// class multiplier and reliability bonus, at most the work share of the job's cap.
	pub work: Balance,
	/// The part of `work` that class multipliers and the reliability bonus added.
	pub bonus: Balance,
	/// Verified IBM of the jobs it brought in as a manager, in pico-IBM.
	pub managed_ibm: u128,
	/// Its manager credit: the manager share of those jobs' emission.
	pub management: Balance,
	/// Its availability credit: its nodes' IB × online minutes at the availability rate, with
	/// the committed-memory bonus, at most `availability_max_yield` of its bond.
	pub availability: Balance,
	/// Verifications of it that matched the outcome.
	pub verifications: u32,
	/// Its rewards of the epoch are forfeited (a proven fault): nothing more counts for it,
	/// and its credits are withheld.
	pub forfeited: bool,
}

/// How an epoch's emission was settled.
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
pub struct EpochSettlement<Balance> {
	/// Emission per verified IBM: `E_p`.
	pub emission_per_ibm: Balance,
	/// The epoch's IBME, if any node was online.
	pub ibme: Option<Perbill>,
	/// `T`: what its contributions earned (its credits in every pool added up), capped by
	/// what was left of the ecosystem allocation.
	pub emission: Balance,
	/// `T` by pool: the credits of each, scaled down together only if the allocation ran
	/// short; each account is paid its own credit (the verifier pool: pro rata to matched
	/// verifications), and what that leaves is withheld.
	pub pools: Pools<Balance>,
	/// Minted to accounts so far.
	pub minted: Balance,
	/// Withheld, once the last account is paid: forfeited credits, a verifier pool nobody
	/// earned, rounding. Never minted, it stays in the allocation, and `minted + withheld =
	/// emission` exactly.
	pub withheld: Balance,
	/// Accounts still to settle.
	pub remaining: u32,
	/// The reward epoch in progress when its last account was paid: its rewards can be
	/// claimed until `HistoryDepth` epochs after this one have ended.
	pub settled_in: RewardEpochIndex,
	/// Of `minted`, what was left unclaimed past `HistoryDepth` epochs and handed back to the
	/// allocation so far (as the epoch expires).
	pub expired: Balance,
}

/// A reward of one account for one epoch, by pool, and what of it was paid.
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
pub struct Reward<Balance> {
	/// What each pool paid it.
	pub earned: Pools<Balance>,
	/// The part of `earned.work` that class multipliers and the reliability bonus added.
	pub bonus: Balance,
	/// Paid so far.
	pub paid: Balance,
}

impl<Balance: AtLeast32BitUnsigned + Copy> Reward<Balance> {
	/// The whole reward.
	pub fn amount(&self) -> Balance {
		self.earned.total()
	}
}

/// Where an epoch's rewards stand.
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum EpochStatus {
	/// The epoch is in progress: amounts are estimates, as if it ended now.
	Running,
	/// The epoch ended and is not settled yet: amounts are what its settlement will pay, if
	/// no forfeit comes first.
	Settling,
	/// The epoch is settled: amounts are what was minted.
	Settled,
	/// The epoch's rewards expired (`HistoryDepth` epochs passed): nothing is kept of it.
	Expired,
}

/// Why a pool pays an account nothing for an epoch.
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ZeroReason {
	/// A fault was proven against it: its rewards of the epoch are forfeited.
	Forfeited,
	/// The epoch pays nothing from this pool: the ecosystem allocation is spent (or nothing
	/// was credited to it).
	NoEmission,
	/// It settled no verified work as a worker.
	NoWork,
	/// Its jobs burned nothing (price zero), so they may mint nothing.
	NothingBurned,
	/// It was not online as a worker node eligible for work (no heartbeat counted).
	Offline,
	/// None of its verdicts matched an outcome.
	NoVerifications,
	/// It brought in no job as a manager.
	NoManagedJobs,
	/// Its share rounds down to nothing.
	RoundedDown,
	/// Nothing is outstanding for a settled epoch: none earned, forfeited, claimed in full or
	/// expired (the events tell which).
	NoneOutstanding,
}

/// What one pool pays an account for an epoch.
#[derive(
	Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default,
)]
pub struct PoolReward<Balance> {
	/// The amount.
	pub amount: Balance,
	/// Why it is zero, when it is.
	pub zero_because: Option<ZeroReason>,
}

/// An account's rewards of one epoch, by pool (the `BmwApi` runtime API's answer).
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct RewardBreakdown<Balance> {
	/// The epoch.
	pub epoch: RewardEpochIndex,
	/// Estimate, due or minted.
	pub status: EpochStatus,
	/// From the work pool (bonuses included).
	pub work: PoolReward<Balance>,
	/// The part of `work` that class multipliers and the reliability bonus added.
	pub bonus: Balance,
	/// From the availability pool.
	pub availability: PoolReward<Balance>,
	/// From the verifier pool.
	pub verification: PoolReward<Balance>,
	/// From the manager pool.
	pub management: PoolReward<Balance>,
	/// Its rewards of the epoch are forfeited.
	pub forfeited: bool,
	/// The four pools added up.
	pub total: Balance,
	/// What `claim` would pay now.
	pub claimable: Balance,
	/// Its share of the verification pallet's penalty pool for the epoch, claimed there.
	pub penalty_share: Balance,
}
