//! Claims of vested rewards, and forfeits after a proven fault.

use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::Mutate,
		tokens::{Fortitude, Precision, Preservation},
	},
};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{Saturating, Zero},
	Rounding, SaturatedConversion,
};

use crate::{pallet::*, BalanceOf, Contribution, Reward, RewardEpochIndex, RewardForfeits};

impl<T: Config> Pallet<T> {
	/// What has vested of `reward`, earned in `epoch`, while epoch `now` is in progress:
	/// `vest_immediately` of it once the epoch ended, the rest in equal parts over the
	/// `vesting_epochs` epochs after.
	pub fn vested(
		reward: &Reward<BalanceOf<T>>,
		epoch: RewardEpochIndex,
		now: RewardEpochIndex,
	) -> BalanceOf<T> {
		if now <= epoch {
			return Zero::zero();
		}
		let params = Self::params();
		let elapsed = now.saturating_sub(epoch).saturating_sub(1);
		if elapsed >= params.vesting_epochs {
			return reward.amount();
		}
		let amount = reward.amount();
		let immediate = params.vest_immediately.mul_floor(amount);
		let rest: u128 = amount.saturating_sub(immediate).saturated_into();
		let linear = multiply_by_rational_with_rounding(
			rest,
			elapsed as u128,
			params.vesting_epochs as u128,
			Rounding::Down,
		)
		.unwrap_or(0);
		immediate.saturating_add(linear.saturated_into())
	}

	pub(crate) fn do_claim(who: T::AccountId, epoch: RewardEpochIndex) -> DispatchResult {
		ensure!(!Self::is_expired(epoch), Error::<T>::Expired);
		let mut reward = Rewards::<T>::get(epoch, &who).ok_or(Error::<T>::NoReward)?;
		let vested = Self::vested(&reward, epoch, CurrentEpoch::<T>::get());
		let due = vested.saturating_sub(reward.paid);
		ensure!(!due.is_zero(), Error::<T>::NothingVested);
		T::Currency::transfer(&Self::pot(), &who, due, Preservation::Preserve)?;
		reward.paid.saturating_accrue(due);
		let left = reward.amount().saturating_sub(reward.paid);
		if left.is_zero() {
			Rewards::<T>::remove(epoch, &who);
		} else {
			Rewards::<T>::insert(epoch, &who, reward);
		}
		Self::deposit_event(Event::RewardClaimed { who, epoch, amount: due, left });
		Ok(())
	}
}

impl<T: Config> RewardForfeits<T::AccountId> for Pallet<T> {
	/// `who`'s contributions to `epoch` not yet settled stop counting, and so does any it
	/// makes later in the epoch (its shares of the pools are withheld); a reward already
	/// minted and not paid is burned from the pot.
	fn forfeit(who: &T::AccountId, epoch: RewardEpochIndex) {
		let mut burned: BalanceOf<T> = Zero::zero();
		let in_progress = epoch == CurrentEpoch::<T>::get();
		Contributions::<T>::mutate(epoch, who, |record| match record {
			// Its credits stay in the epoch's totals, so they are withheld, not handed to
			// the others (whose shares may already be paid).
			Some(work) => {
				*work = Contribution { ibm: work.ibm, forfeited: true, ..Default::default() }
			}
			// No work yet in the epoch in progress: none it settles later counts either.
			None if in_progress => {
				*record = Some(Contribution { forfeited: true, ..Default::default() });
				EpochTotals::<T>::mutate(epoch, |totals| totals.accounts.saturating_inc());
			}
			None => {}
		});
		if let Some(reward) = Rewards::<T>::take(epoch, who) {
			let unpaid = reward.amount().saturating_sub(reward.paid);
			let pot = Self::pot();
			match T::Currency::burn_from(
				&pot,
				unpaid,
				Preservation::Preserve,
				Precision::Exact,
				Fortitude::Force,
			) {
				Ok(amount) => burned = amount,
				Err(error) => log::error!(
					target: "runtime::bmw",
					"burning the forfeited {unpaid:?} of {who:?} failed: {error:?}"
				),
			}
		}
		Self::deposit_event(Event::RewardsForfeited { who: who.clone(), epoch, burned });
	}
}
