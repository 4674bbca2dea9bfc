//! The bodies of the calls, eligibility, the sweep, slashing, and the [`ComputeStake`] trait.

use cinder_primitives::{Ib, RewardEpochIndex};
use frame_support::{
	defensive,
	pallet_prelude::*,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
	},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	SaturatedConversion,
};

use crate::{
	pallet::*, BalanceOf, ComputeStake, EligibilityObserver, EvidenceId, Ineligibility,
	JobsInFlight, NodeProfiles, RewardEpochs, SlashAmount, SlashReason, StakeParams, StakeStatus,
	Sweep, UnbondChunk, WeightInfo,
};

impl<T: Config> Pallet<T> {
	fn hold_reason() -> T::RuntimeHoldReason {
		HoldReason::ComputeBond.into()
	}

	/// The post-dispatch info of a call of `base` weight that may move its caller through the
	/// routing pools (`result`: the move's weight): `base` alone when it fails.
	pub(crate) fn with_catch_up(
		base: Weight,
		result: Result<Weight, DispatchError>,
	) -> DispatchResultWithPostInfo {
		match result {
			Ok(moved) => Ok(Some(base.saturating_add(moved)).into()),
			Err(error) => {
				Err(frame_support::dispatch::WithPostDispatchInfo::with_weight(error, base))
			}
		}
	}

	/// Returns the weight of the pool move it caused.
	pub(crate) fn do_bond(
		who: T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<Weight, DispatchError> {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(amount >= T::MinimumBond::get(), Error::<T>::BelowMinimumBond);
		ensure!(!Bonds::<T>::contains_key(&who), Error::<T>::AlreadyBonded);
		T::Currency::hold(&Self::hold_reason(), &who, amount)?;
		Bonds::<T>::insert(
			&who,
			crate::WorkerBond { active: amount, unbonding: Default::default(), eligible: false },
		);
		Self::deposit_event(Event::Bonded { who: who.clone(), amount, active: amount });
		Self::update_eligibility(&who);
		Ok(T::Observer::catch_up(&who))
	}

	/// Returns the weight of the pool move it caused.
	pub(crate) fn do_bond_extra(
		who: T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<Weight, DispatchError> {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut bond = Bonds::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
		T::Currency::hold(&Self::hold_reason(), &who, amount)?;
		bond.active = bond.active.saturating_add(amount);
		let active = bond.active;
		Bonds::<T>::insert(&who, bond);
		Self::deposit_event(Event::Bonded { who: who.clone(), amount, active });
		Self::update_eligibility(&who);
		Ok(T::Observer::catch_up(&who))
	}

	/// Returns the weight of the pool move it caused.
	pub(crate) fn do_unbond(
		who: T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<Weight, DispatchError> {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut bond = Bonds::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
		ensure!(amount <= bond.active, Error::<T>::InsufficientBond);
		// No dust: what stays active is all of it or at least `MinimumBond`, so a bond record
		// is never kept for a few planck.
		let rest = bond.active.saturating_sub(amount);
		ensure!(rest.is_zero() || rest >= T::MinimumBond::get(), Error::<T>::BelowMinimumBond);
		let release_epoch =
			T::Epochs::current().saturating_add(Params::<T>::get().unbonding_epochs);
		// Chunks are kept in release order; one chunk per release epoch.
		match bond.unbonding.last_mut() {
			Some(last) if last.release_epoch == release_epoch => {
				last.amount = last.amount.saturating_add(amount)
			}
			_ => bond
				.unbonding
				.try_push(UnbondChunk { amount, release_epoch })
				.map_err(|_| Error::<T>::TooManyUnbondingChunks)?,
		}
		bond.active = bond.active.saturating_sub(amount);
		Bonds::<T>::insert(&who, bond);
		Self::deposit_event(Event::Unbonded { who: who.clone(), amount, release_epoch });
		Self::update_eligibility(&who);
		Ok(T::Observer::catch_up(&who))
	}

	/// Returns the number of chunks released.
	pub(crate) fn do_withdraw_unbonded(who: T::AccountId) -> Result<u32, DispatchError> {
		let mut bond = Bonds::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
		let now = T::Epochs::current();
		let (released, amount) = bond
			.unbonding
			.iter()
			.filter(|c| c.release_epoch <= now)
			.fold((0u32, BalanceOf::<T>::zero()), |(n, sum), c| {
				(n + 1, sum.saturating_add(c.amount))
			});
		ensure!(released > 0, Error::<T>::NothingToWithdraw);
		// A stage still running or under verification can cost a slash: the bond stays.
		ensure!(T::Jobs::jobs_in_flight(&who) == 0, Error::<T>::JobsInFlight);
		T::Currency::release(&Self::hold_reason(), &who, amount, Precision::Exact)?;
		bond.unbonding.retain(|c| c.release_epoch > now);
		if bond.is_empty() {
			Self::remove_bond(&who, &bond);
		} else {
			Bonds::<T>::insert(&who, bond);
		}
		Self::deposit_event(Event::Withdrawn { who, amount });
		Ok(released)
	}

	pub(crate) fn params_are_valid(params: &StakeParams) -> bool {
		params.rule.multiplier > 0
			&& params.rule.epoch_minutes > 0
			&& params.unbonding_epochs > 0
			&& params.floor_price_per_ibm > 0
	}

	pub(crate) fn do_set_params(params: StakeParams) -> DispatchResult {
		ensure!(Self::params_are_valid(&params), Error::<T>::InvalidParams);
		Params::<T>::put(params);
		EligibilitySweep::<T>::put(Sweep::Start);
		Self::deposit_event(Event::ParamsSet { params });
		Ok(())
	}

	/// S(n) for a node of capacity `ib` asking `price_per_ibm`, under the current parameters:
	/// reckoned at the collateral floor price when the node asks less.
	pub fn minimum_stake_for(ib: Ib, price_per_ibm: BalanceOf<T>) -> BalanceOf<T> {
		let params = Params::<T>::get();
		let price = price_per_ibm.saturated_into::<u128>().max(params.floor_price_per_ibm);
		params.rule.minimum_stake(ib, price).saturated_into::<BalanceOf<T>>()
	}

	/// S(n) for `who`'s current profile; zero if it has none.
	pub fn minimum_stake(who: &T::AccountId) -> BalanceOf<T> {
		T::Nodes::profile(who)
			.map(|p| Self::minimum_stake_for(p.ib, p.price_per_ibm))
			.unwrap_or_default()
	}

	/// `None` if `who` is eligible for jobs and rewards, else the first reason it is not: a
	/// jail in force, else [`Self::standing_ineligibility`].
	pub fn ineligibility(who: &T::AccountId) -> Option<Ineligibility> {
		if let Some(until) = Self::jailed_until(who) {
			return Some(Ineligibility::Jailed { until });
		}
		Self::standing_ineligibility(who)
	}

	/// The epoch `who`'s jail ends, while it is in force.
	pub fn jailed_until(who: &T::AccountId) -> Option<RewardEpochIndex> {
		Jails::<T>::get(who).filter(|until| *until > T::Epochs::current())
	}

	/// Why `who`'s profile and bond make it ineligible, jail aside: what the bond's stored
	/// eligibility follows (a jail ends by itself, so it is checked live, never stored).
	pub fn standing_ineligibility(who: &T::AccountId) -> Option<Ineligibility> {
		let Some(profile) = T::Nodes::profile(who) else {
			return Some(Ineligibility::NotRegistered);
		};
		if !profile.active {
			return Some(Ineligibility::Inactive);
		}
		if !profile.ib_confirmed {
			return Some(Ineligibility::IbNotConfirmed);
		}
		let active = Bonds::<T>::get(who).map(|b| b.active).unwrap_or_default();
		if active < Self::minimum_stake_for(profile.ib, profile.price_per_ibm) {
			return Some(Ineligibility::BondBelowMinimum);
		}
		None
	}

	/// Re-evaluates `who`'s eligibility; stores it and emits an event if it changed.
	pub(crate) fn update_eligibility(who: &T::AccountId) {
		if Jails::<T>::get(who).is_some_and(|until| until <= T::Epochs::current()) {
			Jails::<T>::remove(who);
		}
		let reason = Self::standing_ineligibility(who);
		let eligible = reason.is_none();
		let flipped = Bonds::<T>::mutate_extant(who, |bond| {
			let flipped = bond.eligible != eligible;
			bond.eligible = eligible;
			flipped
		});
		if flipped {
			Self::deposit_event(Event::EligibilityChanged { who: who.clone(), eligible, reason });
			T::Observer::eligibility_changed(who, eligible);
		}
	}

	/// Removes `who`'s emptied bond record, and its jail if served (a jail in force stays, so
	/// that bonding again does not end it); an eligible one stops being eligible.
	fn remove_bond(
		who: &T::AccountId,
		bond: &crate::WorkerBond<BalanceOf<T>, T::MaxUnbondingChunks>,
	) {
		Bonds::<T>::remove(who);
		if Jails::<T>::get(who).is_some_and(|until| until <= T::Epochs::current()) {
			Jails::<T>::remove(who);
		}
		if bond.eligible {
			Self::deposit_event(Event::EligibilityChanged {
				who: who.clone(),
				eligible: false,
				reason: Some(Ineligibility::BondBelowMinimum),
			});
			T::Observer::eligibility_changed(who, false);
		}
	}

	/// Re-evaluates up to `MaxSweepPerBlock` bonds (and no more than `remaining` weight allows)
	/// after a parameter change. Returns the weight used.
	pub(crate) fn sweep_eligibility(remaining: Weight) -> Weight {
		let Some(progress) = EligibilitySweep::<T>::get() else {
			return T::DbWeight::get().reads(1);
		};
		let per_bond = T::WeightInfo::refresh_eligibility()
			.saturating_add(T::Observer::eligibility_changed_weight());
		let overhead = T::DbWeight::get().reads_writes(1, 1);
		let affordable = remaining
			.saturating_sub(overhead)
			.checked_div_per_component(&per_bond)
			.unwrap_or(0)
			.min(T::MaxSweepPerBlock::get() as u64) as u32;
		if affordable == 0 {
			return T::DbWeight::get().reads(1);
		}
		let mut keys = match progress {
			Sweep::Start => Bonds::<T>::iter_keys(),
			Sweep::After(last) => Bonds::<T>::iter_keys_from(Bonds::<T>::hashed_key_for(last)),
		};
		let mut done = 0;
		let mut last = None;
		while done < affordable {
			let Some(who) = keys.next() else { break };
			Self::update_eligibility(&who);
			last = Some(who);
			done += 1;
		}
		match last {
			Some(who) if done == affordable => EligibilitySweep::<T>::put(Sweep::After(who)),
			_ => EligibilitySweep::<T>::kill(),
		}
		overhead.saturating_add(per_bond.saturating_mul(done as u64))
	}

	/// Takes `amount` of `who`'s bond (active first, then the latest unbonding chunks) into the
	/// penalty pool. Returns what was taken.
	pub(crate) fn do_slash(
		who: &T::AccountId,
		amount: SlashAmount<BalanceOf<T>>,
		reason: SlashReason,
		evidence: EvidenceId,
	) -> BalanceOf<T> {
		let Some(mut bond) = Bonds::<T>::get(who) else { return Zero::zero() };
		let total = bond.total();
		let target = match amount {
			SlashAmount::Fraction(share) => share.mul_floor(total),
			SlashAmount::Amount(amount) => amount.min(total),
		};
		if target.is_zero() {
			return Zero::zero();
		}
		let moved = match T::Currency::transfer_on_hold(
			&Self::hold_reason(),
			who,
			&T::PenaltyPool::get(),
			target,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		) {
			Ok(moved) => moved,
			Err(error) => {
				defensive!("compute bond slash could not be paid to the penalty pool", error);
				return Zero::zero();
			}
		};
		let mut left = moved;
		let from_active = left.min(bond.active);
		bond.active = bond.active.saturating_sub(from_active);
		left = left.saturating_sub(from_active);
		for chunk in bond.unbonding.iter_mut().rev() {
			let take = left.min(chunk.amount);
			chunk.amount = chunk.amount.saturating_sub(take);
			left = left.saturating_sub(take);
		}
		bond.unbonding.retain(|chunk| !chunk.amount.is_zero());
		if bond.is_empty() {
			Self::remove_bond(who, &bond);
		} else {
			Bonds::<T>::insert(who, bond);
		}
		Self::deposit_event(Event::Slashed { who: who.clone(), amount: moved, reason, evidence });
		Self::update_eligibility(who);
		moved
	}

	/// Jails `who` until `epochs` reward epochs after the current one, unless a longer jail is
	/// in force; returns the epoch the jail ends.
	pub(crate) fn do_jail(
		who: &T::AccountId,
		epochs: u32,
		evidence: EvidenceId,
	) -> RewardEpochIndex {
		let until = T::Epochs::current().saturating_add(epochs);
		let until = Self::jailed_until(who).map_or(until, |current| current.max(until));
		Jails::<T>::insert(who, until);
		Self::deposit_event(Event::Jailed { who: who.clone(), until, evidence });
		until
	}

	/// Where `who`'s stake stands (runtime API).
	pub fn stake_status(who: &T::AccountId) -> StakeStatus<BalanceOf<T>> {
		let bond = Bonds::<T>::get(who);
		StakeStatus {
			active: bond.as_ref().map(|b| b.active).unwrap_or_default(),
			unbonding: bond.map(|b| b.unbonding.into_inner()).unwrap_or_default(),
			minimum_stake: Self::minimum_stake(who),
			current_epoch: T::Epochs::current(),
			ineligible_because: Self::ineligibility(who),
		}
	}

	/// Invariants: every bond is exactly what is held for it, has no empty or out-of-order
	/// chunk, and, when no sweep is pending, its stored eligibility is the live one.
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::traits::fungible::InspectHold;
		let sweeping = EligibilitySweep::<T>::get().is_some();
		for (who, bond) in Bonds::<T>::iter() {
			let held = T::Currency::balance_on_hold(&Self::hold_reason(), &who);
			ensure!(held == bond.total(), "held balance differs from active + unbonding");
			ensure!(!bond.is_empty(), "empty bond record");
			ensure!(bond.unbonding.iter().all(|c| !c.amount.is_zero()), "empty unbonding chunk");
			ensure!(
				bond.unbonding.windows(2).all(|w| w[0].release_epoch < w[1].release_epoch),
				"unbonding chunks out of order"
			);
			if !sweeping {
				ensure!(
					bond.eligible == Self::standing_ineligibility(&who).is_none(),
					"stored eligibility differs from S(n) and the profile"
				);
			}
		}
		Ok(())
	}
}

impl<T: Config> ComputeStake<T::AccountId, BalanceOf<T>> for Pallet<T> {
	type Error = DispatchError;

	fn minimum_stake(who: &T::AccountId) -> BalanceOf<T> {
		Pallet::<T>::minimum_stake(who)
	}

	fn active_bond(who: &T::AccountId) -> BalanceOf<T> {
		Bonds::<T>::get(who).map(|b| b.active).unwrap_or_default()
	}

	fn floor_price_per_ibm() -> BalanceOf<T> {
		Params::<T>::get().floor_price_per_ibm.saturated_into()
	}

	fn is_eligible(who: &T::AccountId) -> bool {
		Self::ineligibility(who).is_none()
	}

	fn stored_eligibility(who: &T::AccountId) -> bool {
		Bonds::<T>::get(who).is_some_and(|bond| bond.eligible)
	}

	fn ensure_covers(
		who: &T::AccountId,
		ib: Ib,
		price_per_ibm: BalanceOf<T>,
	) -> Result<(), DispatchError> {
		let active = Bonds::<T>::get(who).map(|b| b.active).unwrap_or_default();
		ensure!(
			active >= Self::minimum_stake_for(ib, price_per_ibm),
			Error::<T>::BondBelowMinimumStake
		);
		Ok(())
	}

	fn profile_changed(who: &T::AccountId) {
		Self::update_eligibility(who);
	}

	fn slash(
		who: &T::AccountId,
		amount: SlashAmount<BalanceOf<T>>,
		reason: SlashReason,
		evidence: EvidenceId,
	) -> BalanceOf<T> {
		Self::do_slash(who, amount, reason, evidence)
	}

	fn slash_weight() -> Weight {
		T::WeightInfo::slash().saturating_add(T::Observer::eligibility_changed_weight())
	}

	fn jail(who: &T::AccountId, epochs: u32, evidence: EvidenceId) -> RewardEpochIndex {
		Self::do_jail(who, epochs, evidence)
	}
}
