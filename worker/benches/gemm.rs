//! The int8 GEMM kernels against each other, in one run: the naive CPU definition (the
//! baseline), the CPU twin, the naive and the tiled WGSL kernels on the machine's adapter
//! (lavapipe where there is no GPU), and Freivalds' check of the twin's output, at n = 256,
//! 512, 1024 (square). Prints GOPS (2 ops per multiply-add) and ratios measured in the same
//! run, each the best of 3 runs or of as many as fill 0.2 s. Every kernel's output must equal the definition's, or the bench fails.
//!
//!   cargo bench -p cinder-worker --bench gemm [-- SIZE ...]

use std::time::Duration;

use cinder_worker::{
	bench::best_of,
	freivalds,
	gemm::{self, Shape},
	gpu::{Gpu, GpuGemm},
	inputs::gemm_inputs,
};

fn main() {
	let sizes: Vec<usize> =
		std::env::args().skip(1).filter_map(|arg| arg.parse().ok()).collect::<Vec<_>>();
	let sizes = if sizes.is_empty() { vec![256, 512, 1024] } else { sizes };
	let threads = gemm::default_threads();
	let gpu = Gpu::new().unwrap_or_else(|error| panic!("{error}"));
	let adapter = gpu.info();
	println!(
		"int8 GEMM: CPU twin on {threads} thread(s); GPU kernels on {} ({:?}, {}), tiled \
		 products {:?}",
		adapter.name,
		adapter.backend,
		adapter.driver_info,
		gpu.products()
	);
	println!("GOPS = 2·n³ / time, best of 3 runs or of 0.2 s of runs");
	println!(
		"{:>6} {:>8} {:>8} {:>8} {:>9} {:>8} {:>10} {:>9}",
		"n", "naive", "twin", "GPU", "GPU", "tiled ÷", "Freivalds", "twin ÷"
	);
	println!(
		"{:>6} {:>8} {:>8} {:>8} {:>9} {:>8} {:>10} {:>9}",
		"", "CPU", "CPU", "naive", "tiled", "GPU naive", "ms", "check"
	);
	for n in sizes {
		let shape = Shape { m: n, n, k: n };
		let (a, b) = gemm_inputs([1; 32], n, n, n);
		let ops = 2.0 * shape.macs() as f64;
		let (naive_time, expected) = best_of(|| gemm::naive(&a, &b, shape));
		let (twin_time, c) = best_of(|| gemm::cpu(&a, &b, shape, threads));
		assert_eq!(c, expected, "the twin agrees with the definition at n = {n}");
		let gpu_run = |kernel| {
			let (time, out) = best_of(|| gpu.gemm(kernel, &a, &b, shape));
			let out = out.unwrap_or_else(|error| panic!("{error}"));
			assert_eq!(out, expected, "the GPU's {kernel:?} kernel agrees at n = {n}");
			time
		};
		let (gpu_naive, gpu_tiled) = (gpu_run(GpuGemm::Naive), gpu_run(GpuGemm::Tiled));
		let (check_time, ok) =
			best_of(|| freivalds::check(&a, &b, &c, shape, [2; 32], freivalds::ROUNDS));
		assert!(ok, "Freivalds accepts the right output at n = {n}");
		let gops = |t: Duration| ops / t.as_secs_f64() / 1e9;
		let ratio = |slow: Duration, fast: Duration| slow.as_secs_f64() / fast.as_secs_f64();
		println!(
			"{n:>6} {:>8.2} {:>8.2} {:>8.2} {:>9.2} {:>8.1}× {:>10.2} {:>8.1}×",
			gops(naive_time),
			gops(twin_time),
			gops(gpu_naive),
			gops(gpu_tiled),
			ratio(gpu_naive, gpu_tiled),
			check_time.as_secs_f64() * 1e3,
			ratio(twin_time, check_time),
		);
	}
}
