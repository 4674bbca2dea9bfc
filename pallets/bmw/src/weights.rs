//! Weights of the BMW pallet's calls and block hook.
//!
//! These are **estimates, not yet benchmark output**: a fixed execution cost plus the storage
//! reads and writes each step makes, priced by the runtime's `DbWeight`. `benchmarking.rs` has
//! a benchmark for every call and for the hook's steps at their worst case.

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions of the calls and the hook.
pub trait WeightInfo {
	fn set_params() -> Weight;
	fn claim() -> Weight;
	/// A reward epoch ending.
	fn end_epoch() -> Weight;
	/// A settlement step's fixed part: the epoch, its settlement and totals.
	fn settle_base() -> Weight;
	/// One account paid its shares of the pools.
	fn settle_account() -> Weight;
	/// A node's online time or a verifier's matched verifications recorded.
	fn record_contribution() -> Weight;
	/// One settled stage's fee burned and its work recorded.
	fn work_settled() -> Weight;
	/// An expiry step's fixed part: the epoch's settlement, the burn from the pot and the
	/// allocation, the epoch's records removed.
	fn expire_base() -> Weight;
	/// One unclaimed reward removed.
	fn expire_reward() -> Weight;
}

/// Execution cost (ref time, picoseconds) of a step's own logic, besides storage access.
const CALL_BASE: u64 = 20_000_000;
/// Proof size of an account's records (contribution, reward).
const RECORD_PROOF: u64 = 256;

/// Weights for a runtime, priced with its `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	// Writes: Params.
	fn set_params() -> Weight {
		Weight::from_parts(CALL_BASE, 256).saturating_add(T::DbWeight::get().writes(1))
	}
	// Reads: Rewards, CurrentEpoch, Params, the pot, the claimant. Writes: Rewards, the pot,
	// the claimant.
	fn claim() -> Weight {
		Weight::from_parts(CALL_BASE, RECORD_PROOF + 512)
			.saturating_add(T::DbWeight::get().reads_writes(5, 3))
	}
	// Reads: EpochEnd, Params, CurrentEpoch, the ended and the next epoch's totals. Writes:
	// CurrentEpoch, EpochEnd, the next epoch's totals.
	fn end_epoch() -> Weight {
		Weight::from_parts(CALL_BASE, 512).saturating_add(T::DbWeight::get().reads_writes(5, 3))
	}
	// Reads: NextToSettle, CurrentEpoch, Settlements, EpochTotals, Params, RemainingAllocation.
	// Writes: Settlements, NextToSettle.
	fn settle_base() -> Weight {
		Weight::from_parts(CALL_BASE, 512).saturating_add(T::DbWeight::get().reads_writes(6, 2))
	}
	// Reads and removes the account's contribution; mints into the pot (pot, total issuance);
	// writes its reward and RemainingAllocation.
	fn settle_account() -> Weight {
		Weight::from_parts(CALL_BASE, 2 * RECORD_PROOF)
			.saturating_add(T::DbWeight::get().reads_writes(4, 5))
	}
	// Reads: Params, CurrentEpoch, the contribution, the epoch's totals. Writes: the
	// contribution, the totals.
	fn record_contribution() -> Weight {
		Weight::from_parts(CALL_BASE, RECORD_PROOF + 512)
			.saturating_add(T::DbWeight::get().reads_writes(4, 2))
	}
	// Reads: Params, CurrentEpoch, the worker's record (reliability), its and the manager's
	// contributions, the epoch's totals, the fee collector, the foundation, total issuance.
	// Writes: both contributions, the totals, the fee collector, the foundation, total
	// issuance.
	fn work_settled() -> Weight {
		Weight::from_parts(CALL_BASE, 2 * RECORD_PROOF + 1_024)
			.saturating_add(T::DbWeight::get().reads_writes(9, 6))
	}
	// Reads: NextToExpire, NextToSettle, CurrentEpoch, Settlements, the end of the epoch's
	// rewards, the pot, total issuance, RemainingAllocation. Writes: Settlements, EpochTotals,
	// NextToExpire, the pot, total issuance, RemainingAllocation.
	fn expire_base() -> Weight {
		Weight::from_parts(CALL_BASE, 1_024).saturating_add(T::DbWeight::get().reads_writes(8, 6))
	}
	// Reads and removes the reward.
	fn expire_reward() -> Weight {
		Weight::from_parts(CALL_BASE / 4, RECORD_PROOF)
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
}

/// For tests: the same shapes with no storage cost.
impl WeightInfo for () {
	fn set_params() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn claim() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn end_epoch() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn settle_base() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn settle_account() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn record_contribution() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn work_settled() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn expire_base() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn expire_reward() -> Weight {
		Weight::from_parts(CALL_BASE / 4, 0)
	}
}
