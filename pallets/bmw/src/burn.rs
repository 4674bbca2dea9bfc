//! The burn: a settled stage's fee is burned or paid to the foundation, and its work counts for
//! its epoch's emission, its worker and its manager.

use frame_support::traits::{
	fungible::Mutate,
	tokens::{Fortitude, Precision, Preservation},
	Get,
};
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill, SaturatedConversion,
};

use crate::{
	emission::job_emission, pallet::*, BalanceOf, EpochWork, SettledWork, WeightInfo, WorkRewards,
	WorkerDirectory,
};

impl<T: Config> Pallet<T> {
	/// Work points of `ibm` pico-IBM at `class_percent` for a worker of `reliability`:
	/// `ibm · class / 100 · (1 + reliability_bonus · reliability)`.
	pub fn work_points(
		ibm: u128,
		class_percent: u32,
		reliability: Perbill,
		reliability_bonus: Perbill,
	) -> u128 {
		let weighted = ibm.saturating_mul(class_percent as u128) / 100;
		weighted.saturating_add((reliability_bonus * reliability).mul_floor(weighted))
	}

	/// Burns `amount` from the fee collector; what was burned.
	fn burn_fee(amount: BalanceOf<T>) -> BalanceOf<T> {
		if amount.is_zero() {
			return amount;
		}
		let collector = T::FeeCollector::get();
		T::Currency::burn_from(
			&collector,
			amount,
			Preservation::Preserve,
			Precision::Exact,
			Fortitude::Polite,
		)
		.unwrap_or_else(|error| {
			log::error!(target: "runtime::bmw", "burning {amount:?} of fees failed: {error:?}");
			Zero::zero()
		})
	}

	/// Pays `amount` from the fee collector to the foundation; what was paid.
	fn pay_foundation(amount: BalanceOf<T>) -> BalanceOf<T> {
		if amount.is_zero() {
			return amount;
		}
		let (collector, foundation) = (T::FeeCollector::get(), T::Foundation::get());
		T::Currency::transfer(&collector, &foundation, amount, Preservation::Preserve)
			.unwrap_or_else(|error| {
				log::error!(target: "runtime::bmw", "paying {amount:?} to the foundation failed: {error:?}");
				Zero::zero()
			})
	}
}

impl<T: Config> WorkRewards<T::AccountId, BalanceOf<T>> for Pallet<T> {
	/// Burns `burn_share` of the fee and pays the rest to the foundation. In the reward epoch
	/// in progress (this pallet's clock) the job adds `ibm · E_p` to the emission, at most
	/// `max_mint_per_burn` of what it burned; its IBM counts as work for its worker and as
	/// management for its manager, each capped at its pool's share of that cap.
	fn work_settled(work: &SettledWork<T::AccountId, BalanceOf<T>>) {
		let params = Self::params();
		let burn = params.burn_share.mul_floor(work.fee);
		let burned = Self::burn_fee(burn);
		let to_foundation = Self::pay_foundation(work.fee.saturating_sub(burn));
		let epoch = CurrentEpoch::<T>::get();
		let reliability =
			T::Workers::worker(&work.worker).map(|w| w.reliability).unwrap_or_else(Perbill::zero);
		let ibm = work.ibm.pico();
		let points = Self::work_points(
			ibm,
			work.class_multiplier_percent,
			reliability,
			params.reliability_bonus,
		);
		let mint_cap = params.max_mint_per_burn.mul_floor(burned);
		let mut new_accounts = 0u32;
		if Self::record_contribution(epoch, &work.worker, |record| {
			record.ibm.saturating_accrue(ibm);
			record.points.saturating_accrue(points);
			record.work_cap.saturating_accrue(params.pools.work.mul_floor(mint_cap));
		}) {
			new_accounts.saturating_inc();
		}
		if let Some(manager) = &work.manager {
			if Self::record_contribution(epoch, manager, |record| {
				record.managed_ibm.saturating_accrue(ibm);
				record.manager_cap.saturating_accrue(params.pools.managers.mul_floor(mint_cap));
			}) {
				new_accounts.saturating_inc();
			}
		}
		// A forfeited account's work still counts in the totals, so its share is withheld.
		EpochTotals::<T>::mutate(epoch, |totals: &mut EpochWork<BalanceOf<T>>| {
			let emission = job_emission(
				ibm,
				totals.emission_per_ibm.saturated_into(),
				burned.saturated_into(),
				params.max_mint_per_burn,
			);
			totals.emission.saturating_accrue(emission.saturated_into());
			totals.ibm.saturating_accrue(ibm);
			totals.points.saturating_accrue(points);
			if work.manager.is_some() {
				totals.managed_ibm.saturating_accrue(ibm);
			}
			totals.burned.saturating_accrue(burned);
			totals.to_foundation.saturating_accrue(to_foundation);
			totals.accounts.saturating_accrue(new_accounts);
		});
		Self::deposit_event(Event::FeeBurned {
			job: work.job,
			stage: work.stage,
			worker: work.worker.clone(),
			epoch,
			ibm,
			burned,
			to_foundation,
		});
	}

	fn work_settled_weight() -> frame_support::weights::Weight {
		<T as Config>::WeightInfo::work_settled()
	}
}
