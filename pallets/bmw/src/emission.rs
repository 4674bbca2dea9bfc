//! The emission plan: how much an epoch mints per verified IBM, and in all.

use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::Saturating, PerThing, Perbill,
	Rounding,
};

/// Pico-IBM per IBM.
pub const PICO: u128 = 1_000_000_000_000;

/// `E_p = base · (1 − decay)^p`: the emission per verified IBM of epoch `epoch`.
pub fn emission_per_ibm(base: u128, decay: Perbill, epoch: u32) -> u128 {
	decay.left_from_one().saturating_pow(epoch as usize).mul_floor(base)
}

/// `W_p · E_p` for `ibm` pico-IBM at `per_ibm` planck per IBM, rounded down; at most
/// `u128::MAX`.
pub fn emission_for(ibm: u128, per_ibm: u128) -> u128 {
	multiply_by_rational_with_rounding(ibm, per_ibm, PICO, Rounding::Down).unwrap_or(u128::MAX)
}

/// `pool · part / whole`, rounded down (0 for an empty whole).
pub fn pro_rata(pool: u128, part: u128, whole: u128) -> u128 {
	if whole == 0 {
		return 0;
	}
	multiply_by_rational_with_rounding(pool, part, whole, Rounding::Down).unwrap_or(0)
}
