//! The emission plan: how much an epoch mints per verified IBM, and for a job.

use cinder_primitives::Ibm;
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::Saturating, PerThing, Perbill,
	Rounding,
};

/// `E_0 · (1 − decay)^p`: the base schedule's emission per verified IBM of epoch `epoch`.
pub fn emission_per_ibm(base: u128, decay: Perbill, epoch: u32) -> u128 {
	decay.left_from_one().saturating_pow(epoch as usize).mul_floor(base)
}

/// `rate` nudged by the last epoch's IBME: raised by up to `adjust_max` when the IBME fell
/// short of `target` (capacity sits idle, so each paid IBM is made to earn more, which lets
/// workers lower their prices and draws demand), lowered by up to `adjust_max` above it;
/// linear in the distance from the target, the whole `adjust_max` at 0 % and at 100 %.
/// Unchanged when no node was online (no IBME).
pub fn ibme_adjusted(
	rate: u128,
	ibme: Option<Perbill>,
	target: Perbill,
	adjust_max: Perbill,
) -> u128 {
	let Some(ibme) = ibme else { return rate };
	let (ibme, target) = (ibme.deconstruct(), target.deconstruct());
	if ibme < target {
		let shortfall = Perbill::from_rational(target - ibme, target);
		rate.saturating_add((adjust_max * shortfall).mul_floor(rate))
	} else {
		let headroom = Perbill::one().deconstruct().saturating_sub(target);
		if headroom == 0 {
			return rate;
		}
		let excess = Perbill::from_rational(ibme - target, headroom);
		rate.saturating_sub((adjust_max * excess).mul_floor(rate))
	}
}

/// `W · E` for `ibm` pico-IBM at `per_ibm` planck per IBM, rounded down; at most
/// `u128::MAX`.
pub fn emission_for(ibm: u128, per_ibm: u128) -> u128 {
	multiply_by_rational_with_rounding(ibm, per_ibm, Ibm::RESOLUTION, Rounding::Down)
		.unwrap_or(u128::MAX)
}

/// What a job adds to its epoch's emission: `ibm · per_ibm`, at most `max_mint_per_burn` of
/// what it burned.
pub fn job_emission(ibm: u128, per_ibm: u128, burned: u128, max_mint_per_burn: Perbill) -> u128 {
	emission_for(ibm, per_ibm).min(max_mint_per_burn.mul_floor(burned))
}

/// What one settled job earns, each part its own: nothing another account does changes it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct JobCredits {
	/// The job's emission: `ibm · E_p`, at most `max_mint_per_burn` of what it burned (its
	/// cap).
	pub emission: u128,
	/// Its worker's work credit: the work share of the emission times the class multiplier
	/// and reliability bonus, at most the work share of the cap.
	pub work: u128,
	/// The part of `work` the multiplier and bonus added.
	pub bonus: u128,
	/// Its manager's credit (if it has one): the manager share of the emission.
	pub management: u128,
	/// What it adds to the verifier pool: the verifier share of the emission.
	pub verifiers: u128,
	/// Its IBM that the burn backs: all of it, or the share of it the cap lets emit.
	pub backed_ibm: u128,
}

/// The credits of a job of `ibm` pico-IBM that burned `burned`, at `per_ibm` planck per IBM,
/// with `multiplier` the class multiplier and reliability bonus of its worker (see
/// [`crate::Pallet::work_points`]).
pub fn job_credits(
	ibm: u128,
	per_ibm: u128,
	burned: u128,
	max_mint_per_burn: Perbill,
	pools: &crate::PoolShares,
	multiplier: impl Fn(u128) -> u128,
) -> JobCredits {
	let uncapped = emission_for(ibm, per_ibm);
	let cap = max_mint_per_burn.mul_floor(burned);
	let emission = uncapped.min(cap);
	let work = pools.work.mul_floor(multiplier(uncapped).min(cap));
	let backed_ibm = if uncapped == 0 {
		ibm
	} else {
		multiply_by_rational_with_rounding(ibm, emission, uncapped, Rounding::Down).unwrap_or(ibm)
	};
	JobCredits {
		emission,
		work,
		bonus: work.saturating_sub(pools.work.mul_floor(emission)),
		management: pools.managers.mul_floor(emission),
		verifiers: pools.verifiers.mul_floor(emission),
		backed_ibm,
	}
}
