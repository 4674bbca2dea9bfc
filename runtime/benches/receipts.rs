//! Receipts per block: one `submit_receipts` carrying a full batch against one signed extrinsic
//! per receipt, measured in the same run on the real runtime (native, release).
//!
//! Each round starts from the development genesis, registers, confirms and bonds a worker
//! (Dave), raises its slots to the batch size and routes `MaxReceiptsPerCall` jobs to it. Then,
//! from that same state, it applies the receipts as real signed extrinsics through
//! `Executive::apply_extrinsic` — signature check, nonce, fee, dispatch, weight reclaim — once as
//! one batch and once as one extrinsic per receipt, and records for each:
//! - the wall time of applying them;
//! - the block weight they used (what the block builder counts), and from it how many receipts
//!   fit in a block's normal-class weight and length;
//! - the fees the worker paid.
//!
//! `cargo bench -p cinder-runtime --bench receipts -- [--rounds N]` (default 15 rounds; the
//! medians are reported). `scripts/bench-receipts.sh` runs it with the wasm build skipped.

use std::time::{Duration, Instant};

use cinder_runtime::{
	dev_nodes::lavapipe_worker, genesis_config_presets::preset_config, Balances, Executive, Jobs,
	Runtime, RuntimeBlockLength, RuntimeBlockWeights, RuntimeCall, RuntimeEvent, RuntimeOrigin,
	SignedPayload, System, TxExtension, UncheckedExtrinsic, CNDR,
};
use codec::Encode;
use frame_support::{dispatch::DispatchClass, pallet_prelude::Get, weights::Weight, BoundedVec};
use pallet_jobs::{JobClass, JobId, JobInput, JobSpec, ReceiptEntry, WhenNoWorker};
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{BuildStorage, MultiAddress, MultiSignature, Storage};

const WORKER: Sr25519Keyring = Sr25519Keyring::Dave;
const SUBMITTER: Sr25519Keyring = Sr25519Keyring::Ferdie;
/// The GEMM every job asks for; its output is 64·64 i32 in one 16 KiB tile.
const GEMM: u32 = 64;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
	/// One `submit_receipts` per receipt.
	Single,
	/// All receipts in one `submit_receipts`.
	Batched,
}

/// What applying one mode's extrinsics did.
struct Run {
	extrinsics: u32,
	receipts: u32,
	elapsed: Duration,
	weight: Weight,
	length: u64,
	fees: u128,
}

fn batch_size() -> u32 {
	<Runtime as pallet_jobs::Config>::MaxReceiptsPerCall::get()
}

/// Dave as a confirmed lavapipe worker at 1 CNDR per IBM, bonded, with a slot per receipt of a
/// batch; Ferdie's jobs, all routed to him. Returns the job ids.
fn market() -> Vec<JobId> {
	let worker = WORKER.to_account_id();
	ok(lavapipe_worker(&worker, CNDR, vec![0], CNDR), "a lavapipe worker");
	let mut params = Jobs::params();
	params.slots_per_worker = batch_size();
	ok(Jobs::set_params(RuntimeOrigin::root(), params), "set_params");
	(0..batch_size())
		.map(|_| {
			let id = pallet_jobs::NextJobId::<Runtime>::get();
			ok(
				Jobs::submit_job(
					RuntimeOrigin::signed(SUBMITTER.to_account_id()),
					0,
					JobSpec::Int8Gemm { m: GEMM, n: GEMM, k: GEMM },
					JobInput::Seed([id as u8; 32]),
					2 * CNDR,
					JobClass::Standard,
					None,
					WhenNoWorker::Fail,
				),
				"submit_job",
			);
			id
		})
		.collect()
}

fn ok<T, E: core::fmt::Debug>(result: Result<T, E>, what: &str) {
	if let Err(e) = result {
		panic!("{what} failed: {e:?}");
	}
}

fn receipt(job: JobId) -> ReceiptEntry {
	let output_len = (GEMM * GEMM * 4) as u64;
	ReceiptEntry {
		job,
		stage: 0,
		output_root: sp_io::hashing::blake2_256(&job.to_le_bytes()),
		output_len,
		tile_count: 1,
		elapsed_ms: 20,
	}
}

/// A signed, immortal extrinsic of `who` with no tip, as a wallet builds it.
fn signed(who: Sr25519Keyring, nonce: u32, call: RuntimeCall) -> UncheckedExtrinsic {
	let extension = cinder_runtime::immortal_tx_extension(nonce);
	let payload = SignedPayload::new(call.clone(), extension.clone()).expect("implicit data");
	let signature = payload.using_encoded(|bytes| who.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(who.to_account_id()),
		MultiSignature::Sr25519(signature),
		extension,
	)
}

fn extrinsics(mode: Mode, jobs: &[JobId]) -> Vec<UncheckedExtrinsic> {
	let call = |jobs: &[JobId]| {
		RuntimeCall::Jobs(pallet_jobs::Call::submit_receipts {
			receipts: BoundedVec::truncate_from(jobs.iter().copied().map(receipt).collect()),
		})
	};
	let first_nonce = System::account_nonce(WORKER.to_account_id());
	match mode {
		Mode::Batched => vec![signed(WORKER, first_nonce, call(jobs))],
		Mode::Single => jobs
			.iter()
			.zip(first_nonce..)
			.map(|(job, nonce)| signed(WORKER, nonce, call(&[*job])))
			.collect(),
	}
}

/// One round of one mode, from a fresh genesis.
fn run(genesis: &Storage, mode: Mode) -> Run {
	let mut ext = sp_io::TestExternalities::new(genesis.clone());
	ext.execute_with(|| {
		System::set_block_number(1);
		let jobs = market();
		// A new block: empty weight and length counters, no events.
		System::initialize(
			&(System::block_number() + 1),
			&System::parent_hash(),
			&Default::default(),
		);
		System::reset_events();
		let xts = extrinsics(mode, &jobs);
		let length = xts.iter().map(|xt| xt.encoded_size() as u64).sum();
		let worker = WORKER.to_account_id();
		let balance_before = Balances::free_balance(&worker);

		let start = Instant::now();
		for xt in xts.iter().cloned() {
			Executive::apply_extrinsic(xt)
				.expect("the extrinsic is valid")
				.expect("submit_receipts succeeds");
		}
		let elapsed = start.elapsed();

		let receipts = System::events()
			.iter()
			.filter(|record| {
				matches!(
					record.event,
					RuntimeEvent::Jobs(pallet_jobs::Event::ReceiptAccepted { .. })
				)
			})
			.count() as u32;
		let rejected = System::events().iter().any(|record| {
			matches!(record.event, RuntimeEvent::Jobs(pallet_jobs::Event::ReceiptRejected { .. }))
		});
		assert!(!rejected, "every receipt is accepted");
		assert_eq!(receipts, batch_size(), "every receipt is accepted");
		Run {
			extrinsics: xts.len() as u32,
			receipts,
			elapsed,
			weight: *frame_system::BlockWeight::<Runtime>::get().get(DispatchClass::Normal),
			length,
			fees: balance_before - Balances::free_balance(&worker),
		}
	})
}

fn median(mut values: Vec<f64>) -> f64 {
	values.sort_by(|a, b| a.total_cmp(b));
	values[values.len() / 2]
}

/// Medians over the rounds, and what they mean for one block.
struct Summary {
	micros_per_receipt: f64,
	weight_per_receipt: f64,
	bytes_per_receipt: f64,
	fee_per_receipt: f64,
	per_block_by_weight: u64,
	per_block_by_length: u64,
}

fn summarize(runs: &[Run]) -> Summary {
	let per_receipt =
		|f: &dyn Fn(&Run) -> f64| median(runs.iter().map(|r| f(r) / r.receipts as f64).collect());
	let first = &runs[0];
	let receipts_per_xt = (first.receipts / first.extrinsics) as u64;
	let weight_per_xt = first.weight.ref_time() / first.extrinsics as u64;
	let length_per_xt = first.length / first.extrinsics as u64;
	let max_weight = RuntimeBlockWeights::get()
		.get(DispatchClass::Normal)
		.max_total
		.expect("normal extrinsics have a limit")
		.ref_time();
	let max_length = *RuntimeBlockLength::get().max.get(DispatchClass::Normal) as u64;
	Summary {
		micros_per_receipt: per_receipt(&|r| r.elapsed.as_secs_f64() * 1e6),
		weight_per_receipt: per_receipt(&|r| r.weight.ref_time() as f64 / 1e6),
		bytes_per_receipt: per_receipt(&|r| r.length as f64),
		fee_per_receipt: per_receipt(&|r| r.fees as f64),
		per_block_by_weight: max_weight / weight_per_xt * receipts_per_xt,
		per_block_by_length: max_length / length_per_xt * receipts_per_xt,
	}
}

fn main() {
	let mut rounds = 15usize;
	let mut args = std::env::args().skip(1);
	while let Some(arg) = args.next() {
		match arg.as_str() {
			"--rounds" => {
				rounds = args
					.next()
					.and_then(|n| n.parse().ok())
					.filter(|n| *n > 0)
					.expect("--rounds takes a positive number")
			}
			// cargo bench passes --bench to every bench binary.
			"--bench" => {}
			other => panic!("unknown argument {other}; usage: receipts [--rounds N]"),
		}
	}
	let genesis = preset_config(DEV_RUNTIME_PRESET).build_storage().expect("genesis builds");
	let n = batch_size();
	println!("submit_receipts: {n} receipts as 1 batch vs {n} extrinsics, {rounds} rounds");

	let (mut single, mut batched) = (Vec::new(), Vec::new());
	for round in 0..rounds {
		// Alternate the order so that drift (caches, frequency) hits both modes alike.
		let order = if round % 2 == 0 {
			[Mode::Single, Mode::Batched]
		} else {
			[Mode::Batched, Mode::Single]
		};
		for mode in order {
			let result = run(&genesis, mode);
			match mode {
				Mode::Single => single.push(result),
				Mode::Batched => batched.push(result),
			}
		}
	}
	let (s, b) = (summarize(&single), summarize(&batched));
	let per_block = |s: &Summary| s.per_block_by_weight.min(s.per_block_by_length);
	println!();
	println!("| | one extrinsic per receipt | one batch of {n} | batched ÷ single |");
	println!("|---|---:|---:|---:|");
	println!(
		"| execution per receipt (native, median) | {:.1} µs | {:.1} µs | {:.1}× faster |",
		s.micros_per_receipt,
		b.micros_per_receipt,
		s.micros_per_receipt / b.micros_per_receipt
	);
	println!(
		"| block weight per receipt | {:.1} µs | {:.1} µs | {:.1}× less |",
		s.weight_per_receipt,
		b.weight_per_receipt,
		s.weight_per_receipt / b.weight_per_receipt
	);
	println!(
		"| bytes per receipt | {:.0} | {:.0} | {:.1}× less |",
		s.bytes_per_receipt,
		b.bytes_per_receipt,
		s.bytes_per_receipt / b.bytes_per_receipt
	);
	let micro_cndr = |planck: f64| planck * 1e6 / CNDR as f64;
	println!(
		"| fee per receipt | {:.0} µCNDR | {:.0} µCNDR | {:.1}× less |",
		micro_cndr(s.fee_per_receipt),
		micro_cndr(b.fee_per_receipt),
		s.fee_per_receipt / b.fee_per_receipt
	);
	println!(
		"| receipts per block (normal-class weight; length) | {} ({}; {}) | {} ({}; {}) | {:.1}× more |",
		per_block(&s),
		s.per_block_by_weight,
		s.per_block_by_length,
		per_block(&b),
		b.per_block_by_weight,
		b.per_block_by_length,
		per_block(&b) as f64 / per_block(&s) as f64
	);
	// Verification decides at most `MaxDecisionsPerBlock` receipts a block (its queue holds
	// `IntakePageSize` × `MaxIntakePages` waiting ones): the rate receipts can be sustained at.
	let decisions: u32 = <Runtime as pallet_verification::Config>::MaxDecisionsPerBlock::get();
	let capped = |s: &Summary| per_block(s).min(decisions as u64);
	println!(
		"| … and within verification's sustained rate ({decisions} decisions a block) | {} | {} | {:.1}× more |",
		capped(&s),
		capped(&b),
		capped(&b) as f64 / capped(&s) as f64
	);
}
