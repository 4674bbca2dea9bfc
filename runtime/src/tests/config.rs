//! The configuration is coherent: the pallets' own integrity checks pass, and the staking,
//! session and consensus parameters agree with each other.

use frame_support::traits::{Get, IntegrityTest};

use crate::{
	configs::{
		BagThresholds, BondingDuration, EpochDuration, MaxAuthorities, MaxSetIdSessionEntries,
		MaxValidatorSet, SessionsPerEra, SlashDeferDuration,
	},
	AllPalletsWithSystem, Runtime, RuntimeBlockWeights, Verification, CNDR,
	EPOCH_DURATION_IN_BLOCKS, EXISTENTIAL_DEPOSIT, HOURS, MILLI_SECS_PER_BLOCK, SLOT_DURATION,
	TOKEN_DECIMALS,
};

#[test]
fn pallet_integrity_tests_pass() {
	sp_io::TestExternalities::new_empty().execute_with(AllPalletsWithSystem::integrity_test);
}

#[test]
fn slashes_are_deferred_less_than_the_bonding_duration() {
	// Otherwise a slashed staker could unbond and leave before the slash applies.
	assert!(SlashDeferDuration::get() < BondingDuration::get());
	assert!(SlashDeferDuration::get() > 0, "governance needs time to cancel a wrong slash");
}

#[test]
fn epochs_sessions_and_eras_line_up() {
	assert_eq!(SLOT_DURATION, MILLI_SECS_PER_BLOCK, "one BABE slot per block");
	assert_eq!(EpochDuration::get(), EPOCH_DURATION_IN_BLOCKS as u64, "one BABE epoch per session");
	let era_blocks = EPOCH_DURATION_IN_BLOCKS * SessionsPerEra::get();
	assert_eq!(era_blocks, HOURS, "an era is one hour");
	// GRANDPA keeps set-id ↔ session entries for the whole bonding period.
	assert_eq!(
		MaxSetIdSessionEntries::get(),
		BondingDuration::get() as u64 * SessionsPerEra::get() as u64
	);
}

#[test]
fn validator_set_bounds_agree() {
	assert_eq!(MaxValidatorSet::get(), MaxAuthorities::get());
	let max_babe: u32 = <Runtime as pallet_babe::Config>::MaxAuthorities::get();
	let max_grandpa: u32 = <Runtime as pallet_grandpa::Config>::MaxAuthorities::get();
	assert!(MaxValidatorSet::get() <= max_babe && MaxValidatorSet::get() <= max_grandpa);
}

#[test]
fn voter_bags_strictly_increase_and_cover_every_weight() {
	let bags = BagThresholds::get();
	assert!(bags.windows(2).all(|w| w[0] < w[1]), "bag thresholds strictly increase");
	assert_eq!(*bags.last().unwrap(), u64::MAX);
}

#[test]
fn token_units() {
	assert_eq!(CNDR, 10u128.pow(TOKEN_DECIMALS as u32));
	assert!(EXISTENTIAL_DEPOSIT > 0 && EXISTENTIAL_DEPOSIT < CNDR);
}

#[test]
fn the_verification_hook_at_its_worst_fits_a_quarter_of_a_block() {
	let max_block = RuntimeBlockWeights::get().max_block;
	let worst = Verification::max_on_initialize_weight();
	println!("verification on_initialize at its worst: {worst:?} of {max_block:?}");
	assert!(
		worst.ref_time() <= max_block.ref_time() / 4,
		"{} ps > a quarter of {} ps: lower MaxChecksPerBlock or MaxDecisionsPerBlock",
		worst.ref_time(),
		max_block.ref_time()
	);
}

/// Every spot check opens a benchmark round, and a block books at most
/// `Verification::benchmark_deadlines` of those: the registry must draw fewer spot checks a
/// block than that, leaving room for IB claims and disputes, or spot answers back up in the
/// benchmark queue and are deferred over and over.
#[test]
fn spot_checks_fit_within_the_benchmark_deadlines() {
	let spot: u32 = <Runtime as pallet_node_registry::Config>::MaxSpotChecksPerBlock::get();
	let share = Verification::benchmark_deadlines();
	assert!(spot < share, "{spot} spot checks a block against {share} benchmark deadlines");
}
