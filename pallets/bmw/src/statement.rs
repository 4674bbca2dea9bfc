//! An account's rewards of one epoch by pool, with the reason for any zero: what the `BmwApi`
//! runtime API answers. For the epoch in progress it is an estimate (as if it ended now), for
//! an ended one what its settlement pays or paid.

use sp_runtime::traits::{Saturating, Zero};

use crate::{
	pallet::*, pools::shares_of, BalanceOf, Contribution, EpochStatus, PoolReward, Pools,
	RewardBreakdown, RewardEpochIndex, ZeroReason,
};

/// `amount` from a pool; when it is zero, why: the first of `reasons` that applies, then an
/// empty `pool`, else rounding.
fn pool_reward<Balance: Zero + Copy>(
	amount: Balance,
	pool: Balance,
	reasons: &[(bool, ZeroReason)],
) -> PoolReward<Balance> {
	if !amount.is_zero() {
		return PoolReward { amount, zero_because: None };
	}
	let because = reasons
		.iter()
		.chain(&[(pool.is_zero(), ZeroReason::NoEmission)])
		.find(|(applies, _)| *applies)
		.map_or(ZeroReason::RoundedDown, |(_, reason)| *reason);
	PoolReward { amount, zero_because: Some(because) }
}

impl<T: Config> Pallet<T> {
	/// The IBME of `epoch` so far; `None` with no node online, or once the epoch expired.
	pub fn ibme(epoch: RewardEpochIndex) -> Option<sp_runtime::Perbill> {
		EpochTotals::<T>::get(epoch).ibme()
	}

	/// `who`'s rewards of `epoch` by pool; `penalty_share` is left zero (the runtime fills
	/// it in from the verification pallet).
	pub fn reward_breakdown(
		who: &T::AccountId,
		epoch: RewardEpochIndex,
	) -> RewardBreakdown<BalanceOf<T>> {
		let current = CurrentEpoch::<T>::get();
		let status = if epoch >= current {
			EpochStatus::Running
		} else if epoch >= NextToSettle::<T>::get() {
			EpochStatus::Settling
		} else if Self::is_expired(epoch) {
			EpochStatus::Expired
		} else {
			EpochStatus::Settled
		};
		// The pools as settled, or as a settlement opened now would set them.
		let pools =
			Settlements::<T>::get(epoch).unwrap_or_else(|| Self::open_settlement(epoch)).pools;

		let kept =
			if status == EpochStatus::Expired { None } else { Rewards::<T>::get(epoch, who) };
		if let Some(reward) = kept {
			// Minted: the contribution behind a zero share is gone, so it reads as none.
			let none = Contribution::default();
			let mut breakdown =
				Self::breakdown(epoch, status, reward.earned, reward.bonus, &none, &pools);
			breakdown.claimable = Self::vested(&reward, epoch, current).saturating_sub(reward.paid);
			return breakdown;
		}
		match Contributions::<T>::get(epoch, who) {
			Some(contribution) => {
				let totals = EpochTotals::<T>::get(epoch);
				let shares = shares_of(&contribution, &totals, &pools);
				Self::breakdown(epoch, status, shares.earned, shares.bonus, &contribution, &pools)
			}
			None if matches!(status, EpochStatus::Settled | EpochStatus::Expired) => {
				let outstanding = PoolReward {
					amount: Zero::zero(),
					zero_because: Some(ZeroReason::NoneOutstanding),
				};
				RewardBreakdown {
					epoch,
					status,
					work: outstanding,
					bonus: Zero::zero(),
					availability: outstanding,
					verification: outstanding,
					management: outstanding,
					forfeited: false,
					total: Zero::zero(),
					claimable: Zero::zero(),
					penalty_share: Zero::zero(),
				}
			}
			None => Self::breakdown(
				epoch,
				status,
				Pools::default(),
				Zero::zero(),
				&Contribution::default(),
				&pools,
			),
		}
	}

	fn breakdown(
		epoch: RewardEpochIndex,
		status: EpochStatus,
		earned: Pools<BalanceOf<T>>,
		bonus: BalanceOf<T>,
		contribution: &Contribution<BalanceOf<T>>,
		pools: &Pools<BalanceOf<T>>,
	) -> RewardBreakdown<BalanceOf<T>> {
		let forfeited = (contribution.forfeited, ZeroReason::Forfeited);
		RewardBreakdown {
			epoch,
			status,
			work: pool_reward(
				earned.work,
				pools.work,
				&[
					forfeited,
					(contribution.ibm == 0, ZeroReason::NoWork),
					(contribution.work.is_zero(), ZeroReason::NothingBurned),
				],
			),
			bonus,
			availability: pool_reward(
				earned.availability,
				pools.availability,
				&[forfeited, (contribution.availability.is_zero(), ZeroReason::Offline)],
			),
			verification: pool_reward(
				earned.verifiers,
				pools.verifiers,
				&[forfeited, (contribution.verifications == 0, ZeroReason::NoVerifications)],
			),
			management: pool_reward(
				earned.managers,
				pools.managers,
				&[
					forfeited,
					(contribution.managed_ibm == 0, ZeroReason::NoManagedJobs),
					(contribution.management.is_zero(), ZeroReason::NothingBurned),
				],
			),
			forfeited: contribution.forfeited,
			total: earned.total(),
			claimable: Zero::zero(),
			penalty_share: Zero::zero(),
		}
	}
}
