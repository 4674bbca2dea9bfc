//! The burn: a settled fee is burned and split exactly; the job's work credit counts its class
//! and the worker's reliability, within the job's cap.

use super::*;
use crate::{Contribution, Contributions, EpochTotals, EpochWork, Event, Pools};

const PICO: u128 = Ibm::RESOLUTION;

#[test]
fn a_settled_fee_is_burned_and_split_and_issuance_drops_by_exactly_the_burn() {
	ExtBuilder::default().build_and_execute(|| {
		pay_fee(1_001);
		let before = issuance();
		settle(1, 11, 2, 100, 1_001);
		// 80 % of 1,001 is 800.8: 800 burned, 201 to the foundation.
		assert_eq!(issuance(), before - 800);
		assert_eq!(balance(FOUNDATION), ED + 201);
		assert_eq!(balance(FEE_COLLECTOR), ED);
		assert_eq!(
			events(),
			vec![Event::FeeBurned {
				job: 1,
				stage: 0,
				worker: 11,
				epoch: 0,
				ibm: 2 * PICO,
				burned: 800,
				to_foundation: 201
			}]
		);
		assert_eq!(
			EpochTotals::<Test>::get(0),
			EpochWork {
				emission_per_ibm: E0,
				ibm: 2 * PICO,
				// 2 IBM × 1,000 = 2,000, capped at the 800 the job burned: the burn backs
				// 800 / 2,000 of its IBM.
				backed_ibm: 8 * PICO / 10,
				emission: 800,
				credited: Pools { work: 800, ..Default::default() },
				burned: 800,
				to_foundation: 201,
				accounts: 1,
				..Default::default()
			}
		);
		assert_eq!(
			Contributions::<Test>::get(0, 11),
			Some(Contribution { ibm: 2 * PICO, work: 800, ..Default::default() })
		);
	});
}

#[test]
fn the_work_credit_weighs_the_class_and_the_reliability_bonus_within_the_jobs_cap() {
	let params = BmwParams { reliability_bonus: Perbill::from_percent(20), ..test_params() };
	ExtBuilder::default().params(params).build_and_execute(|| {
		RELIABILITY.with(|r| r.borrow_mut().insert(11, Perbill::from_percent(50)));
		RELIABILITY.with(|r| r.borrow_mut().insert(13, Perbill::from_percent(50)));
		pay_fee(22_500);
		settle(1, 11, 2, 150, 10_000);
		settle(2, 12, 2, 100, 10_000);
		// 2 IBM emit 2,000; × 150 % = 3,000, plus 20 % × 50 % = 10 % of it: 3,300, of which
		// 1,300 is bonus. The unlisted worker has no bonus.
		let credit = |who| {
			let c = Contributions::<Test>::get(0, who).unwrap();
			(c.work, c.bonus)
		};
		assert_eq!(credit(11), (3_300, 1_300));
		assert_eq!(credit(12), (2_000, 0));
		// A job that burned 2,000 mints at most 2,000, bonuses included.
		settle(3, 13, 2, 150, 2_500);
		assert_eq!(credit(13), (2_000, 0));
		let totals = EpochTotals::<Test>::get(0);
		assert_eq!(
			(totals.ibm, totals.emission, totals.credited.work, totals.accounts),
			(6 * PICO, 6_000, 7_300, 3)
		);
	});
}

#[test]
fn a_worker_counts_once_per_epoch_however_many_jobs() {
	ExtBuilder::default().build_and_execute(|| {
		pay_fee(300);
		for job in 0..3 {
			settle(job, 11, 1, 100, 100);
		}
		assert_eq!(EpochTotals::<Test>::get(0).accounts, 1);
		// Each job's 1,000 capped at the 80 it burned.
		assert_eq!(Contributions::<Test>::get(0, 11).unwrap().work, 240);
	});
}
