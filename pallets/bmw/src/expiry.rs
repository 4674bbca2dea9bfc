//! Expiry: an epoch's records are kept `HistoryDepth` epochs, then removed, and what its
//! rewards still owe goes back to the ecosystem allocation.

use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::Mutate,
		tokens::{Fortitude, Precision, Preservation},
	},
};
use sp_runtime::traits::{Saturating, Zero};

use crate::{pallet::*, BalanceOf, RewardEpochIndex, WeightInfo};

impl<T: Config> Pallet<T> {
	/// Whether `epoch`'s rewards can no longer be claimed: epoch `epoch + HistoryDepth` has
	/// ended (its records may still be being removed).
	pub fn is_expired(epoch: RewardEpochIndex) -> bool {
		CurrentEpoch::<T>::get() > epoch.saturating_add(T::HistoryDepth::get())
	}

	/// Expires the oldest kept epoch once it is settled and past `HistoryDepth`, by at most
	/// `MaxSettlementsPerBlock` unclaimed rewards a block: each is burned from the pot and its
	/// amount handed back to the allocation (`RewardExpired`). When none is left, the epoch's
	/// totals and settlement are removed (`EpochExpired`).
	pub(crate) fn expire_step() -> Weight {
		let epoch = NextToExpire::<T>::get();
		if epoch >= NextToSettle::<T>::get() || !Self::is_expired(epoch) {
			return T::DbWeight::get().reads(3);
		}
		let mut weight = T::WeightInfo::expire_base();
		let budget = T::MaxSettlementsPerBlock::get() as usize;
		let mut owed: BalanceOf<T> = Zero::zero();
		let mut expired = 0usize;
		for (who, reward) in Rewards::<T>::drain_prefix(epoch).take(budget) {
			let amount = reward.amount().saturating_sub(reward.paid);
			owed.saturating_accrue(amount);
			expired.saturating_inc();
			weight.saturating_accrue(T::WeightInfo::expire_reward());
			Self::deposit_event(Event::RewardExpired { who, epoch, amount });
		}
		let returned = Self::return_to_allocation(owed);
		let mut settlement = Settlements::<T>::get(epoch);
		if let Some(settlement) = settlement.as_mut() {
			settlement.expired.saturating_accrue(returned);
		}
		if expired < budget {
			EpochTotals::<T>::remove(epoch);
			Settlements::<T>::remove(epoch);
			NextToExpire::<T>::put(epoch.saturating_add(1));
			let returned = settlement.map_or(Zero::zero(), |settlement| settlement.expired);
			Self::deposit_event(Event::EpochExpired { epoch, returned });
		} else if let Some(settlement) = settlement {
			Settlements::<T>::insert(epoch, settlement);
		}
		weight
	}

	/// Burns `owed` from the pot and adds it back to the allocation; returns what was burned.
	fn return_to_allocation(owed: BalanceOf<T>) -> BalanceOf<T> {
		if owed.is_zero() {
			return owed;
		}
		match T::Currency::burn_from(
			&Self::pot(),
			owed,
			Preservation::Preserve,
			Precision::Exact,
			Fortitude::Force,
		) {
			Ok(burned) => {
				RemainingAllocation::<T>::mutate(|left| left.saturating_accrue(burned));
				burned
			}
			Err(error) => {
				log::error!(target: "runtime::bmw", "burning {owed:?} expired failed: {error:?}");
				Zero::zero()
			}
		}
	}
}
