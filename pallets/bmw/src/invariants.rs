//! The invariants `try_state` checks.

use frame_support::{ensure, traits::fungible::Inspect};
use sp_runtime::traits::{Saturating, Zero};

use crate::{pallet::*, BalanceOf};

impl<T: Config> Pallet<T> {
	/// Invariants: the parameters are valid; epochs settle in order and none ahead of the
	/// clock; a settled epoch minted and withheld exactly its work pool, one in progress at
	/// most that, and every pool is within its emission; an unsettled epoch's worker records
	/// match its count, with no more points than its total; no reward paid in full is kept,
	/// and the pot holds the unpaid rest above its existential deposit.
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		ensure!(Self::params_are_valid(&Self::params()), "stored BMW params are invalid");
		let next = NextToSettle::<T>::get();
		ensure!(next <= CurrentEpoch::<T>::get(), "an epoch settled before it ended");

		for (epoch, settlement) in Settlements::<T>::iter() {
			ensure!(settlement.work_pool <= settlement.emission, "work pool above the emission");
			let accounted = settlement.minted.saturating_add(settlement.withheld);
			if epoch < next {
				ensure!(accounted == settlement.work_pool, "a settled pool not fully accounted");
				ensure!(settlement.remaining == 0, "a settled epoch with workers left");
			} else {
				ensure!(epoch == next, "a settlement opened out of order");
				ensure!(accounted <= settlement.work_pool, "more paid than the pool");
			}
		}

		for (epoch, totals) in EpochTotals::<T>::iter() {
			if epoch < next {
				continue;
			}
			let mut count = 0u32;
			let mut points = 0u128;
			for (_, work) in WorkerEpochs::<T>::iter_prefix(epoch) {
				count.saturating_inc();
				points.saturating_accrue(work.points);
			}
			let expected = Settlements::<T>::get(epoch).map_or(totals.workers, |s| s.remaining);
			ensure!(count == expected, "worker records differ from the epoch's count");
			ensure!(points <= totals.points, "worker points above the epoch's total");
		}

		ensure!(
			Rewards::<T>::iter_values().all(|reward| reward.paid < reward.amount),
			"a reward paid in full is still stored"
		);
		let unpaid = Self::unpaid();
		let held = T::Currency::balance(&Self::pot());
		ensure!(
			held >= unpaid.saturating_add(T::Currency::minimum_balance()),
			"the pot holds less than it owes"
		);
		Ok(())
	}

	/// Rewards minted and not yet paid, summed over every account and epoch (for checks only:
	/// it reads every reward).
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn unpaid() -> BalanceOf<T> {
		Rewards::<T>::iter_values().fold(Zero::zero(), |sum: BalanceOf<T>, reward| {
			sum.saturating_add(reward.amount.saturating_sub(reward.paid))
		})
	}
}
