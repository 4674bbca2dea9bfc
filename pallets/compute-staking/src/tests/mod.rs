//! Tests of compute staking, by topic, against a mock runtime (System, Balances, ComputeStaking)
//! with a mock node registry and reward-epoch clock.

mod bond;
mod eligibility;
mod jail;
mod params;
mod slash;
mod unbond;

use core::cell::RefCell;
use std::collections::BTreeMap;

use cinder_primitives::{
	Ib, JobsInFlight, NodeProfile, NodeProfiles, RewardEpochIndex, RewardEpochs,
};
use frame_support::{derive_impl, parameter_types, traits::fungible::InspectHold};
use sp_runtime::BuildStorage;

use crate::{self as pallet_compute_staking, HoldReason};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		ComputeStaking: pallet_compute_staking,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

thread_local! {
	static PROFILES: RefCell<BTreeMap<AccountId, NodeProfile<Balance>>> = RefCell::new(BTreeMap::new());
	static EPOCH: RefCell<RewardEpochIndex> = RefCell::new(0);
	static JOBS: RefCell<BTreeMap<AccountId, u32>> = RefCell::new(BTreeMap::new());
}

/// The jobs pallet's stages in flight per worker, as a map the tests edit.
pub struct MockJobs;
impl JobsInFlight<AccountId> for MockJobs {
	fn jobs_in_flight(who: &AccountId) -> u32 {
		JOBS.with(|j| j.borrow().get(who).copied().unwrap_or(0))
	}
}

/// Gives `who` `count` job stages running or under verification.
pub fn set_jobs_in_flight(who: AccountId, count: u32) {
	JOBS.with(|j| j.borrow_mut().insert(who, count));
}

/// The node registry, as a map the tests edit.
pub struct MockNodes;
impl NodeProfiles<AccountId, Balance> for MockNodes {
	fn profile(who: &AccountId) -> Option<NodeProfile<Balance>> {
		PROFILES.with(|p| p.borrow().get(who).copied())
	}
}

/// The reward-epoch clock, set by the tests.
pub struct MockEpochs;
impl RewardEpochs for MockEpochs {
	fn current() -> RewardEpochIndex {
		EPOCH.with(|e| *e.borrow())
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId, Balance> for MockNodes {
	fn set_profile(who: &AccountId, profile: NodeProfile<Balance>) {
		PROFILES.with(|p| p.borrow_mut().insert(*who, profile));
	}
	fn set_epoch(epoch: RewardEpochIndex) {
		set_epoch(epoch)
	}
}

pub const PENALTY_POOL: AccountId = 999;
pub const MINIMUM_BOND: Balance = 10;
pub const MAX_CHUNKS: u32 = 4;
/// Free balance of the test accounts 1..=5.
pub const ENDOWMENT: Balance = 10_000_000;

parameter_types! {
	pub const PenaltyPool: AccountId = PENALTY_POOL;
	pub const MinimumBond: Balance = MINIMUM_BOND;
	pub const MaxUnbondingChunks: u32 = MAX_CHUNKS;
	pub const MaxSweepPerBlock: u32 = 2;
}

impl pallet_compute_staking::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Nodes = MockNodes;
	type Epochs = MockEpochs;
	type Observer = ();
	type Jobs = MockJobs;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type PenaltyPool = PenaltyPool;
	type MinimumBond = MinimumBond;
	type MaxUnbondingChunks = MaxUnbondingChunks;
	type MaxSweepPerBlock = MaxSweepPerBlock;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockNodes;
}

/// Gives `who` a node: `ib_micro` µIB, confirmed or not, `price` per IBM, active or not.
pub fn set_profile(who: AccountId, ib_micro: u64, confirmed: bool, price: Balance, active: bool) {
	let profile = NodeProfile {
		ib: Ib::from_micro(ib_micro),
		ib_confirmed: confirmed,
		price_per_ibm: price,
		active,
	};
	PROFILES.with(|p| p.borrow_mut().insert(who, profile));
}

/// A confirmed, active 1-IB node at `price`: S(n) = 2 · 4320 · price.
pub fn confirmed_node(who: AccountId, price: Balance) {
	set_profile(who, Ib::RESOLUTION, true, price, true);
}

pub fn set_epoch(epoch: RewardEpochIndex) {
	EPOCH.with(|e| *e.borrow_mut() = epoch);
}

/// What is held for `who`'s compute bond.
pub fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ComputeBond.into(), &who)
}

/// This pallet's events since the last call, oldest first.
pub fn events() -> Vec<crate::Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::ComputeStaking(event) => Some(event),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}

pub struct ExtBuilder {
	params: crate::StakeParams,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { params: crate::StakeParams::default() }
	}
}

impl ExtBuilder {
	pub fn params(mut self, params: crate::StakeParams) -> Self {
		self.params = params;
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		PROFILES.with(|p| p.borrow_mut().clear());
		JOBS.with(|j| j.borrow_mut().clear());
		set_epoch(0);
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: (1..=5).map(|who| (who, ENDOWMENT)).chain([(PENALTY_POOL, 1)]).collect(),
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		pallet_compute_staking::GenesisConfig::<Test> { params: self.params, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			ComputeStaking::do_try_state().expect("invariants hold");
		});
	}
}
