//! The sampling rate and the sampling draw.

use sp_runtime::Perbill;

use super::*;
use crate::sampling::{break_even_rate, is_sampled, reliability_rate, sampling_rate};

#[test]
fn the_rate_falls_from_base_to_floor_as_reliability_grows() {
	let p = Verification::default_params();
	assert_eq!(reliability_rate(&p, Perbill::zero()), p.base_sampling_rate);
	assert_eq!(reliability_rate(&p, Perbill::one()), p.floor_sampling_rate);
	// Halfway: 1 % + 1.5 % / 2.
	assert_eq!(
		reliability_rate(&p, Perbill::from_percent(50)),
		Perbill::from_rational(175u32, 10_000)
	);
	let mut last = Perbill::one();
	for percent in 0..=100 {
		let rate = reliability_rate(&p, Perbill::from_percent(percent));
		assert!(rate <= last, "never rises with reliability");
		assert!(rate >= p.floor_sampling_rate && rate <= p.base_sampling_rate);
		last = rate;
	}
}

#[test]
fn the_break_even_rate_is_value_over_expected_penalty() {
	// Value 1, penalty 1,000, caught with certainty: 1 in 1,000.
	assert_eq!(break_even_rate(1, 1_000, Perbill::one()), Perbill::from_rational(1u32, 1_000));
	// Caught half the time: twice the rate.
	assert_eq!(
		break_even_rate(1, 1_000, Perbill::from_percent(50)),
		Perbill::from_rational(2u32, 1_000)
	);
	// Without a penalty, or a check that catches nothing, no rate deters.
	assert_eq!(break_even_rate(1, 0, Perbill::one()), Perbill::one());
	assert_eq!(break_even_rate(1, 999, Perbill::zero()), Perbill::one());
	// A job that saves nothing when faked needs no sampling of its own.
	assert_eq!(break_even_rate(0, 999, Perbill::one()), Perbill::zero());
}

#[test]
fn large_jobs_against_the_bond_are_sampled_more() {
	let p = Verification::default_params();
	let reliable = Perbill::one();
	let bond = 1_000_000u128; // a fault costs 10 %: 100,000
						   // Value small against the penalty: the reliability rate (the floor) stands.
	assert_eq!(sampling_rate(&p, reliable, 10, bond, Perbill::one()), p.floor_sampling_rate);
	// Value 2,000: twice 2,000 / 100,000.
	assert_eq!(
		sampling_rate(&p, reliable, 2_000, bond, Perbill::one()),
		Perbill::from_parts(2 * Perbill::from_rational(2_000u32, 100_000).deconstruct())
	);
	// A value of 30,000: twice 30 %.
	assert_eq!(
		sampling_rate(&p, reliable, 30_000, bond, Perbill::one()),
		Perbill::from_percent(60)
	);
	// Half the penalty: every receipt, and no more can be deterred.
	assert_eq!(sampling_rate(&p, reliable, 50_000, bond, Perbill::one()), Perbill::one());
	assert!(crate::sampling::can_deter(&p, 50_000, bond, Perbill::one()));
	assert!(!crate::sampling::can_deter(&p, 50_001, bond, Perbill::one()));
}

/// Sampled receipts among `count` with the fixed seed sequence.
fn sampled(count: u64, rate: Perbill) -> u64 {
	(0..count)
		.filter(|i| is_sampled(&seed(*i), &Subject::Stage { job: *i, stage: 0 }, rate))
		.count() as u64
}

#[test]
fn the_sampled_fraction_matches_the_rate() {
	// 40,000 receipts: the count is binomial; allow 4 standard deviations.
	let count = 40_000u64;
	for rate in [
		Perbill::from_percent(1),
		Perbill::from_rational(25u32, 1_000),
		Perbill::from_percent(10),
		Perbill::from_percent(50),
	] {
		let expected = rate.mul_floor(count) as f64;
		let sd = (expected * (1.0 - rate.deconstruct() as f64 / 1e9)).sqrt();
		let got = sampled(count, rate) as f64;
		assert!(
			(got - expected).abs() <= 4.0 * sd,
			"rate {rate:?}: {got} sampled, expected {expected} ± {:.0}",
			4.0 * sd
		);
	}
	assert_eq!(sampled(1_000, Perbill::zero()), 0);
	assert_eq!(sampled(1_000, Perbill::one()), 1_000);
}

#[test]
fn the_draw_depends_on_the_seed_the_job_and_the_stage() {
	let rate = Perbill::from_percent(50);
	let by_seed = (0..64)
		.filter(|i| is_sampled(&seed(*i), &Subject::Stage { job: 7, stage: 0 }, rate))
		.count();
	let by_job = (0..64)
		.filter(|job| is_sampled(&seed(1), &Subject::Stage { job: *job, stage: 0 }, rate))
		.count();
	let by_stage = (0..64u8)
		.filter(|stage| is_sampled(&seed(1), &Subject::Stage { job: 7, stage: *stage }, rate))
		.count();
	for count in [by_seed, by_job, by_stage] {
		assert!((16..=48).contains(&count), "{count} of 64 at 50 %");
	}
	// The same inputs always give the same answer: verifiers and the chain agree.
	assert_eq!(
		is_sampled(&seed(3), &Subject::Stage { job: 9, stage: 1 }, rate),
		is_sampled(&seed(3), &Subject::Stage { job: 9, stage: 1 }, rate)
	);
}
