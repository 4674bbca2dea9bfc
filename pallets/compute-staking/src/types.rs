//! Records kept by the pallet and returned by its runtime API.

use cinder_primitives::{RewardEpochIndex, StakeRule};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, BoundedVec};
use scale_info::TypeInfo;
use sp_runtime::traits::{Saturating, Zero};

/// Governance parameters of the stake (set with `set_params`).
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
pub struct StakeParams {
	/// The S(n) rule: k (epochs of maximum billing) and E (minutes per epoch).
	pub rule: StakeRule,
	/// Reward epochs an unbonded amount stays held before it can be withdrawn.
	pub unbonding_epochs: u32,
	/// The collateral floor: the least price per IBM (in planck) S(n) is reckoned at, so a node
	/// pricing below it bonds as if it asked this much, and a stage's value for sampling and
	/// routing is its IBM at this price when the fee is less. It stands for the lowest honest
	/// cost of an IBM: what faking one can save. At least 1 planck (the pallet's default, no
	/// floor to speak of); Cinder's runtime sets 0.1 CNDR in every preset.
	pub floor_price_per_ibm: u128,
}

impl Default for StakeParams {
	fn default() -> Self {
		Self { rule: StakeRule::INFERIX, unbonding_epochs: 2, floor_price_per_ibm: 1 }
	}
}

/// Part of a bond on its way out: held until `release_epoch`, then withdrawable.
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
pub struct UnbondChunk<Balance> {
	/// Amount still held.
	pub amount: Balance,
	/// First reward epoch in which it can be withdrawn.
	pub release_epoch: RewardEpochIndex,
}

/// A worker's bond: all of it is held on the account under `HoldReason::ComputeBond`.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
#[scale_info(skip_type_params(MaxChunks))]
pub struct WorkerBond<Balance, MaxChunks: Get<u32>> {
	/// The part that counts towards S(n).
	pub active: Balance,
	/// Unbonding parts, oldest release first; they no longer count towards S(n) but can still be
	/// slashed.
	pub unbonding: BoundedVec<UnbondChunk<Balance>, MaxChunks>,
	/// Eligibility as last evaluated (events are emitted when it changes).
	pub eligible: bool,
}

impl<Balance: Copy + Saturating + Zero, MaxChunks: Get<u32>> WorkerBond<Balance, MaxChunks> {
	/// Active plus unbonding: what is held.
	pub fn total(&self) -> Balance {
		self.unbonding.iter().fold(self.active, |sum, chunk| sum.saturating_add(chunk.amount))
	}

	/// Whether nothing is left, active or unbonding.
	pub fn is_empty(&self) -> bool {
		self.active.is_zero() && self.unbonding.is_empty()
	}
}

/// Why a node is not eligible for jobs and rewards, in the order they are checked.
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
pub enum Ineligibility {
	/// The account runs no registered node.
	NotRegistered,
	/// The node is paused or offline.
	Inactive,
	/// The node's IB has not been confirmed by a benchmark challenge.
	IbNotConfirmed,
	/// The active bond is below S(n): bond more (`bond` / `bond_extra`) or lower the price.
	BondBelowMinimum,
	/// Jailed for a proven fault until reward epoch `until` begins.
	Jailed { until: RewardEpochIndex },
}

/// Where a node's stake stands, for the runtime API (`stake_status`).
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct StakeStatus<Balance> {
	/// Active bond.
	pub active: Balance,
	/// Unbonding chunks with their release epochs.
	pub unbonding: alloc::vec::Vec<UnbondChunk<Balance>>,
	/// S(n) for the node's current profile.
	pub minimum_stake: Balance,
	/// The reward epoch in progress.
	pub current_epoch: RewardEpochIndex,
	/// `None` if eligible, else the first reason it is not.
	pub ineligible_because: Option<Ineligibility>,
}

/// Progress of the eligibility sweep that follows a parameter change.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub enum Sweep<AccountId> {
	/// Start from the first bond.
	Start,
	/// Continue after this account.
	After(AccountId),
}
