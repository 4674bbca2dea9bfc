//! The local benchmark: each kernel's throughput on a backend, and the IB it amounts to against
//! the chain's calibration (`ref_units_per_ib_minute`: the work units 1 IB does per minute).
//!
//! The estimate is what `register` claims; the chain then sets a timed challenge sized for the
//! claim, so a claim above what the machine does is rejected, not paid.

use std::time::{Duration, Instant};

use cinder_primitives::Ib;

use crate::{
	backend::Backend,
	gemm::Shape,
	gpu::GpuError,
	mlp::Model,
	render::{Tile, ONE},
	work::{Kernel, Work},
};

/// Work units 1 IB does per minute on each kernel, as the development presets calibrate it
/// (`runtime/src/genesis_config_presets.rs`): used with `--offline`; a connected worker reads
/// the chain's workloads instead.
pub fn dev_calibration(kernel: Kernel) -> u64 {
	match kernel {
		Kernel::Gemm | Kernel::Mlp => 40_000_000_000_000_000,
		Kernel::Render => 4_000_000_000_000_000,
	}
}

/// The shapes of the demo model (the development presets' model 0).
pub const DEMO_MODEL: [(usize, usize); 4] = [(256, 512), (512, 512), (512, 256), (256, 10)];

/// The work the benchmark times for `kernel`: a 1024³ GEMM, the demo model on 256 rows, a
/// 256×256 tile of the whole set at 1,024 iterations.
pub fn bench_work(kernel: Kernel) -> Work {
	let seed = *b"cinder/bench/v1.................";
	match kernel {
		Kernel::Gemm => Work::seeded_gemm(seed, Shape { m: 1024, n: 1024, k: 1024 }),
		Kernel::Mlp => Work::seeded_mlp(seed, Model::seeded(seed, &DEMO_MODEL).layers, 256),
		Kernel::Render => Work::Render(Tile {
			width: 256,
			height: 256,
			max_iterations: 1024,
			center_re: -ONE / 2,
			center_im: 0,
			step: 3 * ONE / 256,
		}),
	}
}

/// Work that times `kernel` at its slowest per work unit, for estimates that must not fall
/// short (a verifier's, before it takes on a check): for a render tile, one inside the set,
/// where every point runs all its iterations (a job's work units count each point's maximum,
/// which the benchmark's tile of the whole set reaches only in part, so its speed would
/// flatter a tile inside the set); the benchmark's work for the others.
pub fn slowest_work(kernel: Kernel) -> Work {
	match kernel {
		Kernel::Render => Work::Render(Tile {
			width: 64,
			height: 64,
			max_iterations: 1024,
			center_re: -ONE / 8,
			center_im: 0,
			step: ONE / 1024,
		}),
		_ => bench_work(kernel),
	}
}

/// The fastest run of `f` and its result, over three runs or, for fast work, as many as fill
/// 0.2 s (up to 500): what the bench binaries (`benches/`) report, so that ratios measured in
/// one run compare like with like.
pub fn best_of<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
	let mut best = None::<(Duration, T)>;
	let start = Instant::now();
	for run in 0..500 {
		if run >= 3 && start.elapsed() > Duration::from_millis(200) {
			break;
		}
		let began = Instant::now();
		let out = f();
		let took = began.elapsed();
		if best.as_ref().is_none_or(|(b, _)| took < *b) {
			best = Some((took, out));
		}
	}
	// The loop runs at least three times.
	best.unwrap_or_else(|| unreachable!())
}

/// One kernel's measured throughput.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Measurement {
	/// The kernel.
	pub kernel: Kernel,
	/// Work units done.
	pub units: u64,
	/// Time they took.
	pub elapsed: Duration,
	/// Runs timed.
	pub runs: u32,
}

impl Measurement {
	/// Work units per minute.
	pub fn units_per_minute(&self) -> f64 {
		self.units as f64 * 60.0 / self.elapsed.as_secs_f64().max(1e-9)
	}

	/// The IB this throughput amounts to, given the work units 1 IB does per minute.
	pub fn ib(&self, ref_units_per_ib_minute: u64) -> f64 {
		self.units_per_minute() / ref_units_per_ib_minute.max(1) as f64
	}
}

/// Runs `work` once untimed (compiling pipelines, warming caches), then again until at least
/// `budget` has passed, calling `progress` with the fraction of the budget used.
pub fn measure(
	backend: &Backend,
	work: &Work,
	budget: Duration,
	mut progress: impl FnMut(f64),
) -> Result<Measurement, GpuError> {
	work.run(backend)?;
	let start = Instant::now();
	let mut runs = 0u32;
	while runs == 0 || start.elapsed() < budget {
		work.run(backend)?;
		runs += 1;
		progress((start.elapsed().as_secs_f64() / budget.as_secs_f64().max(1e-9)).min(1.0));
	}
	Ok(Measurement {
		kernel: work.kernel(),
		units: work.work_units() * u64::from(runs),
		elapsed: start.elapsed(),
		runs,
	})
}

/// The IB of a set of per-kernel IB figures: their geometric mean (one kernel much faster than
/// the others does not carry the claim), rounded to the chain's 10⁻⁶ IB, at least 10⁻⁶.
pub fn combined_ib(per_kernel: &[f64]) -> Ib {
	if per_kernel.is_empty() {
		return Ib::from_micro(1);
	}
	let mean_log =
		per_kernel.iter().map(|ib| ib.max(1e-12).ln()).sum::<f64>() / per_kernel.len() as f64;
	let micro = (mean_log.exp() * 1e6).round();
	Ib::from_micro((micro as u64).max(1))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn ib_is_units_per_minute_over_the_calibration() {
		let m = Measurement {
			kernel: Kernel::Gemm,
			units: 3_000_000,
			elapsed: Duration::from_secs(2),
			runs: 3,
		};
		assert_eq!(m.units_per_minute(), 90_000_000.0);
		assert_eq!(m.ib(900_000_000), 0.1);
	}

	#[test]
	fn the_combined_ib_is_the_geometric_mean() {
		assert_eq!(combined_ib(&[0.0001, 0.0004]), Ib::from_micro(200));
		assert_eq!(combined_ib(&[0.5]), Ib::from_micro(500_000));
		assert_eq!(combined_ib(&[]), Ib::from_micro(1));
		assert_eq!(combined_ib(&[1e-9]), Ib::from_micro(1), "at least the chain's resolution");
	}

	#[test]
	fn a_measurement_times_at_least_one_run_and_reports_progress() {
		let work = Work::Render(Tile {
			width: 8,
			height: 8,
			max_iterations: 16,
			center_re: 0,
			center_im: 0,
			step: ONE / 8,
		});
		let mut last = 0.0;
		let m = measure(&Backend::Cpu { threads: 1 }, &work, Duration::ZERO, |f| last = f).unwrap();
		assert_eq!((m.runs, m.units, m.kernel), (1, 8 * 8 * 16, Kernel::Render));
		assert_eq!(last, 1.0);
	}

	/// The slowest render tile runs every point to its last iteration: its work units are all
	/// iterations done, where the benchmark's tile of the whole set does fewer than it counts.
	#[test]
	fn the_slowest_render_tile_runs_every_iteration_it_counts() {
		let backend = Backend::Cpu { threads: 2 };
		let Work::Render(tile) = slowest_work(Kernel::Render) else { panic!("a render tile") };
		let counts = crate::output::i32_values(&Work::Render(tile).run(&backend).unwrap()).unwrap();
		assert!(counts.iter().all(|&count| count as u32 == tile.max_iterations));
		let Work::Render(whole) = bench_work(Kernel::Render) else { panic!("a render tile") };
		let counts =
			crate::output::i32_values(&Work::Render(whole).run(&backend).unwrap()).unwrap();
		let done: u64 = counts.iter().map(|&count| count as u64).sum();
		assert!(done < whole.work_units() / 2, "{done} of {}", whole.work_units());
		assert_eq!(slowest_work(Kernel::Gemm), bench_work(Kernel::Gemm));
	}
}
