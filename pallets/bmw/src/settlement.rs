//! Settling an ended epoch: each account that contributed is paid its own credits (the
//! verifier pool pro rata to matched verifications), a bounded number of accounts per block.

use frame_support::{
	pallet_prelude::*,
	traits::{fungible::Mutate, Get},
};
use sp_runtime::traits::{Saturating, Zero};

use crate::{
	pallet::*,
	pools::{pools_within, shares_of},
	BalanceOf, Contribution, EpochSettlement, Reward, RewardEpochIndex, WeightInfo,
};

impl<T: Config> Pallet<T> {
	/// The reward pot's account.
	pub fn pot() -> T::AccountId {
		use sp_runtime::traits::AccountIdConversion;
		T::PalletId::get().into_account_truncating()
	}

	/// The emission of `epoch` (what its contributions earned, capped by what is left of the
	/// allocation) and its pools.
	pub(crate) fn open_settlement(epoch: RewardEpochIndex) -> EpochSettlement<BalanceOf<T>> {
		let totals = EpochTotals::<T>::get(epoch);
		let emission = totals.credited.total().min(RemainingAllocation::<T>::get());
		EpochSettlement {
			emission_per_ibm: totals.emission_per_ibm,
			ibme: totals.ibme(),
			emission,
			pools: pools_within(&totals.credited, emission),
			minted: Zero::zero(),
			withheld: Zero::zero(),
			remaining: totals.accounts,
			settled_in: 0,
			expired: Zero::zero(),
		}
	}

	/// Mints `who`'s shares of `epoch`'s pools into the pot as its reward; returns what was
	/// minted.
	fn pay_shares(
		epoch: RewardEpochIndex,
		who: &T::AccountId,
		contribution: &Contribution<BalanceOf<T>>,
		settlement: &EpochSettlement<BalanceOf<T>>,
		totals: &crate::EpochWork<BalanceOf<T>>,
	) -> BalanceOf<T> {
		let shares = shares_of(contribution, totals, &settlement.pools);
		let amount = shares.earned.total();
		if amount.is_zero() {
			return Zero::zero();
		}
		if let Err(error) = T::Currency::mint_into(&Self::pot(), amount) {
			log::error!(target: "runtime::bmw", "minting {amount:?} for {who:?} failed: {error:?}");
			return Zero::zero();
		}
		Rewards::<T>::insert(
			epoch,
			who,
			Reward { earned: shares.earned, bonus: shares.bonus, paid: Zero::zero() },
		);
		RemainingAllocation::<T>::mutate(|left| left.saturating_reduce(amount));
		Self::deposit_event(Event::Rewarded {
			epoch,
			who: who.clone(),
			earned: shares.earned,
			over_cap: shares.over_cap,
		});
		amount
	}

	/// Settles the oldest ended epoch by at most `MaxSettlementsPerBlock` accounts; when the
	/// last is paid, what the pools did not pay (forfeits, a verifier pool nobody earned,
	/// rounding) is withheld, so `minted + withheld = emission`, and the epoch is settled.
	pub(crate) fn settle_step() -> Weight {
		let epoch = NextToSettle::<T>::get();
		if epoch >= CurrentEpoch::<T>::get() {
			return T::DbWeight::get().reads(2);
		}
		let mut weight = T::WeightInfo::settle_base();
		let mut settlement =
			Settlements::<T>::get(epoch).unwrap_or_else(|| Self::open_settlement(epoch));
		let totals = EpochTotals::<T>::get(epoch);
		let budget = T::MaxSettlementsPerBlock::get() as usize;
		for (who, contribution) in Contributions::<T>::drain_prefix(epoch).take(budget) {
			let minted = Self::pay_shares(epoch, &who, &contribution, &settlement, &totals);
			settlement.minted.saturating_accrue(minted);
			settlement.remaining.saturating_dec();
			weight.saturating_accrue(T::WeightInfo::settle_account());
		}
		if settlement.remaining == 0 {
			settlement.withheld = settlement.emission.saturating_sub(settlement.minted);
			settlement.settled_in = CurrentEpoch::<T>::get();
			NextToSettle::<T>::put(epoch.saturating_add(1));
			Self::deposit_event(Event::EpochSettled {
				epoch,
				emission_per_ibm: settlement.emission_per_ibm,
				ibme: settlement.ibme,
				emission: settlement.emission,
				pools: settlement.pools,
				minted: settlement.minted,
				withheld: settlement.withheld,
			});
		}
		Settlements::<T>::insert(epoch, settlement);
		weight
	}
}
