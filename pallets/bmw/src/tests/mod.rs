//! Tests by topic around a mock runtime with the real balances (burns, mints, issuance) and a
//! mock worker directory (reliability).

mod availability;
mod burn;
mod claims;
mod epochs;
mod expiry;
mod params;
mod pools;
mod settlement;
mod statement;

use core::cell::RefCell;
use std::collections::BTreeMap;

use cinder_primitives::{
	Ib, Ibm, JobId, RewardEpochs, SettledWork, WorkRewards, WorkerDirectory, WorkerInfo, WorkerPool,
};
use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{fungible::Inspect, ConstU32, ConstU64, Hooks},
	PalletId,
};
use frame_system::EnsureRoot;
use sp_runtime::{BuildStorage, Perbill};

use crate::{self as pallet_bmw, BmwParams, PoolShares};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Bmw: pallet_bmw,
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
}

thread_local! {
	/// Workers' reliability (a worker not listed has none).
	pub static RELIABILITY: RefCell<BTreeMap<AccountId, Perbill>> = const { RefCell::new(BTreeMap::new()) };
}

/// Workers with the reliability set in `RELIABILITY`.
pub struct MockWorkers;
impl WorkerDirectory<AccountId, Balance> for MockWorkers {
	fn pool_size(_: WorkerPool) -> u32 {
		0
	}
	fn pool_member(_: WorkerPool, _: u32) -> Option<AccountId> {
		None
	}
	fn draw(_: WorkerPool, _: u128) -> Option<AccountId> {
		None
	}
	fn worker(who: &AccountId) -> Option<WorkerInfo<Balance>> {
		RELIABILITY.with(|r| r.borrow().get(who).copied()).map(|reliability| WorkerInfo {
			ib: Ib::ONE,
			price_per_ibm: 1,
			reliability,
			background_jobs: false,
		})
	}
	fn is_manager(_: &AccountId) -> bool {
		false
	}
}

pub const FEE_COLLECTOR: AccountId = 900;
pub const FOUNDATION: AccountId = 901;
/// The existential deposit of the mock balances.
pub const ED: Balance = 1;
/// Blocks per reward epoch in the tests.
pub const EPOCH: u64 = 10;
/// Emission per IBM in epoch 0 in the tests.
pub const E0: Balance = 1_000;
/// Accounts one block settles.
pub const PER_BLOCK: u32 = 2;
/// Epochs an epoch's rewards are kept in the tests (above the default 60 of vesting).
pub const HISTORY: u32 = 64;
/// Milliseconds per block in the tests: a heartbeat interval of 10 blocks is one minute.
pub const BLOCK_MILLIS: u64 = 6_000;

parameter_types! {
	pub const FeeCollector: AccountId = FEE_COLLECTOR;
	pub const Foundation: AccountId = FOUNDATION;
	pub const BmwPalletId: PalletId = PalletId(*b"cndr/bmw");
}

impl pallet_bmw::Config for Test {
	type Currency = Balances;
	type Workers = MockWorkers;
	type FeeCollector = FeeCollector;
	type Foundation = Foundation;
	type PalletId = BmwPalletId;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MaxSettlementsPerBlock = ConstU32<PER_BLOCK>;
	type MillisecsPerBlock = ConstU64<BLOCK_MILLIS>;
	type HistoryDepth = ConstU32<HISTORY>;
	type WeightInfo = ();
}

/// The test parameters: 10-block epochs, 1,000 planck per IBM at first, no decay, no IBME
/// adjustment, no bonus, everything to work, paid at once unless a test asks for vesting.
pub fn test_params() -> BmwParams<u64, Balance> {
	BmwParams {
		epoch_length: EPOCH,
		burn_share: Perbill::from_percent(80),
		base_emission_per_ibm: E0,
		emission_decay: Perbill::zero(),
		ibme_target: Perbill::from_percent(50),
		ibme_adjust_max: Perbill::zero(),
		max_mint_per_burn: Perbill::one(),
		pools: PoolShares { work: Perbill::one(), ..Default::default() },
		reliability_bonus: Perbill::zero(),
		memory_bonus: Perbill::zero(),
		memory_bonus_full_mib: 1_024,
		vest_immediately: Perbill::one(),
		vesting_epochs: 0,
		availability_max_yield: Perbill::from_percent(10),
	}
}

pub struct ExtBuilder {
	params: BmwParams<u64, Balance>,
	allocation: Balance,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		ExtBuilder { params: test_params(), allocation: 1_000_000_000 }
	}
}

impl ExtBuilder {
	pub fn params(mut self, params: BmwParams<u64, Balance>) -> Self {
		self.params = params;
		self
	}

	pub fn allocation(mut self, allocation: Balance) -> Self {
		self.allocation = allocation;
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		RELIABILITY.with(|r| r.borrow_mut().clear());
		let balances = vec![(FEE_COLLECTOR, ED), (FOUNDATION, ED), (7, 1_000_000)];
		let storage = RuntimeGenesisConfig {
			system: Default::default(),
			balances: pallet_balances::GenesisConfig { balances, ..Default::default() },
			bmw: pallet_bmw::GenesisConfig {
				params: Some(self.params),
				ecosystem_allocation: self.allocation,
			},
		}
		.build_storage()
		.expect("genesis builds");
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks the invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Bmw::do_try_state().expect("invariants hold");
		});
	}
}

/// Runs the hook up to `block`.
pub fn run_to(block: u64) {
	while System::block_number() < block {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Bmw::on_initialize(next);
	}
}

/// Runs to the first block of epoch `epoch`, then until the epochs before it are settled.
pub fn run_to_epoch(epoch: u32) {
	while Bmw::current() < epoch {
		run_to(System::block_number() + 1);
	}
	while crate::NextToSettle::<Test>::get() < epoch {
		run_to(System::block_number() + 1);
	}
}

/// A submitter's fee reaches the fee collector, as the jobs pallet moves it there (minted here:
/// the escrow it comes from is not part of this mock).
pub fn pay_fee(fee: Balance) {
	assert_ok!(<Balances as frame_support::traits::fungible::Mutate<_>>::mint_into(
		&FEE_COLLECTOR,
		fee
	));
}

/// The jobs pallet settles `job` for `worker`: `ibm` whole IBM at `class` percent with `fee`,
/// already in the fee collector.
pub fn settle(job: JobId, worker: AccountId, ibm: u128, class: u32, fee: Balance) {
	settle_managed(job, worker, None, ibm, class, fee)
}

/// As [`settle`], the job brought in by `manager`.
pub fn settle_managed(
	job: JobId,
	worker: AccountId,
	manager: Option<AccountId>,
	ibm: u128,
	class: u32,
	fee: Balance,
) {
	Bmw::work_settled(&SettledWork {
		job,
		stage: 0,
		worker,
		submitter: 7,
		manager,
		ibm: Ibm::from_pico(ibm * Ibm::RESOLUTION),
		class_multiplier_percent: class,
		fee,
		epoch: Bmw::current(),
	});
}

/// A bond large enough that availability never reaches `availability_max_yield` of it.
pub const AMPLE_BOND: u128 = u64::MAX as u128;

/// The registry reports `who` online for `minutes` (10 blocks each) at `ib_micro` micro-IB
/// with `memory_mib` committed, bonded amply.
pub fn online(who: AccountId, ib_micro: u64, memory_mib: u32, minutes: u32) {
	online_bonded(who, ib_micro, memory_mib, minutes, AMPLE_BOND)
}

/// As [`online`], with an active compute bond of `bond`.
pub fn online_bonded(who: AccountId, ib_micro: u64, memory_mib: u32, minutes: u32, bond: u128) {
	use cinder_primitives::AvailabilityRewards;
	for _ in 0..minutes {
		Bmw::node_online(&who, Ib::from_micro(ib_micro), memory_mib, 10, bond);
	}
}

/// `verifier`'s verdicts matched `n` outcomes.
pub fn verified(verifier: AccountId, n: u32) {
	use cinder_primitives::VerifierRewards;
	Bmw::verifications_matched(&verifier, n);
}

/// The reward of `who` for `epoch`, all pools (0 if none).
pub fn reward_of(who: AccountId, epoch: u32) -> Balance {
	crate::Rewards::<Test>::get(epoch, who).map_or(0, |r| r.amount())
}

/// The `EpochSettled` event of `epoch` among `events`: `(emission, minted, withheld)`.
pub fn settled(events: &[crate::Event<Test>], epoch: u32) -> (Balance, Balance, Balance) {
	events
		.iter()
		.find_map(|event| match event {
			crate::Event::EpochSettled { epoch: e, emission, minted, withheld, .. }
				if *e == epoch =>
			{
				Some((*emission, *minted, *withheld))
			}
			_ => None,
		})
		.expect("the epoch settled")
}

/// Total issuance.
pub fn issuance() -> Balance {
	Balances::total_issuance()
}

/// The free balance of `who`.
pub fn balance(who: AccountId) -> Balance {
	Balances::balance(&who)
}

/// The events of the BMW pallet since the last call, cleared.
pub fn events() -> Vec<pallet_bmw::Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Bmw(event) => Some(event),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}
