//! IB: compute capacity relative to the reference node.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Compute capacity in IB (Inferix Bench), stored as millionths of an IB (µIB).
///
/// 1 IB is the throughput of the reference node (Inferix: 2×RTX4090); a single RTX4090 is about
/// 0.5 IB, an H100 about 2.41 IB, a CPU/lavapipe node about 0.0001 IB = 100 µIB. The resolution,
/// 10⁻⁶ IB, keeps even the smallest nodes distinct from zero.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Ib(u64);

impl Ib {
	/// µIB per IB.
	pub const RESOLUTION: u64 = 1_000_000;
	/// Zero capacity.
	pub const ZERO: Ib = Ib(0);
	/// One IB, the reference node.
	pub const ONE: Ib = Ib(Self::RESOLUTION);

	/// An IB value from millionths of an IB.
	pub const fn from_micro(micro: u64) -> Self {
		Ib(micro)
	}

	/// The value in millionths of an IB.
	pub const fn micro(self) -> u64 {
		self.0
	}

	/// `numerator / denominator` IB, rounded down to the resolution; `None` if the denominator is
	/// zero or the value does not fit.
	pub fn from_rational(numerator: u64, denominator: u64) -> Option<Self> {
		if denominator == 0 {
			return None;
		}
		let micro =
			(numerator as u128).checked_mul(Self::RESOLUTION as u128)? / denominator as u128;
		u64::try_from(micro).ok().map(Ib)
	}

	/// Whether the capacity is zero.
	pub const fn is_zero(self) -> bool {
		self.0 == 0
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn resolution_is_a_millionth() {
		assert_eq!(Ib::ONE.micro(), 1_000_000);
		assert_eq!(Ib::from_rational(1, 10_000), Some(Ib::from_micro(100)), "CPU node, 1e-4 IB");
		assert_eq!(Ib::from_rational(1, 1_000_000), Some(Ib::from_micro(1)));
		assert_eq!(Ib::from_rational(1, 2_000_000), Some(Ib::ZERO), "below resolution rounds down");
	}

	#[test]
	fn inferix_table_values() {
		assert_eq!(Ib::from_rational(1, 2), Some(Ib::from_micro(500_000)), "RTX4090");
		assert_eq!(Ib::from_rational(241_346, 100_000), Some(Ib::from_micro(2_413_460)), "H100");
	}

	#[test]
	fn bad_rationals_are_refused() {
		assert_eq!(Ib::from_rational(1, 0), None);
		assert_eq!(Ib::from_rational(u64::MAX, 1), None, "does not fit in µIB");
	}

	#[test]
	fn scale_encoding_is_the_micro_value() {
		assert_eq!(Ib::from_micro(500_000).encode(), 500_000u64.encode());
		assert_eq!(Ib::max_encoded_len(), 8);
	}
}
