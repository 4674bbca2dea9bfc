//! An account's shares of an epoch's pools: pro rata to its contribution in each, the work and
//! manager shares at most their caps.

use cinder_primitives::pro_rata;
use sp_runtime::{traits::AtLeast32BitUnsigned, SaturatedConversion};

use crate::{Contribution, EpochWork, Pools};

/// What one account earns of an epoch's pools.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Shares<Balance> {
	/// Each pool's share, after the caps.
	pub earned: Pools<Balance>,
	/// The part of `earned.work` that class multipliers and the reliability bonus added.
	pub bonus: Balance,
	/// Over the caps: the work and manager shares beyond them.
	pub over_cap: Balance,
}

/// `contribution`'s shares of `pools`, given its epoch's `totals`. A forfeited contribution
/// earns nothing (its points, kept in the totals, leave its shares in the pools).
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
	let work_uncapped = share(pools.work, contribution.points, totals.points);
	let work = work_uncapped.min(contribution.work_cap);
	let managers_uncapped = share(pools.managers, contribution.managed_ibm, totals.managed_ibm);
	let managers = managers_uncapped.min(contribution.manager_cap);
	// The part of the work share plain IBM would earn; the rest is bonus.
	let plain = if contribution.points > contribution.ibm {
		share(work, contribution.ibm, contribution.points)
	} else {
		work
	};
	Shares {
		earned: Pools {
			work,
			availability: share(pools.availability, contribution.availability, totals.availability),
			verifiers: share(
				pools.verifiers,
				contribution.verifications.into(),
				totals.verifications.into(),
			),
			managers,
		},
		bonus: work.saturating_sub(plain),
		over_cap: work_uncapped
			.saturating_sub(work)
			.saturating_add(managers_uncapped.saturating_sub(managers)),
	}
}
