//! Tests by topic around a mock runtime with the real balances and compute staking (bonds,
//! slashes, jails, the penalty pool) and mocks for what other pallets decide: the jobs
//! pallet's settlement, the workers' reliability, the verifier directory, offences, the reward
//! epoch and block randomness.

mod accountability;
mod challenges;
mod committee;
mod economics;
mod entropy;
mod intake;
mod params;
mod penalty_pool;
mod sampling;
mod traps;
mod verdicts;

use core::cell::RefCell;
use std::collections::BTreeMap;

use cinder_primitives::{
	BenchmarkOutcomes, ChallengeId, Ib, JobId, JobSettlement, NodeProfile, NodeProfiles,
	ProofCheck, ReceiptSubmitted, ReceiptVerifier, ReliabilityEvents, RewardEpochIndex,
	RewardEpochs, RewardForfeits, StageIndex, VerifierDirectory, VerifierRewards, WorkerDirectory,
	WorkerInfo, WorkerPool,
};
use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{fungible::Mutate, ConstU32, ConstU64, Hooks, Randomness},
	weights::Weight,
};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::{
	traits::{BlakeTwo256, Hash},
	BuildStorage, DispatchError, DispatchResult, Perbill,
};

use crate::{self as pallet_verification, Subject, VerifierFault, VerifierOffences};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		ComputeStaking: pallet_compute_staking,
		Verification: pallet_verification,
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

/// What the mocks saw, per test thread.
#[derive(Default)]
pub struct World {
	pub epoch: RewardEpochIndex,
	pub verifiers: Vec<AccountId>,
	/// Verifiers listed but not serving: the directory gives no account for their seat.
	pub not_serving: std::collections::BTreeSet<AccountId>,
	/// The validator stash of each verifier that does not verify for itself.
	pub stashes: BTreeMap<AccountId, AccountId>,
	pub reliability: BTreeMap<AccountId, Perbill>,
	pub accepted: Vec<(JobId, StageIndex)>,
	pub rejected: Vec<(JobId, StageIndex)>,
	/// Receipts no serving verifier checked: their jobs closed with the escrow refunded.
	pub voided: Vec<(JobId, StageIndex)>,
	pub offences: Vec<(AccountId, VerifierFault, Subject)>,
	/// The word on benchmark answers given to the registry.
	pub benchmarks: Vec<(AccountId, ChallengeId, ProofCheck)>,
	pub forfeits: Vec<(AccountId, RewardEpochIndex)>,
	/// Verdicts reported to the verifier pool as matching: (verifier, count).
	pub matched: Vec<(AccountId, u32)>,
	pub verification_results: Vec<(AccountId, bool)>,
	/// Blocks whose randomness differs from the usual hash (`None`: the block gave none).
	pub randomness: BTreeMap<u64, Option<H256>>,
}

thread_local! {
	pub static WORLD: RefCell<World> = RefCell::new(World::default());
}

pub fn world<R>(f: impl FnOnce(&mut World) -> R) -> R {
	WORLD.with(|w| f(&mut w.borrow_mut()))
}

/// Every node is an active, confirmed 1-IB node asking nothing, so S(n) = 0 and any bond is
/// eligible: the tests are about what verification takes from bonds.
pub struct MockNodes;
impl NodeProfiles<AccountId, Balance> for MockNodes {
	fn profile(_: &AccountId) -> Option<NodeProfile<Balance>> {
		Some(NodeProfile { ib: Ib::ONE, ib_confirmed: true, price_per_ibm: 0, active: true })
	}
}

pub struct MockEpochs;
impl RewardEpochs for MockEpochs {
	fn current() -> RewardEpochIndex {
		world(|w| w.epoch)
	}
}

/// Workers with the reliability set in the world (none: no reliability).
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
		world(|w| w.reliability.get(who).copied()).map(|reliability| WorkerInfo {
			ib: Ib::ONE,
			price_per_ibm: 0,
			reliability,
			background_jobs: false,
		})
	}
	fn is_manager(_: &AccountId) -> bool {
		false
	}
}

/// The jobs pallet's side: records settlements and rejections; job 999 cannot settle.
pub struct MockJobs;
impl JobSettlement for MockJobs {
	type Error = DispatchError;
	fn accept(job: JobId, stage: StageIndex) -> Result<(), DispatchError> {
		if job == UNSETTLEABLE {
			return Err(DispatchError::Other("not verifying"));
		}
		world(|w| w.accepted.push((job, stage)));
		Ok(())
	}
	fn reject(job: JobId, stage: StageIndex) -> Result<(), DispatchError> {
		world(|w| w.rejected.push((job, stage)));
		Ok(())
	}
	fn void(job: JobId, stage: StageIndex) -> Result<(), DispatchError> {
		world(|w| w.voided.push((job, stage)));
		Ok(())
	}
	fn void_weight() -> Weight {
		Weight::from_parts(3_000, 0)
	}
	fn accept_weight() -> Weight {
		Weight::from_parts(1_000, 0)
	}
	fn reject_weight() -> Weight {
		Weight::from_parts(2_000, 0)
	}
}

/// A job the mock jobs pallet refuses to settle.
pub const UNSETTLEABLE: JobId = 999;

pub struct MockReliability;
impl ReliabilityEvents<AccountId> for MockReliability {
	fn job_delivered(_: &AccountId, _: bool) {}
	fn verification_result(who: &AccountId, passed: bool) {
		world(|w| w.verification_results.push((*who, passed)));
	}
}

pub struct MockForfeits;
impl RewardForfeits<AccountId> for MockForfeits {
	fn forfeit(who: &AccountId, epoch: RewardEpochIndex) {
		world(|w| w.forfeits.push((*who, epoch)));
	}
}

pub struct MockRewards;
impl VerifierRewards<AccountId> for MockRewards {
	fn verifications_matched(verifier: &AccountId, matched: u32) {
		if matched > 0 {
			world(|w| w.matched.push((*verifier, matched)));
		}
	}
	fn verifications_matched_weight() -> Weight {
		Weight::zero()
	}
}

/// The serving set is the world's verifiers; those in `not_serving` stopped serving since
/// the set was last brought up to date.
pub struct MockVerifiers;
impl VerifierDirectory<AccountId> for MockVerifiers {
	fn serving_count() -> u32 {
		world(|w| w.verifiers.len() as u32)
	}
	fn serving_at(index: u32) -> Option<AccountId> {
		world(|w| w.verifiers.get(index as usize).copied())
	}
	fn serving_stash(who: &AccountId) -> Option<AccountId> {
		world(|w| {
			let serving = w.verifiers.contains(who) && !w.not_serving.contains(who);
			serving.then(|| w.stashes.get(who).copied().unwrap_or(*who))
		})
	}
}

/// Records offences by the stash reported.
pub struct MockOffences;
impl VerifierOffences<AccountId> for MockOffences {
	fn report(stash: &AccountId, fault: VerifierFault, subject: Subject) {
		world(|w| w.offences.push((*stash, fault, subject)));
	}

	fn report_weight() -> Weight {
		Weight::from_parts(1_000, 0)
	}
}

/// The node registry's side: records the word on benchmark answers.
pub struct MockRegistry;
impl BenchmarkOutcomes<AccountId> for MockRegistry {
	fn benchmark_checked(who: &AccountId, challenge: ChallengeId, check: ProofCheck) {
		world(|w| w.benchmarks.push((*who, challenge, check)));
	}

	fn benchmark_checked_weight() -> Weight {
		Weight::from_parts(2_000, 0)
	}
}

/// The parent block's randomness, known at the parent block, as BABE's
/// `ParentBlockRandomness` gives it (a hash of the block number, unless the world says
/// otherwise); none in the first block.
pub struct ParentRandomness;
impl Randomness<Option<H256>, u64> for ParentRandomness {
	fn random(subject: &[u8]) -> (Option<H256>, u64) {
		let parent = System::block_number().saturating_sub(1);
		if parent == 0 {
			return (None, 0);
		}
		if let Some(given) = world(|w| w.randomness.get(&parent).copied()) {
			return (given, parent);
		}
		(Some(BlakeTwo256::hash_of(&(subject, parent))), parent)
	}
}

parameter_types! {
	pub const PenaltyPool: AccountId = PENALTY_POOL;
}

pub const PENALTY_POOL: AccountId = 999;
pub const ENDOWMENT: Balance = 1_000_000;
/// What every verifier of the `ExtBuilder` bonds in compute staking: its verifier bond.
pub const VERIFIER_BOND: Balance = 10_000;
/// Largest committee of the test runtime.
pub const MAX_COMMITTEE: u32 = 9;
/// Most redraws of one check in the test runtime.
pub const MAX_REDRAWS: u32 = 4;
pub const PAGE_SIZE: u32 = 4;
pub const MAX_PAGES: u32 = 3;
pub const MAX_DECISIONS: u32 = 6;
/// Benchmark answers the mock's own queue for them holds.
pub const MAX_BENCHMARK_INTAKE: u32 = 4;
/// Epochs a closed epoch's penalty-pool shares are kept in the tests.
pub const HISTORY: u32 = 4;

impl pallet_compute_staking::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Nodes = MockNodes;
	type Epochs = MockEpochs;
	type Observer = ();
	type Jobs = ();
	type AdminOrigin = EnsureRoot<AccountId>;
	type PenaltyPool = PenaltyPool;
	type MinimumBond = ConstU64<1>;
	type MaxUnbondingChunks = ConstU32<4>;
	type MaxSweepPerBlock = ConstU32<8>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

impl pallet_verification::Config for Test {
	type Currency = Balances;
	type Jobs = MockJobs;
	type Benchmarks = MockRegistry;
	type Workers = MockWorkers;
	type Stake = ComputeStaking;
	type Reliability = MockReliability;
	type Forfeits = MockForfeits;
	type Rewards = MockRewards;
	type Verifiers = MockVerifiers;
	type Offences = MockOffences;
	type Randomness = ParentRandomness;
	type Epochs = MockEpochs;
	type PenaltyPool = PenaltyPool;
	type AdminOrigin = EnsureRoot<u64>;
	type MaxCommitteeSize = ConstU32<MAX_COMMITTEE>;
	type MaxRedraws = ConstU32<MAX_REDRAWS>;
	type IntakePageSize = ConstU32<PAGE_SIZE>;
	type MaxIntakePages = ConstU32<MAX_PAGES>;
	type MaxBenchmarkIntake = ConstU32<MAX_BENCHMARK_INTAKE>;
	type MaxDecisionsPerBlock = ConstU32<MAX_DECISIONS>;
	type MaxChecksPerBlock = ConstU32<8>;
	type HistoryDepth = ConstU32<HISTORY>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkSetup;
}

/// Benchmark setup through the mocks and the real compute staking.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkSetup;
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId> for MockBenchmarkSetup {
	fn set_verifiers(verifiers: &[AccountId]) {
		world(|w| w.verifiers = verifiers.to_vec());
		for verifier in verifiers {
			if bond_of(*verifier) == 0 {
				fund(*verifier, 2 * VERIFIER_BOND);
				bonded_worker(*verifier, VERIFIER_BOND);
			}
		}
	}
	fn bond_worker(worker: &AccountId) {
		if bond_of(*worker) == 0 {
			fund(*worker, 10_000);
			bonded_worker(*worker, 5_000);
		}
	}
	fn prepare_randomness() {}
	fn set_epoch(epoch: RewardEpochIndex) {
		world(|w| w.epoch = epoch);
	}
}

/// The events of the verification pallet since the last call, cleared.
pub fn events() -> Vec<pallet_verification::Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Verification(event) => Some(event),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}

/// A fixed sequence of 32-byte seeds: blake2-256 of the index.
pub fn seed(index: u64) -> [u8; 32] {
	sp_io::hashing::blake2_256(&index.to_le_bytes())
}

/// Runs blocks up to `n`, with the verification hook at the start of each.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Verification::on_initialize(next);
		Verification::on_idle(next, Weight::MAX);
	}
}

/// The worker's receipt for `(job, 0)` worth `value` (what faking it would save), checked by
/// re-execution (its whole output), committing to `root(job)`.
pub fn receipt(
	worker: AccountId,
	job: JobId,
	value: Balance,
) -> ReceiptSubmitted<AccountId, Balance> {
	ReceiptSubmitted {
		job,
		stage: 0,
		worker,
		workload: 0,
		output_root: root(job),
		tile_count: 1,
		value,
		detection: Perbill::one(),
		sampled: false,
	}
}

/// The honest output commitment of `job`.
pub fn root(job: JobId) -> [u8; 32] {
	BlakeTwo256::hash_of(&job).0
}

/// Hands a receipt to the verifier, as the jobs pallet does.
pub fn submit(receipt: &ReceiptSubmitted<AccountId, Balance>) {
	assert_eq!(
		Verification::receipt_submitted(receipt),
		Ok(cinder_primitives::VerificationPlan::Pending)
	);
}

/// The salt of the tests' commitments.
pub const SALT: [u8; 32] = [9; 32];

/// `who` commits to `verdict` on `subject`, salted with `SALT`.
pub fn commit(who: AccountId, subject: Subject, verdict: crate::Verdict) -> DispatchResult {
	let commitment = crate::verdict_commitment(&subject, &who, &verdict, &SALT);
	Verification::commit_verdict(RuntimeOrigin::signed(who), subject, commitment)
}

/// `who` reveals `verdict` on `subject`, salted with `SALT`.
pub fn reveal(who: AccountId, subject: Subject, verdict: crate::Verdict) -> DispatchResult {
	Verification::reveal_verdict(RuntimeOrigin::signed(who), subject, verdict, SALT)
		.map(|_| ())
		.map_err(|e| e.error)
}

/// Each of `votes` commits to its verdict on `subject`, then each reveals it, in order; when
/// that leaves the round revealed but undecided, runs to the block its dispute or redraw is
/// drawn in (`DRAW_DELAY` blocks on).
pub fn vote(subject: Subject, votes: &[(AccountId, crate::Verdict)]) {
	for (who, verdict) in votes {
		assert_ok!(commit(*who, subject, *verdict));
	}
	for (who, verdict) in votes {
		assert_ok!(reveal(*who, subject, *verdict));
	}
	if let Some(check) = pallet_verification::Checks::<Test>::get(subject) {
		if check.members.iter().all(|m| m.vote.is_revealed()) {
			let now = System::block_number();
			assert_eq!(check.deadline, now + crate::checks::DRAW_DELAY as u64, "drawn soon");
			Verification::do_try_state().expect("invariants hold while the draw waits");
			run_to(check.deadline);
		}
	}
}

/// A worker (or a verifier) bonding `bond`.
pub fn bonded_worker(who: AccountId, bond: Balance) {
	assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(who), bond));
}

/// The active bond of `who`.
pub fn bond_of(who: AccountId) -> Balance {
	<ComputeStaking as cinder_primitives::ComputeStake<_, _>>::active_bond(&who)
}

/// What the penalty pool holds.
pub fn pool() -> Balance {
	<Balances as frame_support::traits::fungible::Inspect<_>>::balance(&PENALTY_POOL)
}

pub struct ExtBuilder {
	params: Option<crate::VerificationParams<u64>>,
	verifiers: Vec<AccountId>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		ExtBuilder { params: None, verifiers: vec![101, 102, 103, 104, 105, 106, 107] }
	}
}

impl ExtBuilder {
	/// Sets the parameters at genesis.
	pub fn params(mut self, params: crate::VerificationParams<u64>) -> Self {
		self.params = Some(params);
		self
	}

	/// Sets the registered verifiers.
	pub fn verifiers(mut self, verifiers: &[AccountId]) -> Self {
		self.verifiers = verifiers.to_vec();
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		WORLD.with(|w| *w.borrow_mut() = World { verifiers: self.verifiers, ..World::default() });
		let mut accounts: Vec<(AccountId, Balance)> =
			(1..=20).map(|who| (who, ENDOWMENT)).collect();
		accounts.extend((101..=110).map(|who| (who, ENDOWMENT)));
		accounts.push((PENALTY_POOL, 1));
		let storage = RuntimeGenesisConfig {
			system: Default::default(),
			balances: pallet_balances::GenesisConfig { balances: accounts, ..Default::default() },
			compute_staking: Default::default(),
			verification: pallet_verification::GenesisConfig { params: self.params },
		}
		.build_storage()
		.expect("genesis builds");
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			System::set_block_number(1);
			for verifier in world(|w| w.verifiers.clone()) {
				fund(verifier, 2 * VERIFIER_BOND);
				bonded_worker(verifier, VERIFIER_BOND);
			}
			System::reset_events();
		});
		ext
	}

	/// Runs `test`, then checks the invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Verification::do_try_state().expect("invariants hold");
			ComputeStaking::do_try_state().expect("stake invariants hold");
		});
	}
}

/// Funds an account (tests of the pool).
pub fn fund(who: AccountId, amount: Balance) {
	assert_ok!(<Balances as Mutate<_>>::mint_into(&who, amount));
}
