//! The reward-epoch clock, and each epoch's emission rate fixed as it starts.

use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Saturating, SaturatedConversion};

use crate::{
	emission::{emission_per_ibm, ibme_adjusted},
	pallet::*,
	BalanceOf, RewardEpochIndex, RewardEpochs, WeightInfo,
};

impl<T: Config> Pallet<T> {
	/// Ends the epoch in progress at its end block; the next one lasts the `epoch_length` in
	/// force then, and earns the emission rate the plan gives it after the ended epoch's IBME.
	pub(crate) fn roll_epoch(now: BlockNumberFor<T>) -> Weight {
		if now < EpochEnd::<T>::get() {
			return T::DbWeight::get().reads(1);
		}
		let ended = CurrentEpoch::<T>::get();
		let next = ended.saturating_add(1);
		let ibme = EpochTotals::<T>::get(ended).ibme();
		Self::start_epoch(next, ibme);
		EpochEnd::<T>::put(now.saturating_add(Self::params().epoch_length));
		Self::deposit_event(Event::EpochEnded { epoch: ended, at: now, ibme });
		T::WeightInfo::end_epoch()
	}

	/// Makes `epoch` the one in progress, at the emission rate of the plan: the base schedule,
	/// nudged by `last_ibme`.
	pub(crate) fn start_epoch(epoch: RewardEpochIndex, last_ibme: Option<sp_runtime::Perbill>) {
		let params = Self::params();
		let base = emission_per_ibm(
			params.base_emission_per_ibm.saturated_into(),
			params.emission_decay,
			epoch,
		);
		let rate = ibme_adjusted(base, last_ibme, params.ibme_target, params.ibme_adjust_max);
		let rate: BalanceOf<T> = rate.saturated_into();
		CurrentEpoch::<T>::put(epoch);
		EpochTotals::<T>::mutate(epoch, |totals| totals.emission_per_ibm = rate);
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
