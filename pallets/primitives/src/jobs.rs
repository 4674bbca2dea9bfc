//! Identifiers, the IBM unit and the traits that connect the jobs pallet with the registry (who
//! can take a job), verification (is a receipt right) and emission (what settled work earns).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding, per_things::Rounding, Perbill,
};

use sp_weights::Weight;

use crate::{Ib, RewardEpochIndex};

/// Identifier of a model in the jobs pallet's model registry.
pub type ModelId = u32;
/// Identifier of a workload (a kernel kind with its limits) in the jobs pallet.
pub type WorkloadId = u32;
/// Identifier of a job.
pub type JobId = u64;
/// Index of a stage within a job: 0 for single-stage jobs, 0‥n−1 for an n-stage pipeline.
pub type StageIndex = u8;

/// Work in IB-minutes, stored as 10⁻¹² IBM (pico-IBM).
///
/// IBM = work units / `ref_units_per_ib_minute`. A small lavapipe GEMM (256³ MACs at the default
/// calibration) is about 4·10⁻¹⁰ IBM, so IBM needs a much finer resolution than IB.
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
	PartialOrd,
	Ord,
	Debug,
	Default,
)]
pub struct Ibm(u128);

impl Ibm {
	/// pico-IBM per IBM.
	pub const RESOLUTION: u128 = 1_000_000_000_000;
	/// No work.
	pub const ZERO: Ibm = Ibm(0);

	/// An IBM value from pico-IBM.
	pub const fn from_pico(pico: u128) -> Self {
		Ibm(pico)
	}

	/// The value in pico-IBM.
	pub const fn pico(self) -> u128 {
		self.0
	}

	/// `work_units / ref_units_per_ib_minute` IBM, rounded down to the resolution; `None` when
	/// the reference is zero.
	pub fn from_work(work_units: u64, ref_units_per_ib_minute: u64) -> Option<Self> {
		if ref_units_per_ib_minute == 0 {
			return None;
		}
		multiply_by_rational_with_rounding(
			work_units as u128,
			Self::RESOLUTION,
			ref_units_per_ib_minute as u128,
			Rounding::Down,
		)
		.map(Ibm)
	}

	/// `self × percent / 100`, saturating.
	pub fn scaled_percent(self, percent: u32) -> Self {
		Ibm(self.0.saturating_mul(percent as u128) / 100)
	}

	/// Sum, saturating.
	pub fn saturating_add(self, other: Self) -> Self {
		Ibm(self.0.saturating_add(other.0))
	}
}

/// The fee of `work_units` at `price_per_ibm`: `work_units / ref_units_per_ib_minute × price`,
/// rounded up so that a non-zero job never costs nothing; `None` if the reference is zero or the
/// fee does not fit in 128 bits.
pub fn fee_for_work(
	work_units: u64,
	ref_units_per_ib_minute: u64,
	price_per_ibm: u128,
) -> Option<u128> {
	if ref_units_per_ib_minute == 0 {
		return None;
	}
	multiply_by_rational_with_rounding(
		work_units as u128,
		price_per_ibm,
		ref_units_per_ib_minute as u128,
		Rounding::Up,
	)
}

/// Milliseconds a node of capacity `ib` needs for `work_units`, at `ref_units_per_ib_minute`
/// units per IB-minute; `None` for a zero IB or reference.
pub fn work_millis(work_units: u64, ref_units_per_ib_minute: u64, ib: Ib) -> Option<u128> {
	if ref_units_per_ib_minute == 0 || ib.is_zero() {
		return None;
	}
	// minutes = work / (ref · IB); IB = µIB / 10⁶.
	let numerator = (work_units as u128).checked_mul(60_000 * Ib::RESOLUTION as u128)?;
	let denominator = (ref_units_per_ib_minute as u128).checked_mul(ib.micro() as u128)?;
	Some(numerator.div_ceil(denominator))
}

/// A routing pool: the workers a job may be drawn from.
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
	PartialOrd,
	Ord,
	Debug,
)]
pub enum WorkerPool {
	/// Every registered worker (jobs that need no model).
	AllWorkers,
	/// The workers that host a model.
	Hosts(ModelId),
}

/// What routing needs to know about a worker, from the registry.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct WorkerInfo<Balance> {
	/// IB in force.
	pub ib: Ib,
	/// Price per IBM.
	pub price_per_ibm: Balance,
	/// Reliability score.
	pub reliability: Perbill,
	/// Opted in to Background-class jobs.
	pub background_jobs: bool,
}

/// The workers by pool, and what routing reads about each (implemented by the node registry).
///
/// A pool holds the eligible workers that can take its jobs, each with a weight (its IB):
/// [`Self::draw`] picks one with probability weight / total weight, in time logarithmic in the
/// pool's size.
pub trait WorkerDirectory<AccountId, Balance> {
	/// Number of workers in `pool`.
	fn pool_size(pool: WorkerPool) -> u32;
	/// The worker at position `index` of `pool` (`0‥size`).
	fn pool_member(pool: WorkerPool, index: u32) -> Option<AccountId>;
	/// A worker of `pool` drawn with probability proportional to its weight, `random` being a
	/// uniformly random number; `None` for an empty pool.
	fn draw(pool: WorkerPool, random: u128) -> Option<AccountId>;
	/// Routing facts about a registered worker.
	fn worker(who: &AccountId) -> Option<WorkerInfo<Balance>>;
	/// Whether `who` runs a registered Manager (gateway) node.
	fn is_manager(who: &AccountId) -> bool;
}

/// What happens to a receipt after it is recorded.
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
pub enum VerificationPlan<BlockNumber> {
	/// Accepted at this block unless something rejects it before (the challenge window).
	AcceptAt(BlockNumber),
	/// The verifier decides and reports through [`JobSettlement`].
	Pending,
}

/// A receipt as the verifier sees it.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ReceiptSubmitted<AccountId, Balance> {
	/// The job.
	pub job: JobId,
	/// The stage of the job.
	pub stage: StageIndex,
	/// The worker that submitted it.
	pub worker: AccountId,
	/// The workload the job runs.
	pub workload: WorkloadId,
	/// Binary Merkle root over the output tiles.
	pub output_root: [u8; 32],
	/// Number of output tiles.
	pub tile_count: u32,
	/// The most faking the stage could save its worker: its IBM at the stage's price, or at
	/// the stake's collateral floor price when that is more (a worker pricing below cost
	/// saves its cost, not its fee).
	pub value: Balance,
	/// Probability that one check by one verifier catches a stage faked whole, from the
	/// workload's verification method (re-execution and tile sampling: 1; Freivalds' test
	/// with `r` rounds of 0/1 vectors: 1 − 2⁻ʳ).
	pub detection: Perbill,
	/// Whether a verifier checks a sample of the output (tile sampling) rather than all of it:
	/// an honest one can then miss a fake confined to the rest.
	pub sampled: bool,
}

/// The verifier cannot take another receipt now (its queue is full); the receipt is refused
/// and may be sent again.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct VerifierBusy;

/// Decides what happens to receipts (implemented by the verification pallet).
pub trait ReceiptVerifier<AccountId, Balance, BlockNumber> {
	/// A receipt was recorded; returns when (or whether) it is accepted without further word,
	/// or [`VerifierBusy`] when it cannot be taken now.
	fn receipt_submitted(
		receipt: &ReceiptSubmitted<AccountId, Balance>,
	) -> Result<VerificationPlan<BlockNumber>, VerifierBusy>;
	/// The most [`Self::receipt_submitted`] costs for `receipts` receipts of one worker handed
	/// over in one call (storage items they share are counted once, as a benchmark would).
	fn receipts_weight(receipts: u32) -> Weight;
	/// Whether checking a stage can make faking it lose money for a worker with active bond
	/// `bond`: faking it saves at most `value`, and one check catches a fake with probability
	/// `detection`. Routing gives a stage only to such a worker; one read.
	fn can_deter(bond: Balance, value: Balance, detection: Perbill) -> bool;
}

/// The verifier's verdicts on receipts (implemented by the jobs pallet).
pub trait JobSettlement {
	/// Error type.
	type Error;
	/// The receipt of `(job, stage)` is right: settle the stage.
	fn accept(job: JobId, stage: StageIndex) -> Result<(), Self::Error>;
	/// The receipt of `(job, stage)` is wrong: the stage goes to another worker (or the job
	/// fails and its escrow is refunded); the submitter pays nothing for the wrong receipt.
	/// The verifier slashes the worker.
	fn reject(job: JobId, stage: StageIndex) -> Result<(), Self::Error>;
	/// No serving verifier could check the receipt of `(job, stage)`: nothing is paid for it,
	/// nobody is slashed, and the job ends with what is left of its escrow refunded.
	fn void(job: JobId, stage: StageIndex) -> Result<(), Self::Error>;
	/// Worst-case weight of [`Self::accept`].
	fn accept_weight() -> Weight;
	/// Worst-case weight of [`Self::reject`].
	fn reject_weight() -> Weight;
	/// Worst-case weight of [`Self::void`].
	fn void_weight() -> Weight;
}

/// Work that settled: what the emission (BMW) pallet rewards.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct SettledWork<AccountId, Balance> {
	/// The job.
	pub job: JobId,
	/// The stage of the job.
	pub stage: StageIndex,
	/// The worker that did it.
	pub worker: AccountId,
	/// Who paid for it.
	pub submitter: AccountId,
	/// The manager (gateway) that brought the job in, if the submitter runs one.
	pub manager: Option<AccountId>,
	/// Verified work, in IBM.
	pub ibm: Ibm,
	/// Reward multiplier of the job's class, in percent (100 = none).
	pub class_multiplier_percent: u32,
	/// The fee charged (moved to the fee collector).
	pub fee: Balance,
	/// The reward epoch it settled in.
	pub epoch: RewardEpochIndex,
}

/// Receives settled work (implemented by the BMW pallet; `()` until it exists).
pub trait WorkRewards<AccountId, Balance> {
	/// `work` settled: count its IBM towards the epoch's emission and its fee towards the burn.
	fn work_settled(work: &SettledWork<AccountId, Balance>);
	/// The most [`Self::work_settled`] costs.
	fn work_settled_weight() -> Weight;
}

impl<AccountId, Balance> WorkRewards<AccountId, Balance> for () {
	fn work_settled(_: &SettledWork<AccountId, Balance>) {}
	fn work_settled_weight() -> Weight {
		Weight::zero()
	}
}

/// Takes away a worker's unpaid rewards of an epoch after a proven fault (implemented by the BMW
/// pallet; `()` until it exists, when no reward accrues to forfeit).
pub trait RewardForfeits<AccountId> {
	/// `who`'s rewards of `epoch` not yet paid are forfeited.
	fn forfeit(who: &AccountId, epoch: RewardEpochIndex);
}

impl<AccountId> RewardForfeits<AccountId> for () {
	fn forfeit(_: &AccountId, _: RewardEpochIndex) {}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn ibm_of_a_small_gemm_is_not_rounded_away() {
		// 256³ MACs at 4·10¹⁶ MAC per IB-minute.
		let ibm = Ibm::from_work(256 * 256 * 256, 40_000_000_000_000_000).unwrap();
		assert_eq!(ibm.pico(), 419);
		assert_eq!(Ibm::from_work(1, 0), None);
	}

	#[test]
	fn fees_round_up_and_refuse_overflow() {
		assert_eq!(fee_for_work(3, 2, 1), Some(2), "1.5 planck rounds up");
		assert_eq!(fee_for_work(4, 2, 5), Some(10));
		assert_eq!(fee_for_work(u64::MAX, 1, u128::MAX), None);
		assert_eq!(fee_for_work(1, 0, 1), None);
	}

	#[test]
	fn work_takes_longer_on_smaller_nodes() {
		// One IB-minute of work at 1 IB is 60 s; at 0.5 IB, 120 s.
		assert_eq!(work_millis(1_000, 1_000, Ib::ONE), Some(60_000));
		assert_eq!(work_millis(1_000, 1_000, Ib::from_micro(500_000)), Some(120_000));
		assert_eq!(work_millis(1_000, 1_000, Ib::ZERO), None);
	}
}
