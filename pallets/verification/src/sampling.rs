//! Whether a claim is sampled: the rate, from the worker's reliability and the job's stake at
//! risk, and the draw, from randomness that did not exist when the receipt was included.

use codec::Encode;
use sp_runtime::{traits::Saturating, PerThing, Perbill};

use crate::{Subject, VerificationParams};

/// The rate the worker's reliability alone gives: `base` for a worker with no reliability,
/// falling linearly to `floor` for a fully reliable one.
pub fn reliability_rate<B>(params: &VerificationParams<B>, reliability: Perbill) -> Perbill {
	let span = params.base_sampling_rate.saturating_sub(params.floor_sampling_rate);
	params.floor_sampling_rate.saturating_add(span * reliability.left_from_one())
}

/// The lowest sampling rate at which faking a job loses money in expectation.
///
/// Faking a job saves at most its `value`: its fee at the worker's price, or its IBM at the
/// collateral floor price when that is more (a worker pricing below cost saves its cost). A
/// sampled fake is caught with probability `detection`, and then the worker loses `penalty`
/// (the fault slash of its bond) and the reward the job would have earned. That reward is not
/// the fee (the fee is burned and paid to the foundation; the worker earns emission credits
/// that may be far less), so only the penalty is counted: against honest work, faking gains
/// at most `value − q · detection · penalty`, which is negative from
/// `q = value / (detection · penalty)` on; at most 100 %. A job that saves nothing when faked:
/// 0.
pub fn break_even_rate(value: u128, penalty: u128, detection: Perbill) -> Perbill {
	if value == 0 {
		return Perbill::zero();
	}
	let expected_loss = detection.mul_floor(penalty);
	if value >= expected_loss {
		return Perbill::one();
	}
	Perbill::from_rational(value, expected_loss)
}

/// The sampling rate of a receipt: the reliability rate, or `sampling_margin` times the
/// break-even rate of its job when that is higher; at most 100 %.
pub fn sampling_rate<B>(
	params: &VerificationParams<B>,
	reliability: Perbill,
	value: u128,
	bond: u128,
	detection: Perbill,
) -> Perbill {
	let penalty = params.fault_slash.mul_floor(bond);
	let break_even = break_even_rate(value, penalty, detection).deconstruct();
	let with_margin = break_even.saturating_mul(params.sampling_margin.max(1) as u32);
	let economic = Perbill::from_parts(with_margin.min(Perbill::one().deconstruct()));
	reliability_rate(params, reliability).max(economic)
}

/// Whether sampling can deter faking a job: `sampling_margin` times its break-even rate is at
/// most 100 %, i.e. checking every receipt makes faking it lose at least `(margin − 1) · value`
/// in expectation. Otherwise no rate can (the bond is too small for the job's value), and
/// routing gives the job to another worker.
pub fn can_deter<B>(
	params: &VerificationParams<B>,
	value: u128,
	bond: u128,
	detection: Perbill,
) -> bool {
	let penalty = params.fault_slash.mul_floor(bond);
	value.saturating_mul(params.sampling_margin.max(1) as u128) <= detection.mul_floor(penalty)
}

/// A number in `0..bound` drawn from `seed` and `subject` (its first 32 bytes): the first 16
/// bytes of blake2-256(seed ‖ subject) modulo `bound` (bias below 2⁻⁶⁴ for the bounds used
/// here).
pub fn draw(seed: &[u8; 32], subject: &[u8], bound: u64) -> u64 {
	if bound == 0 {
		return 0;
	}
	let mut input = [0u8; 64];
	input[..32].copy_from_slice(seed);
	let len = subject.len().min(32);
	input[32..32 + len].copy_from_slice(&subject[..len]);
	let hash = sp_io::hashing::blake2_256(&input[..32 + len]);
	let mut wide = [0u8; 16];
	wide.copy_from_slice(&hash[..16]);
	(u128::from_le_bytes(wide) % bound as u128) as u64
}

/// Whether the claim on `subject` is sampled at `rate`, given `seed`, the randomness of a
/// block after the claim's inclusion.
pub fn is_sampled(seed: &[u8; 32], subject: &Subject, rate: Perbill) -> bool {
	let mut input = subject.encode();
	input.push(b's');
	let parts = Perbill::one().deconstruct() as u64;
	draw(seed, &input, parts) < rate.deconstruct() as u64
}

/// Whether the sampling round of the claim on `subject` is a trap, at `rate`, given the same
/// `seed` that sampled it (drawn apart from the sampling decision).
pub fn is_trap(seed: &[u8; 32], subject: &Subject, rate: Perbill) -> bool {
	let mut input = subject.encode();
	input.push(b't');
	let parts = Perbill::one().deconstruct() as u64;
	draw(seed, &input, parts) < rate.deconstruct() as u64
}

/// The wrong root a trap shows in place of `root`: blake2-256 of (domain, `seed`, `subject`,
/// `root`), never `root` itself, and unknown before `seed` was.
pub fn bait_root(seed: &[u8; 32], subject: &Subject, root: &[u8; 32]) -> [u8; 32] {
	let mut bait = sp_io::hashing::blake2_256(&(b"cinder/bait", seed, subject, root).encode());
	if bait == *root {
		bait[0] ^= 1;
	}
	bait
}

/// Verifier compute per unit of worker compute for receipts sampled at `rate`, each checked by
/// `committee` verifiers at `check_cost` of the job's own compute (1 for re-execution, less
/// for a Freivalds test or tile sampling).
pub fn verifier_overhead(rate: Perbill, committee: u8, check_cost: Perbill) -> Perbill {
	let per_verifier = (rate * check_cost).deconstruct();
	let parts = per_verifier.saturating_mul(committee as u32);
	Perbill::from_parts(parts.min(Perbill::one().deconstruct()))
}
