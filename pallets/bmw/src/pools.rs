//! An account's rewards of an epoch: its own credits in each pool, scaled down only when the
//! ecosystem allocation ran short of the epoch's credits (and then every credit by the same
//! factor); the verifier pool pro rata to matched verifications.

use cinder_primitives::pro_rata;
use sp_runtime::{traits::AtLeast32BitUnsigned, SaturatedConversion};

use crate::{Contribution, EpochWork, Pools};

/// What one account earns of an epoch's pools.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Shares<Balance> {
	/// Each pool's share.
	pub earned: Pools<Balance>,
	/// The part of `earned.work` that class multipliers and the reliability bonus added.
	pub bonus: Balance,
	/// Its credits the allocation could not pay (only when it ran short).
	pub over_cap: Balance,
}

/// `contribution`'s shares of `pools`, given its epoch's `totals`: each credit times the
/// share of its pool's credits the pool pays (all of them unless the allocation ran short).
/// A forfeited contribution earns nothing (its credits, kept in the totals, are withheld).
pub fn shares_of<Balance: AtLeast32BitUnsigned + Copy + Default>(
	contribution: &Contribution<Balance>,
	totals: &EpochWork<Balance>,
	pools: &Pools<Balance>,
) -> Shares<Balance> {
	if contribution.forfeited {
		return Shares::default();
	}
	let share = |pool: Balance, part: u128, whole: u128| -> Balance {
		pro_rata(pool.saturated_into(), part, whole).saturated_into()
	};
	let scaled = |pool: Balance, credit: Balance, credited: Balance| -> Balance {
		share(pool, credit.saturated_into(), credited.saturated_into())
	};
	let credited = &totals.credited;
	let work = scaled(pools.work, contribution.work, credited.work);
	let availability = scaled(pools.availability, contribution.availability, credited.availability);
	let managers = scaled(pools.managers, contribution.management, credited.managers);
	let own = contribution
		.work
		.saturating_add(contribution.availability)
		.saturating_add(contribution.management);
	Shares {
		earned: Pools {
			work,
			availability,
			verifiers: share(
				pools.verifiers,
				contribution.verifications.into(),
				totals.verifications.into(),
			),
			managers,
		},
		bonus: scaled(pools.work, contribution.bonus, credited.work),
		over_cap: own.saturating_sub(work.saturating_add(availability).saturating_add(managers)),
	}
}

/// `credited`, the epoch's credits by pool, scaled down together to add up to at most
/// `emission` (the allocation left): unchanged when it covers them all.
pub fn pools_within<Balance: AtLeast32BitUnsigned + Copy + Default>(
	credited: &Pools<Balance>,
	emission: Balance,
) -> Pools<Balance> {
	let earned = credited.total();
	if emission >= earned {
		return *credited;
	}
	let scale = |pool: Balance| -> Balance {
		pro_rata(emission.saturated_into(), pool.saturated_into(), earned.saturated_into())
			.saturated_into()
	};
	Pools {
		work: scale(credited.work),
		availability: scale(credited.availability),
		verifiers: scale(credited.verifiers),
		managers: scale(credited.managers),
	}
}
