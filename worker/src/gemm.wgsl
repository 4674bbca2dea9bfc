// The int8 GEMM, C (m×n, i32) = A (m×k, i8) · B (k×n, i8), on any WebGPU adapter, and the MLP
// layer: the same GEMM plus a bias, requantized to i8 (needs wide.wgsl before it).
//
// A's rows and Bᵀ's rows are packed four i8 to a u32 (k padded with zeros to k4 words), so
// `dot4I8Packed` multiplies four pairs and sums them exactly. Sums are i32 and wrap, as integer
// arithmetic does in WGSL at run time: the same bits as the CPU twin, in any order.

struct Dims {
	m: u32,
	n: u32,
	k4: u32,
	// The MLP layer's requantization (unused by the plain GEMM): multiplier, shift, the
	// lowest output (0 with ReLU, else -128).
	multiplier: i32,
	shift: u32,
	floor: i32,
	_pad0: u32,
	_pad1: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> bt: array<u32>;
@group(0) @binding(3) var<storage, read> bias: array<i32>;
@group(0) @binding(4) var<storage, read_write> c: array<i32>;

// One output per invocation: the baseline.
@compute @workgroup_size(8, 8)
fn gemm_naive(@builtin(global_invocation_id) id: vec3<u32>) {
	let i = id.y;
	let j = id.x;
	if (i >= dims.m || j >= dims.n) {
		return;
	}
	var acc = 0i;
	for (var w = 0u; w < dims.k4; w++) {
		acc += dot4I8Packed(a[i * dims.k4 + w], bt[j * dims.k4 + w]);
	}
	c[i * dims.n + j] = acc;
}

// The 4×4 block of sums whose top-left output is (row0, col0): each packed word of A and Bᵀ is
// read once for 16 products. Rows and columns past the edge read the last one (the caller
// drops their sums).
fn block_sums(row0: u32, col0: u32) -> array<vec4<i32>, 4> {
	var acc: array<vec4<i32>, 4>;
	var a_base: array<u32, 4>;
	var b_base: array<u32, 4>;
	for (var r = 0u; r < 4u; r++) {
		a_base[r] = min(row0 + r, dims.m - 1u) * dims.k4;
		b_base[r] = min(col0 + r, dims.n - 1u) * dims.k4;
	}
	for (var w = 0u; w < dims.k4; w++) {
		let b0 = bt[b_base[0] + w];
		let b1 = bt[b_base[1] + w];
		let b2 = bt[b_base[2] + w];
		let b3 = bt[b_base[3] + w];
		for (var r = 0u; r < 4u; r++) {
			let x = a[a_base[r] + w];
			acc[r] += vec4<i32>(
				dot4I8Packed(x, b0),
				dot4I8Packed(x, b1),
				dot4I8Packed(x, b2),
				dot4I8Packed(x, b3),
			);
		}
	}
	return acc;
}

// Writes the 4×4 block whose top-left output is (row0, col0) to C, dropping what lies past the
// edges.
fn store_block(row0: u32, col0: u32, block: array<vec4<i32>, 4>) {
	for (var r = 0u; r < 4u; r++) {
		let i = row0 + r;
		if (i >= dims.m) {
			break;
		}
		for (var s = 0u; s < 4u; s++) {
			let j = col0 + s;
			if (j < dims.n) {
				c[i * dims.n + j] = block[r][s];
			}
		}
	}
}

// A 4×4 block of outputs per invocation.
@compute @workgroup_size(8, 8)
fn gemm_tiled(@builtin(global_invocation_id) id: vec3<u32>) {
	let row0 = id.y * 4u;
	let col0 = id.x * 4u;
	if (row0 >= dims.m || col0 >= dims.n) {
		return;
	}
	store_block(row0, col0, block_sums(row0, col0));
}

// One MLP layer, a 4×4 block of outputs per invocation: clamp((bias + sum) · multiplier +
// 2^(shift-1)) >> shift to [floor, 127], the product and shift exact in 64 bits. Each output
// is written as an i32 in [-128, 127].
@compute @workgroup_size(8, 8)
fn mlp_layer(@builtin(global_invocation_id) id: vec3<u32>) {
	let row0 = id.y * 4u;
	let col0 = id.x * 4u;
	if (row0 >= dims.m || col0 >= dims.n) {
		return;
	}
	var block = block_sums(row0, col0);
	let half = pow2_wide(dims.shift - 1u);
	for (var s = 0u; s < 4u; s++) {
		// Columns past the edge take the last bias (their outputs are dropped).
		let b = bias[min(col0 + s, dims.n - 1u)];
		for (var r = 0u; r < 4u; r++) {
			let product = mul_wide(block[r][s] + b, dims.multiplier);
			let scaled = shr_wide(add_wide(product, half), dims.shift);
			block[r][s] = clamp_wide(scaled, dims.floor, 127);
		}
	}
	store_block(row0, col0, block);
}
