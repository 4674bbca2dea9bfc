//! The invariants `try_state` checks.

use frame_support::{ensure, traits::fungible::Inspect};
use sp_runtime::traits::{Saturating, Zero};

use crate::{pallet::*, BalanceOf, EpochWork};

impl<T: Config> Pallet<T> {
	/// Invariants: the parameters are valid; epochs settle in order and none ahead of the
	/// clock; the pools add up to at most the emission; a settled epoch minted and withheld
	/// exactly its emission, one in progress at most that; an unsettled epoch's contribution
	/// records match its count, with no more of any contribution than its total and no bonus
	/// above its work credit; jobs credited at most what they burned; no reward paid in full
	/// is kept, and the pot holds the unpaid rest above its existential deposit; epochs expire
	/// in order, only once settled, and nothing of an expired one is kept.
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		ensure!(Self::params_are_valid(&Self::params()), "stored BMW params are invalid");
		let next = NextToSettle::<T>::get();
		ensure!(next <= CurrentEpoch::<T>::get(), "an epoch settled before it ended");
		let kept = NextToExpire::<T>::get();
		ensure!(kept <= next, "an epoch expired before it settled");
		ensure!(
			EpochTotals::<T>::iter_keys().all(|epoch| epoch >= kept)
				&& Settlements::<T>::iter_keys().all(|epoch| epoch >= kept)
				&& Rewards::<T>::iter_keys().all(|(epoch, _)| epoch >= kept),
			"a record of an expired epoch is kept"
		);

		for (epoch, settlement) in Settlements::<T>::iter() {
			ensure!(settlement.pools.total() <= settlement.emission, "pools above the emission");
			ensure!(settlement.expired <= settlement.minted, "more expired than was minted");
			let accounted = settlement.minted.saturating_add(settlement.withheld);
			if epoch < next {
				ensure!(settlement.settled_in > epoch, "an epoch settled before it ended");
				ensure!(accounted == settlement.emission, "a settled emission not fully accounted");
				ensure!(settlement.remaining == 0, "a settled epoch with accounts left");
			} else {
				ensure!(epoch == next, "a settlement opened out of order");
				ensure!(accounted <= settlement.emission, "more paid than the emission");
			}
		}

		for (epoch, totals) in EpochTotals::<T>::iter() {
			if epoch < next {
				continue;
			}
			let mut count = 0u32;
			let mut sum = EpochWork::<BalanceOf<T>>::default();
			for (_, contribution) in Contributions::<T>::iter_prefix(epoch) {
				count.saturating_inc();
				ensure!(contribution.bonus <= contribution.work, "a bonus above its work credit");
				sum.ibm.saturating_accrue(contribution.ibm);
				sum.credited.work.saturating_accrue(contribution.work);
				sum.managed_ibm.saturating_accrue(contribution.managed_ibm);
				sum.credited.managers.saturating_accrue(contribution.management);
				sum.credited.availability.saturating_accrue(contribution.availability);
				sum.verifications.saturating_accrue(contribution.verifications.into());
			}
			let expected = Settlements::<T>::get(epoch).map_or(totals.accounts, |s| s.remaining);
			ensure!(count == expected, "contribution records differ from the epoch's count");
			ensure!(
				sum.ibm <= totals.ibm
					&& sum.credited.work <= totals.credited.work
					&& sum.managed_ibm <= totals.managed_ibm
					&& sum.credited.managers <= totals.credited.managers
					&& sum.credited.availability <= totals.credited.availability
					&& sum.verifications <= totals.verifications,
				"contributions above the epoch's totals"
			);
			// Each job mints at most what it burned, bonuses included.
			let from_jobs = totals
				.credited
				.work
				.saturating_add(totals.credited.managers)
				.saturating_add(totals.credited.verifiers);
			ensure!(from_jobs <= totals.burned, "jobs credited more than they burned");
			ensure!(totals.backed_ibm <= totals.ibm, "more IBM backed than verified");
		}

		ensure!(
			Rewards::<T>::iter_values().all(|reward| reward.paid < reward.amount()),
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
			sum.saturating_add(reward.amount().saturating_sub(reward.paid))
		})
	}
}
