//! The pools: every account is paid its own credits, which add up to the emission exactly
//! (dust withheld, never created); verifiers are paid pro rata; self-dealing in every role
//! mints no more than it burns, and lowers no other account's reward; a forfeit loses every
//! pool.

use super::*;
use crate::{Event, Pools, RewardForfeits, Settlements};

/// The default pool shares, everything else as in the tests.
fn default_pools() -> BmwParams<u64, Balance> {
	BmwParams { pools: Bmw::default_pools(), ..test_params() }
}

/// What each account was paid for `epoch`, from the `Rewarded` events among `events`.
fn rewarded(events: &[crate::Event<Test>], who: AccountId) -> Pools<Balance> {
	events
		.iter()
		.find_map(|event| match event {
			Event::Rewarded { who: w, earned, .. } if *w == who => Some(*earned),
			_ => None,
		})
		.unwrap_or_default()
}

#[test]
fn each_account_is_paid_its_own_credits_and_they_add_up_to_the_emission() {
	ExtBuilder::default().params(default_pools()).build_and_execute(|| {
		pay_fee(20_000);
		let before = issuance();
		// Workers 11 (2 IBM) and 12 (1 IBM at 150 %), 12's job brought in by manager 31.
		settle(1, 11, 2, 100, 10_000);
		settle_managed(2, 12, Some(31), 1, 150, 10_000);
		// Worker 11 and node 13 online for 10 IBM each; verifiers 21 and 22 matched 1 and 2.
		online(11, 1_000_000, 0, 10);
		online(13, 1_000_000, 0, 10);
		verified(21, 1);
		verified(22, 2);
		run_to_epoch(1);
		let events = events();
		let of = |who| rewarded(&events, who);
		// The jobs emit 2,000 and 1,000. Work: 64.86 % of 2,000 → 1,297; of 1,000 × 150 % →
		// 972. Managers: 2.70 % of 1,000 → 27. Verifiers: 16.22 % of each → 324 + 162.
		// Availability: 16.22 % × the 50 % target of 1,000 → 81 a IBM, 810 for 10 IBM.
		assert_eq!(of(11), Pools { work: 1_297, availability: 810, ..Default::default() });
		assert_eq!(of(12), Pools { work: 972, ..Default::default() });
		assert_eq!(of(13), Pools { availability: 810, ..Default::default() });
		assert_eq!(of(21), Pools { verifiers: 162, ..Default::default() });
		assert_eq!(of(22), Pools { verifiers: 324, ..Default::default() });
		assert_eq!(of(31), Pools { managers: 27, ..Default::default() });
		let settlement = Settlements::<Test>::get(0).unwrap();
		assert_eq!(
			settlement.pools,
			Pools { work: 2_269, availability: 1_620, verifiers: 486, managers: 27 }
		);
		// Nothing left over: every credit was paid.
		assert_eq!(settled(&events, 0), (4_402, 4_402, 0));
		assert_eq!(issuance(), before + 4_402 - 16_000);
		// 12's 150 % job: 324 of its 972 is the class bonus.
		assert_eq!(crate::Rewards::<Test>::get(0, 12).unwrap().bonus, 972 - 648);
	});
}

#[test]
fn a_verifier_pool_nobody_earned_is_withheld() {
	ExtBuilder::default().params(default_pools()).build_and_execute(|| {
		pay_fee(10_000);
		settle(1, 11, 3, 100, 10_000);
		run_to_epoch(1);
		// 64.86 % of 3,000 to the worker; the verifier share (486) had nobody to pay.
		assert_eq!(reward_of(11, 0), 1_945);
		assert_eq!(settled(&events(), 0), (1_945 + 486, 1_945, 486));
	});
}

#[test]
fn managers_are_paid_for_the_jobs_they_brought_in_within_their_cap() {
	let params = BmwParams {
		pools: PoolShares {
			work: Perbill::from_percent(50),
			managers: Perbill::from_percent(50),
			..Default::default()
		},
		..test_params()
	};
	ExtBuilder::default().params(params).build_and_execute(|| {
		pay_fee(30_000);
		settle_managed(1, 11, Some(31), 1, 100, 10_000);
		settle_managed(2, 12, Some(31), 1, 100, 10_000);
		settle_managed(3, 13, Some(32), 2, 100, 10_000);
		run_to_epoch(1);
		// Half of each job's emission: 31 brought in 2 × 1,000, 32 one job of 2,000.
		assert_eq!((reward_of(31, 0), reward_of(32, 0)), (1_000, 1_000));
	});
	ExtBuilder::default().params(params).build_and_execute(|| {
		// A cheap job: its 80 burned caps its emission, and its manager gets half of that.
		// The other manager's job earns what it would alone.
		pay_fee(10_100);
		settle_managed(1, 11, Some(31), 1, 100, 100);
		settle_managed(2, 12, Some(32), 1, 100, 10_000);
		run_to_epoch(1);
		assert_eq!((reward_of(31, 0), reward_of(32, 0)), (40, 500));
	});
}

#[test]
fn verifiers_are_paid_pro_rata_to_matched_verifications() {
	let params = BmwParams {
		pools: PoolShares {
			work: Perbill::from_percent(40),
			verifiers: Perbill::from_percent(60),
			..Default::default()
		},
		..test_params()
	};
	ExtBuilder::default().params(params).build_and_execute(|| {
		pay_fee(10_000);
		settle(1, 11, 2, 100, 10_000);
		verified(21, 1);
		verified(22, 3);
		verified(23, 0);
		run_to_epoch(1);
		// 1,200 to verifiers: a quarter and three quarters.
		assert_eq!((reward_of(21, 0), reward_of(22, 0), reward_of(23, 0)), (300, 900, 0));
		assert_eq!(reward_of(11, 0), 800);
	});
}

#[test]
fn self_dealing_in_every_job_role_mints_no_more_than_it_burns() {
	let params = BmwParams { reliability_bonus: Perbill::from_percent(20), ..default_pools() };
	ExtBuilder::default().params(params).build_and_execute(|| {
		// One operator pays itself 1,000 for a 100-IBM job at 150 %, as its own manager (8),
		// a fully reliable worker (7) and a verifier.
		RELIABILITY.with(|r| r.borrow_mut().insert(7, Perbill::one()));
		pay_fee(1_000);
		let before = issuance();
		settle_managed(1, 7, Some(8), 100, 150, 1_000);
		verified(7, 5);
		run_to_epoch(1);
		// The job emits the 800 it burned, not 100 IBM's 100,000, bonuses included.
		let (emission, minted, _) = settled(&events(), 0);
		assert!(emission <= 800, "{emission}");
		assert!(reward_of(7, 0) + reward_of(8, 0) <= 800);
		assert_eq!(minted, reward_of(7, 0) + reward_of(8, 0));
		assert!(issuance() <= before, "it printed no money: {} > {before}", issuance());
	});
}

/// One epoch of honest work: worker 11 settles 2 IBM at 5,000 an IBM brought in by manager
/// 31 and is online 1 IB × 10 minutes, bonded amply; with `self_dealer`, worker 7 beside it
/// prices at 1 planck an IBM and routes itself twenty 100-IBM jobs as its own manager 8, at
/// 150 % with full reliability, and keeps 2 IB online bonded to exactly its S(n) at that
/// price. Returns what 11 and 31 earned.
fn honest_epoch(self_dealer: bool) -> (Pools<Balance>, Pools<Balance>) {
	let params = BmwParams {
		reliability_bonus: Perbill::from_percent(20),
		memory_bonus: Perbill::from_percent(25),
		..default_pools()
	};
	let mut result = Default::default();
	ExtBuilder::default().params(params).build_and_execute(|| {
		RELIABILITY.with(|r| r.borrow_mut().insert(11, Perbill::from_percent(80)));
		pay_fee(10_000);
		settle_managed(1, 11, Some(31), 2, 100, 10_000);
		online(11, 1_000_000, 512, 10);
		if self_dealer {
			RELIABILITY.with(|r| r.borrow_mut().insert(7, Perbill::one()));
			for job in 100..120 {
				pay_fee(100);
				settle_managed(job, 7, Some(8), 100, 150, 100);
			}
			// S(n) = 2 · 4,320 · 2 IB · 1 planck.
			online_bonded(7, 2_000_000, 1 << 20, 10, 17_280);
		}
		run_to_epoch(1);
		let events = events();
		result = (rewarded(&events, 11), rewarded(&events, 31));
	});
	result
}

#[test]
fn an_honest_workers_reward_is_the_same_with_a_self_dealer_beside_it() {
	let (worker, manager) = honest_epoch(false);
	assert!(worker.work > 0 && worker.availability > 0 && manager.managers > 0);
	let (worker_beside, manager_beside) = honest_epoch(true);
	assert_eq!(worker_beside, worker, "the honest worker's work and availability");
	assert_eq!(manager_beside, manager, "the honest manager's");
}

#[test]
fn a_forfeit_loses_every_pool() {
	let params = BmwParams {
		pools: PoolShares {
			work: Perbill::from_percent(40),
			availability: Perbill::from_percent(30),
			verifiers: Perbill::from_percent(20),
			managers: Perbill::from_percent(10),
		},
		..test_params()
	};
	ExtBuilder::default().params(params).build_and_execute(|| {
		pay_fee(20_000);
		settle_managed(1, 11, Some(11), 1, 100, 10_000);
		settle(2, 12, 1, 100, 10_000);
		online(11, 1_000_000, 0, 10);
		verified(11, 1);
		Bmw::forfeit(&11, 0);
		run_to_epoch(1);
		assert_eq!(reward_of(11, 0), 0);
		// 12 keeps its own work credit (400). 11's work (400), management (100) and
		// availability (10 IBM at 150: 1,500), and the verifier pool only 11 earned (400),
		// are withheld.
		assert_eq!(reward_of(12, 0), 400);
		assert_eq!(settled(&events(), 0), (2_800, 400, 2_400));
	});
}
