//! Weights of compute-staking's calls.
//!
//! These are **estimates, not yet benchmark output**: a fixed execution cost plus the storage
//! reads and writes each call makes (counted from the code, priced by the runtime's `DbWeight`).
//! The benchmarks in `benchmarking.rs` exercise every call's worst case and run as tests;
//! replace this file with `frame-omni-bencher v1 benchmark pallet` output once the runtime
//! exposes the benchmark API.

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions of the calls.
pub trait WeightInfo {
	fn bond() -> Weight;
	fn bond_extra() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded(chunks: u32) -> Weight;
	fn set_params() -> Weight;
	fn refresh_eligibility() -> Weight;
	fn slash() -> Weight;
}

/// Execution cost (ref time, picoseconds) of a call's own logic, besides storage access.
const CALL_BASE: u64 = 40_000_000;
/// Proof size of a bond record with its chunks, and of an account with its holds.
const PROOF: u64 = 4_096;

/// Weights for a runtime, priced with its `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	// Reads: Bonds, Params, node profile, account, holds. Writes: Bonds, account, holds.
	fn bond() -> Weight {
		Weight::from_parts(CALL_BASE, PROOF).saturating_add(T::DbWeight::get().reads_writes(5, 3))
	}
	fn bond_extra() -> Weight {
		Weight::from_parts(CALL_BASE, PROOF).saturating_add(T::DbWeight::get().reads_writes(5, 3))
	}
	// Reads: Bonds, Params, epoch, node profile. Writes: Bonds.
	fn unbond() -> Weight {
		Weight::from_parts(CALL_BASE, PROOF).saturating_add(T::DbWeight::get().reads_writes(4, 1))
	}
	// Reads: Bonds, epoch, the worker's job stages, account, holds, Jails, epoch. Writes:
	// Bonds, account, holds, Jails; linear in chunks.
	fn withdraw_unbonded(chunks: u32) -> Weight {
		Weight::from_parts(CALL_BASE, PROOF)
			.saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(chunks as u64))
			.saturating_add(T::DbWeight::get().reads_writes(7, 4))
	}
	// Writes: Params, EligibilitySweep.
	fn set_params() -> Weight {
		Weight::from_parts(CALL_BASE / 4, 512).saturating_add(T::DbWeight::get().writes(2))
	}
	// Reads: Bonds, Params, node profile. Writes: Bonds.
	fn refresh_eligibility() -> Weight {
		Weight::from_parts(CALL_BASE / 2, PROOF)
			.saturating_add(T::DbWeight::get().reads_writes(3, 1))
	}
	// Reads: Bonds, the account and holds of the bond and of the penalty pool, Jails, epoch,
	// node profile, Params. Writes: Bonds, both accounts and holds.
	fn slash() -> Weight {
		Weight::from_parts(CALL_BASE, 2 * PROOF)
			.saturating_add(T::DbWeight::get().reads_writes(9, 5))
	}
}

/// For tests: the same shape with unit database costs.
impl WeightInfo for () {
	fn bond() -> Weight {
		Weight::from_parts(CALL_BASE, PROOF)
	}
	fn bond_extra() -> Weight {
		Weight::from_parts(CALL_BASE, PROOF)
	}
	fn unbond() -> Weight {
		Weight::from_parts(CALL_BASE, PROOF)
	}
	fn withdraw_unbonded(chunks: u32) -> Weight {
		Weight::from_parts(CALL_BASE + 1_000_000 * chunks as u64, PROOF)
	}
	fn set_params() -> Weight {
		Weight::from_parts(CALL_BASE / 4, 512)
	}
	fn refresh_eligibility() -> Weight {
		Weight::from_parts(CALL_BASE / 2, PROOF)
	}
	fn slash() -> Weight {
		Weight::from_parts(CALL_BASE, 2 * PROOF)
	}
}
