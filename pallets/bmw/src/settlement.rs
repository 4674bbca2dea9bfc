//! Settling an ended epoch: its emission, and the work pool paid to its workers pro rata to
//! their work points, each at most its mint cap, a bounded number per block.

use frame_support::{
	pallet_prelude::*,
	traits::{fungible::Mutate, Get},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	SaturatedConversion,
};

use cinder_primitives::pro_rata;

use crate::{
	emission::{emission_for, emission_per_ibm},
	pallet::*,
	BalanceOf, EpochSettlement, RewardEpochIndex, WeightInfo, WorkerWork,
};

impl<T: Config> Pallet<T> {
	/// The reward pot's account.
	pub fn pot() -> T::AccountId {
		use sp_runtime::traits::AccountIdConversion;
		T::PalletId::get().into_account_truncating()
	}

	/// The emission of `epoch` and its work pool, from its verified IBM, the emission plan
	/// and what is left of the allocation.
	fn open_settlement(epoch: RewardEpochIndex) -> EpochSettlement<BalanceOf<T>> {
		let params = Self::params();
		let totals = EpochTotals::<T>::get(epoch);
		let per_ibm = emission_per_ibm(
			params.base_emission_per_ibm.saturated_into(),
			params.emission_decay,
			epoch,
		);
		let planned = emission_for(totals.ibm, per_ibm);
		let left: u128 = RemainingAllocation::<T>::get().saturated_into();
		let emission: BalanceOf<T> = planned.min(left).saturated_into();
		EpochSettlement {
			emission_per_ibm: per_ibm.saturated_into(),
			emission,
			work_pool: params.work_share.mul_floor(emission),
			minted: Zero::zero(),
			withheld: Zero::zero(),
			remaining: totals.workers,
		}
	}

	/// Pays `worker` its share of the work pool of `epoch`, at most its mint cap; returns
	/// `(reward, withheld)`.
	fn pay_work(
		epoch: RewardEpochIndex,
		worker: &T::AccountId,
		work: &WorkerWork<BalanceOf<T>>,
		settlement: &EpochSettlement<BalanceOf<T>>,
		total_points: u128,
	) -> (BalanceOf<T>, BalanceOf<T>) {
		let share: BalanceOf<T> =
			pro_rata(settlement.work_pool.saturated_into(), work.points, total_points)
				.saturated_into();
		let reward = share.min(work.mint_cap);
		let minted = if reward.is_zero() {
			Zero::zero()
		} else {
			T::Currency::mint_into(&Self::pot(), reward).unwrap_or_else(|error| {
				log::error!(target: "runtime::bmw", "minting {reward:?} for {worker:?} failed: {error:?}");
				Zero::zero()
			})
		};
		if !minted.is_zero() {
			Rewards::<T>::mutate(worker, epoch, |record| {
				record.get_or_insert_with(Default::default).amount.saturating_accrue(minted)
			});
			RemainingAllocation::<T>::mutate(|left| left.saturating_reduce(minted));
		}
		let withheld = share.saturating_sub(minted);
		Self::deposit_event(Event::WorkRewarded {
			epoch,
			worker: worker.clone(),
			reward: minted,
			withheld,
		});
		(minted, withheld)
	}

	/// Settles the oldest ended epoch by at most `MaxSettlementsPerBlock` workers; when the
	/// last is paid, the rest of the work pool (rounding dust) is withheld and the epoch is
	/// settled.
	pub(crate) fn settle_step() -> Weight {
		let epoch = NextToSettle::<T>::get();
		if epoch >= CurrentEpoch::<T>::get() {
			return T::DbWeight::get().reads(2);
		}
		let mut weight = T::WeightInfo::settle_base();
		let mut settlement =
			Settlements::<T>::get(epoch).unwrap_or_else(|| Self::open_settlement(epoch));
		let total_points = EpochTotals::<T>::get(epoch).points;
		let budget = T::MaxSettlementsPerBlock::get() as usize;
		for (worker, work) in WorkerEpochs::<T>::drain_prefix(epoch).take(budget) {
			let (minted, withheld) =
				Self::pay_work(epoch, &worker, &work, &settlement, total_points);
			settlement.minted.saturating_accrue(minted);
			settlement.withheld.saturating_accrue(withheld);
			settlement.remaining.saturating_dec();
			weight.saturating_accrue(T::WeightInfo::settle_worker());
		}
		if settlement.remaining == 0 {
			let paid = settlement.minted.saturating_add(settlement.withheld);
			settlement.withheld.saturating_accrue(settlement.work_pool.saturating_sub(paid));
			NextToSettle::<T>::put(epoch.saturating_add(1));
			Self::deposit_event(Event::EpochSettled {
				epoch,
				emission_per_ibm: settlement.emission_per_ibm,
				emission: settlement.emission,
				minted: settlement.minted,
				withheld: settlement.withheld,
			});
		}
		Settlements::<T>::insert(epoch, settlement);
		weight
	}
}
