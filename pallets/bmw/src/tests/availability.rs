//! Availability: each node's own IB × online minutes, with the committed-memory bonus, at a
//! fixed rate per IBM and at most a yield on its bond; an offline node earns nothing; the
//! IBME (as burns and bonds back it) and its bounded nudge of the next epoch's emission rate.

use super::*;
use crate::{
	emission::ibme_adjusted, Contributions, EpochTotals, Event, RewardEpochs, RewardForfeits,
	ZeroReason,
};

const PICO: u128 = Ibm::RESOLUTION;

/// Half of each job's emission to its worker; availability at half of `E_p` per online IBM
/// at the 50 % IBME target: 250 planck per IBM.
fn work_and_availability() -> BmwParams<u64, Balance> {
	BmwParams {
		pools: PoolShares {
			work: Perbill::from_percent(50),
			availability: Perbill::from_percent(50),
			..Default::default()
		},
		..test_params()
	}
}

#[test]
fn online_time_earns_ib_times_minutes_with_the_memory_bonus() {
	let params = BmwParams { memory_bonus: Perbill::from_percent(20), ..work_and_availability() };
	ExtBuilder::default().params(params).build_and_execute(|| {
		// 0.5 IB for 60 minutes, half the full bonus's 1,024 MiB committed.
		online(11, 500_000, 512, 60);
		// 2 IB for 3 minutes, far more memory than the full bonus needs.
		online(12, 2_000_000, 1 << 20, 3);
		let node = |who| Contributions::<Test>::get(0, who).unwrap().availability;
		// 30 IBM online, +10 %, at 250 a IBM, each heartbeat's 137.5 rounded down; 6 IBM
		// online, +20 %.
		assert_eq!(node(11), 60 * 137);
		assert_eq!(node(12), 72 * 250 / 10);
		let totals = EpochTotals::<Test>::get(0);
		assert_eq!((totals.apparent_ibm, totals.credited.availability), (36 * PICO, 10_020));
		assert_eq!(totals.accounts, 2);
	});
}

#[test]
fn an_offline_node_earns_no_availability_reward() {
	ExtBuilder::default().params(work_and_availability()).build_and_execute(|| {
		pay_fee(10_000);
		settle(1, 11, 2, 100, 10_000);
		// Worker 11 was online 0.5 IB × 30 min and node 12 1 IB × 15 min: 15 IBM each. Node
		// 13 sent no heartbeat the registry could count.
		online(11, 500_000, 0, 30);
		online(12, 1_000_000, 0, 15);
		run_to_epoch(1);
		// 11: half its job's 2,000 and 15 IBM at 250; 12: the same availability.
		assert_eq!(reward_of(11, 0), 1_000 + 3_750);
		assert_eq!(reward_of(12, 0), 3_750);
		assert_eq!(reward_of(13, 0), 0);
		assert_eq!(settled(&events(), 0), (8_500, 8_500, 0));
		let statement = Bmw::reward_breakdown(&13, 1);
		assert_eq!(statement.availability.zero_because, Some(ZeroReason::Offline));
	});
}

#[test]
fn availability_earns_at_most_its_yield_on_the_bond() {
	ExtBuilder::default().params(work_and_availability()).build_and_execute(|| {
		// Each report covers 10 blocks, a whole epoch of the mock: at most 10 % of the bond.
		// Bonded 1,000: 100 of the 250 each IB-minute would earn.
		online_bonded(12, 1_000_000, 0, 15, 1_000);
		// Priced at 1 planck, a node's S(n) is next to nothing, and so is its availability.
		online_bonded(13, 2_000_000, 0, 15, 9);
		online(14, 1_000_000, 0, 15);
		let node = |who| Contributions::<Test>::get(0, who).map_or(0, |c| c.availability);
		assert_eq!((node(12), node(13), node(14)), (1_500, 0, 3_750));
		// Capacity counts towards the apparent IBM only as far as its bond backs it: 12's 15
		// IBM at 100 / 250, 13's 30 not at all.
		assert_eq!(EpochTotals::<Test>::get(0).apparent_ibm, 6 * PICO + 15 * PICO);
		run_to_epoch(1);
		assert_eq!((reward_of(12, 0), reward_of(13, 0), reward_of(14, 0)), (1_500, 0, 3_750));
	});
}

#[test]
fn the_ibme_is_paid_over_apparent_ibm_and_nudges_the_next_rate_within_bounds() {
	let params = BmwParams { ibme_adjust_max: Perbill::from_percent(10), ..test_params() };
	ExtBuilder::default().params(params).build_and_execute(|| {
		// Epoch 0: 2 IBM paid of 1 IB × 10 min online: IBME 20 %, 60 % short of the 50 %
		// target, so epoch 1 earns 6 % more per IBM.
		pay_fee(20_000);
		settle(1, 11, 2, 100, 10_000);
		online(11, 1_000_000, 0, 10);
		assert_eq!(Bmw::ibme(0), Some(Perbill::from_percent(20)));
		run_to(EPOCH);
		assert!(events().contains(&Event::EpochEnded {
			epoch: 0,
			at: EPOCH,
			ibme: Some(Perbill::from_percent(20))
		}));
		assert_eq!(EpochTotals::<Test>::get(1).emission_per_ibm, 1_060);
		// Epoch 1: 1 IBM paid of 1 IB × 1 min: over 100 %, read as 100 %: the whole 10 % less.
		settle(2, 11, 1, 100, 10_000);
		online(11, 1_000_000, 0, 1);
		assert_eq!(Bmw::ibme(1), Some(Perbill::one()));
		run_to_epoch(2);
		assert_eq!(EpochTotals::<Test>::get(2).emission_per_ibm, 900);
		// The job of epoch 1 earned its 1 IBM at that epoch's 1,060.
		assert_eq!(settled(&events(), 1).0, 1_060);
		// Epoch 2: no node online, no IBME: the base rate.
		run_to_epoch(3);
		assert_eq!(Bmw::ibme(2), None);
		assert_eq!(EpochTotals::<Test>::get(3).emission_per_ibm, E0);
		assert_eq!(Bmw::current(), 3);
	});
}

#[test]
fn jobs_priced_near_zero_do_not_move_the_ibme() {
	ExtBuilder::default().build_and_execute(|| {
		// 2 IBM paid honestly of 10 IBM online: 20 %.
		pay_fee(10_100);
		settle(1, 11, 2, 100, 10_000);
		online(11, 1_000_000, 0, 10);
		// A self-dealer's 100 IBM at 1 planck an IBM burn 80: they back 100 × 80 / 100,000
		// of an IBM, not 100.
		settle(2, 7, 100, 100, 100);
		assert_eq!(EpochTotals::<Test>::get(0).backed_ibm, 2 * PICO + 8 * PICO / 100);
		assert_eq!(Bmw::ibme(0), Some(Perbill::from_rational(208u32, 1_000u32)));
	});
}

#[test]
fn the_ibme_nudge_is_linear_and_bounded_both_ways() {
	let (target, max) = (Perbill::from_percent(40), Perbill::from_percent(10));
	let at = |percent| ibme_adjusted(1_000_000, Some(Perbill::from_percent(percent)), target, max);
	assert_eq!(at(0), 1_100_000, "fully idle: the whole raise");
	assert_eq!(at(20), 1_050_000, "half way below the target: half of it");
	assert_eq!(at(40), 1_000_000, "on target: unchanged");
	assert_eq!(at(70), 950_000, "half way above: half the cut");
	assert_eq!(at(100), 900_000, "fully used: the whole cut");
	assert_eq!(ibme_adjusted(1_000_000, None, target, max), 1_000_000, "no IBME: unchanged");
}

#[test]
fn a_forfeited_node_earns_no_availability() {
	ExtBuilder::default().params(work_and_availability()).build_and_execute(|| {
		pay_fee(10_000);
		settle(1, 12, 2, 100, 10_000);
		online(11, 1_000_000, 0, 15);
		Bmw::forfeit(&11, 0);
		online(11, 1_000_000, 0, 15);
		online(12, 1_000_000, 0, 30);
		run_to_epoch(1);
		// 12 earns its own 30 minutes and its job; 11's 30 minutes (7,500) are withheld.
		assert_eq!(reward_of(11, 0), 0);
		assert_eq!(reward_of(12, 0), 1_000 + 7_500);
		assert_eq!(settled(&events(), 0), (16_000, 8_500, 7_500));
	});
}
