//! Contributions besides settled work: worker nodes online (availability) and verifications
//! that matched the outcome (the verifier pool). Each is recorded as it happens, in constant
//! time, so an epoch's settlement walks only accounts that contributed.
//!
//! Availability is credited per node, from its own figures only: its confirmed IB × the
//! minutes a heartbeat covers, up to `memory_bonus` more for committed memory, at
//! `pools.availability · ibme_target · E_p` per IBM, at most `availability_max_yield` of its
//! active bond over an epoch. So another account's nodes, however many, never lower it, and
//! capacity with next to no stake behind it (a node priced at 1 planck, whose S(n) is next to
//! nothing) earns next to nothing.

use cinder_primitives::{AvailabilityRewards, Ib, Ibm, VerifierRewards};
use frame_support::{pallet_prelude::*, traits::Get};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::Saturating, Perbill, Rounding,
	SaturatedConversion,
};

use crate::{
	emission::emission_for, pallet::*, BalanceOf, Contribution, RewardEpochIndex, WeightInfo,
};

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

/// What `points` of availability (pico-IBM online, with the memory bonus) earn at `per_ibm`
/// planck per IBM, at most `max_yield` of `bond` for `blocks` of an epoch of `epoch_blocks`;
/// with the uncapped amount.
pub fn availability_credit(
	points: u128,
	per_ibm: u128,
	bond: u128,
	max_yield: Perbill,
	blocks: u32,
	epoch_blocks: u32,
) -> (u128, u128) {
	let uncapped = emission_for(points, per_ibm);
	let cap = multiply_by_rational_with_rounding(
		max_yield.mul_floor(bond),
		u128::from(blocks),
		u128::from(epoch_blocks.max(1)),
		Rounding::Down,
	)
	.unwrap_or(u128::MAX);
	(uncapped.min(cap), uncapped)
}

impl<T: Config> AvailabilityRewards<T::AccountId> for Pallet<T> {
	/// Credits `who` with its availability for the online time (see the module docs), and
	/// adds that time, as far as its bond backs the credit, to the epoch's apparent IBM (the
	/// IBME's denominator).
	fn node_online(who: &T::AccountId, ib: Ib, committed_memory_mib: u32, blocks: u32, bond: u128) {
		let params = Self::params();
		let online = online_ibm(ib, blocks, T::MillisecsPerBlock::get());
		let points = availability_points(
			online,
			committed_memory_mib,
			params.memory_bonus,
			params.memory_bonus_full_mib,
		);
		let epoch = CurrentEpoch::<T>::get();
		let mut totals = EpochTotals::<T>::get(epoch);
		let per_ibm = (params.pools.availability * params.ibme_target)
			.mul_floor(totals.emission_per_ibm.saturated_into::<u128>());
		let (credit, uncapped) = availability_credit(
			points,
			per_ibm,
			bond,
			params.availability_max_yield,
			blocks,
			params.epoch_length.saturated_into(),
		);
		let credit_balance: BalanceOf<T> = credit.saturated_into();
		let new = Self::record_contribution(epoch, who, |record| {
			record.availability.saturating_accrue(credit_balance)
		});
		let backed = if uncapped == 0 {
			online
		} else {
			multiply_by_rational_with_rounding(online, credit, uncapped, Rounding::Down)
				.unwrap_or(online)
		};
		totals.apparent_ibm.saturating_accrue(backed);
		totals.credited.availability.saturating_accrue(credit_balance);
		if new {
			totals.accounts.saturating_inc();
		}
		EpochTotals::<T>::insert(epoch, totals);
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
