//! The worker minimum stake S(n).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};

use crate::Ib;

/// The minimum-stake rule **S(n) = k · E · IB(n) · P(n)** (Inferix's worker stake).
///
/// - `k` ([`Self::multiplier`], default 2): how many epochs of maximum billing the bond covers;
/// - `E` ([`Self::epoch_minutes`], default 4320 = 72 h): minutes in an epoch;
/// - `IB(n)`: the node's confirmed capacity; `P(n)`: its own price per IBM (IB-minute), in the
///   smallest unit of the token.
///
/// `E · IB · P` is the most a node can bill in one epoch, so S(n) is k epochs of maximum billing:
/// a node caught cheating for a whole epoch loses at least k times what it could have earned, and
/// it cannot raise its price (or IB) without first raising its bond.
///
/// **The whitepaper's example.** A 0.5 IB node at "$2/hour", read as $2 per IB-hour (P = $2/60 per
/// IBM): S = 2 · 4320 · 0.5 · 2/60 = **$144**. The whitepaper prints $72, which is the same product
/// without the factor k = 2, i.e. one epoch of maximum billing. We implement the formula.
///
/// The result is exact (computed in 256-bit intermediate precision), rounded **up** so the bond is
/// never under-estimated, and saturates at `u128::MAX` instead of overflowing.
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
pub struct StakeRule {
	/// `k`: epochs of maximum billing the bond must cover.
	pub multiplier: u32,
	/// `E`: minutes in a reward epoch (72 h = 4320).
	pub epoch_minutes: u32,
}

impl Default for StakeRule {
	fn default() -> Self {
		Self::INFERIX
	}
}

impl StakeRule {
	/// Inferix's rule: k = 2, E = 4320 minutes (72 h).
	pub const INFERIX: StakeRule = StakeRule { multiplier: 2, epoch_minutes: 4320 };

	/// S(n) for a node of capacity `ib` asking `price_per_ibm` per IB-minute.
	pub fn minimum_stake(&self, ib: Ib, price_per_ibm: u128) -> u128 {
		// k · E · IB in µIB fits in u128: (2³² − 1)² · (2⁶⁴ − 1) < 2¹²⁸.
		let k_e_micro_ib =
			self.multiplier as u128 * self.epoch_minutes as u128 * ib.micro() as u128;
		multiply_by_rational_with_rounding(
			price_per_ibm,
			k_e_micro_ib,
			Ib::RESOLUTION as u128,
			Rounding::Up,
		)
		.unwrap_or(u128::MAX)
	}

	/// The most a node can bill in one epoch at full load: E · IB · P (rounded up).
	pub fn max_epoch_billing(&self, ib: Ib, price_per_ibm: u128) -> u128 {
		StakeRule { multiplier: 1, ..*self }.minimum_stake(ib, price_per_ibm)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// 10¹² planck per token, as CNDR.
	const UNIT: u128 = 1_000_000_000_000;

	#[test]
	fn inferix_whitepaper_example() {
		// 0.5 IB at $2 per IB-hour, i.e. P = $2/60 per IBM. First with a price that is a whole
		// number of planck (60 planck per IBM): S = 2 · 4320 · 0.5 · 60, exactly.
		let rule = StakeRule::INFERIX;
		let half = Ib::from_rational(1, 2).unwrap();
		assert_eq!(rule.minimum_stake(half, 60), 2 * 4320 * 60 / 2);

		// Then with 1 token = $1: P = 2/60 token per IBM, rounded down to the planck.
		let price = 2 * UNIT / 60;
		let stake = rule.minimum_stake(half, price);
		// $144 (not the whitepaper's $72, which omits k = 2), less the price's rounding.
		assert_eq!(stake, 4320 * price);
		assert!(stake <= 144 * UNIT && 144 * UNIT - stake < 4320, "≈ 144 tokens: {stake}");
		// One epoch of maximum billing is the whitepaper's $72.
		assert_eq!(rule.max_epoch_billing(half, price), stake / 2);
	}

	#[test]
	fn scales_linearly_in_each_factor() {
		let rule = StakeRule::INFERIX;
		let one = Ib::ONE;
		let base = rule.minimum_stake(one, 1_000);
		assert_eq!(base, 2 * 4320 * 1_000);
		assert_eq!(rule.minimum_stake(Ib::from_micro(2_000_000), 1_000), 2 * base);
		assert_eq!(rule.minimum_stake(one, 2_000), 2 * base);
		assert_eq!(StakeRule { multiplier: 4, ..rule }.minimum_stake(one, 1_000), 2 * base);
	}

	#[test]
	fn small_nodes_round_up_never_to_zero() {
		// A lavapipe node: 1e-4 IB at 1 planck per IBM: 2·4320·0.0001 = 0.864 → 1 planck.
		let rule = StakeRule::INFERIX;
		assert_eq!(rule.minimum_stake(Ib::from_micro(100), 1), 1);
		// 1 µIB at 1 planck: 0.00864 → 1.
		assert_eq!(rule.minimum_stake(Ib::from_micro(1), 1), 1);
	}

	#[test]
	fn zero_ib_or_price_needs_no_stake() {
		let rule = StakeRule::INFERIX;
		assert_eq!(rule.minimum_stake(Ib::ZERO, UNIT), 0);
		assert_eq!(rule.minimum_stake(Ib::ONE, 0), 0);
	}

	#[test]
	fn saturates_instead_of_overflowing() {
		let rule = StakeRule { multiplier: u32::MAX, epoch_minutes: u32::MAX };
		assert_eq!(rule.minimum_stake(Ib::from_micro(u64::MAX), u128::MAX), u128::MAX);
		assert_eq!(StakeRule::INFERIX.minimum_stake(Ib::ONE, u128::MAX), u128::MAX);
	}

	#[test]
	fn exact_where_a_float_would_not_be() {
		// 2·4320·(123456 µIB)·(987654321 planck) / 10⁶, rounded up.
		let exact = 2u128 * 4320 * 123_456 * 987_654_321;
		let expected = exact.div_ceil(1_000_000);
		assert_eq!(
			StakeRule::INFERIX.minimum_stake(Ib::from_micro(123_456), 987_654_321),
			expected
		);
	}
}
