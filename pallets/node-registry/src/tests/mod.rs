//! Tests of the node registry, by topic. The mock runtime has the real compute-staking pallet as
//! the stake (which reads profiles back from the registry), and mocks for jobs, validators,
//! benchmark-proof checks, randomness and the reward epoch.

mod challenge;
mod deregister;
mod eligibility;
mod liveness;
mod params;
mod pools;
mod register;
mod reliability;
mod spot_checks;
mod update;
mod verifiers;

use core::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use cinder_primitives::{
	BenchmarkProofs, ChallengeId, Ib, JobsInFlight, ProofCheck, ProofPlan, RewardEpochIndex,
	RewardEpochs, ValidatorControllers, VerifierBusy,
};
use frame_support::{
	assert_ok, derive_impl, parameter_types, traits::Randomness, weights::Weight, BoundedVec,
};
use sp_core::H256;
use sp_runtime::{traits::Hash, BuildStorage};

use crate::{self as pallet_node_registry, Availability, HardwareProfile, NodeRole};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		ComputeStaking: pallet_compute_staking,
		NodeRegistry: pallet_node_registry,
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
	static JOBS: RefCell<BTreeMap<AccountId, u32>> = RefCell::new(BTreeMap::new());
	static VALIDATORS: RefCell<BTreeSet<(AccountId, AccountId)>> = RefCell::new(BTreeSet::new());
	/// Stashes outside the current session's validator set (candidates not elected).
	static NOT_ELECTED: RefCell<BTreeSet<AccountId>> = RefCell::new(BTreeSet::new());
	/// What the verifiers make of a benchmark answer.
	static PROOF_PLAN: RefCell<Result<ProofPlan, VerifierBusy>> =
		RefCell::new(Ok(ProofPlan::Decided(ProofCheck::AcceptedUnchecked)));
	/// Answers handed to the verifiers: (who, challenge, result).
	static ANSWERS: RefCell<Vec<(AccountId, ChallengeId, [u8; 32])>> = RefCell::new(Vec::new());
	static EPOCH: RefCell<RewardEpochIndex> = RefCell::new(0);
	/// The current session's index.
	pub static SESSION: RefCell<u32> = RefCell::new(0);
	/// Online intervals reported to the availability pool: (who, micro-IB, memory, blocks).
	static ONLINE: RefCell<Vec<(AccountId, u64, u32, u32, u128)>> = RefCell::new(Vec::new());
}

/// Records what the registry reports to the availability pool.
pub struct MockAvailability;
impl cinder_primitives::AvailabilityRewards<AccountId> for MockAvailability {
	fn node_online(who: &AccountId, ib: Ib, committed_memory_mib: u32, blocks: u32, bond: u128) {
		ONLINE
			.with(|o| o.borrow_mut().push((*who, ib.micro(), committed_memory_mib, blocks, bond)));
	}
	fn node_online_weight() -> Weight {
		Weight::zero()
	}
}

/// The online intervals reported since the last call, cleared.
pub fn online_reports() -> Vec<(AccountId, u64, u32, u32, u128)> {
	ONLINE.with(|o| core::mem::take(&mut *o.borrow_mut()))
}

pub struct MockJobs;
impl JobsInFlight<AccountId> for MockJobs {
	fn jobs_in_flight(who: &AccountId) -> u32 {
		JOBS.with(|j| j.borrow().get(who).copied().unwrap_or(0))
	}
}

pub struct MockValidators;
impl ValidatorControllers<AccountId> for MockValidators {
	fn controls_validator(controller: &AccountId, stash: &AccountId) -> bool {
		VALIDATORS.with(|v| v.borrow().contains(&(*controller, *stash)))
	}
	fn is_active_validator(stash: &AccountId) -> bool {
		!NOT_ELECTED.with(|n| n.borrow().contains(stash))
	}
	fn session_index() -> u32 {
		SESSION.with(|s| *s.borrow())
	}
}

pub struct MockProofs;
impl BenchmarkProofs<AccountId> for MockProofs {
	fn answer_submitted(
		who: &AccountId,
		challenge: ChallengeId,
		result: [u8; 32],
		_: bool,
	) -> Result<ProofPlan, VerifierBusy> {
		let plan = PROOF_PLAN.with(|p| *p.borrow());
		if plan.is_ok() {
			ANSWERS.with(|a| a.borrow_mut().push((*who, challenge, result)));
		}
		plan
	}
	fn answer_weight() -> Weight {
		Weight::zero()
	}
}

/// Test randomness: a hash of the subject and the block number (tests only).
pub struct TestRandomness;
impl Randomness<Option<H256>, u64> for TestRandomness {
	fn random(subject: &[u8]) -> (Option<H256>, u64) {
		let block = System::block_number();
		(Some(sp_runtime::traits::BlakeTwo256::hash_of(&(subject, block))), block)
	}
}

pub struct MockEpochs;
impl RewardEpochs for MockEpochs {
	fn current() -> RewardEpochIndex {
		EPOCH.with(|e| *e.borrow())
	}
}

/// Models `0‥KNOWN_MODELS` are in the mock model registry.
pub const KNOWN_MODELS: u32 = 100;
pub struct KnownModels;
impl frame_support::traits::Contains<u32> for KnownModels {
	fn contains(model: &u32) -> bool {
		*model < KNOWN_MODELS
	}
}

parameter_types! {
	pub const PenaltyPool: AccountId = 999;
	pub const MinimumBond: Balance = 10;
	pub const MaxUnbondingChunks: u32 = 4;
	pub const MaxSweepPerBlock: u32 = 8;
}

impl pallet_compute_staking::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Nodes = NodeRegistry;
	type Epochs = MockEpochs;
	type Observer = NodeRegistry;
	type Jobs = MockJobs;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type PenaltyPool = PenaltyPool;
	type MinimumBond = MinimumBond;
	type MaxUnbondingChunks = MaxUnbondingChunks;
	type MaxSweepPerBlock = MaxSweepPerBlock;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

impl pallet_node_registry::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type NodeDeposit = frame_support::traits::ConstU64<NODE_DEPOSIT>;
	type ClaimDeposit = frame_support::traits::ConstU64<CLAIM_DEPOSIT>;
	type PenaltyPool = PenaltyPool;
	type Stake = ComputeStaking;
	type Jobs = MockJobs;
	type Validators = MockValidators;
	type BenchmarkProofs = MockProofs;
	type Randomness = TestRandomness;
	type SpotRandomness = TestRandomness;
	type Epochs = MockEpochs;
	type Availability = MockAvailability;
	type Models = KnownModels;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxTextLen = frame_support::traits::ConstU32<32>;
	type MaxEndpointLen = frame_support::traits::ConstU32<64>;
	type MaxHostedModels = frame_support::traits::ConstU32<4>;
	type MaxNodes = frame_support::traits::ConstU32<{ 1 << 20 }>;
	type MaxVerifiers = frame_support::traits::ConstU32<3>;
	type VerifierBond = frame_support::traits::ConstU64<VERIFIER_BOND>;
	type MillisecsPerBlock = frame_support::traits::ConstU64<6_000>;
	type MaxSpotChecksPerBlock = frame_support::traits::ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarks;
}

/// Benchmark setup: bonds through the real compute staking; every model below 100 exists.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId> for MockBenchmarks {
	fn fund(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(who, ENDOWMENT);
	}
	fn create_models(count: u32) {
		assert!(count <= KNOWN_MODELS, "the mock registry knows models 0‥100");
	}
	fn bond_plenty(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(who, ENDOWMENT);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(*who), ENDOWMENT / 2));
	}
	fn make_validator(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		add_validator(*who, *who);
		Balances::set_balance(who, ENDOWMENT);
		bond_verifier(*who);
	}
}

/// Held while a node is registered.
pub const NODE_DEPOSIT: Balance = 500;
/// Held while a benchmark challenge is pending.
pub const CLAIM_DEPOSIT: Balance = 70;

/// The compute bond a Verifier node's account must hold.
pub const VERIFIER_BOND: Balance = 1_000;

/// `who` bonds the verifier bond in compute staking.
pub fn bond_verifier(who: AccountId) {
	assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(who), VERIFIER_BOND));
}

pub const ENDOWMENT: Balance = 100_000_000;
/// Default claim of `register_worker`: 0.5 IB.
pub const HALF_IB: u64 = 500_000;
/// Default price of `register_worker`.
pub const PRICE: Balance = 100;
/// S(n) of a confirmed 0.5 IB node at `PRICE`: 2 · 4320 · 0.5 · 100.
pub const S_HALF_IB: Balance = 432_000;

pub fn set_jobs(who: AccountId, jobs: u32) {
	JOBS.with(|j| j.borrow_mut().insert(who, jobs));
}
pub fn add_validator(controller: AccountId, stash: AccountId) {
	VALIDATORS.with(|v| v.borrow_mut().insert((controller, stash)));
}
/// `stash` stays a validator candidate but leaves the session's validator set.
pub fn unelect(stash: AccountId) {
	NOT_ELECTED.with(|n| n.borrow_mut().insert(stash));
}
/// `stash` is elected again.
pub fn elect(stash: AccountId) {
	NOT_ELECTED.with(|n| n.borrow_mut().remove(&stash));
}
/// A new session begins, and the registry's block hook sees it.
pub fn new_session() {
	use frame_support::traits::Hooks;
	SESSION.with(|s| *s.borrow_mut() += 1);
	NodeRegistry::on_initialize(System::block_number());
}
/// Answers are decided at once with `check`.
pub fn set_proof_check(check: ProofCheck) {
	set_proof_plan(Ok(ProofPlan::Decided(check)));
}
/// What the verifiers make of the next answers.
pub fn set_proof_plan(plan: Result<ProofPlan, VerifierBusy>) {
	PROOF_PLAN.with(|p| *p.borrow_mut() = plan);
}
/// The answers handed to the verifiers so far.
pub fn answers() -> Vec<(AccountId, ChallengeId, [u8; 32])> {
	ANSWERS.with(|a| a.borrow().clone())
}
pub fn set_epoch(epoch: RewardEpochIndex) {
	EPOCH.with(|e| *e.borrow_mut() = epoch);
}
pub fn run_to(block: u64) {
	System::set_block_number(block);
}

pub fn hardware() -> HardwareProfile<frame_support::traits::ConstU32<32>> {
	HardwareProfile {
		cpu_cores: 16,
		ram_mib: 65_536,
		gpu_adapter: BoundedVec::truncate_from(b"NVIDIA GeForce RTX 4090".to_vec()),
		vram_mib: 24_576,
		storage_gib: 2_000,
		region: BoundedVec::truncate_from(b"eu-west".to_vec()),
	}
}

pub fn endpoint(url: &str) -> BoundedVec<u8, frame_support::traits::ConstU32<64>> {
	BoundedVec::truncate_from(url.as_bytes().to_vec())
}

/// Registers `who` in `role`: 0.5 IB at `PRICE`, hosting model 7, no idle-capacity settings.
pub fn register_as(who: AccountId, role: NodeRole<AccountId>) -> sp_runtime::DispatchResult {
	NodeRegistry::register(
		RuntimeOrigin::signed(who),
		role,
		hardware(),
		endpoint("http://127.0.0.1:8080"),
		PRICE,
		Ib::from_micro(HALF_IB),
		BoundedVec::truncate_from(vec![7]),
		Availability::default(),
	)
}

/// Registers `who` as a worker: 0.5 IB at `PRICE`, hosting model 7.
pub fn register_worker(who: AccountId) {
	assert_ok!(NodeRegistry::register(
		RuntimeOrigin::signed(who),
		NodeRole::Worker,
		hardware(),
		endpoint("http://127.0.0.1:8080"),
		PRICE,
		Ib::from_micro(HALF_IB),
		BoundedVec::truncate_from(vec![7]),
		Availability { background_jobs: true, committed_memory_mib: 4_096 },
	));
}

/// Registers `who` as a worker and answers its challenge on time.
pub fn confirmed_worker(who: AccountId) {
	register_worker(who);
	assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(who), [7; 32]));
}

/// This pallet's events since the last call.
pub fn events() -> Vec<crate::Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::NodeRegistry(event) => Some(event),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}

/// compute-staking's events since the last call.
pub fn stake_events() -> Vec<pallet_compute_staking::Event<Test>> {
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

#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	pub fn build(self) -> sp_io::TestExternalities {
		JOBS.with(|j| j.borrow_mut().clear());
		VALIDATORS.with(|v| v.borrow_mut().clear());
		NOT_ELECTED.with(|n| n.borrow_mut().clear());
		SESSION.with(|s| *s.borrow_mut() = 0);
		set_proof_check(ProofCheck::AcceptedUnchecked);
		ANSWERS.with(|a| a.borrow_mut().clear());
		ONLINE.with(|o| o.borrow_mut().clear());
		set_epoch(0);
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: (1..=5).map(|who| (who, ENDOWMENT)).chain([(999, 1)]).collect(),
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		// No spot checks unless a test asks for them (`tests/spot_checks.rs`).
		let params =
			crate::RegistryParams { spot_check_every: u64::MAX, ..NodeRegistry::default_params() };
		pallet_node_registry::GenesisConfig::<Test> { params: Some(params) }
			.assimilate_storage(&mut storage)
			.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks both pallets' invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			NodeRegistry::do_try_state().expect("registry invariants hold");
			ComputeStaking::do_try_state().expect("stake invariants hold");
		});
	}
}
