//! Benchmarks of every call, in their worst case; run as tests with
//! `cargo test -p pallet-node-registry --features runtime-benchmarks`.
//!
//! A call that makes a worker eligible or not moves it into or out of every routing pool it can
//! be in (all workers and the most models); those are the worst cases here. The pools hold
//! only the benchmarked worker, so each tree path is one entry long: `weights.rs` charges every
//! pool change at the 32 levels a `u32`-indexed tree can have (17 at 100,000 workers), and
//! `runtime/benches/routing.rs` measures draws at 10 to 100,000 workers.

use frame_benchmarking::v2::*;
use frame_support::{traits::Get, weights::Weight, BoundedVec};
use frame_system::RawOrigin;
use sp_runtime::traits::{One, Saturating};

use crate::*;

/// What the benchmarks need from the runtime.
pub trait BenchmarkHelper<AccountId> {
	/// Gives `who` enough free balance for the node deposit and fees.
	fn fund(who: &AccountId);
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
	T::BenchmarkHelper::fund(who);
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

/// `who` registered, bonded and its IB confirmed: eligible, in every pool it can be in.
fn eligible<T: Config>(who: &T::AccountId) {
	registered::<T>(who);
	T::BenchmarkHelper::bond_plenty(who);
	Pallet::<T>::submit_benchmark(RawOrigin::Signed(who.clone()).into(), [7u8; 32])
		.expect("an answer on time");
	assert!(Pallet::<T>::in_pools(who), "an eligible worker is pooled");
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

	// Worst case: a worker (checks every model), longest texts, most models, the deposit held.
	// A new node is never eligible, so it joins no pool.
	#[benchmark]
	fn register() {
		let who: T::AccountId = whitelisted_caller();
		T::BenchmarkHelper::fund(&who);

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

	// Worst case: a raise, checked against the bond, that keeps the worker eligible and
	// reweighs nothing; a cut that makes a worker eligible joins every pool, which the call's
	// weight adds (`pools_changed`, benchmarked through `pause`).
	#[benchmark]
	fn update_price() {
		let who: T::AccountId = whitelisted_caller();
		eligible::<T>(&who);

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
		eligible::<T>(&who);

		// Worst case: a pooled worker's every model replaced, leaving and joining the most
		// pools.
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

	// Worst case: an eligible worker leaves every pool.
	#[benchmark]
	fn pause() {
		let who: T::AccountId = whitelisted_caller();
		eligible::<T>(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Nodes::<T>::get(&who).unwrap().status, NodeStatus::Paused);
		assert!(!Pallet::<T>::in_pools(&who));
	}

	// Worst case: the worker is eligible again and joins every pool.
	#[benchmark]
	fn resume() {
		let who: T::AccountId = whitelisted_caller();
		eligible::<T>(&who);
		Pallet::<T>::pause(RawOrigin::Signed(who.clone()).into()).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Nodes::<T>::get(&who).unwrap().status, NodeStatus::Active);
		assert!(Pallet::<T>::in_pools(&who));
	}

	// Worst case: a worker hosting the most models, its deposit returned (an unbonded node is
	// in no pool).
	#[benchmark]
	fn deregister() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(Nodes::<T>::get(&who).is_none());
	}

	// Worst case: back online after missed intervals, in a new epoch, joining every pool.
	#[benchmark]
	fn heartbeat() {
		let who: T::AccountId = whitelisted_caller();
		eligible::<T>(&who);
		advance_intervals::<T>(Pallet::<T>::params().offline_after + 1);
		Pallet::<T>::mark_offline(RawOrigin::Signed(who.clone()).into(), who.clone()).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Nodes::<T>::get(&who).unwrap().status, NodeStatus::Active);
		assert!(Pallet::<T>::in_pools(&who));
	}

	// Worst case: a bonded worker's answer decided at once confirms its IB, and it joins every
	// pool.
	#[benchmark]
	fn submit_benchmark() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);
		T::BenchmarkHelper::bond_plenty(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), [7u8; 32]);

		assert!(Nodes::<T>::get(&who).unwrap().challenge.is_none());
	}

	#[benchmark]
	fn expire_challenge() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);
		advance::<T>(Pallet::<T>::answer_blocks(&Pallet::<T>::params()).saturating_add(One::one()));
		let caller: T::AccountId = account("caller", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), who.clone());

		assert!(Nodes::<T>::get(&who).unwrap().challenge.is_none());
	}

	// One claim's answer, kept while the verifiers' queue was full, handed to them. (The
	// waiting list's length, up to 256 accounts to decode and shift, is the weight's fixed
	// margin.)
	#[benchmark]
	fn hand_over_answer() {
		let who: T::AccountId = whitelisted_caller();
		registered::<T>(&who);
		Nodes::<T>::mutate_extant(&who, |node| {
			if let Some(challenge) = node.challenge.as_mut() {
				challenge.answer = Some([7u8; 32]);
			}
		});
		AnswersWaiting::<T>::put(BoundedVec::truncate_from(vec![who.clone()]));

		#[block]
		{
			Pallet::<T>::hand_over_answers();
		}

		assert!(AnswersWaiting::<T>::get().is_empty());
	}

	// Worst case: an eligible worker leaves every pool.
	#[benchmark]
	fn mark_offline() {
		let who: T::AccountId = whitelisted_caller();
		eligible::<T>(&who);
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
			T::BenchmarkHelper::fund(&who);
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

	// One noted move made in `on_idle` (what `pools_changed` prices): an eligible worker that
	// stopped being eligible in a block hook (its node paused here, as a slash would leave it)
	// leaves its `p` pools (all workers and `p - 1` models').
	#[benchmark]
	fn pools_changed(p: Linear<1, { T::MaxHostedModels::get() + 1 }>) {
		let who: T::AccountId = whitelisted_caller();
		eligible::<T>(&who);
		let hosted = models::<T>(0).into_iter().take(p as usize - 1).collect::<Vec<_>>();
		Pallet::<T>::update_models(
			RawOrigin::Signed(who.clone()).into(),
			BoundedVec::truncate_from(hosted),
		)
		.expect("its own models");
		Nodes::<T>::mutate_extant(&who, |node| node.status = NodeStatus::Paused);
		T::Stake::profile_changed(&who);
		assert!(PoolMoves::<T>::contains_key(&who), "the flip is noted");

		#[block]
		{
			Pallet::<T>::apply_pool_moves(Weight::MAX);
		}

		assert!(!Pallet::<T>::in_pools(&who));
	}

	// One eligible worker drawn and challenged for its IB (`spot_check_every` 1: the whole
	// pool each block, here one worker).
	#[benchmark]
	fn spot_check() {
		let who: T::AccountId = whitelisted_caller();
		eligible::<T>(&who);
		let mut params = Pallet::<T>::params();
		params.spot_check_every = One::one();
		Params::<T>::put(params);
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::spot_check(now);
		}

		assert!(Nodes::<T>::get(&who).unwrap().challenge.is_some_and(|c| c.spot));
	}

	// The step with a pool to draw from and nothing drawn.
	#[benchmark]
	fn spot_check_base() {
		let who: T::AccountId = whitelisted_caller();
		eligible::<T>(&who);
		let mut params = Pallet::<T>::params();
		params.spot_check_every = sp_runtime::traits::Bounded::max_value();
		Params::<T>::put(params);
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::spot_check(now);
		}

		assert!(Nodes::<T>::get(&who).unwrap().challenge.is_none());
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
