//! Verifier compute per unit of worker compute, measured in one run on one backend (the CPU
//! twin on every core).
//!
//! For each workload of the genesis presets it times the worker's part (the kernel and the
//! Merkle commitment of its output) against what `cinder-worker verify` does to check it: for a
//! GEMM, the fetched output's tiles hashed against the claimed root and Freivalds' test with the
//! workload's 2 rounds; for an MLP or a render tile, the workload's tile sampling: 32 rows drawn,
//! the tiles that hold them proved against the root, the rows recomputed (the fetch itself is
//! network time, not compute, and not counted). Their ratio is the check's cost `r`. For the
//! registry's benchmark challenge it times a whole answer against one committee member's spot
//! check ([`challenge::SPOT_CHECKS`] parts recomputed).
//!
//! Verifiers then spend `q · k · r` per unit of worker compute (pallet-verification's docs,
//! DESIGN §6): `q` the receipt's sampling rate, `k` the committee size. The rate is the
//! worker's reliability rate (2.5 % new, 1 % reliable) unless a job is long enough that
//! `sampling_margin` times its break-even rate is higher (the bench prints from what length);
//! it prints the share for short jobs and for the largest job each genesis workload takes, at
//! this machine's speed. A benchmark answer is always checked, by `k` members: `k · r` of the
//! answer's compute, once per claim, printed for claims from this machine's (its GEMM speed
//! against the genesis calibration) to 10 IB.
//!
//! Fails if a check disagrees with the work it checks, or if the share of any receipt or of a
//! benchmark claim at its default size goes above 5 %.
//!
//!   cargo bench -p cinder-worker --bench verifier_share [-- --quick]

use std::time::Duration;

use cinder_primitives::merkle;
use cinder_worker::{
	backend::Backend,
	bench::{bench_work, best_of},
	challenge,
	gemm::{self, Shape},
	output,
	proofs::Tree,
	tile_sampling,
	verifier::gemm_output_holds,
	work::{Kernel, Work},
};

/// pallet-verification's `default_params`: the reliability rates (no reliability, full
/// reliability), the margin over the break-even rate, and the committee size.
const BASE_RATE: f64 = 0.025;
const FLOOR_RATE: f64 = 0.01;
const SAMPLING_MARGIN: f64 = 2.0;
const COMMITTEE: f64 = 2.0;
/// What a proven fault costs a worker (`fault_slash` 10 % of its bond `S(n) = 2 · E · IB · P`,
/// E = 4320), in minutes of its full-capacity billing.
const PENALTY_MINUTES: f64 = 864.0;
/// The genesis workloads' output tiles and largest dimension (of a GEMM's m, n, k, an MLP's
/// batch, a render tile's width, height and iterations), and the GEMM work units 1 IB does in
/// a minute.
const TILE_BYTES: u32 = 16_384;
const MAX_DIMENSION: f64 = 8_192.0;
const MACS_PER_IB_MINUTE: f64 = 4e16;
/// The genesis MLP and render workloads' `TileSampling { tiles }`: rows recomputed per check.
const SAMPLED_ROWS: u32 = 32;
/// The node registry's default challenge: the claimed IB's work for this long.
const CHALLENGE_SECONDS: f64 = 90.0;
/// The most a verifier may spend per unit of worker compute.
const LIMIT: f64 = 0.05;

/// The sampling rate of a job `minutes` long at its worker's full capacity, checked with
/// `detection`, at `reliability` (pallet-verification's `sampling::sampling_rate`).
fn sampling_rate(reliability: f64, minutes: f64, detection: f64) -> f64 {
	let reliability_rate = BASE_RATE - (BASE_RATE - FLOOR_RATE) * reliability;
	let expected_loss = detection * (minutes + PENALTY_MINUTES);
	let break_even = if minutes >= expected_loss { 1.0 } else { minutes / expected_loss };
	reliability_rate.max((SAMPLING_MARGIN * break_even).min(1.0))
}

/// The job length (minutes at full capacity) above which a new worker's receipts are sampled
/// above the base rate: where `margin · L / (d · (L + penalty))` reaches it.
fn economic_from_minutes(detection: f64) -> f64 {
	BASE_RATE * detection * PENALTY_MINUTES / (SAMPLING_MARGIN - BASE_RATE * detection)
}

/// One workload's measured check.
struct Row {
	name: String,
	work: Duration,
	check: Duration,
	/// Probability that one check catches a job faked whole (the jobs pallet's `detection`).
	detection: f64,
	/// Work units per second of the worker's run.
	speed: f64,
	/// Work units of the largest job the genesis workload takes.
	largest: f64,
}

impl Row {
	fn ratio(&self) -> f64 {
		self.check.as_secs_f64() / self.work.as_secs_f64()
	}
}

/// Times the worker's run of `work` and the verifier's check of its output.
fn measure(name: String, backend: &Backend, work: &Work, largest: f64) -> Row {
	let (work_time, (bytes, root)) = best_of(|| {
		let bytes = work.run(backend).expect("the CPU twin runs every kernel");
		let root = output::commitment(&bytes, TILE_BYTES).0;
		(bytes, root)
	});
	let (detection, (check_time, ok)) = match work {
		// The fetcher hashes each tile against the claimed root; then Freivalds' test.
		Work::Gemm { .. } => (
			0.75,
			best_of(|| {
				output::commitment(&bytes, TILE_BYTES).0 == root
					&& gemm_output_holds(work, &bytes, [7; 32], 2)
			}),
		),
		// Tile sampling: the rows drawn, the tiles that hold them proved against the root (the
		// server's tree built beforehand: that is the worker's cost), the rows recomputed.
		_ => {
			let (rows, row_bytes) = work.output_rows();
			let drawn = tile_sampling::draw_rows(rows as u64, SAMPLED_ROWS, [5; 32]);
			let tree = Tree::of_tiles(&bytes, TILE_BYTES);
			let count = tree.leaf_count() as u64;
			let tile_of = |index: u64| {
				let at = index as usize * TILE_BYTES as usize;
				let tile = bytes[at..(at + TILE_BYTES as usize).min(bytes.len())].to_vec();
				(index, tile, tree.proof(index as usize).expect("a tile of the output"))
			};
			let fetched: Vec<_> = tile_sampling::tiles_of_rows(&drawn, row_bytes, TILE_BYTES)
				.into_iter()
				.map(tile_of)
				.collect();
			(
				1.0,
				best_of(|| {
					let proved = fetched.iter().all(|(index, tile, proof)| {
						merkle::verify(&root, *index, count, tile, proof)
					});
					let tiles =
						fetched.iter().map(|(index, tile, _)| (*index, tile.clone())).collect();
					let wrong =
						tile_sampling::first_wrong_row(work, backend, &drawn, &tiles, TILE_BYTES)
							.expect("the CPU twin runs every kernel");
					proved && wrong.is_none()
				}),
			)
		}
	};
	assert!(ok, "{name}: the check accepts the worker's right output");
	let speed = work.work_units() as f64 / work_time.as_secs_f64();
	Row { name, work: work_time, check: check_time, detection, speed, largest }
}

fn main() {
	let quick = std::env::args().any(|arg| arg == "--quick");
	let threads = gemm::default_threads();
	let backend = Backend::Cpu { threads };
	println!("Verifier compute per unit of worker compute, CPU twin on {threads} thread(s)");
	println!("(each time the best of 3 runs or of 0.2 s of runs; r = check ÷ work)\n");

	let mut rows = Vec::new();
	let sizes: &[usize] = if quick { &[256] } else { &[256, 512, 1024] };
	let cube = MAX_DIMENSION.powi(3);
	for &n in sizes {
		let work = Work::seeded_gemm([1; 32], Shape { m: n, n, k: n });
		rows.push(measure(format!("GEMM {n}³ (Freivalds, 2 rounds)"), &backend, &work, cube));
	}
	// This machine's IB, from its largest GEMM's speed (the commitment included).
	let machine_ib = rows.last().map_or(0.0, |row: &Row| row.speed) * 60.0 / MACS_PER_IB_MINUTE;
	let mlp = bench_work(Kernel::Mlp);
	let largest_mlp = MAX_DIMENSION * mlp.work_units() as f64 / 256.0;
	rows.push(measure(
		format!("MLP: demo model, 256 rows ({SAMPLED_ROWS} sampled)"),
		&backend,
		&mlp,
		largest_mlp,
	));
	let render = bench_work(Kernel::Render);
	let name = format!("render: 256², 1,024 it. ({SAMPLED_ROWS} rows sampled)");
	rows.push(measure(name, &backend, &render, cube));

	println!(
		"{:<40} {:>8} {:>9} {:>7} {:>9} {:>9} {:>11} {:>13} {:>9}",
		"receipt of",
		"work ms",
		"check ms",
		"r",
		"share new",
		"reliable",
		"q > base at",
		"largest here",
		"its share"
	);
	let mut failures = Vec::new();
	for row in &rows {
		let r = row.ratio();
		let share = |reliability, minutes| {
			sampling_rate(reliability, minutes, row.detection) * COMMITTEE * r
		};
		let largest_minutes = row.largest / row.speed / 60.0;
		let (new, reliable) = (share(0.0, 0.0), share(1.0, 0.0));
		let largest = share(0.0, largest_minutes);
		println!(
			"{:<40} {:>8.2} {:>9.3} {:>7.4} {:>8.3}% {:>8.3}% {:>7.1} min {:>9.2} min {:>8.3}%",
			row.name,
			row.work.as_secs_f64() * 1e3,
			row.check.as_secs_f64() * 1e3,
			r,
			new * 100.0,
			reliable * 100.0,
			economic_from_minutes(row.detection),
			largest_minutes,
			largest * 100.0,
		);
		if new.max(largest) > LIMIT {
			failures.push(format!(
				"{}: {:.3} % of the worker's compute",
				row.name,
				new.max(largest) * 100.0
			));
		}
	}
	println!(
		"share = q · k · r, k = {COMMITTEE}: for a new worker's receipts (q = {:.1} %) and a \
		 reliable one's (q = {:.1} %) of jobs shorter than \"q > base at\" (minutes of the \
		 worker's full capacity), and for a new worker's largest job the genesis workload takes \
		 (dimensions up to {MAX_DIMENSION}) at this machine's speed ({:.1} µIB).\n",
		BASE_RATE * 100.0,
		FLOOR_RATE * 100.0,
		machine_ib * 1e6,
	);

	// A benchmark challenge cut into 64 parts of one GEMM each: the answer against one
	// member's spot check of SPOT_CHECKS parts.
	let parts = 64;
	let units = parts * challenge::GEMM.macs();
	let seed = [3u8; 32];
	let (answer_time, answer) = best_of(|| {
		challenge::answer(&backend, &seed, units, |_, _| ()).expect("the CPU twin runs GEMMs")
	});
	let drawn = challenge::spot_checks(challenge::part_count(units), [9; 32]);
	let (spot_time, matches) = best_of(|| {
		drawn.iter().all(|&index| {
			let record = challenge::part(&backend, &seed, units, index, || ()).expect("GEMMs run");
			let at = index as usize * challenge::PART_BYTES as usize;
			answer.parts[at..at + challenge::PART_BYTES as usize] == record[..]
		})
	});
	assert!(matches, "every part spot-checked matches the answer's record");
	let per_part = spot_time.as_secs_f64() / drawn.len() as f64;
	let per_answer_part = answer_time.as_secs_f64() / parts as f64;
	println!(
		"benchmark answer, {parts} parts of one 256³ GEMM: answer {:.1} ms, one member's spot \
		 check of {} parts {:.1} ms (a part: {:.3} ms in the check, {:.3} ms in the answer)",
		answer_time.as_secs_f64() * 1e3,
		drawn.len(),
		spot_time.as_secs_f64() * 1e3,
		per_part * 1e3,
		per_answer_part * 1e3,
	);
	println!("claims, the first this machine's (its GEMM speed at the genesis calibration):");
	println!("{:>13} {:>14} {:>10} {:>14}", "claim", "GEMMs", "parts", "share (k · r)");
	for ib in [machine_ib, 0.001, 0.1, 1.0, 10.0] {
		let work_units = (MACS_PER_IB_MINUTE * ib * CHALLENGE_SECONDS / 60.0) as u64;
		let gemms = challenge::gemm_count(work_units);
		let count = challenge::part_count(work_units);
		let checked = challenge::SPOT_CHECKS.min(count) * challenge::gemms_per_part(work_units);
		// Each checked GEMM costs what an answered one does (measured above).
		let share = COMMITTEE * checked as f64 * per_part / (gemms as f64 * per_answer_part);
		println!("{:>10.6} IB {:>14} {:>10} {:>13.5}%", ib, gemms, count, share * 100.0);
		if share > LIMIT {
			failures.push(format!("a benchmark claim of {ib} IB: {:.3} %", share * 100.0));
		}
	}
	assert!(failures.is_empty(), "verifier compute above 5 %: {failures:#?}");
}
