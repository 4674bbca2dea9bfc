//! Weights of the verification pallet's calls.
//!
//! These are **estimates, not yet benchmark output**: a fixed execution cost plus the storage
//! reads and writes each call makes, priced by the runtime's `DbWeight`. `benchmarking.rs` has
//! a benchmark for every call.

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions of the calls.
pub trait WeightInfo {
	fn set_params() -> Weight;
}

/// Execution cost (ref time, picoseconds) of a call's own logic, besides storage access.
const CALL_BASE: u64 = 20_000_000;

/// Weights for a runtime, priced with its `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	// Writes: Params.
	fn set_params() -> Weight {
		Weight::from_parts(CALL_BASE, 512).saturating_add(T::DbWeight::get().writes(1))
	}
}

/// For tests: the same shapes with no storage cost.
impl WeightInfo for () {
	fn set_params() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
}
