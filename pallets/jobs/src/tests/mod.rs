//! Tests of the jobs pallet, by topic. The mock runtime has the real node registry (routing
//! pools, reliability) and the real compute staking (eligibility, slashes) around this pallet,
//! with mocks only for randomness, the reward epoch, the verifier and the reward sink.

mod deadlines;
mod params;
mod pruning;
mod queue;
mod receipts;
mod routing;
mod settlement;
mod submit;
mod workloads;

use core::cell::RefCell;

use cinder_primitives::{
	AcceptUnchecked, Ib, ReceiptSubmitted, ReceiptVerifier, RewardEpochIndex, RewardEpochs,
	SettledWork, VerificationPlan, VerifierBusy, WorkRewards,
};
use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks, Randomness},
	weights::Weight,
	BoundedVec,
};
use pallet_node_registry::{Availability, HardwareProfile, NodeRole};
use sp_core::H256;
use sp_runtime::{traits::Hash, BuildStorage, Perbill};

use crate::{
	self as pallet_jobs, GenesisModel, JobClass, JobId, JobInput, JobSpec, LayerShape,
	ModelWeights, ReceiptEntry, VerificationMethod, WhenNoWorker, Workload, WorkloadKind,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		ComputeStaking: pallet_compute_staking,
		NodeRegistry: pallet_node_registry,
		Jobs: pallet_jobs,
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
	static EPOCH: RefCell<RewardEpochIndex> = const { RefCell::new(0) };
	static PENDING_VERIFICATION: RefCell<bool> = const { RefCell::new(false) };
	static VERIFIER_BUSY: RefCell<bool> = const { RefCell::new(false) };
	static SETTLED: RefCell<Vec<SettledWork<AccountId, Balance>>> = const { RefCell::new(Vec::new()) };
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

/// Accepts receipts `WINDOW` blocks later, or leaves them pending (a verifier deciding).
pub struct MockVerifier;
impl ReceiptVerifier<AccountId, Balance, u64> for MockVerifier {
	fn receipt_submitted(
		receipt: &ReceiptSubmitted<AccountId, Balance>,
	) -> Result<VerificationPlan<u64>, VerifierBusy> {
		if VERIFIER_BUSY.with(|b| *b.borrow()) {
			Err(VerifierBusy)
		} else if PENDING_VERIFICATION.with(|p| *p.borrow()) {
			Ok(VerificationPlan::Pending)
		} else {
			pallet_jobs::AcceptAfterWindow::<Test, ConstU64<WINDOW>>::receipt_submitted(receipt)
		}
	}

	fn receipts_weight(receipts: u32) -> Weight {
		Weight::from_parts(1_000 * receipts as u64, 0)
	}

	/// The verification pallet's rule at its defaults: a margin of 2 over the break-even rate
	/// with a fault slash of 10 % of the bond.
	fn can_deter(bond: Balance, value: Balance, detection: Perbill) -> bool {
		2 * value as u128 <= detection.mul_floor(bond as u128 / 10)
	}
}

/// Records settled work, as the BMW pallet will receive it.
pub struct MockRewards;
impl WorkRewards<AccountId, Balance> for MockRewards {
	fn work_settled(work: &SettledWork<AccountId, Balance>) {
		SETTLED.with(|s| s.borrow_mut().push(work.clone()));
	}
	fn work_settled_weight() -> Weight {
		Weight::zero()
	}
}

parameter_types! {
	pub const PenaltyPool: AccountId = 999;
	pub const FeeCollector: AccountId = 998;
}

impl pallet_compute_staking::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Nodes = NodeRegistry;
	type Epochs = MockEpochs;
	type Observer = NodeRegistry;
	type Jobs = Jobs;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type PenaltyPool = PenaltyPool;
	type MinimumBond = ConstU64<10>;
	type MaxUnbondingChunks = ConstU32<4>;
	type MaxSweepPerBlock = ConstU32<8>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

pub struct NoValidators;
impl cinder_primitives::ValidatorControllers<AccountId> for NoValidators {
	fn controls_validator(_: &AccountId, _: &AccountId) -> bool {
		false
	}
	fn is_active_validator(_: &AccountId) -> bool {
		false
	}
	fn session_index() -> u32 {
		0
	}
}

impl pallet_node_registry::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type NodeDeposit = ConstU64<5>;
	type ClaimDeposit = ConstU64<3>;
	type PenaltyPool = PenaltyPool;
	type Stake = ComputeStaking;
	type Jobs = Jobs;
	type Validators = NoValidators;
	type BenchmarkProofs = AcceptUnchecked;
	type Randomness = TestRandomness;
	type SpotRandomness = TestRandomness;
	type Epochs = MockEpochs;
	type Availability = ();
	type Models = Jobs;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxTextLen = ConstU32<32>;
	type MaxEndpointLen = ConstU32<64>;
	type MaxHostedModels = ConstU32<4>;
	type MaxNodes = ConstU32<{ 1 << 20 }>;
	type MaxVerifiers = ConstU32<3>;
	type VerifierBond = frame_support::traits::ConstU64<1_000>;
	type MillisecsPerBlock = frame_support::traits::ConstU64<6_000>;
	type MaxSpotChecksPerBlock = frame_support::traits::ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarks;
}

/// Blocks between a receipt and its acceptance by the mock verifier.
pub const WINDOW: u64 = 5;
pub const MAX_RECEIPTS: u32 = 16;
pub const MAX_QUEUE: u32 = 3;
/// Queued jobs retried per block: fewer than the queue holds.
pub const MAX_RETRIES: u32 = 2;
pub const MAX_DEADLINES: u32 = 2;
/// A job's deposit: this plus one planck per byte of its record.
pub const JOB_DEPOSIT_BASE: Balance = 50;

impl pallet_jobs::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Workers = NodeRegistry;
	type Stake = ComputeStaking;
	type Reliability = NodeRegistry;
	type Verifier = MockVerifier;
	type Rewards = MockRewards;
	type Randomness = TestRandomness;
	type Epochs = MockEpochs;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type FeeCollector = FeeCollector;
	type MillisecsPerBlock = ConstU64<6_000>;
	type MaxInlineInput = ConstU32<4_096>;
	type MaxUriLen = ConstU32<128>;
	type MaxLayers = ConstU32<8>;
	type MaxStages = ConstU32<4>;
	type MaxAttempts = ConstU32<4>;
	type MaxJobsPerWorker = ConstU32<16>;
	type MaxQueueLen = ConstU32<MAX_QUEUE>;
	type MaxQueueRetriesPerBlock = ConstU32<MAX_RETRIES>;
	type MaxReceiptsPerCall = ConstU32<MAX_RECEIPTS>;
	type MaxTimersPerBlock = ConstU32<64>;
	type MaxDeadlinesPerBlock = ConstU32<MAX_DEADLINES>;
	type MaxRouteDraws = ConstU32<8>;
	type JobDepositBase = ConstU64<JOB_DEPOSIT_BASE>;
	type JobDepositPerByte = ConstU64<1>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarks;
}

/// Benchmark setup: workers registered, confirmed and bonded through the real pallets.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_node_registry::benchmarking::BenchmarkHelper<AccountId> for MockBenchmarks {
	fn fund(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(who, ENDOWMENT);
	}
	fn bond_plenty(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(who, ENDOWMENT);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(*who), ENDOWMENT / 2));
	}
	fn create_models(count: u32) {
		while pallet_jobs::NextModelId::<Test>::get() < count {
			assert_ok!(Jobs::register_model(RuntimeOrigin::root(), mlp_model()));
		}
	}
	fn make_validator(_: &AccountId) {
		panic!("the jobs mock has no validators: the registry's benchmarks run on its own mock")
	}
}
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId> for MockBenchmarks {
	fn eligible_worker(who: &AccountId, models: &[u32], background: bool) {
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(who, ENDOWMENT);
		worker_with(*who, HALF_IB, PRICE, models, background);
	}
}

pub const ENDOWMENT: Balance = 1_000_000_000;
/// IB of the default worker: 0.5 IB.
pub const HALF_IB: u64 = 500_000;
/// Price per IBM of the default worker.
pub const PRICE: Balance = 100;
/// Bond of every test worker: more than S(n) = 2 · 4320 · IB · price for the IBs and prices
/// the tests use.
pub const BOND: Balance = 10_000_000;
/// Work units per IB-minute of every test workload: a 100³ GEMM is exactly 1 IBM.
pub const REF_UNITS: u64 = 1_000_000;
/// Workload ids of the genesis workloads.
pub const GEMM: u32 = 0;
pub const MLP: u32 = 1;
pub const RENDER: u32 = 2;

pub fn workload(kind: WorkloadKind) -> Workload {
	Workload {
		kind,
		kernel_hash: [kind as u8; 32],
		verification: match kind {
			WorkloadKind::Int8Gemm => VerificationMethod::Freivalds { rounds: 2 },
			_ => VerificationMethod::TileSampling { tiles: 16 },
		},
		ref_units_per_ib_minute: REF_UNITS,
		max_work_units: 10_000_000_000,
		max_dimension: 4_096,
		max_input_bytes: 2_048,
		tile_bytes: 4_096,
		enabled: true,
	}
}

/// Model 0: 64 → 128 → 128 → 10, seeded.
pub fn model_layers() -> Vec<LayerShape> {
	vec![
		LayerShape { inputs: 64, outputs: 128 },
		LayerShape { inputs: 128, outputs: 128 },
		LayerShape { inputs: 128, outputs: 10 },
	]
}

pub fn mlp_model() -> crate::Model<ConstU32<8>> {
	crate::Model {
		hash: [9; 32],
		size_bytes: 1 << 20,
		layers: BoundedVec::truncate_from(model_layers()),
		weights: ModelWeights::Seeded([1; 32]),
	}
}

pub fn hardware() -> HardwareProfile<ConstU32<32>> {
	HardwareProfile {
		cpu_cores: 16,
		ram_mib: 65_536,
		gpu_adapter: BoundedVec::truncate_from(b"llvmpipe".to_vec()),
		vram_mib: 0,
		storage_gib: 100,
		region: BoundedVec::truncate_from(b"eu-west".to_vec()),
	}
}

/// Registers `who` as a worker of `ib_micro` µIB at `price`, hosting `models`, confirms its IB
/// and bonds `BOND`: an eligible worker.
pub fn worker_with(
	who: AccountId,
	ib_micro: u64,
	price: Balance,
	models: &[u32],
	background: bool,
) {
	assert_ok!(NodeRegistry::register(
		RuntimeOrigin::signed(who),
		NodeRole::Worker,
		hardware(),
		BoundedVec::truncate_from(b"http://127.0.0.1:8080".to_vec()),
		price,
		Ib::from_micro(ib_micro),
		BoundedVec::truncate_from(models.to_vec()),
		Availability { background_jobs: background, committed_memory_mib: 1_024 },
	));
	assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(who), [7; 32]));
	assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(who), BOND));
	assert!(<ComputeStaking as cinder_primitives::ComputeStake<_, _>>::is_eligible(&who));
}

/// The default worker: 0.5 IB at `PRICE`, hosting model 0, no background jobs.
pub fn worker(who: AccountId) {
	worker_with(who, HALF_IB, PRICE, &[0], false);
}

/// Submits a GEMM of `m×100×100` from a seed, Standard class, failing if no worker.
pub fn submit_gemm(who: AccountId, m: u32, max_price: Balance) -> sp_runtime::DispatchResult {
	submit_gemm_of(who, (m, 100, 100), max_price)
}

/// Submits a GEMM of `(m, n, k)` from a seed, Standard class, failing if no worker.
pub fn submit_gemm_of(
	who: AccountId,
	(m, n, k): (u32, u32, u32),
	max_price: Balance,
) -> sp_runtime::DispatchResult {
	Jobs::submit_job(
		RuntimeOrigin::signed(who),
		GEMM,
		JobSpec::Int8Gemm { m, n, k },
		JobInput::Seed([3; 32]),
		max_price,
		JobClass::Standard,
		None,
		WhenNoWorker::Fail,
	)
}

/// A correct receipt entry for `job`/`stage`.
pub fn receipt(job: JobId, stage: u8) -> ReceiptEntry {
	let record = pallet_jobs::Jobs::<Test>::get(job).expect("job exists");
	let stage_record = &record.stages[stage as usize];
	let tile_bytes = record.tile_bytes;
	ReceiptEntry {
		job,
		stage,
		output_root: [job as u8; 32],
		output_len: stage_record.output_len,
		tile_count: stage_record.output_len.div_ceil(tile_bytes as u64) as u32,
		elapsed_ms: 1_000,
	}
}

/// The receipt recorded for [`receipt`]`(job, 0)` in block `submitted_at`.
pub fn recorded_receipt(job: JobId, submitted_at: u64) -> crate::Receipt<u64> {
	let entry = receipt(job, 0);
	crate::Receipt {
		output_root: entry.output_root,
		output_len: entry.output_len,
		tile_count: entry.tile_count,
		elapsed_ms: entry.elapsed_ms,
		submitted_at,
	}
}

pub fn batch(entries: Vec<ReceiptEntry>) -> BoundedVec<ReceiptEntry, ConstU32<MAX_RECEIPTS>> {
	BoundedVec::truncate_from(entries)
}

/// The worker assigned to `job`/`stage`.
pub fn assigned(job: JobId, stage: u8) -> Option<AccountId> {
	pallet_jobs::Jobs::<Test>::get(job)?.stages.get(stage as usize)?.worker
}

pub fn set_epoch(epoch: RewardEpochIndex) {
	EPOCH.with(|e| *e.borrow_mut() = epoch);
}
/// Makes the mock verifier's intake full (every receipt refused as `Congested`) or not.
pub fn set_verifier_busy(busy: bool) {
	VERIFIER_BUSY.with(|b| *b.borrow_mut() = busy);
}
pub fn set_pending_verification(pending: bool) {
	PENDING_VERIFICATION.with(|p| *p.borrow_mut() = pending);
}
pub fn settled_work() -> Vec<SettledWork<AccountId, Balance>> {
	SETTLED.with(|s| s.borrow().clone())
}

/// Runs blocks up to `block`, with the pallet's hooks.
pub fn run_to(block: u64) {
	while System::block_number() < block {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Jobs::on_initialize(next);
		Jobs::on_idle(next, Weight::MAX);
	}
}

/// This pallet's events since the last call.
pub fn events() -> Vec<crate::Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Jobs(event) => Some(event),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}

/// The free and held balance of `who`.
pub fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}
/// The deposits `who` holds for its jobs' records.
pub fn deposit_held(who: AccountId) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&crate::HoldReason::JobDeposit.into(), &who)
}
pub fn escrow_held(who: AccountId) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&crate::HoldReason::JobEscrow.into(), &who)
}

#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	pub fn build(self) -> sp_io::TestExternalities {
		set_epoch(0);
		set_pending_verification(false);
		SETTLED.with(|s| s.borrow_mut().clear());
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: (1..=20).map(|who| (who, ENDOWMENT)).chain([(998, 1), (999, 1)]).collect(),
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		// Heartbeats far apart, so workers stay online through the tests' block ranges.
		let mut registry = pallet_node_registry::Pallet::<Test>::default_params();
		registry.heartbeat_interval = 10_000;
		pallet_node_registry::GenesisConfig::<Test> { params: Some(registry) }
			.assimilate_storage(&mut storage)
			.unwrap();
		pallet_jobs::GenesisConfig::<Test> {
			params: None,
			workloads: vec![
				workload(WorkloadKind::Int8Gemm),
				workload(WorkloadKind::Int8Mlp),
				workload(WorkloadKind::RenderTile),
			],
			models: vec![GenesisModel {
				hash: [9; 32],
				size_bytes: 1 << 20,
				layers: model_layers(),
				weights: ModelWeights::Seeded([1; 32]),
			}],
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks the invariants of this pallet and its neighbours.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Jobs::do_try_state().expect("jobs invariants hold");
			NodeRegistry::do_try_state().expect("registry invariants hold");
			ComputeStaking::do_try_state().expect("stake invariants hold");
		});
	}
}

/// `who`'s active compute bond.
pub fn bond_of(who: AccountId) -> Balance {
	<ComputeStaking as cinder_primitives::ComputeStake<_, _>>::active_bond(&who)
}
