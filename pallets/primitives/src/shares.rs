//! Splitting an amount in proportion.

use sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};

/// `amount · part / whole`, rounded down; 0 for an empty whole (or a result beyond 128 bits,
/// which `part ≤ whole` rules out).
pub fn pro_rata(amount: u128, part: u128, whole: u128) -> u128 {
	if whole == 0 {
		return 0;
	}
	multiply_by_rational_with_rounding(amount, part, whole, Rounding::Down).unwrap_or(0)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn shares_round_down_and_never_exceed_the_amount() {
		assert_eq!(pro_rata(3_000, 1, 3), 1_000);
		assert_eq!(pro_rata(3_000, 2, 7), 857);
		assert_eq!(pro_rata(u128::MAX, 1, 1), u128::MAX);
		assert_eq!(pro_rata(1_000, 5, 0), 0);
		let sum: u128 = [1u128, 1, 1].iter().map(|p| pro_rata(100, *p, 3)).sum();
		assert!(sum <= 100);
	}
}
