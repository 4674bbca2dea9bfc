//! Benchmarks of every call, in their worst case; run as tests with
//! `cargo test -p pallet-node-registry --features runtime-benchmarks`.

use frame_benchmarking::v2::*;
use frame_support::{traits::Get, BoundedVec};
use frame_system::RawOrigin;
use sp_runtime::traits::{One, Saturating};

use crate::*;

/// What the benchmarks need from the runtime.
pub trait BenchmarkHelper<AccountId> {
	/// Gives `who` an active compute bond that covers any price and IB the benchmarks set.
	fn bond_plenty(who: &AccountId);
	/// Puts models `0‥count` into the model registry.
	fn create_models(count: u32);
	/// Makes `who` a validator candidate that controls itself as its stash and is in the
	/// current session's validator set.
	fn make_validator(who: &AccountId);
}

fn text<L: Get<u32>>() -> BoundedVec<u8, L> {
	BoundedVec::truncate_from(alloc::vec![b'x'; L::get() as usize])
}

fn longest_endpoint<T: Config>() -> BoundedVec<u8, T::MaxEndpointLen> {
	let mut url = b"https://".to_vec();
	url.resize(T::MaxEndpointLen::get() as usize, b'n');
	BoundedVec::truncate_from(url)
}

fn hardware<T: Config>() -> HardwareProfile<T::MaxTextLen> {
	HardwareProfile {
		cpu_cores: u16::MAX,
		ram_mib: u32::MAX,
		gpu_adapter: text::<T::MaxTextLen>(),
		vram_mib: u32::MAX,
		storage_gib: u32::MAX,
		region: text::<T::MaxTextLen>(),
	}
}

/// The most models, `first‥first + MaxHostedModels`, all in the model registry.
fn models<T: Config>(first: u32) -> BoundedVec<ModelId, T::MaxHostedModels> {
	let count = T::MaxHostedModels::get();
	T::BenchmarkHelper::create_models(first + count);
	BoundedVec::truncate_from((first..first + count).collect())
}

fn price<T: Config>(planck: u32) -> BalanceOf<T> {
	planck.into()
}

/// Registers `who` as a worker of 1 IB at a price of 1 planck, hosting the most models.
fn registered<T: Config>(who: &T::AccountId) {
	Pallet::<T>::register(
		RawOrigin::Signed(who.clone()).into(),
		NodeRole::Worker,
		hardware::<T>(),
		longest_endpoint::<T>(),
		price::<T>(1),
		Ib::ONE,
		models::<T>(0),
		Availability { background_jobs: true, committed_memory_mib: 1 },
	)
	.expect("registration works");
}

fn advance<T: Config>(blocks: BlockNumberFor<T>) {
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(blocks));
}

/// Moves past `intervals` heartbeat intervals (and one block more).
fn advance_intervals<T: Config>(intervals: u32) {
	let interval = Pallet::<T>::params().heartbeat_interval;
	advance::<T>(interval.saturating_mul(intervals.into()).saturating_add(One::one()));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	// Worst case: a worker (joins a routing pool per model), longest texts, most models. A
	// verifier's one pallet-staking read costs less than the pools.
	#[benchmark]
	fn register() {
		let who: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(who.clone()),
			NodeRole::Worker,
			hardware::<T>(),
			longest_endpoint::<T>(),
			price::<T>(1),
			Ib::ONE,
			models::<T>(0),
			Availability { background_jobs: true, committed_memory_mib: 1 },
		);

		assert!(Nodes::<T>::get(&who).unwrap().challenge.is_some());
	}

	#[benchmark]
	fn update_hardware() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), hardware::<T>());
	}

	#[benchmark]
	fn update_endpoint() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), longest_endpoint::<T>());
	}

	// Worst case: a raise, checked against the bond.
	#[benchmark]
	fn update_price() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);
		T::BenchmarkHelper::bond_plenty(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), price::<T>(2));

		assert_eq!(Nodes::<T>::get(&who).unwrap().price_per_ibm, price::<T>(2));
	}

	// Worst case: a raise, checked against the bond, with a new challenge.
	#[benchmark]
	fn claim_ib() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);
		T::BenchmarkHelper::bond_plenty(&who);
		let more = Ib::from_micro(2 * Ib::RESOLUTION);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), more);

		assert_eq!(Nodes::<T>::get(&who).unwrap().challenge.unwrap().claimed_ib, more);
	}

	#[benchmark]
	fn update_models() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);

		// Worst case: every model replaced, leaving and joining the most pools.
		let replacement = models::<T>(T::MaxHostedModels::get());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), replacement);
	}

	#[benchmark]
	fn update_availability() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), Availability::default());
	}

	#[benchmark]
	fn pause() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Nodes::<T>::get(&who).unwrap().status, NodeStatus::Paused);
	}

	#[benchmark]
	fn resume() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);
		Pallet::<T>::pause(RawOrigin::Signed(who.clone()).into()).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Nodes::<T>::get(&who).unwrap().status, NodeStatus::Active);
	}

	#[benchmark]
	fn deregister() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(Nodes::<T>::get(&who).is_none());
	}

	// Worst case: back online after missed intervals, in a new epoch.
	#[benchmark]
	fn heartbeat() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);
		advance_intervals::<T>(Pallet::<T>::params().offline_after + 1);
		Pallet::<T>::mark_offline(RawOrigin::Signed(who.clone()).into(), who.clone()).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Nodes::<T>::get(&who).unwrap().status, NodeStatus::Active);
	}

	#[benchmark]
	fn submit_benchmark() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), [7u8; 32]);

		assert!(Nodes::<T>::get(&who).unwrap().challenge.is_none());
	}

	#[benchmark]
	fn expire_challenge() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);
		advance::<T>(Pallet::<T>::params().challenge_window.saturating_add(One::one()));
		let caller: T::AccountId = account("caller", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), who.clone());

		assert!(Nodes::<T>::get(&who).unwrap().challenge.is_none());
	}

	#[benchmark]
	fn mark_offline() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);
		advance_intervals::<T>(Pallet::<T>::params().offline_after);
		let caller: T::AccountId = account("caller", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), who.clone());

		assert_eq!(Nodes::<T>::get(&who).unwrap().status, NodeStatus::Offline);
	}

	// Worst case: the most Verifier nodes, every one serving (each costs its node, its
	// staking entries and the session's validators).
	#[benchmark]
	fn rebuild_serving(n: Linear<1, { T::MaxVerifiers::get() }>) {
		for i in 0..n {
			let who: T::AccountId = account("verifier", i, 0);
			T::BenchmarkHelper::make_validator(&who);
			Pallet::<T>::register(
				RawOrigin::Signed(who.clone()).into(),
				NodeRole::Verifier { stash: who },
				hardware::<T>(),
				longest_endpoint::<T>(),
				price::<T>(1),
				Ib::ONE,
				BoundedVec::new(),
				Availability::default(),
			)
			.expect("a validator registers its Verifier node");
		}
		ServingVerifiers::<T>::kill();
		ServingSession::<T>::kill();

		#[block]
		{
			Pallet::<T>::follow_session();
		}

		assert_eq!(ServingVerifiers::<T>::decode_len(), Some(n as usize));
	}

	#[benchmark]
	fn set_params() {
		let mut params = Pallet::<T>::params();
		params.offline_after = 5;

		#[extrinsic_call]
		_(RawOrigin::Root, params);

		assert_eq!(Params::<T>::get(), Some(params));
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::tests::ExtBuilder::default().build(),
		crate::tests::Test
	);
}
