//! Benchmarks of every call and of the hook's steps at their worst case; run as tests with
//! `cargo test -p pallet-bmw --features runtime-benchmarks`.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	Get, Hooks,
};
use frame_system::RawOrigin;
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill, SaturatedConversion,
};

use crate::*;

/// One stage of `worker` for 1 IBM at `fee`, brought in by a manager of its own, with the fee
/// in the fee collector (and the foundation in existence), ready to settle.
fn prepared_work<T: Config>(
	worker: &T::AccountId,
	job: u64,
	fee: BalanceOf<T>,
) -> SettledWork<T::AccountId, BalanceOf<T>> {
	let manager: T::AccountId = account("manager", job as u32, 0);
	let existential = T::Currency::minimum_balance();
	let _ = T::Currency::mint_into(&T::FeeCollector::get(), fee.saturating_add(existential));
	let _ = T::Currency::mint_into(&T::Foundation::get(), existential);
	SettledWork {
		job,
		stage: 0,
		worker: worker.clone(),
		submitter: worker.clone(),
		manager: Some(manager),
		ibm: cinder_primitives::Ibm::from_pico(cinder_primitives::Ibm::RESOLUTION),
		class_multiplier_percent: 100,
		fee,
		epoch: CurrentEpoch::<T>::get(),
	}
}

/// `n` accounts that worked, were online and verified in the epoch in progress, with room in
/// the allocation for all of it; returns them.
fn work_of<T: Config>(n: u32) -> Vec<T::AccountId> {
	let workers: Vec<T::AccountId> = (0..n).map(|i| account("worker", i, 0)).collect();
	for (i, worker) in workers.iter().enumerate() {
		let mut work = prepared_work::<T>(worker, i as u64, 1_000_000u32.into());
		work.manager = None;
		Pallet::<T>::work_settled(&work);
		Pallet::<T>::node_online(worker, cinder_primitives::Ib::ONE, 1_024, 10, u128::MAX / 4);
		Pallet::<T>::verifications_matched(worker, 1);
	}
	RemainingAllocation::<T>::put(BalanceOf::<T>::saturated_from(u128::MAX / 2));
	workers
}

/// Work of `n` workers in the epoch in progress, then the epoch ended.
fn ended_epoch_with<T: Config>(n: u32) -> Vec<T::AccountId> {
	let workers = work_of::<T>(n);
	let end = EpochEnd::<T>::get();
	frame_system::Pallet::<T>::set_block_number(end);
	Pallet::<T>::roll_epoch(end);
	workers
}

/// `n` rewards of epoch 0 minted and left unclaimed, then the clock moved to the first epoch
/// that expires them.
fn expiring_rewards<T: Config>(n: u32) {
	ended_epoch_with::<T>(n);
	while NextToSettle::<T>::get() == 0 {
		Pallet::<T>::settle_step();
	}
	// Settled in epoch 1: expired once HistoryDepth epochs after it have ended.
	Pallet::<T>::start_epoch(T::HistoryDepth::get().saturating_add(2), None);
	assert!(Pallet::<T>::is_expired(0));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_params() {
		let params =
			BmwParams { burn_share: Perbill::from_percent(70), ..Pallet::<T>::default_params() };

		#[extrinsic_call]
		_(RawOrigin::Root, params);

		assert_eq!(Pallet::<T>::params(), params);
	}

	/// A claim that pays part of a vesting reward and keeps the rest.
	#[benchmark]
	fn claim() {
		let params = BmwParams {
			vest_immediately: Perbill::from_percent(25),
			vesting_epochs: 4,
			..Pallet::<T>::default_params()
		};
		Params::<T>::put(params);
		let workers = ended_epoch_with::<T>(1);
		Pallet::<T>::settle_step();
		let who = workers[0].clone();
		assert!(Rewards::<T>::get(0, &who).is_some());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 0);

		assert!(Rewards::<T>::get(0, &who).unwrap().paid > Zero::zero());
	}

	#[benchmark]
	fn end_epoch() {
		let end = EpochEnd::<T>::get();

		#[block]
		{
			Pallet::<T>::roll_epoch(end);
		}

		assert_eq!(CurrentEpoch::<T>::get(), 1);
	}

	/// A settlement step that opens the epoch's settlement and finds no account.
	#[benchmark]
	fn settle_base() {
		ended_epoch_with::<T>(0);

		#[block]
		{
			Pallet::<T>::settle_step();
		}

		assert_eq!(NextToSettle::<T>::get(), 1);
	}

	/// A block's worth of accounts paid from every pool but the managers' (the weight is per
	/// account).
	#[benchmark]
	fn settle_account() {
		let n = T::MaxSettlementsPerBlock::get();
		ended_epoch_with::<T>(n);

		#[block]
		{
			Pallet::<T>::settle_step();
		}

		assert_eq!(NextToSettle::<T>::get(), 1);
	}

	/// An expiry step that finds no reward left and removes the epoch's records.
	#[benchmark]
	fn expire_base() {
		expiring_rewards::<T>(0);

		#[block]
		{
			Pallet::<T>::expire_step();
		}

		assert_eq!(NextToExpire::<T>::get(), 1);
		assert!(Settlements::<T>::get(0).is_none());
	}

	/// A block's worth of unclaimed rewards expired (the weight is per reward).
	#[benchmark]
	fn expire_reward() {
		let n = T::MaxSettlementsPerBlock::get();
		expiring_rewards::<T>(n);
		let allocation = RemainingAllocation::<T>::get();

		#[block]
		{
			Pallet::<T>::expire_step();
		}

		assert!(Rewards::<T>::iter_prefix(0).next().is_none());
		assert!(RemainingAllocation::<T>::get() > allocation);
	}

	/// A stage settled for a new worker, brought in by a new manager: two new records.
	#[benchmark]
	fn work_settled() {
		let worker: T::AccountId = account("worker", 0, 0);
		let work = prepared_work::<T>(&worker, 1, 1_000_000u32.into());
		let manager = work.manager.clone().expect("a manager");

		#[block]
		{
			Pallet::<T>::work_settled(&work);
		}

		assert!(Contributions::<T>::get(0, &worker).is_some());
		assert!(Contributions::<T>::get(0, &manager).is_some());
	}

	/// A new node's online time (a new record); a verifier's matched verifications cost the
	/// same.
	#[benchmark]
	fn record_contribution() {
		let node: T::AccountId = account("node", 0, 0);

		#[block]
		{
			Pallet::<T>::node_online(&node, cinder_primitives::Ib::ONE, 1_024, 10, u128::MAX / 4);
		}

		assert!(Contributions::<T>::get(0, &node).is_some());
	}

	/// The hook in a block that ends an epoch, pays a block's worth of accounts and expires a
	/// block's worth of unclaimed rewards.
	#[benchmark]
	fn on_initialize_worst_case() {
		let n = T::MaxSettlementsPerBlock::get();
		// Epoch 0's rewards, unclaimed, and the epoch that ends as `HistoryDepth` runs out.
		expiring_rewards::<T>(n);
		let last = T::HistoryDepth::get().saturating_add(1);
		Pallet::<T>::start_epoch(last, None);
		NextToSettle::<T>::put(last);
		work_of::<T>(n);
		let end = EpochEnd::<T>::get();
		frame_system::Pallet::<T>::set_block_number(end);

		#[block]
		{
			Pallet::<T>::on_initialize(end);
		}

		assert_eq!(NextToSettle::<T>::get(), last.saturating_add(1));
		assert!(Rewards::<T>::iter_prefix(0).next().is_none());
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::tests::ExtBuilder::default().build(),
		crate::tests::Test
	);
}
