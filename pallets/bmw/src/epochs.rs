//! The reward-epoch clock.

use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;

use crate::{pallet::*, RewardEpochIndex, RewardEpochs, WeightInfo};

impl<T: Config> Pallet<T> {
	/// Ends the epoch in progress at its end block; the next one lasts the `epoch_length` in
	/// force then.
	pub(crate) fn roll_epoch(now: BlockNumberFor<T>) -> Weight {
		if now < EpochEnd::<T>::get() {
			return T::DbWeight::get().reads(1);
		}
		let ended = CurrentEpoch::<T>::get();
		CurrentEpoch::<T>::put(ended.saturating_add(1));
		EpochEnd::<T>::put(now.saturating_add(Self::params().epoch_length));
		Self::deposit_event(Event::EpochEnded { epoch: ended, at: now });
		T::WeightInfo::end_epoch()
	}

	/// The block the epoch in progress ends at (the next one starts).
	pub fn epoch_ends_at() -> BlockNumberFor<T> {
		EpochEnd::<T>::get()
	}
}

impl<T: Config> RewardEpochs for Pallet<T> {
	fn current() -> RewardEpochIndex {
		CurrentEpoch::<T>::get()
	}
}
