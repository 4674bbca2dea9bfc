//! NPoS validator staking: pallet-staking, its voter list (bags list) and on-chain election.
//!
//! Validators bond CNDR and nominators back them; at each era the on-chain sequential Phragmén
//! election picks the validator set that the session pallet hands to BABE and GRANDPA. This wiring
//! is kept in one file so it can be swapped for another staking system without touching the rest.
//!
//! Worker bonds for compute (the S(n) stake) are *not* here: they are a separate pallet.

use frame_election_provider_support::{
	bounds::{ElectionBounds, ElectionBoundsBuilder},
	onchain, SequentialPhragmen, VoteWeight,
};
use frame_support::{
	parameter_types,
	traits::{ConstBool, ConstU32, Nothing},
};
use frame_system::EnsureRoot;
use sp_runtime::{curve::PiecewiseLinear, Perbill};

use crate::{
	AccountId, Balance, Balances, Runtime, RuntimeEvent, RuntimeHoldReason, Session, Staking,
	Timestamp, VoterList,
};

// Yearly inflation paid to validators and nominators, by staked share of the supply:
// 2.5 % at 0 staked, rising to 10 % at the ideal 50 % staked, falling off above it.
pallet_staking_reward_curve::build! {
	const REWARD_CURVE: PiecewiseLinear<'static> = curve!(
		min_inflation: 0_025_000,
		max_inflation: 0_100_000,
		ideal_stake: 0_500_000,
		falloff: 0_050_000,
		max_piece_count: 40,
		test_precision: 0_005_000,
	);
}

parameter_types! {
	/// Sessions (BABE epochs of 10 minutes) per era: an era is one hour.
	pub const SessionsPerEra: sp_staking::SessionIndex = 6;
	/// Eras a stake stays locked after `unbond`: 7 days.
	pub const BondingDuration: sp_staking::EraIndex = 24 * 7;
	/// Eras a slash waits before it is applied, so governance can cancel a wrong one: 6 days.
	/// Must be less than the bonding duration.
	pub const SlashDeferDuration: sp_staking::EraIndex = 24 * 6;
	pub const RewardCurve: &'static PiecewiseLinear<'static> = &REWARD_CURVE;
	/// Nominators rewarded per validator and page of exposure.
	pub const MaxExposurePageSize: u32 = 256;
	/// Eras of history kept for payouts.
	pub const HistoryDepth: u32 = 84;
	/// Upper bound of the elected validator set.
	pub const MaxValidatorSet: u32 = super::MaxAuthorities::get();
	/// Voters and targets one on-chain election reads at most.
	pub ElectionBoundsOnChain: ElectionBounds = ElectionBoundsBuilder::default()
		.voters_count(5_000.into())
		.targets_count(1_000.into())
		.build();
	pub const MaxBackersPerWinner: u32 = 5_000;
}

impl pallet_staking::Config for Runtime {
	type OldCurrency = Balances;
	type Currency = Balances;
	type CurrencyBalance = Balance;
	type UnixTime = Timestamp;
	type CurrencyToVote = sp_staking::currency_to_vote::U128CurrencyToVote;
	// Leftover era payout and slashed funds are burned (no treasury on this chain yet).
	type RewardRemainder = ();
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeEvent = RuntimeEvent;
	type Slash = ();
	type Reward = ();
	type SessionsPerEra = SessionsPerEra;
	type BondingDuration = BondingDuration;
	type SlashDeferDuration = SlashDeferDuration;
	type AdminOrigin = EnsureRoot<AccountId>;
	type SessionInterface = Self;
	type EraPayout = pallet_staking::ConvertCurve<RewardCurve>;
	type NextNewSession = Session;
	type MaxExposurePageSize = MaxExposurePageSize;
	type MaxValidatorSet = MaxValidatorSet;
	type ElectionProvider = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type GenesisElectionProvider = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type VoterList = VoterList;
	type TargetList = pallet_staking::UseValidatorsMap<Self>;
	type NominationsQuota = pallet_staking::FixedNominationsQuota<16>;
	type MaxUnlockingChunks = ConstU32<32>;
	type HistoryDepth = HistoryDepth;
	type MaxControllersInDeprecationBatch = ConstU32<100>;
	type EventListeners = ();
	type Filter = Nothing;
	type BenchmarkingConfig = StakingBenchmarkingConfig;
	type WeightInfo = pallet_staking::weights::SubstrateWeight<Runtime>;
}

/// Sizes pallet-staking's benchmarks run with (up to the validator set bound).
pub struct StakingBenchmarkingConfig;
impl pallet_staking::BenchmarkingConfig for StakingBenchmarkingConfig {
	type MaxValidators = MaxValidatorSet;
	type MaxNominators = ConstU32<1_000>;
}

/// The on-chain election: sequential Phragmén over all validators and nominators.
pub struct OnChainSeqPhragmen;
impl onchain::Config for OnChainSeqPhragmen {
	type System = Runtime;
	type Solver = SequentialPhragmen<AccountId, Perbill>;
	type DataProvider = Staking;
	type WeightInfo = frame_election_provider_support::weights::SubstrateWeight<Runtime>;
	type MaxBackersPerWinner = MaxBackersPerWinner;
	type MaxWinnersPerPage = MaxValidatorSet;
	type Bounds = ElectionBoundsOnChain;
	type Sort = ConstBool<true>;
}

/// Number of bags in the voter list.
const BAG_COUNT: usize = 55;

/// Bag upper bounds of the voter list: 2¹⁰, 2¹¹, … 2⁶³ (a geometric sequence of ratio 2), then
/// `u64::MAX` so every voter fits a bag. Strictly increasing, as bags-list requires.
const fn bag_thresholds() -> [VoteWeight; BAG_COUNT] {
	let mut bags = [0; BAG_COUNT];
	let mut i = 0;
	while i < BAG_COUNT - 1 {
		bags[i] = 1u64 << (i + 10);
		i += 1;
	}
	bags[BAG_COUNT - 1] = VoteWeight::MAX;
	bags
}

/// See [`bag_thresholds`].
pub const BAG_THRESHOLDS: [VoteWeight; BAG_COUNT] = bag_thresholds();

parameter_types! {
	pub const BagThresholds: &'static [VoteWeight] = &BAG_THRESHOLDS;
}

impl pallet_bags_list::Config<pallet_bags_list::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	// Staking is the source of truth for voter scores.
	type ScoreProvider = Staking;
	type WeightInfo = pallet_bags_list::weights::SubstrateWeight<Runtime>;
	type BagThresholds = BagThresholds;
	type MaxAutoRebagPerBlock = ConstU32<0>;
	type Score = VoteWeight;
}
