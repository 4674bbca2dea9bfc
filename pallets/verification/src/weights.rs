//! Weights of the verification pallet's calls and block hook.
//!
//! These are **estimates, not yet benchmark output**: a fixed execution cost plus the storage
//! reads and writes each step makes, priced by the runtime's `DbWeight`. `benchmarking.rs` has
//! a benchmark for every call and for each step of the hook at its worst case. What the jobs
//! pallet does to settle, reject or void a receipt is added from its own weights
//! (`JobSettlement::accept_weight`, `reject_weight`, `void_weight`).

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions of the calls and the hook.
pub trait WeightInfo {
	fn set_params() -> Weight;
	/// A commitment to a verdict, in a committee of `c`.
	fn commit_verdict(c: u32) -> Weight;
	/// The reveal that decides a dispute against the worker, with `c` members per committee.
	fn reveal_verdict_reject(c: u32) -> Weight;
	/// The last reveal of a round of `c` seats that does not decide the claim: its dispute
	/// or redraw booked `DRAW_DELAY` blocks on.
	fn reveal_verdict_undecided(c: u32) -> Weight;
	fn claim_penalty_share() -> Weight;
	/// The hook's first step: the newest block's randomness mixed into the entropy.
	fn mix_entropy() -> Weight;
	/// The hook's intake step when nothing is due.
	fn decide_receipts_base() -> Weight;
	/// One receipt decided unsampled (settlement itself excluded).
	fn decide_unsampled() -> Weight;
	/// One receipt sampled, with a committee of `c`.
	fn decide_sampled(c: u32) -> Weight;
	/// The hook's deadline step when nothing is due.
	fn expire_checks_base() -> Weight;
	/// One check decided at its deadline, against the worker, with `c` members per
	/// committee (rejection itself excluded).
	fn expire_check(c: u32) -> Weight;
	/// Closing a reward epoch's payout.
	fn close_epoch() -> Weight;
	/// An expiry step's fixed part: the payout taken, Reserved, the epoch's records removed.
	fn expire_payout_base() -> Weight;
	/// One verifier's credits of an expired epoch removed.
	fn expire_credit() -> Weight;
}

/// Execution cost (ref time, picoseconds) of a step's own logic, besides storage access.
const CALL_BASE: u64 = 20_000_000;
/// Execution cost of one committee member (a draw, a hash, an event field).
const PER_MEMBER: u64 = 2_000_000;
/// Proof size of one check record (two committees of the largest size).
const CHECK_PROOF: u64 = 1_500;
/// Items a draw reads per verifier it visits: the node, its compute bond, its staking ledger
/// and validator entry, the session's validators.
const VISIT_READS: u64 = 5;
/// Blocks a reveal may try to book a dispute or redraw in (`checks::DRAW_DELAY`).
const DRAW_DELAY: u64 = crate::checks::DRAW_DELAY as u64;
/// Stale entries of the serving set a draw may pass over (`checks::DRAW_SLACK`).
const SLACK: u64 = crate::checks::DRAW_SLACK as u64;

/// Weights for a runtime, priced with its `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	// Writes: Params.
	fn set_params() -> Weight {
		Weight::from_parts(CALL_BASE, 512).saturating_add(T::DbWeight::get().writes(1))
	}
	// Reads and writes: Checks.
	fn commit_verdict(c: u32) -> Weight {
		Weight::from_parts(CALL_BASE + c as u64 * PER_MEMBER / 4, CHECK_PROOF)
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	// Reads: Checks, Params, the stake (bond, jail: 3), reliability (1), credits (2 per
	// member and the disputer). Writes: Checks, the stake (bond, jail, hold: 3), reliability,
	// credits (2 per member). A hash of the reveal.
	fn reveal_verdict_reject(c: u32) -> Weight {
		let c = c as u64;
		Weight::from_parts(CALL_BASE + 2 * c * PER_MEMBER, CHECK_PROOF + 3_000)
			.saturating_add(T::DbWeight::get().reads_writes(6 + 4 * c, 5 + 4 * c))
	}
	// Reads: Checks, the blocks a dispute or redraw may be booked in (DRAW_DELAY). Writes:
	// Checks, the block booked. A hash of the reveal.
	fn reveal_verdict_undecided(c: u32) -> Weight {
		let c = c as u64;
		Weight::from_parts(CALL_BASE + c * PER_MEMBER / 2, CHECK_PROOF + 1_500)
			.saturating_add(T::DbWeight::get().reads_writes(1 + DRAW_DELAY, 2))
	}
	// Reads: Payouts, credits, the pool and the verifier. Writes: the same and Reserved.
	fn claim_penalty_share() -> Weight {
		Weight::from_parts(CALL_BASE, 1_000).saturating_add(T::DbWeight::get().reads_writes(5, 5))
	}
	// Reads: the block's randomness, Entropy. Writes: Entropy. A hash.
	fn mix_entropy() -> Weight {
		Weight::from_parts(CALL_BASE / 4, 512).saturating_add(T::DbWeight::get().reads_writes(2, 1))
	}
	// Reads: Intake, randomness, Params, the directory size, the head page.
	fn decide_receipts_base() -> Weight {
		Weight::from_parts(CALL_BASE, 2_000).saturating_add(T::DbWeight::get().reads_writes(5, 2))
	}
	// A draw and an event.
	fn decide_unsampled() -> Weight {
		Weight::from_parts(CALL_BASE / 4, 0)
	}
	// Reads: the serving set, per verifier visited (at most c + DRAW_SLACK) 4 items, the
	// deadline block. Writes: Checks, the deadline block.
	fn decide_sampled(c: u32) -> Weight {
		let c = c as u64;
		Weight::from_parts(CALL_BASE + c * PER_MEMBER, CHECK_PROOF)
			.saturating_add(T::DbWeight::get().reads_writes(2 + VISIT_READS * (c + SLACK), 2))
	}
	// Reads and removes the deadline block.
	fn expire_checks_base() -> Weight {
		Weight::from_parts(CALL_BASE / 4, 512).saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	// The dearer of a rejecting verdict and a draw of c seats (a dispute's, or a redraw's):
	// Checks, Params, randomness, the serving set and the deadline block read; per verifier
	// visited (the c seats, the c members and up to 4 · c dismissed ones passed over,
	// DRAW_SLACK stale entries) VISIT_READS items. Writes: Checks, the deadline block.
	fn expire_check(c: u32) -> Weight {
		let c64 = c as u64;
		let redraw = Weight::from_parts(CALL_BASE + 2 * c64 * PER_MEMBER, CHECK_PROOF * 5)
			.saturating_add(
				T::DbWeight::get().reads_writes(5 + VISIT_READS * (6 * c64 + SLACK), 2),
			);
		Self::reveal_verdict_reject(c).max(redraw)
	}
	// Reads: CreditEpoch, EpochCredits, the pool, Reserved, Params. Writes: Payouts,
	// Reserved, CreditEpoch.
	fn close_epoch() -> Weight {
		Weight::from_parts(CALL_BASE, 1_000).saturating_add(T::DbWeight::get().reads_writes(5, 3))
	}
	// Reads: the epoch's next credit (none left), Payouts, Reserved. Writes: Payouts,
	// Reserved, EpochCredits, NextToExpire.
	fn expire_payout_base() -> Weight {
		Weight::from_parts(CALL_BASE, 1_000).saturating_add(T::DbWeight::get().reads_writes(3, 4))
	}
	// Reads and removes the credits.
	fn expire_credit() -> Weight {
		Weight::from_parts(CALL_BASE / 4, 128).saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
}

/// For tests: the same shapes with no storage cost.
impl WeightInfo for () {
	fn set_params() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn commit_verdict(c: u32) -> Weight {
		Weight::from_parts(CALL_BASE + c as u64 * PER_MEMBER / 4, 0)
	}
	fn reveal_verdict_reject(c: u32) -> Weight {
		Weight::from_parts(CALL_BASE + 2 * c as u64 * PER_MEMBER, 0)
	}
	fn reveal_verdict_undecided(c: u32) -> Weight {
		Weight::from_parts(CALL_BASE + c as u64 * PER_MEMBER / 2, 0)
	}
	fn claim_penalty_share() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn mix_entropy() -> Weight {
		Weight::from_parts(CALL_BASE / 4, 0)
	}
	fn decide_receipts_base() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn decide_unsampled() -> Weight {
		Weight::from_parts(CALL_BASE / 4, 0)
	}
	fn decide_sampled(c: u32) -> Weight {
		Weight::from_parts(CALL_BASE + c as u64 * PER_MEMBER, 0)
	}
	fn expire_checks_base() -> Weight {
		Weight::from_parts(CALL_BASE / 4, 0)
	}
	fn expire_check(c: u32) -> Weight {
		Self::reveal_verdict_reject(c)
	}
	fn close_epoch() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn expire_payout_base() -> Weight {
		Weight::from_parts(CALL_BASE, 0)
	}
	fn expire_credit() -> Weight {
		Weight::from_parts(CALL_BASE / 4, 0)
	}
}
