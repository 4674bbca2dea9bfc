//! The WGSL kernels on the machine's adapter (lavapipe in CI) against the CPU definition, bit
//! for bit, on fresh random inputs and ragged shapes. A machine without an adapter fails these
//! tests with the fix in the message: they never pass without running.

use std::sync::OnceLock;

use cinder_worker::{
	gemm::{self, Shape},
	gpu::{Gpu, GpuGemm},
	inputs::gemm_inputs,
};
use proptest::prelude::*;

fn gpu() -> &'static Gpu {
	static GPU: OnceLock<Gpu> = OnceLock::new();
	GPU.get_or_init(|| {
		let gpu = Gpu::new().unwrap_or_else(|error| panic!("{error}"));
		eprintln!("GPU kernels on {:?}", gpu.info());
		gpu
	})
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(24))]
	#[test]
	fn both_gpu_kernels_match_the_definition_bit_for_bit(
		m in 1usize..40, n in 1usize..40, k in 0usize..70, seed in any::<[u8; 32]>(),
	) {
		let shape = Shape { m, n, k };
		let (a, b) = gemm_inputs(seed, m, n, k);
		let expected = gemm::naive(&a, &b, shape);
		for kernel in [GpuGemm::Naive, GpuGemm::Tiled] {
			prop_assert_eq!(gpu().gemm(kernel, &a, &b, shape).unwrap(), expected.clone());
		}
	}
}

#[test]
fn extreme_values_and_a_long_k_sum_exactly_on_the_gpu() {
	// -128 · -128 summed 4,099 times (k not a multiple of 4): 67,158,016.
	let shape = Shape { m: 9, n: 7, k: 4_099 };
	let a = vec![-128i8; shape.m * shape.k];
	let b = vec![-128i8; shape.k * shape.n];
	for kernel in [GpuGemm::Naive, GpuGemm::Tiled] {
		let c = gpu().gemm(kernel, &a, &b, shape).unwrap();
		assert!(c.iter().all(|&x| x == 16_384 * 4_099), "{kernel:?}");
	}
	// Mixed signs at the extremes.
	let (a, b) = (vec![127i8; 3 * 64], vec![-128i8; 64 * 5]);
	let shape = Shape { m: 3, n: 5, k: 64 };
	assert_eq!(gpu().gemm(GpuGemm::Tiled, &a, &b, shape).unwrap(), gemm::naive(&a, &b, shape));
}
