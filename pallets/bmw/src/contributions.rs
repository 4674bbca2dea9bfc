//! Contributions besides settled work: worker nodes online (the availability pool) and
//! verifications that matched the outcome (the verifier pool). Each is recorded as it happens,
//! in constant time, so an epoch's settlement walks only accounts that contributed.

use cinder_primitives::{AvailabilityRewards, Ib, Ibm, VerifierRewards};
use frame_support::{pallet_prelude::*, traits::Get};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::Saturating, Perbill, Rounding,
};

use crate::{pallet::*, BalanceOf, Contribution, RewardEpochIndex, WeightInfo};

/// IB × online time in pico-IBM: `ib` for `blocks` blocks of `millis_per_block` each.
pub fn online_ibm(ib: Ib, blocks: u32, millis_per_block: u64) -> u128 {
	let pico_per_micro = Ibm::RESOLUTION / u128::from(Ib::RESOLUTION);
	multiply_by_rational_with_rounding(
		u128::from(ib.micro()).saturating_mul(pico_per_micro),
		u128::from(blocks).saturating_mul(u128::from(millis_per_block)),
		60_000,
		Rounding::Down,
	)
	.unwrap_or(u128::MAX)
}

/// Availability points of `online` pico-IBM online with `committed_mib` of memory committed:
/// `online · (1 + memory_bonus · min(committed / full, 1))`.
pub fn availability_points(
	online: u128,
	committed_mib: u32,
	memory_bonus: Perbill,
	full_mib: u32,
) -> u128 {
	let fill = Perbill::from_rational(committed_mib.min(full_mib), full_mib.max(1));
	online.saturating_add((memory_bonus * fill).mul_floor(online))
}

impl<T: Config> Pallet<T> {
	/// Applies `add` to `who`'s contribution in `epoch` unless its rewards there are
	/// forfeited; whether the record is new (the caller counts it in the epoch's accounts).
	pub(crate) fn record_contribution(
		epoch: RewardEpochIndex,
		who: &T::AccountId,
		add: impl FnOnce(&mut Contribution<BalanceOf<T>>),
	) -> bool {
		Contributions::<T>::mutate(epoch, who, |record| {
			let new = record.is_none();
			let contribution = record.get_or_insert_with(Default::default);
			if !contribution.forfeited {
				add(contribution);
			}
			new
		})
	}
}

impl<T: Config> AvailabilityRewards<T::AccountId> for Pallet<T> {
	/// Adds `ib` × the online time to the epoch's apparent IBM (the IBME's denominator), and
	/// the availability points to `who` and the epoch's total.
	fn node_online(who: &T::AccountId, ib: Ib, committed_memory_mib: u32, blocks: u32) {
		let params = Self::params();
		let online = online_ibm(ib, blocks, T::MillisecsPerBlock::get());
		let points = availability_points(
			online,
			committed_memory_mib,
			params.memory_bonus,
			params.memory_bonus_full_mib,
		);
		let epoch = CurrentEpoch::<T>::get();
		let new = Self::record_contribution(epoch, who, |record| {
			record.availability.saturating_accrue(points)
		});
		EpochTotals::<T>::mutate(epoch, |totals| {
			totals.apparent_ibm.saturating_accrue(online);
			totals.availability.saturating_accrue(points);
			if new {
				totals.accounts.saturating_inc();
			}
		});
	}

	fn node_online_weight() -> Weight {
		T::WeightInfo::record_contribution()
	}
}

impl<T: Config> VerifierRewards<T::AccountId> for Pallet<T> {
	/// Adds `matched` to `verifier`'s verifications and the epoch's total.
	fn verifications_matched(verifier: &T::AccountId, matched: u32) {
		if matched == 0 {
			return;
		}
		let epoch = CurrentEpoch::<T>::get();
		let new = Self::record_contribution(epoch, verifier, |record| {
			record.verifications.saturating_accrue(matched)
		});
		EpochTotals::<T>::mutate(epoch, |totals| {
			totals.verifications.saturating_accrue(u64::from(matched));
			if new {
				totals.accounts.saturating_inc();
			}
		});
	}

	fn verifications_matched_weight() -> Weight {
		T::WeightInfo::record_contribution()
	}
}
