//! The burn: a settled stage's fee is burned or paid to the foundation, and its emission is
//! credited to its worker, its manager and the verifier pool, each from this job alone.

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
	emission::job_credits, pallet::*, BalanceOf, SettledWork, WeightInfo, WorkRewards,
	WorkerDirectory,
};

impl<T: Config> Pallet<T> {
	/// `amount` (an IBM or an emission) weighted by `class_percent` and, for a worker of
	/// `reliability`, the reliability bonus: `amount · class / 100 · (1 + reliability_bonus ·
	/// reliability)`.
	pub fn work_points(
		amount: u128,
		class_percent: u32,
		reliability: Perbill,
		reliability_bonus: Perbill,
	) -> u128 {
		let weighted = amount.saturating_mul(class_percent as u128) / 100;
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
	/// in progress (this pallet's clock) the job's emission, `ibm · E_p` at most
	/// `max_mint_per_burn` of what it burned, is credited by the pool shares: to its worker
	/// (times its class multiplier and reliability bonus, within the cap), to its manager and
	/// to the verifier pool ([`job_credits`]). Nothing in it depends on other accounts' work.
	fn work_settled(work: &SettledWork<T::AccountId, BalanceOf<T>>) {
		let params = Self::params();
		let burn = params.burn_share.mul_floor(work.fee);
		let burned = Self::burn_fee(burn);
		let to_foundation = Self::pay_foundation(work.fee.saturating_sub(burn));
		let epoch = CurrentEpoch::<T>::get();
		let reliability =
			T::Workers::worker(&work.worker).map(|w| w.reliability).unwrap_or_else(Perbill::zero);
		let ibm = work.ibm.pico();
		let mut totals = EpochTotals::<T>::get(epoch);
		let credits = job_credits(
			ibm,
			totals.emission_per_ibm.saturated_into(),
			burned.saturated_into(),
			params.max_mint_per_burn,
			&params.pools,
			|emission| {
				Self::work_points(
					emission,
					work.class_multiplier_percent,
					reliability,
					params.reliability_bonus,
				)
			},
		);
		let balance = |amount: u128| -> BalanceOf<T> { amount.saturated_into() };
		let mut new_accounts = 0u32;
		if Self::record_contribution(epoch, &work.worker, |record| {
			record.ibm.saturating_accrue(ibm);
			record.work.saturating_accrue(balance(credits.work));
			record.bonus.saturating_accrue(balance(credits.bonus));
		}) {
			new_accounts.saturating_inc();
		}
		let management = match &work.manager {
			Some(manager) => {
				if Self::record_contribution(epoch, manager, |record| {
					record.managed_ibm.saturating_accrue(ibm);
					record.management.saturating_accrue(balance(credits.management));
				}) {
					new_accounts.saturating_inc();
				}
				totals.managed_ibm.saturating_accrue(ibm);
				credits.management
			}
			None => 0,
		};
		// A forfeited account's credits still count in the totals, so they are withheld.
		totals.emission.saturating_accrue(balance(credits.emission));
		totals.ibm.saturating_accrue(ibm);
		totals.backed_ibm.saturating_accrue(credits.backed_ibm);
		totals.credited.work.saturating_accrue(balance(credits.work));
		totals.credited.managers.saturating_accrue(balance(management));
		totals.credited.verifiers.saturating_accrue(balance(credits.verifiers));
		totals.burned.saturating_accrue(burned);
		totals.to_foundation.saturating_accrue(to_foundation);
		totals.accounts.saturating_accrue(new_accounts);
		EpochTotals::<T>::insert(epoch, totals);
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
