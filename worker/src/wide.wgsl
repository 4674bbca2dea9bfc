// 64-bit integer helpers for kernels that need a product wider than 32 bits (WGSL core has no
// i64). A 64-bit value is vec2<u32>(low word, high word), two's complement.

// The exact signed product a·b.
fn mul_wide(a: i32, b: i32) -> vec2<u32> {
	let ua = bitcast<u32>(a);
	let ub = bitcast<u32>(b);
	let a0 = ua & 0xffffu;
	let a1 = ua >> 16u;
	let b0 = ub & 0xffffu;
	let b1 = ub >> 16u;
	let p00 = a0 * b0;
	let p01 = a0 * b1;
	let p10 = a1 * b0;
	let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
	let lo = (p00 & 0xffffu) | (mid << 16u);
	var hi = a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
	// The unsigned product, corrected for negative operands (mod 2⁶⁴).
	if (a < 0) {
		hi -= ub;
	}
	if (b < 0) {
		hi -= ua;
	}
	return vec2<u32>(lo, hi);
}

// x + y (mod 2⁶⁴).
fn add_wide(x: vec2<u32>, y: vec2<u32>) -> vec2<u32> {
	let lo = x.x + y.x;
	return vec2<u32>(lo, x.y + y.y + select(0u, 1u, lo < x.x));
}

// 2^s, 0 ≤ s ≤ 62.
fn pow2_wide(s: u32) -> vec2<u32> {
	if (s < 32u) {
		return vec2<u32>(1u << s, 0u);
	}
	return vec2<u32>(0u, 1u << (s - 32u));
}

// x >> s, arithmetic (rounding toward −∞), 1 ≤ s ≤ 62.
fn shr_wide(x: vec2<u32>, s: u32) -> vec2<u32> {
	let hi = bitcast<i32>(x.y);
	if (s < 32u) {
		return vec2<u32>((x.x >> s) | (x.y << (32u - s)), bitcast<u32>(hi >> s));
	}
	return vec2<u32>(bitcast<u32>(hi >> (s - 32u)), bitcast<u32>(hi >> 31u));
}

// x clamped to [lo, hi], both i32.
fn clamp_wide(x: vec2<u32>, lo: i32, hi: i32) -> i32 {
	let high = bitcast<i32>(x.y);
	let low = bitcast<i32>(x.x);
	// x fits in i32 exactly when its high word is the sign extension of its low word.
	if (high == (low >> 31u)) {
		return clamp(low, lo, hi);
	}
	return select(hi, lo, high < 0);
}
