//! The invariants `try_state` checks.

use frame_support::{ensure, traits::fungible::Inspect};
use sp_runtime::traits::{Saturating, Zero};

use crate::{pallet::*, BalanceOf};

impl<T: Config> Pallet<T> {
	/// Invariants: the parameters are valid; epochs settle in order and none ahead of the
	/// clock; a settled epoch minted and withheld exactly its work pool, one in progress at
	/// most that, and every pool is within its emission; an unsettled epoch's worker records
	/// match its count, with no more points than its total; `Unpaid` is the sum of unpaid
	/// rewards, and the pot holds it above its existential deposit.
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

		let mut unpaid: BalanceOf<T> = Zero::zero();
		for (_, _, reward) in Rewards::<T>::iter() {
			ensure!(reward.paid < reward.amount, "a reward paid in full is still stored");
			unpaid.saturating_accrue(reward.amount.saturating_sub(reward.paid));
		}
		ensure!(unpaid == Unpaid::<T>::get(), "Unpaid differs from the unpaid rewards");
		let held = T::Currency::balance(&Self::pot());
		ensure!(
			held >= unpaid.saturating_add(T::Currency::minimum_balance()),
			"the pot holds less than it owes"
		);
		Ok(())
	}
}
