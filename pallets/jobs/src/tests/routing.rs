//! Routing: who may take a job, and how often each is drawn.

use frame_support::{assert_noop, assert_ok};

use super::*;
use crate::{routing::StageRequest, Error, Event, WorkerDirectory, WorkerPool};

#[test]
fn a_price_below_every_worker_is_its_own_error() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		worker_with(11, HALF_IB, PRICE * 2, &[0], false);
		assert_noop!(submit_gemm(1, 100, PRICE - 1), Error::<Test>::PriceBelowEveryWorker);
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert_eq!(assigned(0, 0), Some(10), "only the cheaper worker fits the price");
	});
}

#[test]
fn without_an_eligible_worker_the_call_fails() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(submit_gemm(1, 100, PRICE), Error::<Test>::NoEligibleWorker);
		// Registered and confirmed, but not bonded: not eligible.
		assert_ok!(NodeRegistry::register(
			RuntimeOrigin::signed(10),
			NodeRole::Worker,
			hardware(),
			BoundedVec::truncate_from(b"http://w".to_vec()),
			PRICE,
			Ib::from_micro(HALF_IB),
			BoundedVec::new(),
			Availability::default(),
		));
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(10), [0; 32]));
		assert_noop!(submit_gemm(1, 100, PRICE), Error::<Test>::NoEligibleWorker);
		// Bonded, then paused.
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(10), BOND));
		assert_ok!(NodeRegistry::pause(RuntimeOrigin::signed(10)));
		assert_noop!(submit_gemm(1, 100, PRICE), Error::<Test>::NoEligibleWorker);
		assert_ok!(NodeRegistry::resume(RuntimeOrigin::signed(10)));
		assert_ok!(submit_gemm(1, 100, PRICE));
	});
}

#[test]
fn model_jobs_go_only_to_hosts_of_the_model() {
	ExtBuilder::default().build_and_execute(|| {
		worker_with(10, HALF_IB, PRICE, &[0], false);
		worker_with(11, HALF_IB, PRICE, &[], false);
		for _ in 0..4 {
			assert_ok!(Jobs::submit_job(
				RuntimeOrigin::signed(1),
				MLP,
				JobSpec::Int8Mlp { model: 0, batch: 4 },
				JobInput::Seed([0; 32]),
				PRICE,
				JobClass::Standard,
				None,
				WhenNoWorker::Fail,
			));
		}
		assert_eq!(Jobs::assignments_of(&10).len(), 4);
		assert!(Jobs::assignments_of(&11).is_empty());
	});
}

#[test]
fn a_worker_with_every_slot_taken_gets_no_more() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		for _ in 0..4 {
			assert_ok!(submit_gemm(1, 100, PRICE));
		}
		assert_noop!(submit_gemm(1, 100, PRICE), Error::<Test>::NoEligibleWorker);
	});
}

#[test]
fn background_jobs_go_to_idle_opted_in_workers_at_a_discount() {
	ExtBuilder::default().build_and_execute(|| {
		worker_with(10, HALF_IB, PRICE, &[0], false);
		worker_with(11, HALF_IB, PRICE, &[0], true);
		let background = || {
			Jobs::submit_job(
				RuntimeOrigin::signed(1),
				GEMM,
				JobSpec::Int8Gemm { m: 100, n: 100, k: 100 },
				JobInput::Seed([0; 32]),
				PRICE,
				JobClass::Background,
				None,
				WhenNoWorker::Fail,
			)
		};
		events();
		assert_ok!(background());
		// Half price; four times the time: 40 blocks × 4 + 10.
		assert!(events().contains(&Event::StageAssigned {
			job: 0,
			stage: 0,
			worker: 11,
			price_per_ibm: PRICE / 2,
			deadline: Some(1 + 170),
		}));
		// 11 is busy now and 10 did not opt in.
		assert_noop!(background(), Error::<Test>::NoEligibleWorker);
	});
}

#[test]
fn a_requested_deadline_leaves_out_slow_workers() {
	ExtBuilder::default().build_and_execute(|| {
		worker_with(10, HALF_IB, PRICE, &[0], false);
		// 2 IB: 1 IBM takes 30 s, ×2 slack = 10 blocks, +10.
		worker_with(11, 2_000_000, PRICE, &[0], false);
		let by = |deadline: u64| {
			Jobs::submit_job(
				RuntimeOrigin::signed(1),
				GEMM,
				JobSpec::Int8Gemm { m: 100, n: 100, k: 100 },
				JobInput::Seed([0; 32]),
				PRICE,
				JobClass::Standard,
				Some(deadline),
				WhenNoWorker::Fail,
			)
		};
		assert_noop!(by(20), Error::<Test>::NoEligibleWorker);
		assert_ok!(by(21));
		assert_eq!(assigned(0, 0), Some(11));
		// Busy with that stage until 21, 11 could only deliver another by 41.
		assert_noop!(by(40), Error::<Test>::NoEligibleWorker);
		assert_ok!(by(41));
		assert_eq!(assigned(1, 0), Some(11));
	});
}

#[test]
fn draws_follow_reliability_times_ib() {
	ExtBuilder::default().build_and_execute(|| {
		// Same reliability (probation); 1 IB against 0.25 IB: weights 4 : 1.
		worker_with(10, 1_000_000, PRICE, &[0], false);
		worker_with(11, 250_000, PRICE, &[0], false);
		let workload = workload(WorkloadKind::Int8Gemm);
		let params = Jobs::params();
		let draws = 2_000u64;
		let mut big = 0u64;
		for job in 0..draws {
			let request = StageRequest::<Test> {
				job,
				stage: 0,
				pool: WorkerPool::AllWorkers,
				workload: &workload,
				work_units: 1_000,
				class: JobClass::Standard,
				max_price_per_ibm: PRICE,
				starts_at: 1,
				requested_deadline: None,
				excluded: &[],
			};
			let route = Jobs::route(&request, 0, &params).expect("two eligible workers");
			if route.worker == 10 {
				big += 1;
			}
		}
		// Expected 1600 of 2000 (σ ≈ 18).
		assert!((1_500..=1_700).contains(&big), "1 IB worker drawn {big} times of {draws}");
	});
}

/// Registers `who` as a worker hosting model 0 that never bonds: not eligible.
fn unbonded_worker(who: AccountId) {
	use frame_support::traits::fungible::Mutate;
	Balances::set_balance(&who, ENDOWMENT);
	assert_ok!(NodeRegistry::register(
		RuntimeOrigin::signed(who),
		NodeRole::Worker,
		hardware(),
		BoundedVec::truncate_from(b"http://127.0.0.1:8080".to_vec()),
		1,
		Ib::from_micro(10_000_000),
		BoundedVec::truncate_from(vec![0]),
		Availability { background_jobs: true, committed_memory_mib: 1_024 },
	));
}

#[test]
fn a_flood_of_unbonded_registrations_never_hides_the_eligible_worker() {
	ExtBuilder::default().build_and_execute(|| {
		// 300 registrations that never bond, cheap and claiming 20 times the IB, then the one
		// eligible worker, then 300 more.
		for who in 100..400 {
			unbonded_worker(who);
		}
		worker(10);
		for who in 400..700 {
			unbonded_worker(who);
		}
		let mut params = Jobs::params();
		params.slots_per_worker = 16;
		assert_ok!(Jobs::set_params(RuntimeOrigin::root(), params));
		for job in 0..16 {
			assert_ok!(submit_gemm(1, 100, PRICE));
			assert_eq!(assigned(job, 0), Some(10), "job {job} goes to the one eligible worker");
		}
		for pool in [WorkerPool::AllWorkers, WorkerPool::Hosts(0)] {
			assert_eq!(NodeRegistry::pool_size(pool), 1, "only the eligible worker is pooled");
		}
	});
}

#[test]
fn a_worker_that_stops_being_eligible_leaves_the_pool_at_once() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		worker(11);
		assert_ok!(submit_gemm(1, 100, PRICE));
		// 11 unbonds below S(n): out of the pool, so every job goes to 10.
		assert_ok!(ComputeStaking::unbond(RuntimeOrigin::signed(11), BOND));
		assert_eq!(NodeRegistry::pool_size(WorkerPool::AllWorkers), 1);
		for job in 1..4 {
			assert_ok!(submit_gemm(1, 100, PRICE));
			assert_eq!(assigned(job, 0), Some(10));
		}
	});
}

#[test]
fn a_worker_the_stage_may_not_go_to_never_uses_up_the_draws() {
	ExtBuilder::default().build_and_execute(|| {
		// 10 holds nearly all the pool's weight (100 IB against 0.001 IB). A two-stage pipeline
		// gets 10 for one stage; the other must go to 11, whose share of the weight is 10⁻⁵.
		worker_with(10, 100_000_000, 1, &[0], false);
		worker_with(11, 1_000, 1, &[0], false);
		// Four jobs fill both workers' four slots.
		for job in 0..4 {
			assert_ok!(Jobs::submit_job(
				RuntimeOrigin::signed(1),
				MLP,
				JobSpec::Int8Mlp { model: 0, batch: 1 },
				JobInput::Seed([job as u8; 32]),
				PRICE,
				JobClass::Pipeline { stages: 2 },
				None,
				WhenNoWorker::Fail,
			));
			let mut workers = vec![assigned(job, 0).unwrap(), assigned(job, 1).unwrap()];
			workers.sort();
			assert_eq!(workers, vec![10, 11], "job {job}: one stage each");
		}
	});
}

#[test]
fn a_pool_of_full_workers_still_yields_the_one_with_a_free_slot() {
	ExtBuilder::default().build_and_execute(|| {
		// 10 and 11 hold nearly all the weight and fill their 4 slots; 12, a 10⁻⁴ share, is
		// found by the walk after every draw lands on a full worker.
		worker_with(10, 50_000_000, 1, &[0], false);
		worker_with(11, 50_000_000, 1, &[0], false);
		for _ in 0..8 {
			assert_ok!(submit_gemm(1, 100, PRICE));
		}
		worker_with(12, 10_000, 1, &[0], false);
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert_eq!(assigned(8, 0), Some(12));
	});
}

/// A swarm of tiny bonded nodes (the simulator's flooders: 1 µIB each, S(n) bonded, always
/// online) is all the walk finds once the real workers are full: none of them is given a stage
/// it would hold for longer than `max_stage_blocks`. In the simulator 342 of 2,071 stage
/// assignments went to such nodes, with deadlines 20 million blocks away.
#[test]
fn a_swarm_of_tiny_nodes_is_never_given_a_stage_it_would_hold_for_months() {
	ExtBuilder::default().build_and_execute(|| {
		worker_with(10, 50_000_000, 1, &[0], false);
		for _ in 0..4 {
			assert_ok!(submit_gemm(1, 100, PRICE));
		}
		// 1 IBM at 1 µIB: 1,000,000 minutes, ×2 slack: 20,000,000 blocks.
		for flooder in 11..=20 {
			worker_with(flooder, 1, 1, &[0], false);
		}
		assert_noop!(submit_gemm(1, 100, PRICE), Error::<Test>::NoEligibleWorker);
		// A stage it can finish within the bound still goes to one: 100 × 1 × 1 is 10⁻⁴ IBM,
		// 100 minutes at 1 µIB, ×2 slack: 2,010 blocks.
		assert_ok!(submit_gemm_of(1, (100, 1, 1), PRICE));
		assert!(assigned(4, 0).is_some_and(|w| (11..=20).contains(&w)));
		// Where governance allows months, the large one goes to a flooder too.
		let params = crate::JobsParams { max_stage_blocks: 30_000_000, ..Jobs::params() };
		assert_ok!(Jobs::set_params(RuntimeOrigin::root(), params));
		assert_ok!(submit_gemm(1, 100, PRICE));
		assert!(assigned(5, 0).is_some_and(|w| (11..=20).contains(&w)));
	});
}

/// Lets a stage run for up to ten million blocks (the large GEMM takes a 0.5-IB worker 327,690).
fn allow_months_long_stages() {
	let params = crate::JobsParams { max_stage_blocks: 10_000_000, ..Jobs::params() };
	assert_ok!(Jobs::set_params(RuntimeOrigin::root(), params));
}

/// A GEMM of 4096 × 2000 × 1000: 8,192 IBM, at most `max_price` each.
fn submit_large_gemm(who: AccountId, max_price: Balance) -> sp_runtime::DispatchResult {
	submit_gemm_of(who, (4_096, 2_000, 1_000), max_price)
}

#[test]
fn a_job_too_large_for_a_workers_bond_is_not_routed_to_it() {
	ExtBuilder::default().build_and_execute(|| {
		// Worker 10 bonds 10 M: a fault costs it 1 M. Faking the 819,200-planck GEMM is caught
		// at most 3 times in 4 (Freivalds), so even checking every receipt expects a loss of
		// 0.75 × 1 M < 2 × 819,200: sampling cannot deter it. (The worker would need 327,690
		// blocks for it: months are allowed here.)
		allow_months_long_stages();
		worker(10);
		assert_noop!(submit_large_gemm(1, PRICE), Error::<Test>::JobTooLargeForEveryBond);
		// A smaller job is routed to it, and the large one once the bond can back it.
		assert_ok!(submit_gemm(1, 100, PRICE));
		// At 30 M a fault costs 3 M: 0.75 × 3 M ≥ 2 × 819,200.
		assert_ok!(ComputeStaking::bond_extra(RuntimeOrigin::signed(10), 2 * BOND));
		assert_ok!(submit_large_gemm(1, PRICE));
		assert_eq!(assigned(1, 0), Some(10));
	});
}

#[test]
fn a_worker_priced_at_one_planck_is_trusted_only_with_what_its_floor_bond_backs() {
	ExtBuilder::default().build_and_execute(|| {
		// Priced at 1 planck, the large GEMM pays it 8,192 planck: under the pallet's default
		// floor (1 planck) it is valued at that, and its bond backs it.
		allow_months_long_stages();
		worker_with(11, HALF_IB, 1, &[], false);
		assert_ok!(submit_large_gemm(1, 1));
		// With a floor of 100 planck per IBM faking it would save 819,200 planck of work,
		// which its bond (a fault: 1 M) cannot deter, whatever it asks.
		let params = pallet_compute_staking::StakeParams {
			floor_price_per_ibm: PRICE as u128,
			..Default::default()
		};
		assert_ok!(ComputeStaking::set_params(RuntimeOrigin::root(), params));
		assert_eq!(ComputeStaking::minimum_stake(&11), 2 * 4_320 * PRICE / 2, "S(n) at the floor");
		assert!(bond_of(11) >= ComputeStaking::minimum_stake(&11), "still eligible");
		assert_noop!(submit_large_gemm(1, 1), Error::<Test>::JobTooLargeForEveryBond);
		assert_ok!(submit_gemm(1, 1_000, 1));
		assert_eq!(assigned(1, 0), Some(11), "jobs its bond backs still go to it");
	});
}
