//! The int8 GEMM kernels against each other, in one run: the naive definition (the baseline),
//! the CPU twin, and Freivalds' check of the twin's output, at n = 256, 512, 1024 (square).
//! Prints GOPS (2 ops per multiply-add) and ratios to the naive kernel measured in the same
//! run, best of 3.
//!
//!   cargo bench -p cinder-worker --bench gemm [-- SIZE ...]

use std::time::{Duration, Instant};

use cinder_worker::{
	freivalds,
	gemm::{self, Shape},
	inputs::gemm_inputs,
};

/// The best of three runs of `f`.
fn best_of_3<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
	let mut best = None::<(Duration, T)>;
	for _ in 0..3 {
		let start = Instant::now();
		let out = f();
		let took = start.elapsed();
		if best.as_ref().is_none_or(|(b, _)| took < *b) {
			best = Some((took, out));
		}
	}
	best.expect("three runs")
}

fn main() {
	let sizes: Vec<usize> =
		std::env::args().skip(1).filter_map(|arg| arg.parse().ok()).collect::<Vec<_>>();
	let sizes = if sizes.is_empty() { vec![256, 512, 1024] } else { sizes };
	let threads = gemm::default_threads();
	println!("int8 GEMM, {threads} thread(s) for the CPU twin; GOPS = 2·n³ / time");
	println!(
		"{:>6} {:>12} {:>12} {:>8} {:>14} {:>10}",
		"n", "naive GOPS", "twin GOPS", "twin ×", "Freivalds ms", "check ×"
	);
	for n in sizes {
		let shape = Shape { m: n, n, k: n };
		let (a, b) = gemm_inputs([1; 32], n, n, n);
		let ops = 2.0 * shape.macs() as f64;
		let (naive_time, expected) = best_of_3(|| gemm::naive(&a, &b, shape));
		let (twin_time, c) = best_of_3(|| gemm::cpu(&a, &b, shape, threads));
		assert_eq!(c, expected, "the twin agrees with the definition at n = {n}");
		let (check_time, ok) =
			best_of_3(|| freivalds::check(&a, &b, &c, shape, [2; 32], freivalds::ROUNDS));
		assert!(ok, "Freivalds accepts the right output at n = {n}");
		let gops = |t: Duration| ops / t.as_secs_f64() / 1e9;
		println!(
			"{n:>6} {:>12.2} {:>12.2} {:>8.1} {:>14.2} {:>10.1}",
			gops(naive_time),
			gops(twin_time),
			naive_time.as_secs_f64() / twin_time.as_secs_f64(),
			check_time.as_secs_f64() * 1e3,
			twin_time.as_secs_f64() / check_time.as_secs_f64(),
		);
	}
	println!("twin × = naive time / twin time; check × = twin time / Freivalds time");
}
