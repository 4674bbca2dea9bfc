//! Weights of the jobs pallet's calls and hooks.
//!
//! These are **estimates, not yet benchmark output**: a fixed execution cost plus the storage
//! reads and writes each path makes, counted from the code (including what routing reads through
//! the registry and the stake) and priced by the runtime's `DbWeight`. `benchmarking.rs` has a
//! benchmark for every call and hook; this file is replaced by `frame-omni-bencher` output once
//! the runtime exposes the benchmark API.
//!
//! Storage is counted per distinct key, as frame-benchmarking counts it: a batch of receipts
//! reads and writes the worker's assignments, its node record and the acceptance timer bucket
//! once however many entries it has, and reads each entry's job record. `runtime/benches/receipts.rs` measures
//! what this makes of a batch against one extrinsic per receipt.

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions of the calls and hooks.
pub trait WeightInfo {
	fn register_workload() -> Weight;
	fn update_workload() -> Weight;
	fn register_model(layers: u32) -> Weight;
	fn submit_job(stages: u32) -> Weight;
	fn cancel_job() -> Weight;
	fn expire_queued_job() -> Weight;
	fn submit_receipts(receipts: u32) -> Weight;
	fn start_stage() -> Weight;
	fn timer_spill() -> Weight;
	fn set_params() -> Weight;
	fn fire_deadline() -> Weight;
	fn fire_acceptance() -> Weight;
	fn retry_queued_job() -> Weight;
	fn prune_job() -> Weight;
}

/// Execution cost (ref time, picoseconds) of a call's own logic, besides storage access.
const CALL_BASE: u64 = 30_000_000;
/// Execution cost of checking and recording one receipt (hashing, decoding the job).
const PER_RECEIPT: u64 = 12_000_000;
/// Draws routing makes per stage (the runtime's `MaxRouteDraws`), and what it reads for each:
/// the pool's total and size, a path down its Fenwick tree (at most 21 entries: a pool holds
/// at most the registry's `MaxNodes` = 2²⁰ workers; 18 at 100,000), the seat, then the node
/// record, bond, jail, stake parameters, assignments and the verification parameters (whether
/// its bond deters faking the stage); and when no draw fits, as many members examined in a row
/// (the seat and the same six).
const ROUTE_SCAN: u64 = 6;
const READS_PER_CANDIDATE: u64 = (3 + 21 + 6) + (1 + 6);
/// Proof size of one examined worker (node record with hosted models, bond, assignments).
const PROOF_PER_CANDIDATE: u64 = 2_048;
/// Proof size of a job record (inline input up to 4 KiB, 8 stages).
const JOB_PROOF: u64 = 8_192;
/// Proof size of a node record (hardware profile, hosted models, reliability).
const NODE_PROOF: u64 = 1_024;
/// Proof size of a worker's assignments (128 of up to 68 bytes, with delivered receipts).
const ASSIGNMENTS_PROOF: u64 = 8_704;
/// Proof size of a timer bucket (the runtime's 512 timers of 14 bytes).
const BUCKET_PROOF: u64 = 7_200;
/// Most stages a queued job may have (the runtime's `MaxStages`).
const MAX_STAGES: u32 = 8;

fn route<T: frame_system::Config>(stages: u64) -> Weight {
	Weight::from_parts(2_000_000 * ROUTE_SCAN * stages, PROOF_PER_CANDIDATE * ROUTE_SCAN * stages)
		.saturating_add(T::DbWeight::get().reads(READS_PER_CANDIDATE * ROUTE_SCAN * stages))
}

/// Weights for a runtime, priced with its `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	// Reads: NextWorkloadId. Writes: NextWorkloadId, Workloads.
	fn register_workload() -> Weight {
		Weight::from_parts(CALL_BASE, 512).saturating_add(T::DbWeight::get().reads_writes(1, 2))
	}
	// Reads: Workloads. Writes: Workloads.
	fn update_workload() -> Weight {
		Weight::from_parts(CALL_BASE, 512).saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	// Reads: NextModelId. Writes: NextModelId, Models; validation is linear in the layers.
	fn register_model(layers: u32) -> Weight {
		Weight::from_parts(CALL_BASE + 200_000 * layers as u64, 512 + 8 * layers as u64)
			.saturating_add(T::DbWeight::get().reads_writes(1, 2))
	}
	// Reads: Workloads, Models, Params, NextJobId, randomness, pool size, the route scan,
	// the manager check, Demand, holds (escrow and deposit). Writes: holds and account (escrow
	// and deposit), NextJobId, Jobs, Queue, Demand, per stage Assignments and Timers.
	fn submit_job(stages: u32) -> Weight {
		Weight::from_parts(CALL_BASE, JOB_PROOF)
			.saturating_add(route::<T>(stages as u64))
			.saturating_add(T::DbWeight::get().reads_writes(11, 8 + 2 * stages as u64))
	}
	// Reads: Jobs, Queue, holds, account. Writes: Jobs, Queue, the expiry, holds, account,
	// the pruning entry.
	fn cancel_job() -> Weight {
		Weight::from_parts(CALL_BASE, JOB_PROOF)
			.saturating_add(T::DbWeight::get().reads_writes(4, 6))
	}
	// Reads: the expiry, Jobs, Queue, holds, account. Writes: the expiry, Jobs, Queue, holds,
	// account, the pruning entry.
	fn expire_queued_job() -> Weight {
		Weight::from_parts(CALL_BASE, JOB_PROOF)
			.saturating_add(T::DbWeight::get().reads_writes(5, 6))
	}
	// Once per call, however many receipts (the same keys each time): the worker's
	// assignments (where the receipts are recorded), its node record (reliability) and the
	// acceptance timer bucket, read and written.
	// Per receipt — reads: Jobs.
	fn submit_receipts(receipts: u32) -> Weight {
		let n = receipts as u64;
		Weight::from_parts(
			CALL_BASE + PER_RECEIPT * n,
			ASSIGNMENTS_PROOF + NODE_PROOF + BUCKET_PROOF + JOB_PROOF * n,
		)
		.saturating_add(T::DbWeight::get().reads_writes(3 + n, 3))
	}
	// A receipt that starts the next pipeline stage sets its deadline and writes its job:
	// reads up to `TIMER_SPILL` buckets from the due block on, writes one, and Jobs.
	fn start_stage() -> Weight {
		let buckets = crate::timers::TIMER_SPILL as u64;
		Weight::from_parts(PER_RECEIPT, BUCKET_PROOF * buckets)
			.saturating_add(T::DbWeight::get().reads_writes(buckets, 2))
	}
	// Acceptance timers that found their bucket full: the buckets after it.
	fn timer_spill() -> Weight {
		let buckets = crate::timers::TIMER_SPILL as u64 - 1;
		Weight::from_parts(0, BUCKET_PROOF * buckets)
			.saturating_add(T::DbWeight::get().reads_writes(buckets, buckets))
	}
	// Reads: Params. Writes: Params.
	fn set_params() -> Weight {
		Weight::from_parts(CALL_BASE, 512).saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	// Reads: Jobs, Params, Workloads, the slash (bond, node, stake params, holds, pool
	// account, the pool move it may note), reliability, assignments, the route scan. Writes:
	// bond, holds, accounts, node, the noted move, assignments (old and new worker), Timers, Jobs,
	// and when the job fails its pruning entry.
	fn fire_deadline() -> Weight {
		Weight::from_parts(CALL_BASE, JOB_PROOF)
			.saturating_add(route::<T>(1))
			.saturating_add(T::DbWeight::get().reads_writes(13, 12))
	}
	// Reads: Jobs, Params, holds, accounts, Assignments, epoch. Writes: holds, accounts,
	// Assignments, Jobs, and on completion the refund's hold and account and the pruning entry.
	fn fire_acceptance() -> Weight {
		Weight::from_parts(CALL_BASE, JOB_PROOF)
			.saturating_add(T::DbWeight::get().reads_writes(7, 9))
	}
	// A queued job routed again: as a submission of the most stages, without the escrow.
	fn retry_queued_job() -> Weight {
		Self::submit_job(MAX_STAGES)
	}
	// Reads: the pruning entry, Jobs, each stage's worker's assignments, holds, account.
	// Writes: the pruning entry, Jobs, holds, account.
	fn prune_job() -> Weight {
		Weight::from_parts(CALL_BASE / 2, JOB_PROOF)
			.saturating_add(T::DbWeight::get().reads_writes(4 + MAX_STAGES as u64, 4))
	}
}

/// For tests: the same shapes with no storage cost.
impl WeightInfo for () {
	fn register_workload() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn update_workload() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn register_model(layers: u32) -> Weight {
		Weight::from_parts(CALL_BASE + 200_000 * layers as u64, 0)
	}
	fn submit_job(stages: u32) -> Weight {
		Weight::from_parts(CALL_BASE + 64_000_000 * stages as u64, 0)
	}
	fn cancel_job() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn expire_queued_job() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn submit_receipts(receipts: u32) -> Weight {
		Weight::from_parts(CALL_BASE + PER_RECEIPT * receipts as u64, 0)
	}
	fn start_stage() -> Weight {
		Weight::from_parts(PER_RECEIPT, 0)
	}
	fn timer_spill() -> Weight {
		Weight::zero()
	}
	fn set_params() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn fire_deadline() -> Weight {
		Weight::from_parts(CALL_BASE + 64_000_000, 0)
	}
	fn fire_acceptance() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn retry_queued_job() -> Weight {
		Self::submit_job(MAX_STAGES)
	}
	fn prune_job() -> Weight {
		Weight::from_parts(CALL_BASE / 2, 0)
	}
}
