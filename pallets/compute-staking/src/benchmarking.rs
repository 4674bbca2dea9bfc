//! Benchmarks of every call, in their worst case; run as tests with
//! `cargo test -p pallet-compute-staking --features runtime-benchmarks`.

use cinder_primitives::{Ib, NodeProfile, StakeRule};
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::RawOrigin;
use sp_runtime::traits::{Saturating, Zero};

use crate::*;

/// What the benchmarks need from the runtime: a way to give an account a node profile and to
/// set the current reward epoch.
pub trait BenchmarkHelper<AccountId, Balance> {
	/// Makes `who` run a registered node with `profile`.
	fn set_profile(who: &AccountId, profile: NodeProfile<Balance>);
	/// Makes `epoch` the current reward epoch.
	fn set_epoch(epoch: cinder_primitives::RewardEpochIndex);
}

/// A funded account and a bond amount that is a multiple of k·E, so S(n) can equal it exactly.
/// For runtimes that do not run this pallet's benchmarks: does nothing (the benchmarks would
/// fail their checks with it, not pass silently).
impl<AccountId, Balance> BenchmarkHelper<AccountId, Balance> for () {
	fn set_profile(_: &AccountId, _: NodeProfile<Balance>) {}
	fn set_epoch(_: cinder_primitives::RewardEpochIndex) {}
}

/// A funded account and a bond amount that is a multiple of k·E, so S(n) can equal it exactly.
fn funded<T: Config>(name: &'static str) -> (T::AccountId, BalanceOf<T>) {
	let who: T::AccountId = account(name, 0, 0);
	let rule = StakeRule::INFERIX;
	let k_e: BalanceOf<T> = (rule.multiplier * rule.epoch_minutes).into();
	let amount = T::MinimumBond::get().saturating_mul(k_e).saturating_mul(10u32.into());
	T::Currency::set_balance(&who, amount.saturating_mul(10u32.into()));
	(who, amount)
}

/// An active, confirmed node whose S(n) is exactly `bond` (a multiple of k·E), so any change
/// flips eligibility.
fn confirmed_node<T: Config>(who: &T::AccountId, bond: BalanceOf<T>) {
	// S = k·E·IB·P with IB = 1 and P = bond / (k·E).
	let rule = StakeRule::INFERIX;
	let per_ibm = bond / ((rule.multiplier * rule.epoch_minutes) as u32).into();
	T::BenchmarkHelper::set_profile(
		who,
		NodeProfile { ib: Ib::ONE, ib_confirmed: true, price_per_ibm: per_ibm, active: true },
	);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn bond() {
		let (who, amount) = funded::<T>("worker");
		confirmed_node::<T>(&who, amount);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount);

		assert_eq!(Bonds::<T>::get(&who).map(|b| b.active), Some(amount));
		assert!(Bonds::<T>::get(&who).unwrap().eligible);
	}

	#[benchmark]
	fn bond_extra() {
		let (who, amount) = funded::<T>("worker");
		confirmed_node::<T>(&who, amount.saturating_mul(2u32.into()));
		Pallet::<T>::bond(RawOrigin::Signed(who.clone()).into(), amount).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount);

		assert!(Bonds::<T>::get(&who).unwrap().eligible, "became eligible (worst case)");
	}

	#[benchmark]
	fn unbond() {
		let (who, amount) = funded::<T>("worker");
		confirmed_node::<T>(&who, amount);
		Pallet::<T>::bond(RawOrigin::Signed(who.clone()).into(), amount).unwrap();
		let one = T::MinimumBond::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), one);

		assert!(!Bonds::<T>::get(&who).unwrap().eligible, "fell below S(n) (worst case)");
	}

	#[benchmark]
	fn withdraw_unbonded(c: Linear<1, { T::MaxUnbondingChunks::get() }>) {
		let (who, amount) = funded::<T>("worker");
		Pallet::<T>::bond(RawOrigin::Signed(who.clone()).into(), amount).unwrap();
		let piece = T::MinimumBond::get();
		for epoch in 0..c {
			T::BenchmarkHelper::set_epoch(epoch);
			Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), piece).unwrap();
		}
		T::BenchmarkHelper::set_epoch(c + Params::<T>::get().unbonding_epochs);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(Bonds::<T>::get(&who).unwrap().unbonding.is_empty());
	}

	#[benchmark]
	fn set_params() {
		let params = StakeParams {
			rule: StakeRule { multiplier: 3, epoch_minutes: 60 },
			unbonding_epochs: 4,
			floor_price_per_ibm: 1,
		};

		#[extrinsic_call]
		_(RawOrigin::Root, params);

		assert_eq!(Params::<T>::get(), params);
	}

	#[benchmark]
	fn refresh_eligibility() {
		let (who, amount) = funded::<T>("worker");
		confirmed_node::<T>(&who, amount);
		Pallet::<T>::bond(RawOrigin::Signed(who.clone()).into(), amount).unwrap();
		// Double k: the bond no longer covers S(n), so the refresh flips eligibility.
		Params::<T>::mutate(|p| p.rule.multiplier = p.rule.multiplier.saturating_mul(2));
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), who.clone());

		assert!(!Bonds::<T>::get(&who).unwrap().eligible);
	}

	// Worst case: a slash larger than the active bond, taking from every unbonding chunk, that
	// makes an eligible node ineligible.
	#[benchmark]
	fn slash() {
		let (who, amount) = funded::<T>("worker");
		Pallet::<T>::bond(RawOrigin::Signed(who.clone()).into(), amount).unwrap();
		let piece = T::MinimumBond::get();
		let chunks = T::MaxUnbondingChunks::get();
		for epoch in 0..chunks {
			T::BenchmarkHelper::set_epoch(epoch);
			Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), piece).unwrap();
		}
		confirmed_node::<T>(&who, Bonds::<T>::get(&who).unwrap().active);
		Pallet::<T>::update_eligibility(&who);
		let chunk_total = piece.saturating_mul(chunks.into());
		let target = amount.saturating_sub(chunk_total).saturating_add(piece);

		#[block]
		{
			Pallet::<T>::do_slash(&who, SlashAmount::Amount(target), SlashReason::WrongResult, 0);
		}

		let left = Bonds::<T>::get(&who).unwrap();
		assert!(left.active.is_zero() && !left.eligible, "the whole active bond was taken");
		assert_eq!(left.total(), chunk_total.saturating_sub(piece));
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::tests::ExtBuilder::default().build(),
		crate::tests::Test
	);
}
