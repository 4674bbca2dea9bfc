//! The penalty pool: slashed funds paid out per reward epoch to the verifiers whose verdicts
//! matched the final outcome, with `disputer_share` to those whose disputes proved a worker
//! wrong (Inferix's rule). Shares are claimed; the last claim of an epoch takes what rounding
//! left, so an epoch's claims add up to its pot exactly.

use cinder_primitives::pro_rata;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{Fortitude, Preservation},
	},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	SaturatedConversion,
};

use crate::{
	pallet::*, BalanceOf, Credits, EpochPayout, RewardEpochIndex, RewardEpochs, VerifierRewards,
	WeightInfo,
};

/// Verifiers' credits of an expired epoch removed per block, at most.
pub const CREDITS_EXPIRED_PER_BLOCK: u32 = 16;

impl<T: Config> Pallet<T> {
	/// Adds credits to `who` in the epoch in progress; verdicts that matched the outcome also
	/// count for the verifier pool of the epoch's emission.
	pub fn credit(who: &T::AccountId, matched: u32, disputes: u32) {
		T::Rewards::verifications_matched(who, matched);
		let epoch = CreditEpoch::<T>::get();
		let add = |credits: &mut Credits| {
			credits.matched = credits.matched.saturating_add(matched);
			credits.disputes = credits.disputes.saturating_add(disputes);
		};
		VerifierCredits::<T>::mutate(epoch, who, add);
		EpochCredits::<T>::mutate(epoch, add);
	}

	/// What the penalty pool can pay that no closed epoch owes yet: the next epoch's pot. The
	/// pool keeps its existential deposit, so it always exists to receive slashes of any size.
	pub fn unreserved_pool() -> BalanceOf<T> {
		T::Currency::reducible_balance(
			&T::PenaltyPool::get(),
			Preservation::Preserve,
			Fortitude::Polite,
		)
		.saturating_sub(Reserved::<T>::get())
	}

	/// Closes the credit epoch once the epoch clock has passed it.
	pub(crate) fn roll_epoch() -> Weight {
		let open = CreditEpoch::<T>::get();
		let current = T::Epochs::current();
		if current <= open {
			return T::DbWeight::get().reads(1);
		}
		Self::close_epoch(open);
		CreditEpoch::<T>::put(current);
		T::WeightInfo::close_epoch()
	}

	/// Sets the payout of `epoch` from what the pool holds; an epoch without credits pays
	/// nothing and leaves the pool to the next.
	pub(crate) fn close_epoch(epoch: RewardEpochIndex) {
		let credits = EpochCredits::<T>::get(epoch);
		if credits.is_empty() {
			return;
		}
		let pot = Self::unreserved_pool();
		let disputer_pot = match (credits.disputes, credits.matched) {
			(0, _) => Zero::zero(),
			(_, 0) => pot,
			_ => Self::params().disputer_share.mul_floor(pot),
		};
		let verifier_pot = pot.saturating_sub(disputer_pot);
		Payouts::<T>::insert(
			epoch,
			EpochPayout {
				pot,
				verifier_pot,
				disputer_pot,
				credits,
				unclaimed: credits,
				unpaid: pot,
			},
		);
		Reserved::<T>::mutate(|reserved| reserved.saturating_accrue(pot));
		Self::deposit_event(Event::EpochClosed { epoch, pot, credits });
	}

	/// `verifier`'s share of `epoch`'s payout (the rest of it, for the last claim); none once
	/// the epoch's shares expired.
	pub fn penalty_share(epoch: RewardEpochIndex, verifier: &T::AccountId) -> BalanceOf<T> {
		if Self::share_expired(epoch) {
			return Zero::zero();
		}
		let Some(payout) = Payouts::<T>::get(epoch) else { return Zero::zero() };
		let credits = VerifierCredits::<T>::get(epoch, verifier);
		Self::share_of(&payout, &credits)
	}

	fn share_of(payout: &EpochPayout<BalanceOf<T>>, credits: &Credits) -> BalanceOf<T> {
		if credits.is_empty() {
			return Zero::zero();
		}
		if *credits == payout.unclaimed {
			return payout.unpaid;
		}
		let from_verdicts = pro_rata(
			payout.verifier_pot.saturated_into(),
			credits.matched.into(),
			payout.credits.matched.into(),
		);
		let from_disputes = pro_rata(
			payout.disputer_pot.saturated_into(),
			credits.disputes.into(),
			payout.credits.disputes.into(),
		);
		from_verdicts
			.saturating_add(from_disputes)
			.saturated_into::<BalanceOf<T>>()
			.min(payout.unpaid)
	}

	pub(crate) fn do_claim(epoch: RewardEpochIndex, verifier: T::AccountId) -> DispatchResult {
		ensure!(!Self::share_expired(epoch), Error::<T>::ShareExpired);
		let mut payout = Payouts::<T>::get(epoch).ok_or(Error::<T>::EpochNotClosed)?;
		let credits = VerifierCredits::<T>::get(epoch, &verifier);
		ensure!(!credits.is_empty(), Error::<T>::NothingToClaim);
		let amount = Self::share_of(&payout, &credits);
		if !amount.is_zero() {
			T::Currency::transfer(
				&T::PenaltyPool::get(),
				&verifier,
				amount,
				Preservation::Preserve,
			)?;
		}
		VerifierCredits::<T>::remove(epoch, &verifier);
		payout.unclaimed.matched = payout.unclaimed.matched.saturating_sub(credits.matched);
		payout.unclaimed.disputes = payout.unclaimed.disputes.saturating_sub(credits.disputes);
		payout.unpaid = payout.unpaid.saturating_sub(amount);
		Payouts::<T>::insert(epoch, payout);
		Reserved::<T>::mutate(|reserved| *reserved = reserved.saturating_sub(amount));
		Self::deposit_event(Event::PenaltySharePaid { epoch, verifier, amount });
		Ok(())
	}

	/// Whether `epoch`'s shares can no longer be claimed: epoch `epoch + HistoryDepth` has
	/// ended (its records may still be being removed).
	pub fn share_expired(epoch: RewardEpochIndex) -> bool {
		T::Epochs::current() > epoch.saturating_add(T::HistoryDepth::get())
	}

	/// Expires the oldest kept epoch once it is closed and past `HistoryDepth`, removing at
	/// most [`CREDITS_EXPIRED_PER_BLOCK`] verifiers' credits a block, as many as `remaining`
	/// weight pays for; with the last, what its payout still owes is no longer reserved (the
	/// next pot takes it) and its records go (`PayoutExpired`).
	pub(crate) fn expire_payout(remaining: Weight) -> Weight {
		let look = T::DbWeight::get().reads(3);
		let base = T::WeightInfo::expire_payout_base();
		if remaining.any_lt(look.saturating_add(base)) {
			return Weight::zero();
		}
		let epoch = NextToExpire::<T>::get();
		if epoch >= CreditEpoch::<T>::get() || !Self::share_expired(epoch) {
			return look;
		}
		let per_credit = T::WeightInfo::expire_credit();
		let spare = remaining.saturating_sub(look).saturating_sub(base);
		// A credit that weighs nothing: as many as the cap allows.
		let affordable = spare.checked_div_per_component(&per_credit).unwrap_or(u64::MAX);
		let budget = affordable.min(CREDITS_EXPIRED_PER_BLOCK.into()) as usize;
		let removed = VerifierCredits::<T>::drain_prefix(epoch).take(budget).count();
		let weight =
			look.saturating_add(base).saturating_add(per_credit.saturating_mul(removed as u64));
		if VerifierCredits::<T>::iter_prefix(epoch).next().is_none() {
			let returned = Payouts::<T>::take(epoch).map_or(Zero::zero(), |payout| payout.unpaid);
			Reserved::<T>::mutate(|reserved| reserved.saturating_reduce(returned));
			EpochCredits::<T>::remove(epoch);
			NextToExpire::<T>::put(epoch.saturating_add(1));
			Self::deposit_event(Event::PayoutExpired { epoch, returned });
		}
		weight
	}
}
