//! Records of the BMW pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

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
	/// A job earns at most this share of what was burned for it (`≤ 100 %`), so paying
	/// yourself for fake demand burns more than it mints.
	pub max_mint_per_burn: Perbill,
	/// Share of an epoch's emission that goes to the work pool (pro rata to work points).
	pub work_share: Perbill,
	/// Bonus on work points for a fully reliable worker (scaled by its reliability).
	pub reliability_bonus: Perbill,
	/// Share of a reward paid at once; the rest vests linearly.
	pub vest_immediately: Perbill,
	/// Epochs over which the rest of a reward vests (0: all at once).
	pub vesting_epochs: u32,
}

/// What an epoch's settled work added up to.
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
	/// Verified IBM, in pico-IBM: `W_p`.
	pub ibm: u128,
	/// Work points: IBM weighted by class multiplier and reliability bonus.
	pub points: u128,
	/// Fees burned.
	pub burned: Balance,
	/// Fees paid to the foundation.
	pub to_foundation: Balance,
	/// Workers with work in the epoch.
	pub workers: u32,
}

/// One worker's work in one epoch.
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
pub struct WorkerWork<Balance> {
	/// Verified IBM, in pico-IBM.
	pub ibm: u128,
	/// Work points.
	pub points: u128,
	/// The most its work may be paid: `max_mint_per_burn` of what its jobs burned.
	pub mint_cap: Balance,
	/// Its rewards of the epoch are forfeited (a proven fault): its work earns no points, so
	/// its share of the pool is withheld.
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
	/// Emission `T = W_p · E_p`, capped by what was left of the ecosystem allocation.
	pub emission: Balance,
	/// The work pool's share of it.
	pub work_pool: Balance,
	/// Minted to workers so far (at most `work_pool`).
	pub minted: Balance,
	/// Withheld by the per-job caps or forfeited, so far: never minted, it stays in the
	/// allocation.
	pub withheld: Balance,
	/// Workers still to settle.
	pub remaining: u32,
}

/// A reward of one account for one epoch, and what of it was paid.
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
	/// The reward.
	pub amount: Balance,
	/// Paid so far.
	pub paid: Balance,
}
