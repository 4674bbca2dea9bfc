//! The emission plan: how much an epoch mints per verified IBM, and in all.

use cinder_primitives::Ibm;
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::Saturating, PerThing, Perbill,
	Rounding,
};

/// `E_p = base · (1 − decay)^p`: the emission per verified IBM of epoch `epoch`.
pub fn emission_per_ibm(base: u128, decay: Perbill, epoch: u32) -> u128 {
	decay.left_from_one().saturating_pow(epoch as usize).mul_floor(base)
}

/// `W_p · E_p` for `ibm` pico-IBM at `per_ibm` planck per IBM, rounded down; at most
/// `u128::MAX`.
pub fn emission_for(ibm: u128, per_ibm: u128) -> u128 {
	multiply_by_rational_with_rounding(ibm, per_ibm, Ibm::RESOLUTION, Rounding::Down)
		.unwrap_or(u128::MAX)
}
