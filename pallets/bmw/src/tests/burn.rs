//! The burn: a settled fee is burned and split exactly; the work counts with its class and the
//! worker's reliability.

use super::*;
use crate::{Contribution, Contributions, EpochTotals, EpochWork, Event};

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
				// 2 IBM × 1,000 = 2,000, capped at the 800 the job burned.
				emission: 800,
				points: 2 * PICO,
				burned: 800,
				to_foundation: 201,
				accounts: 1,
				..Default::default()
			}
		);
		assert_eq!(
			Contributions::<Test>::get(0, 11),
			Some(Contribution {
				ibm: 2 * PICO,
				points: 2 * PICO,
				work_cap: 800,
				..Default::default()
			})
		);
	});
}

#[test]
fn work_points_weigh_the_class_and_the_reliability_bonus() {
	let params = BmwParams { reliability_bonus: Perbill::from_percent(20), ..test_params() };
	ExtBuilder::default().params(params).build_and_execute(|| {
		RELIABILITY.with(|r| r.borrow_mut().insert(11, Perbill::from_percent(50)));
		pay_fee(200);
		settle(1, 11, 2, 150, 100);
		settle(2, 12, 2, 100, 100);
		// 2 IBM × 150 % = 3, plus 20 % × 50 % = 10 % of it; the unlisted worker has no bonus.
		assert_eq!(Contributions::<Test>::get(0, 11).unwrap().points, 33 * PICO / 10);
		assert_eq!(Contributions::<Test>::get(0, 12).unwrap().points, 2 * PICO);
		let totals = EpochTotals::<Test>::get(0);
		assert_eq!((totals.ibm, totals.points, totals.accounts), (4 * PICO, 53 * PICO / 10, 2));
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
		assert_eq!(Contributions::<Test>::get(0, 11).unwrap().work_cap, 240);
	});
}
