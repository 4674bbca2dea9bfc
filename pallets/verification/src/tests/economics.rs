//! The arithmetic of the default parameters (crate docs, DESIGN §6): faking loses money,
//! verifier compute stays within 5 % of worker compute at the reliability rates, and a verifier
//! that does not compute is caught at the trap rate.

use sp_runtime::Perbill;

use super::*;
use crate::sampling::{can_deter, reliability_rate, sampling_rate, verifier_overhead};

/// Planck per IB-minute of a worker of 1 IB at 1 CNDR per IBM.
const IB_P: u128 = 1_000_000_000_000;
/// S(n) = 2 · E · IB · P with E = 4320.
const BOND: u128 = 2 * 4_320 * IB_P;
/// The weakest check: a two-round Freivalds test lets a wrong product through with ≤ 1/4.
fn freivalds() -> Perbill {
	Perbill::from_percent(75)
}

/// What faking a job worth `value` gains over doing it: at most the value saved, less the
/// expected slash when caught (the job's forfeited reward only adds to the loss, and is not
/// counted). Negative means faking loses money.
fn gain_from_faking(value: u128, rate: Perbill, detection: Perbill) -> i128 {
	let penalty = Verification::default_params().fault_slash.mul_floor(BOND);
	let expected_loss = rate.mul_floor(detection.mul_floor(penalty));
	value as i128 - expected_loss as i128
}

#[test]
fn faking_any_job_routing_gives_loses_money_in_expectation() {
	let p = Verification::default_params();
	// Jobs from 6 seconds to 41 hours of the worker's full capacity, at any reliability, with
	// the weakest check; the value of m minutes at full capacity is m · IB · P. Routing takes
	// those the bond can deter (up to 324 minutes here), and refuses the rest.
	let mut largest = 0;
	for tenth_minutes in [1u128, 10, 30, 100, 600, 3_000, 3_240, 3_241, 10_000, 25_000] {
		let value = tenth_minutes * IB_P / 10;
		if !can_deter(&p, value, BOND, freivalds()) {
			assert!(tenth_minutes > 3_240, "{tenth_minutes} tenths refused");
			continue;
		}
		largest = largest.max(tenth_minutes);
		for reliability in [0, 50, 90, 100] {
			let reliability = Perbill::from_percent(reliability);
			let rate = sampling_rate(&p, reliability, value, BOND, freivalds());
			let gain = gain_from_faking(value, rate, freivalds());
			assert!(gain < 0, "{tenth_minutes} tenths of a minute, rate {rate:?}: gains {gain}");
			// Faking a fraction f of n such jobs gains f · n · gain: negative for every f > 0.
		}
	}
	assert_eq!(largest, 3_240);
}

/// Tile sampling: a fake confined to `f` of an output's `rows` rows saves `f / rows` of the
/// value, and one member drawing 32 distinct rows catches it with `1 − C(rows − f, 32) /
/// C(rows, 32) ≥ f / rows` (a committee of two only more often). With the sampling rate priced
/// for a fake caught with certainty (`detection` 1, the jobs pallet's for tile sampling),
/// faking any number of rows of any job routing gives loses money in expectation: the catch
/// grows at least as fast as the saving, and a caught fake costs the slash.
#[test]
fn a_partial_fake_is_caught_at_least_in_proportion_to_the_work_it_saves() {
	let p = Verification::default_params();
	let penalty = p.fault_slash.mul_floor(BOND) as f64;
	// The chance that 32 distinct rows drawn of `rows` miss all `faked` ones.
	let missed = |rows: u32, faked: u32| -> f64 {
		(0..32.min(rows))
			.map(|i| (rows - faked).saturating_sub(i) as f64 / (rows - i) as f64)
			.product()
	};
	for tenth_minutes in [1u128, 30, 600, 4_320] {
		let value = tenth_minutes * IB_P / 10;
		assert!(can_deter(&p, value, BOND, Perbill::one()));
		let rate = sampling_rate(&p, Perbill::one(), value, BOND, Perbill::one());
		let q = rate.deconstruct() as f64 / 1e9;
		for rows in [33u32, 256, 8_192] {
			for faked in [1, 2, rows / 10, rows / 2, rows - 1, rows] {
				let share = faked as f64 / rows as f64;
				let caught = 1.0 - missed(rows, faked);
				assert!(caught >= share, "{faked} of {rows} rows: caught {caught}");
				let gain = share * value as f64 - q * caught * penalty;
				assert!(gain < 0.0, "{tenth_minutes} tenths, {faked} of {rows} rows: {gain}");
			}
		}
	}
}

#[test]
fn the_weakest_check_deters_jobs_up_to_three_quarters_of_a_fault_penalty() {
	// A Freivalds-checked job worth 3/4 of a fault penalty (648 minutes of a worker's capacity)
	// breaks even when every receipt is checked: one fake in four escapes. Routing, with its
	// margin of 2, gives a worker no Freivalds job worth more than half that (324 minutes);
	// certain detection deters up to the whole penalty, and routing gives half (432 minutes).
	let p = Verification::default_params();
	let value = 648 * IB_P;
	let rate = sampling_rate(&p, Perbill::zero(), value, BOND, freivalds());
	assert_eq!(rate, Perbill::one());
	assert_eq!(gain_from_faking(value, rate, freivalds()), 0);
	assert!(gain_from_faking(value, rate, Perbill::one()) < 0);
	assert!(can_deter(&p, 324 * IB_P, BOND, freivalds()));
	assert!(!can_deter(&p, 324 * IB_P + 1, BOND, freivalds()));
	assert!(can_deter(&p, 432 * IB_P, BOND, Perbill::one()));
	assert!(!can_deter(&p, 432 * IB_P + 1, BOND, Perbill::one()));
}

#[test]
fn the_reliability_rate_alone_covers_jobs_up_to_three_minutes() {
	let p = Verification::default_params();
	// 3.2 minutes at full capacity is sampled at the floor, and faking it still loses.
	let value = 32 * IB_P / 10;
	let rate = sampling_rate(&p, Perbill::one(), value, BOND, freivalds());
	assert_eq!(rate, p.floor_sampling_rate);
	assert!(gain_from_faking(value, rate, freivalds()) < 0);
	// Four minutes are sampled above the floor.
	let rate = sampling_rate(&p, Perbill::one(), 4 * IB_P, BOND, freivalds());
	assert!(rate > p.floor_sampling_rate);
}

#[test]
fn verifier_compute_stays_within_five_percent_at_the_reliability_rates() {
	let p = Verification::default_params();
	let limit = Perbill::from_percent(5);
	for reliability in 0..=100 {
		let rate = reliability_rate(&p, Perbill::from_percent(reliability));
		// Even a full re-execution of every sampled job.
		let overhead = verifier_overhead(rate, p.committee_size, Perbill::one());
		assert!(overhead <= limit, "reliability {reliability} %: {overhead:?}");
	}
	// A reliable worker's receipts cost the verifiers 2 %.
	let floor = verifier_overhead(p.floor_sampling_rate, p.committee_size, Perbill::one());
	assert_eq!(floor, Perbill::from_percent(2));
}

#[test]
fn large_jobs_are_sampled_more_but_checked_at_a_fraction_of_their_cost() {
	let p = Verification::default_params();
	let limit = Perbill::from_percent(5);
	// A 60-minute GEMM on a 1 IB worker: 60 · 4·10¹⁶ MACs at the genesis calibration, n ≈ 133,900;
	// two Freivalds rounds cost 6n² against n³ MACs, and hashing the fetched output is O(n²) too:
	// the whole check measured r = 0.32 at n = 1024 (worker/benches/verifier_share.rs), so
	// r ≈ 328/n.
	let rate = sampling_rate(&p, Perbill::one(), 60 * IB_P, BOND, freivalds());
	let check = Perbill::from_rational(328u32, 133_900);
	assert!(verifier_overhead(rate, p.committee_size, check) <= limit);
	// A 60-minute render of 8,192 rows checked by sampling 32 of them.
	let rate = sampling_rate(&p, Perbill::one(), 60 * IB_P, BOND, Perbill::one());
	let check = Perbill::from_rational(32u32, 8_192);
	assert!(verifier_overhead(rate, p.committee_size, check) <= limit);
}

/// The crate documentation's numbers on verifiers that do not compute: caught on a check with
/// probability `trap_rate`, so over `n` checks with `1 − (1 − τ)ⁿ`, and losing
/// `τ · verifier_fault_slash` of the verifier bond per check in expectation.
#[test]
fn an_idle_verifier_is_caught_with_the_stated_probability() {
	let p = Verification::default_params();
	assert_eq!(p.trap_rate, Perbill::from_percent(5));
	let tau = p.trap_rate.deconstruct() as f64 / 1e9;
	let caught_within = |n: i32| 1.0 - (1.0 - tau).powi(n);
	assert!(caught_within(13) < 0.5 && caught_within(14) > 0.5, "more than half within 14");
	assert!(caught_within(44) < 0.9 && caught_within(45) >= 0.9, "90 % within 45");
	assert!(caught_within(89) < 0.99 && caught_within(90) >= 0.99, "99 % within 90");
	// The runtime's verifier bond is 100 CNDR: 0.5 CNDR expected per idle check.
	let bond: u128 = 100 * 10u128.pow(12);
	let per_check = p.trap_rate * (p.verifier_fault_slash * bond);
	assert_eq!(per_check, bond / 200);
}

/// Collateral that matches the risk. Faking saves at most the stage's value `V`: its IBM at the
/// worker's price, or at the collateral floor `P_f` when the worker asks less (its cost, not its
/// fee, is what a cheap worker saves). The bond is S(n) reckoned at `max(P, P_f)`, and routing
/// gives a stage only to a worker whose bond lets sampling deter it (`can_deter`). Then, at
/// every price from 1 planck up, every stage routing gives a worker loses it money when faked;
/// and without the floor a 1-planck worker gains from faking at any rate.
#[test]
fn faking_a_routed_job_loses_money_at_any_price_the_worker_sets() {
	let p = Verification::default_params();
	let floor = IB_P / 10;
	let mut largest_routed = 0;
	for price in [1, floor / 1_000, floor / 2, floor, 3 * floor, 10 * IB_P] {
		let bond = 2 * 4_320 * price.max(floor);
		let penalty = p.fault_slash.mul_floor(bond);
		for detection in [freivalds(), Perbill::one()] {
			for minutes in [1u128, 10, 60, 300, 324, 325, 432, 433, 1_000, 10_000] {
				let value = minutes * price.max(floor);
				if !can_deter(&p, value, bond, detection) {
					// Refused by routing: checking every receipt would not deter it.
					assert!(2 * value > detection.mul_floor(penalty), "{price}/{minutes}");
					continue;
				}
				largest_routed = largest_routed.max(minutes);
				for reliability in [0, 100] {
					let rate = sampling_rate(
						&p,
						Perbill::from_percent(reliability),
						value,
						bond,
						detection,
					);
					let loss = rate.mul_floor(detection.mul_floor(penalty));
					assert!(
						loss >= 2 * value - value / 1_000,
						"price {price}, {minutes} min, rate {rate:?}: expected loss {loss} < 2 × {value}"
					);
				}
			}
		}
	}
	// At any price a worker gets stages of up to 432 minutes of its capacity when checks are
	// certain (324 under a two-round Freivalds test): half its fault penalty's worth.
	assert_eq!(largest_routed, 432);

	// Without the floor, a 1-planck worker bonds 8,640 planck per IB: checking every receipt,
	// a 10-minute fake still saves its cost (10 minutes at the floor price) for a few planck.
	let bond = 2 * 4_320;
	let cost = 10 * floor;
	let expected_loss = freivalds().mul_floor(p.fault_slash.mul_floor(bond));
	assert!(cost > 1_000 * expected_loss.max(1), "the old rule: faking pays");
	assert!(!can_deter(&p, cost, bond, freivalds()), "and routing now refuses it");
}
