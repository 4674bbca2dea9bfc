//! The WGSL kernels on the machine's adapter (lavapipe in CI) against the CPU definition, bit
//! for bit, on fresh random inputs and ragged shapes. A machine without an adapter fails these
//! tests with the fix in the message: they never pass without running.

use std::sync::OnceLock;

use cinder_worker::{
	bench,
	gemm::{self, Shape},
	gpu::{Gpu, GpuGemm},
	inputs::{gemm_inputs, mlp_inputs},
	mlp::{self, Model, Requant},
	render::{self, Tile},
	tiled::Products,
};
use proptest::prelude::*;

/// The machine's adapter, twice: the tiled kernels forming their products each way (both
/// must give the definition's bits, whichever an adapter uses).
fn gpus() -> &'static [Gpu; 2] {
	static GPUS: OnceLock<[Gpu; 2]> = OnceLock::new();
	GPUS.get_or_init(|| {
		let open =
			|products| Gpu::with_products(Some(products)).unwrap_or_else(|error| panic!("{error}"));
		let gpus = [open(Products::Packed), open(Products::Offset)];
		eprintln!("GPU kernels on {:?}", gpus[0].info());
		gpus
	})
}

/// The adapter, its tiled kernels in the form it would use itself.
fn gpu() -> &'static Gpu {
	let gpus = gpus();
	gpus.iter()
		.find(|gpu| gpu.products() == Products::for_adapter(gpu.info().device_type))
		.expect("one of both forms")
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
		prop_assert_eq!(gpu().gemm(GpuGemm::Naive, &a, &b, shape).unwrap(), expected.clone());
		for gpu in gpus() {
			prop_assert_eq!(gpu.gemm(GpuGemm::Tiled, &a, &b, shape).unwrap(), expected.clone());
		}
	}
}

#[test]
fn extreme_values_and_a_long_k_sum_exactly_on_the_gpu() {
	// -128 · -128 summed 4,099 times (k not a multiple of 4): 67,158,016.
	let shape = Shape { m: 9, n: 7, k: 4_099 };
	let a = vec![-128i8; shape.m * shape.k];
	let b = vec![-128i8; shape.k * shape.n];
	let runs =
		[(gpu(), GpuGemm::Naive), (&gpus()[0], GpuGemm::Tiled), (&gpus()[1], GpuGemm::Tiled)];
	for (gpu, kernel) in runs {
		let c = gpu.gemm(kernel, &a, &b, shape).unwrap();
		assert!(c.iter().all(|&x| x == 16_384 * 4_099), "{kernel:?}, {:?}", gpu.products());
	}
	// Mixed signs at the extremes, both ways round.
	let shape = Shape { m: 3, n: 5, k: 64 };
	for (x, y) in [(127i8, -128i8), (-128, 127), (-128, -128), (127, 127)] {
		let (a, b) = (vec![x; 3 * 64], vec![y; 64 * 5]);
		for gpu in gpus() {
			let c = gpu.gemm(GpuGemm::Tiled, &a, &b, shape).unwrap();
			assert_eq!(c, gemm::naive(&a, &b, shape), "{x}·{y}, {:?}", gpu.products());
		}
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(24))]
	/// Fresh layers, ragged shapes, every requantization the convention gives and extreme
	/// ones: the WGSL layer equals the definition on every output.
	#[test]
	fn the_gpu_mlp_layer_matches_the_definition_bit_for_bit(
		batch in 1usize..20, inputs in 1usize..70, outputs in 1usize..40,
		seed in any::<[u8; 32]>(), multiplier in 1i32..=i32::MAX, shift in 1u32..=62,
		relu in any::<bool>(),
	) {
		let mut layer = Model::seeded(seed, &[(inputs, outputs)]).layers.remove(0);
		let x = mlp_inputs(seed, batch, inputs);
		for gpu in gpus() {
			prop_assert_eq!(
				gpu.mlp_layer(&layer, &x, batch).unwrap(),
				mlp::layer_naive(&layer, &x, batch)
			);
		}
		layer.requant = Requant { multiplier, shift, relu };
		for gpu in gpus() {
			prop_assert_eq!(
				gpu.mlp_layer(&layer, &x, batch).unwrap(),
				mlp::layer_naive(&layer, &x, batch)
			);
		}
	}

	/// Any tile, extreme centres and steps included: the WGSL kernel equals the CPU twin.
	#[test]
	fn the_gpu_render_tile_matches_the_cpu_twin_bit_for_bit(
		width in 1u32..40, height in 1u32..40, max_iterations in 0u32..100,
		center_re in any::<i32>(), center_im in any::<i32>(), step in any::<i32>(),
	) {
		let tile = Tile { width, height, max_iterations, center_re, center_im, step };
		prop_assert_eq!(gpu().render(&tile).unwrap(), render::cpu(&tile, 2));
	}
}

#[test]
fn the_demo_model_runs_identically_on_the_gpu() {
	let model = Model::seeded([11; 32], &bench::DEMO_MODEL);
	let x = mlp_inputs([12; 32], 16, 256);
	assert_eq!(
		gpu().mlp(&model.layers, &x, 16).unwrap(),
		mlp::forward_cpu(&model.layers, &x, 16, 2)
	);
}

#[test]
fn the_set_renders_identically_on_the_gpu() {
	let one = render::ONE;
	let tile = Tile {
		width: 96,
		height: 64,
		max_iterations: 256,
		center_re: -one / 2,
		center_im: 0,
		step: one / 32,
	};
	let image = gpu().render(&tile).unwrap();
	assert_eq!(image, render::cpu(&tile, 2));
	assert!(image.contains(&256) && image.iter().any(|i| *i < 4), "inside and outside both show");
}
