//! Expiry: an epoch's records are kept `HistoryDepth` epochs after it settled, then removed,
//! and what its rewards still owe goes back to the ecosystem allocation.

use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::Mutate,
		tokens::{Fortitude, Precision, Preservation},
	},
};
use sp_runtime::traits::{Saturating, Zero};

use crate::{pallet::*, BalanceOf, EpochSettlement, RewardEpochIndex, WeightInfo};

impl<T: Config> Pallet<T> {
	/// Whether `epoch`'s rewards can no longer be claimed: `HistoryDepth` epochs have ended
	/// since the one it finished settling in (its records may still be being removed).
	pub fn is_expired(epoch: RewardEpochIndex) -> bool {
		if epoch < NextToExpire::<T>::get() {
			return true;
		}
		epoch < NextToSettle::<T>::get()
			&& Settlements::<T>::get(epoch).is_some_and(|s| Self::settlement_expired(&s))
	}

	/// Whether a settled epoch's rewards are past `HistoryDepth` epochs after it settled.
	fn settlement_expired(settlement: &EpochSettlement<BalanceOf<T>>) -> bool {
		CurrentEpoch::<T>::get() > settlement.settled_in.saturating_add(T::HistoryDepth::get())
	}

	/// Expires the oldest kept epoch once it is settled and past `HistoryDepth`, by at most
	/// `MaxSettlementsPerBlock` unclaimed rewards a block: what they owe is burned from the
	/// pot and handed back to the allocation, then they are removed (`RewardExpired`); a burn
	/// that fails removes nothing and is tried again next block. When none is left, the
	/// epoch's totals and settlement are removed (`EpochExpired`).
	pub(crate) fn expire_step() -> Weight {
		let epoch = NextToExpire::<T>::get();
		if epoch >= NextToSettle::<T>::get() {
			return T::DbWeight::get().reads(2);
		}
		let settlement = Settlements::<T>::get(epoch);
		if settlement.as_ref().is_some_and(|s| !Self::settlement_expired(s)) {
			return T::DbWeight::get().reads(4);
		}
		let mut weight = T::WeightInfo::expire_base();
		let budget = T::MaxSettlementsPerBlock::get() as usize;
		let due: Vec<(T::AccountId, BalanceOf<T>)> = Rewards::<T>::iter_prefix(epoch)
			.take(budget)
			.map(|(who, reward)| (who, reward.amount().saturating_sub(reward.paid)))
			.collect();
		weight.saturating_accrue(T::WeightInfo::expire_reward().saturating_mul(due.len() as u64));
		let owed =
			due.iter().fold(BalanceOf::<T>::zero(), |sum, (_, amount)| sum.saturating_add(*amount));
		if !Self::return_to_allocation(owed) {
			return weight;
		}
		for (who, amount) in &due {
			Rewards::<T>::remove(epoch, who);
			Self::deposit_event(Event::RewardExpired { who: who.clone(), epoch, amount: *amount });
		}
		let mut settlement = settlement.unwrap_or_default();
		settlement.expired.saturating_accrue(owed);
		if due.len() < budget {
			EpochTotals::<T>::remove(epoch);
			Settlements::<T>::remove(epoch);
			NextToExpire::<T>::put(epoch.saturating_add(1));
			Self::deposit_event(Event::EpochExpired { epoch, returned: settlement.expired });
		} else {
			Settlements::<T>::insert(epoch, settlement);
		}
		weight
	}

	/// Burns `owed` from the pot and adds it back to the allocation; whether it was.
	fn return_to_allocation(owed: BalanceOf<T>) -> bool {
		if owed.is_zero() {
			return true;
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
				true
			}
			Err(error) => {
				log::error!(target: "runtime::bmw", "burning {owed:?} expired failed: {error:?}");
				false
			}
		}
	}
}
