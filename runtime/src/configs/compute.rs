//! Cinder's compute market: the node registry, worker bonds (compute staking) and jobs.

use cinder_primitives::ValidatorControllers;
use frame_support::{
	parameter_types,
	traits::{ConstU32, ConstU64},
	PalletId,
};
use frame_system::EnsureRoot;
use sp_runtime::traits::AccountIdConversion;

use crate::{
	AccountId, Balance, Balances, Jobs, NodeRegistry, Runtime, RuntimeHoldReason, MILLI_CNDR,
	MILLI_SECS_PER_BLOCK,
};

parameter_types! {
	/// Source of the penalty-pool account, which receives slashed bonds.
	pub const PenaltyPoolPalletId: PalletId = PalletId(*b"cndr/pen");
	/// The penalty-pool account (endowed with the existential deposit at genesis).
	pub PenaltyPool: AccountId = PenaltyPoolPalletId::get().into_account_truncating();
	/// Smallest first compute bond: 1 milli-CNDR.
	pub const MinimumComputeBond: Balance = MILLI_CNDR;
	/// The compute bond a Verifier node's account holds to register and serve: 100 CNDR. Each
	/// fault takes 10 % of the bond (`verifier_fault_slash`); a verifier bonded at exactly
	/// this amount stops serving after its first fault until it bonds the difference again.
	pub const VerifierBond: Balance = 100 * crate::CNDR;
	/// Source of the fee-collector account, which receives job fees when jobs settle.
	pub const FeeCollectorPalletId: PalletId = PalletId(*b"cndr/fee");
	/// The fee collector (endowed with the existential deposit at genesis); the BMW pallet
	/// burns and splits what it holds.
	pub FeeCollector: AccountId = FeeCollectorPalletId::get().into_account_truncating();
	/// Source of the foundation's account, which receives the fees not burned.
	pub const FoundationPalletId: PalletId = PalletId(*b"cndr/fnd");
	/// The foundation (endowed with the existential deposit at genesis).
	pub Foundation: AccountId = FoundationPalletId::get().into_account_truncating();
	/// Source of the reward pot, which holds minted rewards until they are claimed.
	pub const RewardPotPalletId: PalletId = PalletId(*b"cndr/bmw");
	/// Held while a node is registered, returned when it deregisters: its record and a seat
	/// in every routing pool it can be in (all workers and 32 hosted models: the seat, its
	/// index and its tree entry), priced per storage item and per byte: 6.758 CNDR.
	pub NodeDeposit: Balance = storage_deposit(
		1 + 3 * POOL_SEATS,
		<pallet_node_registry::NodeRecord<Runtime> as codec::MaxEncodedLen>::max_encoded_len() as u32
			+ POOL_SEATS * POOL_SEAT_BYTES,
	);
	/// Held while a node's benchmark challenge is pending, for the verifiers' work on its
	/// answer: 1 CNDR, forfeited to the penalty pool by a wrong answer, returned otherwise.
	pub const ClaimDeposit: Balance = crate::CNDR;
	/// Held for a job's record until it is pruned (`retention` blocks after the job ends):
	/// two items (the record and its pruning entry) and the bytes the record can reach, 0.461
	/// CNDR for a seed-input GEMM job (read back by tests/jobs.rs); an inline input adds its
	/// bytes (up to 4 KiB: 4.1 CNDR more).
	pub const JobDepositBase: Balance = storage_deposit(2, 0);
	/// The per-byte part of a job's deposit.
	pub const JobDepositPerByte: Balance = storage_deposit(0, 1);
}

/// Most models a node hosts.
const MAX_HOSTED_MODELS: u32 = 32;
/// Routing pools one worker can be in: all workers and each hosted model.
const POOL_SEATS: u32 = 1 + MAX_HOSTED_MODELS;
/// Bytes of one pool seat with its keys: the seat (account and weight), its index entry
/// (hashed account key and position) and its tree entry.
const POOL_SEAT_BYTES: u32 = 48 + 68 + 36;

/// The collateral floor of every preset (`StakeParams::floor_price_per_ibm`): 0.1 CNDR per IBM,
/// a tenth of the base emission per IBM and a fifth of the dev workers' price. S(n) is reckoned
/// at this price for a node asking less (a 1 IB node bonds at least 2 · 4320 · 0.1 = 864 CNDR),
/// and a stage is valued at it for sampling and routing: faking a stage saves its worker at most
/// this per IBM of honest cost, whatever fee the worker asked.
pub const COLLATERAL_FLOOR_PER_IBM: Balance = crate::CNDR / 10;

/// Reward epochs an epoch's unclaimed rewards and records are kept, by the BMW pallet (its
/// rewards) and the verification pallet (its penalty-pool shares).
pub const REWARD_HISTORY_DEPTH: u32 = 84;

/// What storage costs its creator while it stays: 10 milli-CNDR an item and 1 milli-CNDR a byte.
pub const fn storage_deposit(items: u32, bytes: u32) -> Balance {
	items as Balance * 10 * MILLI_CNDR + bytes as Balance * MILLI_CNDR
}

/// The reward-epoch clock: the BMW pallet's (`epoch_length` blocks an epoch).
pub type RewardEpochClock = crate::Bmw;

impl pallet_compute_staking::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Nodes = NodeRegistry;
	type Epochs = RewardEpochClock;
	// The registry's routing pools follow each flip of stored eligibility.
	type Observer = NodeRegistry;
	type Jobs = Jobs;
	type AdminOrigin = EnsureRoot<AccountId>;
	type PenaltyPool = PenaltyPool;
	type MinimumBond = MinimumComputeBond;
	type MaxUnbondingChunks = ConstU32<16>;
	type MaxSweepPerBlock = ConstU32<64>;
	type WeightInfo = pallet_compute_staking::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ComputeBenchmarkHelper;
}

/// A verifier's account must be the controller of a validator candidate's stash in
/// pallet-staking, and that stash must be in the session's validator set to sit on committees.
pub struct StakingValidators;
impl ValidatorControllers<AccountId> for StakingValidators {
	fn controls_validator(controller: &AccountId, stash: &AccountId) -> bool {
		pallet_staking::Bonded::<Runtime>::get(stash).as_ref() == Some(controller)
			&& pallet_staking::Validators::<Runtime>::contains_key(stash)
	}

	fn is_active_validator(stash: &AccountId) -> bool {
		pallet_session::Validators::<Runtime>::get().contains(stash)
	}

	fn session_index() -> u32 {
		pallet_session::CurrentIndex::<Runtime>::get()
	}
}

impl pallet_node_registry::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type NodeDeposit = NodeDeposit;
	type ClaimDeposit = ClaimDeposit;
	type PenaltyPool = PenaltyPool;
	type Stake = crate::ComputeStaking;
	type Jobs = Jobs;
	type Validators = StakingValidators;
	// Timely answers are always recomputed by a committee of verifiers.
	type BenchmarkProofs = crate::Verification;
	// Challenge seeds from the verification pallet's entropy (every block's VRF output mixed):
	// not known an epoch ahead to the author of the block before a claim, as its own VRF
	// output is.
	type Randomness = crate::Verification;
	// Spot-check draws from the parent block's VRF output, a block fresher than the entropy
	// the verification pallet mixes after this pallet's hook runs.
	type SpotRandomness = pallet_babe::ParentBlockRandomness<Runtime>;
	type Epochs = RewardEpochClock;
	// Each heartbeat of an eligible worker node counts for the availability pool.
	type Availability = crate::Bmw;
	type Models = Jobs;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MaxTextLen = ConstU32<64>;
	type MaxEndpointLen = ConstU32<256>;
	type MaxHostedModels = ConstU32<MAX_HOSTED_MODELS>;
	type MaxNodes = ConstU32<{ 1 << 20 }>;
	type MaxVerifiers = ConstU32<256>;
	type VerifierBond = VerifierBond;
	type MillisecsPerBlock = ConstU64<MILLI_SECS_PER_BLOCK>;
	// 2 a block: a daily spot check for up to 28,800 eligible workers, within the 3 deadlines
	// a block benchmark rounds may take (verification's MaxChecksPerBlock / 2), leaving one
	// for claims and disputes.
	type MaxSpotChecksPerBlock = ConstU32<2>;
	type WeightInfo = pallet_node_registry::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = RegistryBenchmarkHelper;
}

impl pallet_jobs::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Workers = NodeRegistry;
	type Stake = crate::ComputeStaking;
	type Reliability = NodeRegistry;
	// Receipts are sampled and checked by validator committees.
	type Verifier = crate::Verification;
	// Fees are burned and split, settled work is rewarded by BMW emission.
	type Rewards = crate::Bmw;
	type Randomness = pallet_babe::ParentBlockRandomness<Runtime>;
	type Epochs = RewardEpochClock;
	type AdminOrigin = EnsureRoot<AccountId>;
	type FeeCollector = FeeCollector;
	type MillisecsPerBlock = ConstU64<MILLI_SECS_PER_BLOCK>;
	type MaxInlineInput = ConstU32<4_096>;
	type MaxUriLen = ConstU32<256>;
	type MaxLayers = ConstU32<16>;
	type MaxStages = ConstU32<8>;
	type MaxAttempts = ConstU32<4>;
	type MaxJobsPerWorker = ConstU32<128>;
	type MaxQueueLen = ConstU32<256>;
	type MaxQueueRetriesPerBlock = ConstU32<4>;
	type MaxReceiptsPerCall = ConstU32<128>;
	type MaxTimersPerBlock = ConstU32<512>;
	type MaxDeadlinesPerBlock = ConstU32<64>;
	type MaxRouteDraws = ConstU32<6>;
	type JobDepositBase = JobDepositBase;
	type JobDepositPerByte = JobDepositPerByte;
	type WeightInfo = pallet_jobs::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = JobsBenchmarkHelper;
}

/// Benchmark setup for the registry: bonds through compute staking, models through jobs.
#[cfg(feature = "runtime-benchmarks")]
pub struct RegistryBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_node_registry::benchmarking::BenchmarkHelper<AccountId> for RegistryBenchmarkHelper {
	fn fund(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		let _ = Balances::set_balance(who, 1_000 * crate::CNDR);
	}
	fn bond_plenty(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		let plenty = 1_000_000 * crate::CNDR;
		let _ = Balances::set_balance(who, 2 * plenty);
		crate::ComputeStaking::bond(crate::RuntimeOrigin::signed(who.clone()), plenty)
			.expect("a funded account bonds");
	}

	fn create_models(count: u32) {
		while pallet_jobs::NextModelId::<Runtime>::get() < count {
			let model = pallet_jobs::Model {
				hash: [1; 32],
				size_bytes: 64,
				layers: frame_support::BoundedVec::truncate_from(alloc::vec![
					pallet_jobs::LayerShape { inputs: 8, outputs: 8 }
				]),
				weights: pallet_jobs::ModelWeights::Seeded([1; 32]),
			};
			Jobs::register_model(crate::RuntimeOrigin::root(), model).expect("a valid model");
		}
	}

	fn make_validator(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		let bond = 1_000 * crate::CNDR;
		let _ = Balances::set_balance(who, 2 * bond);
		let origin = crate::RuntimeOrigin::signed(who.clone());
		crate::Staking::bond(origin.clone(), bond, pallet_staking::RewardDestination::Stash)
			.expect("a funded account bonds");
		crate::Staking::validate(origin.clone(), Default::default())
			.expect("a bonded stash validates");
		pallet_session::Validators::<Runtime>::append(who.clone());
		crate::ComputeStaking::bond(origin, VerifierBond::get())
			.expect("a funded validator bonds its verifier bond");
	}
}

/// Benchmark setup for jobs: workers register, are confirmed and bond through the real pallets.
#[cfg(feature = "runtime-benchmarks")]
pub struct JobsBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_jobs::benchmarking::BenchmarkHelper<AccountId> for JobsBenchmarkHelper {
	fn eligible_worker(who: &AccountId, models: &[u32], background: bool) {
		use frame_support::BoundedVec;
		use pallet_node_registry::*;
		NodeRegistry::register(
			crate::RuntimeOrigin::signed(who.clone()),
			NodeRole::Worker,
			HardwareProfile {
				cpu_cores: 1,
				ram_mib: 1,
				gpu_adapter: BoundedVec::new(),
				vram_mib: 0,
				storage_gib: 1,
				region: BoundedVec::new(),
			},
			BoundedVec::truncate_from(b"http://bench".to_vec()),
			1_000,
			cinder_primitives::Ib::ONE,
			BoundedVec::truncate_from(models.to_vec()),
			Availability { background_jobs: background, committed_memory_mib: 0 },
		)
		.expect("a benchmark worker registers");
		// Its IB as verifiers would confirm it (their checks are benchmarked in verification).
		Nodes::<Runtime>::mutate_extant(who, |node| {
			node.challenge = None;
			node.confirmed_ib =
				Some(ConfirmedIb { ib: cinder_primitives::Ib::ONE, independently_checked: true });
		});
		<RegistryBenchmarkHelper as pallet_node_registry::benchmarking::BenchmarkHelper<_>>::bond_plenty(who);
	}
}

/// Benchmark setup for compute staking: the node registers through the registry itself, then
/// its record is set to the wanted profile.
#[cfg(feature = "runtime-benchmarks")]
pub struct ComputeBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_compute_staking::benchmarking::BenchmarkHelper<AccountId, Balance>
	for ComputeBenchmarkHelper
{
	fn set_profile(who: &AccountId, profile: cinder_primitives::NodeProfile<Balance>) {
		use frame_support::BoundedVec;
		use pallet_node_registry::*;
		if !Nodes::<Runtime>::contains_key(who) {
			NodeRegistry::register(
				crate::RuntimeOrigin::signed(who.clone()),
				NodeRole::Worker,
				HardwareProfile {
					cpu_cores: 1,
					ram_mib: 1,
					gpu_adapter: BoundedVec::new(),
					vram_mib: 0,
					storage_gib: 1,
					region: BoundedVec::new(),
				},
				BoundedVec::truncate_from(b"http://bench".to_vec()),
				profile.price_per_ibm.max(1),
				profile.ib,
				BoundedVec::new(),
				Availability::default(),
			)
			.expect("a benchmark node registers");
		}
		Nodes::<Runtime>::mutate_extant(who, |node| {
			node.price_per_ibm = profile.price_per_ibm;
			node.claimed_ib = profile.ib;
			node.challenge = None;
			node.confirmed_ib = profile
				.ib_confirmed
				.then_some(ConfirmedIb { ib: profile.ib, independently_checked: true });
			node.status = if profile.active { NodeStatus::Active } else { NodeStatus::Paused };
		});
	}

	fn set_epoch(epoch: cinder_primitives::RewardEpochIndex) {
		pallet_bmw::CurrentEpoch::<Runtime>::put(epoch);
	}
}

impl pallet_bmw::Config for Runtime {
	type Currency = Balances;
	type Workers = NodeRegistry;
	type FeeCollector = FeeCollector;
	type Foundation = Foundation;
	type PalletId = RewardPotPalletId;
	type AdminOrigin = EnsureRoot<AccountId>;
	// About 0.35 ms of weight each: 256 accounts take under a twentieth of a block.
	type MaxSettlementsPerBlock = ConstU32<256>;
	// pallet-staking's default history depth: 84 epochs of 72 h is 252 days, a reward
	// claimable for 24 epochs (72 days) after it vests in full over 60.
	type HistoryDepth = ConstU32<REWARD_HISTORY_DEPTH>;
	type MillisecsPerBlock = ConstU64<MILLI_SECS_PER_BLOCK>;
	type WeightInfo = pallet_bmw::weights::SubstrateWeight<Runtime>;
}
