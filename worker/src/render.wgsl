// The render tile: escape-time iterations of z ← z² + c in Q16.16 fixed point, one u32 per
// pixel (needs wide.wgsl before it). The same steps as the CPU definition: products exact in
// 64 bits shifted right by 16, sums wrapping in i32.

struct Tile {
	width: u32,
	height: u32,
	max_iterations: u32,
	center_re: i32,
	center_im: i32,
	step: i32,
	_pad0: u32,
	_pad1: u32,
}

@group(0) @binding(0) var<uniform> tile: Tile;
@group(0) @binding(1) var<storage, read_write> image: array<u32>;

const TWO: i32 = 131072;
const FOUR: i32 = 262144;

// ⌊a·b / 2¹⁶⌋ truncated to i32.
fn mul_q16(a: i32, b: i32) -> i32 {
	return bitcast<i32>(shr_wide(mul_wide(a, b), 16u).x);
}

@compute @workgroup_size(8, 8)
fn render_tile(@builtin(global_invocation_id) id: vec3<u32>) {
	let x = id.x;
	let y = id.y;
	if (x >= tile.width || y >= tile.height) {
		return;
	}
	let c_re = tile.center_re + (bitcast<i32>(x) - bitcast<i32>(tile.width / 2u)) * tile.step;
	let c_im = tile.center_im - (bitcast<i32>(y) - bitcast<i32>(tile.height / 2u)) * tile.step;
	var zr = 0i;
	var zi = 0i;
	var i = 0u;
	loop {
		if (i >= tile.max_iterations) {
			break;
		}
		if (zr < -TWO || zr > TWO || zi < -TWO || zi > TWO) {
			break;
		}
		let zr2 = mul_q16(zr, zr);
		let zi2 = mul_q16(zi, zi);
		if (zr2 + zi2 > FOUR) {
			break;
		}
		zi = mul_q16(zr, zi) * 2 + c_im;
		zr = zr2 - zi2 + c_re;
		i++;
	}
	image[y * tile.width + x] = i;
}
