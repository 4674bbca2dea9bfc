//! Weights of the registry's calls.
//!
//! These are **estimates, not yet benchmark output**: a fixed execution cost plus the storage
//! reads and writes each call makes (counted from the code, including what it reads through the
//! stake, and priced by the runtime's `DbWeight`). Benchmarks for every call come next, then this
//! file is replaced by `frame-omni-bencher` output.

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions of the calls.
pub trait WeightInfo {
	fn register() -> Weight;
	fn update_hardware() -> Weight;
	fn update_endpoint() -> Weight;
	fn update_price() -> Weight;
	fn claim_ib() -> Weight;
	fn update_models() -> Weight;
	fn update_availability() -> Weight;
	fn pause() -> Weight;
	fn resume() -> Weight;
	fn deregister() -> Weight;
	fn heartbeat() -> Weight;
	fn submit_benchmark() -> Weight;
	fn expire_challenge() -> Weight;
	/// One waiting claim's answer handed to the verifiers in `on_initialize` (the list and the
	/// verifiers' queue at their longest).
	fn hand_over_answer() -> Weight;
	fn mark_offline() -> Weight;
	fn set_params() -> Weight;
	fn rebuild_serving(verifiers: u32) -> Weight;
	/// A worker joining or leaving its `p` routing pools (all workers plus one per hosted
	/// model), or changing its weight in them: what a change of eligibility or IB costs on top
	/// of the call that caused it.
	fn pools_changed(p: u32) -> Weight;
	/// A block's spot-check step with nothing drawn.
	fn spot_check_base() -> Weight;
	/// One spot check drawn and issued.
	fn spot_check() -> Weight;
}

/// Execution cost (ref time, picoseconds) of a call's own logic, besides storage access.
const CALL_BASE: u64 = 40_000_000;
/// Proof size of a node record (bounded text, models) and what the stake reads.
const PROOF: u64 = 8_192;
/// Routing pools a worker can be in: all workers plus up to 32 hosted models (the runtime's
/// `MaxHostedModels`).
const POOLS: u64 = 33;
/// Entries one path of a pool's Fenwick tree reads: a pool holds at most `MaxNodes` = 2²⁰
/// workers, so at most 21 (18 at 100,000 members).
const TREE_DEPTH: u64 = 21;
/// Leaving one pool (the worst of joining, leaving and reweighing): the index, the seat, the
/// last seat, the size and the total, and the tree entries up the moved position's path; writes
/// the same, and the dropped tree entry.
const POOL_READS: u64 = 5 + TREE_DEPTH;
const POOL_WRITES: u64 = 6 + TREE_DEPTH;

fn estimate(db: Weight) -> Weight {
	Weight::from_parts(CALL_BASE, PROOF).saturating_add(db)
}

/// Weights for a runtime, priced with its `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	// Reads: Nodes, Params, ChallengeNonce, randomness, stake bond, staking ledger, models, the
	// account and its holds, the verifier list (a verifier). Writes: Nodes, NodeCount,
	// ChallengeNonce, the account and its holds, the verifier list. A new node is never
	// eligible, so it joins no pool.
	// The claim deposit: its hold read and written with the account (already counted).
	fn register() -> Weight {
		estimate(T::DbWeight::get().reads_writes(10 + POOLS, 7))
	}
	// Reads: Nodes. Writes: Nodes.
	fn update_hardware() -> Weight {
		estimate(T::DbWeight::get().reads_writes(1, 1))
	}
	// Reads: Nodes. Writes: Nodes.
	fn update_endpoint() -> Weight {
		estimate(T::DbWeight::get().reads_writes(1, 1))
	}
	// Reads: Nodes, Params, stake params, stake bond. Writes: Nodes, stake bond.
	fn update_price() -> Weight {
		estimate(T::DbWeight::get().reads_writes(4, 2))
	}
	// Reads: Nodes, Params, stake params, stake bond, ChallengeNonce, randomness, the claim
	// deposit's hold and account. Writes: Nodes, ChallengeNonce, the hold and account.
	fn claim_ib() -> Weight {
		estimate(T::DbWeight::get().reads_writes(8, 4))
	}
	// Reads: Nodes, models, pools left and joined (every model replaced: as many leaves and
	// joins as pools). Writes: Nodes, pools left and joined.
	fn update_models() -> Weight {
		estimate(T::DbWeight::get().reads_writes(1 + POOLS, 1))
			.saturating_add(Self::pools_changed(POOLS as u32).saturating_mul(2))
	}
	// Reads: Nodes. Writes: Nodes.
	fn update_availability() -> Weight {
		estimate(T::DbWeight::get().reads_writes(1, 1))
	}
	// Reads: Nodes, stake params, stake bond. Writes: Nodes, stake bond.
	fn pause() -> Weight {
		estimate(T::DbWeight::get().reads_writes(4, 3))
	}
	// Reads: Nodes, stake params, stake bond. Writes: Nodes, stake bond.
	fn resume() -> Weight {
		estimate(T::DbWeight::get().reads_writes(3, 2))
	}
	// Reads: Nodes, jobs, stake bond, NodeCount, the account and its holds, pools or the
	// verifier list. Writes: Nodes, NodeCount, stake bond, the account and its holds, pools or
	// the verifier list.
	// The claim deposit of an unanswered challenge: one more hold read and written.
	fn deregister() -> Weight {
		estimate(T::DbWeight::get().reads_writes(8 + POOLS, 7))
			.saturating_add(Self::pools_changed(POOLS as u32))
	}
	// Reads: Nodes, Params, epoch, stake params, stake bond; a verifier's staking ledger and
	// validator entry, the session's validators and the serving set. Writes: Nodes, stake bond,
	// serving set.
	fn heartbeat() -> Weight {
		estimate(T::DbWeight::get().reads_writes(9, 3))
	}
	// Reads: Nodes, Params, stake params, stake bond, the claim deposit's hold and account
	// (and the penalty pool's, when forfeited). Writes: Nodes, stake bond, the hold and the
	// accounts.
	fn submit_benchmark() -> Weight {
		estimate(T::DbWeight::get().reads_writes(7, 5))
	}
	// Reads: Nodes, Params, the claim deposit's hold and account. Writes: Nodes, the hold
	// and account.
	fn expire_challenge() -> Weight {
		estimate(T::DbWeight::get().reads_writes(4, 3))
	}
	// Reads: Nodes, the verifiers' benchmark queue. Writes: the verifiers' benchmark queue.
	// Decoding and shifting the waiting list (256 accounts).
	fn hand_over_answer() -> Weight {
		estimate(T::DbWeight::get().reads_writes(2, 1))
			.saturating_add(Weight::from_parts(2_000_000, 8_192))
	}
	// Reads: Nodes, Params, stake params, stake bond, serving set. Writes: Nodes, stake bond,
	// serving set.
	fn mark_offline() -> Weight {
		estimate(T::DbWeight::get().reads_writes(5, 3))
	}
	// Reads: -. Writes: Params.
	fn set_params() -> Weight {
		estimate(T::DbWeight::get().reads_writes(0, 1))
	}
	// Reads: the session index, ServingSession, the directory; per verifier its node, staking
	// ledger and validator entry and the session's validators. Writes: the serving set,
	// ServingSession.
	fn rebuild_serving(verifiers: u32) -> Weight {
		let per_verifier = T::DbWeight::get()
			.reads(4)
			.saturating_add(Weight::from_parts(2_000_000, 512))
			.saturating_mul(verifiers.into());
		estimate(T::DbWeight::get().reads_writes(3, 2)).saturating_add(per_verifier)
	}
	// Each of the worker's pools as leaving it (see `POOL_READS`), and its noted move.
	fn pools_changed(p: u32) -> Weight {
		let p = p as u64;
		Weight::from_parts(CALL_BASE / 4 * p, 1_024 * p)
			.saturating_add(T::DbWeight::get().reads_writes(1 + p * POOL_READS, p * POOL_WRITES))
	}
	// Reads: the all-workers pool's size, Params, randomness.
	fn spot_check_base() -> Weight {
		Weight::from_parts(5_000_000, 64).saturating_add(T::DbWeight::get().reads(3))
	}
	// Reads: the drawn seat, Nodes, Params, ChallengeNonce, randomness. Writes: Nodes,
	// ChallengeNonce.
	fn spot_check() -> Weight {
		estimate(T::DbWeight::get().reads_writes(5, 2))
	}
}

/// For tests: execution cost only.
impl WeightInfo for () {
	fn register() -> Weight {
		estimate(Weight::zero())
	}
	fn update_hardware() -> Weight {
		estimate(Weight::zero())
	}
	fn update_endpoint() -> Weight {
		estimate(Weight::zero())
	}
	fn update_price() -> Weight {
		estimate(Weight::zero())
	}
	fn claim_ib() -> Weight {
		estimate(Weight::zero())
	}
	fn update_models() -> Weight {
		estimate(Weight::zero())
	}
	fn update_availability() -> Weight {
		estimate(Weight::zero())
	}
	fn pause() -> Weight {
		estimate(Weight::zero())
	}
	fn resume() -> Weight {
		estimate(Weight::zero())
	}
	fn deregister() -> Weight {
		estimate(Weight::zero())
	}
	fn heartbeat() -> Weight {
		estimate(Weight::zero())
	}
	fn submit_benchmark() -> Weight {
		estimate(Weight::zero())
	}
	fn expire_challenge() -> Weight {
		estimate(Weight::zero())
	}
	fn hand_over_answer() -> Weight {
		estimate(Weight::zero())
	}
	fn mark_offline() -> Weight {
		estimate(Weight::zero())
	}
	fn set_params() -> Weight {
		estimate(Weight::zero())
	}
	fn rebuild_serving(_: u32) -> Weight {
		estimate(Weight::zero())
	}
	fn pools_changed(p: u32) -> Weight {
		Weight::from_parts(CALL_BASE / 4 * p as u64, 1_024 * p as u64)
	}
	fn spot_check_base() -> Weight {
		Weight::from_parts(5_000_000, 64)
	}
	fn spot_check() -> Weight {
		estimate(Weight::zero())
	}
}
