//! Routing at 10, 1,000 and 100,000 eligible workers: what `submit_job` is charged against what
//! it takes, on the real runtime (native), with the pool drawn from by weight in a Fenwick tree.
//!
//! Each size starts from the development genesis with Dave as a confirmed, bonded lavapipe
//! worker. The other workers are copies of Dave's node record and bond under new accounts,
//! put into the routing pools through the registry's real [`EligibilityObserver`] path (noted,
//! then caught up: the same Fenwick appends a bond that makes a worker eligible does), so each
//! is as eligible as Dave. Then Ferdie submits jobs:
//! - **routed**: a GEMM any worker fits, routed at the first or a later draw;
//! - **refused**: a GEMM whose `max_price_per_ibm` is below every worker's price, so routing
//!   makes all `MaxRouteDraws` draws, then walks as many members, reads every worker it meets,
//!   and the call fails (`PriceBelowEveryWorker`): the most a routing can read.
//!
//! It prints the weight `submit_job` is charged (`WeightInfo::submit_job(1)`, ref time) beside
//! the median wall time of each kind, and their ratio. The weight is a worst case priced with
//! `ParityDbWeight` (a read 8 µs, a write 50 µs) and a 21-level tree (2²⁰ workers); native execution against
//! an in-memory overlay reads far faster than a database, so the ratio is the headroom the
//! weight leaves, not an error.
//!
//! `cargo bench -p cinder-runtime --bench routing -- [--quick] [--jobs N]`; `--quick` stops at
//! 1,000 workers. `scripts/bench-routing.sh` runs it in release.

use std::time::{Duration, Instant};

use cinder_primitives::EligibilityObserver;
use cinder_primitives::WorkerPool;
use cinder_runtime::{
	dev_nodes::lavapipe_worker, genesis_config_presets::preset_config, AccountId, Jobs,
	NodeRegistry, Runtime, RuntimeOrigin, System, CNDR,
};
use frame_support::{pallet_prelude::Get, traits::fungible::Mutate};
use pallet_jobs::{JobClass, JobInput, JobSpec, WhenNoWorker};
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{BuildStorage, Storage};

const PRICE: u128 = CNDR;

/// The `index`-th copy of the template worker.
fn copy_account(index: u32) -> AccountId {
	let mut raw = [0xcd; 32];
	raw[..4].copy_from_slice(&index.to_le_bytes());
	AccountId::from(raw)
}

/// Dave, confirmed and bonded, and `workers − 1` copies of him, all in the routing pools.
fn market(workers: u32) {
	let dave = Sr25519Keyring::Dave.to_account_id();
	lavapipe_worker(&dave, PRICE, vec![0], 1_000 * CNDR).expect("a lavapipe worker");
	let node = pallet_node_registry::Nodes::<Runtime>::get(&dave).expect("registered");
	let bond = pallet_compute_staking::Bonds::<Runtime>::get(&dave).expect("bonded");
	for index in 1..workers {
		let who = copy_account(index);
		pallet_node_registry::Nodes::<Runtime>::insert(&who, &node);
		pallet_compute_staking::Bonds::<Runtime>::insert(&who, &bond);
		<NodeRegistry as EligibilityObserver<AccountId>>::eligibility_changed(&who, true);
		<NodeRegistry as EligibilityObserver<AccountId>>::catch_up(&who);
	}
	assert_eq!(
		<NodeRegistry as cinder_primitives::WorkerDirectory<_, _>>::pool_size(
			WorkerPool::AllWorkers
		),
		workers,
		"every worker is pooled"
	);
	// Room for every routed job even at 10 workers, so a refusal is only ever about the price.
	let mut params = Jobs::params();
	params.slots_per_worker = <Runtime as pallet_jobs::Config>::MaxJobsPerWorker::get();
	Jobs::set_params(RuntimeOrigin::root(), params).expect("valid parameters");
	let ferdie = Sr25519Keyring::Ferdie.to_account_id();
	let _ = cinder_runtime::Balances::set_balance(&ferdie, 1_000_000_000 * CNDR);
}

fn submit(max_price: u128, seed: u32) -> Result<(), sp_runtime::DispatchError> {
	Jobs::submit_job(
		RuntimeOrigin::signed(Sr25519Keyring::Ferdie.to_account_id()),
		0,
		JobSpec::Int8Gemm { m: 64, n: 64, k: 64 },
		JobInput::Seed([seed as u8; 32]),
		max_price,
		JobClass::Standard,
		None,
		WhenNoWorker::Fail,
	)
}

fn median(mut values: Vec<Duration>) -> Duration {
	values.sort();
	values[values.len() / 2]
}

/// Median time of a routed and of a refused submission at `workers` workers.
fn measure(genesis: &Storage, workers: u32, jobs: u32) -> (Duration, Duration, Duration) {
	let mut ext = sp_io::TestExternalities::new(genesis.clone());
	ext.execute_with(|| {
		System::set_block_number(1);
		let setup = Instant::now();
		market(workers);
		let setup = setup.elapsed();
		let (mut routed, mut refused) = (Vec::new(), Vec::new());
		for job in 0..jobs {
			let start = Instant::now();
			submit(PRICE, job).expect("a worker fits");
			routed.push(start.elapsed());
			let start = Instant::now();
			let error = submit(PRICE - 1, job).expect_err("no worker is that cheap");
			refused.push(start.elapsed());
			assert_eq!(error, pallet_jobs::Error::<Runtime>::PriceBelowEveryWorker.into());
		}
		(median(routed), median(refused), setup)
	})
}

fn main() {
	let mut sizes = vec![10u32, 1_000, 100_000];
	let mut jobs = 200u32;
	let mut args = std::env::args().skip(1);
	while let Some(arg) = args.next() {
		match arg.as_str() {
			"--quick" => sizes.truncate(2),
			"--jobs" => {
				jobs = args
					.next()
					.and_then(|n| n.parse().ok())
					.filter(|n| *n > 0)
					.expect("--jobs takes a positive number")
			}
			// cargo bench passes --bench to every bench binary.
			"--bench" => {}
			other => panic!("unknown argument {other}; usage: routing [--quick] [--jobs N]"),
		}
	}
	let genesis = preset_config(DEV_RUNTIME_PRESET).build_storage().expect("genesis builds");
	let weight =
		<<Runtime as pallet_jobs::Config>::WeightInfo as pallet_jobs::WeightInfo>::submit_job(1);
	let draws: u32 = <Runtime as pallet_jobs::Config>::MaxRouteDraws::get();
	let weight_us = weight.ref_time() as f64 / 1e6;
	println!("submit_job of one stage, {jobs} jobs of each kind per size, {draws} draws at most");
	println!();
	println!("| eligible workers | tree depth | weight charged | routed (median) | refused after {draws} draws and a walk (median) | weight ÷ refused | routed, refused ÷ at {} workers | setup |", sizes[0]);
	println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
	let micros = |d: Duration| d.as_secs_f64() * 1e6;
	let mut baseline = None;
	for workers in sizes.iter().copied() {
		let (routed, refused, setup) = measure(&genesis, workers, jobs);
		let (base_routed, base_refused) =
			*baseline.get_or_insert((micros(routed), micros(refused)));
		println!(
			"| {workers} | {} | {weight_us:.0} µs | {:.1} µs | {:.1} µs | {:.0}× | {:.1}×, {:.1}× | {:.1} s |",
			32 - workers.leading_zeros(),
			micros(routed),
			micros(refused),
			weight_us / micros(refused),
			micros(routed) / base_routed,
			micros(refused) / base_refused,
			setup.as_secs_f64(),
		);
	}
}
