//! The kernels on a WebGPU adapter through wgpu: any GPU, or lavapipe (Mesa's software Vulkan)
//! on a machine without one. Integer only, so every adapter returns the CPU twin's bits.

use std::{fmt, sync::mpsc};

use wgpu::util::DeviceExt;

use crate::{
	gemm::{self, Shape},
	mlp::Layer,
	output,
	render::Tile,
};

/// The WGSL of the GEMM and MLP kernels (`gemm_naive`, `gemm_tiled`, `mlp_layer`).
pub const GEMM_WGSL: &str = concat!(include_str!("wide.wgsl"), include_str!("gemm.wgsl"));
/// The WGSL of the render kernel (`render_tile`).
pub const RENDER_WGSL: &str = concat!(include_str!("wide.wgsl"), include_str!("render.wgsl"));

/// Why a GPU kernel could not run.
#[derive(Debug)]
pub enum GpuError {
	/// No adapter: no GPU driver and no lavapipe.
	NoAdapter(String),
	/// The adapter refused a device.
	NoDevice(String),
	/// An operand is over the adapter's storage-buffer limit.
	TooLarge { bytes: u64, limit: u64 },
	/// The output could not be read back.
	Readback(String),
}

impl fmt::Display for GpuError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			GpuError::NoAdapter(why) => write!(
				f,
				"no GPU adapter ({why}): install a GPU driver, or Mesa's lavapipe \
				 (`apt-get install mesa-vulkan-drivers libvulkan1`), or use `--backend cpu`"
			),
			GpuError::NoDevice(why) => write!(f, "the GPU adapter refused a device: {why}"),
			GpuError::TooLarge { bytes, limit } => write!(
				f,
				"an operand of {bytes} bytes is over this adapter's {limit}-byte storage binding \
				 limit: split the job or use `--backend cpu`"
			),
			GpuError::Readback(why) => write!(f, "reading the output back failed: {why}"),
		}
	}
}

impl std::error::Error for GpuError {}

/// Which GEMM kernel runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GpuGemm {
	/// One output per invocation: the baseline.
	Naive,
	/// A 4×4 block of outputs per invocation, each loaded word used four times.
	Tiled,
}

/// An adapter, its device and the compiled kernels.
pub struct Gpu {
	device: wgpu::Device,
	queue: wgpu::Queue,
	info: wgpu::AdapterInfo,
	naive: wgpu::ComputePipeline,
	tiled: wgpu::ComputePipeline,
	mlp: wgpu::ComputePipeline,
	render: wgpu::ComputePipeline,
	max_binding: u64,
}

/// A storage buffer a kernel reads: its binding and its words.
struct Input<'a> {
	binding: u32,
	words: &'a [u32],
}

/// Packs `rows` rows of `len` i8 values four to a u32 (little-endian bytes), each row padded
/// with zeros to whole words.
fn pack_rows(values: &[i8], rows: usize, len: usize) -> Vec<u32> {
	let words = len.div_ceil(4);
	let mut packed = vec![0u32; rows * words];
	for r in 0..rows {
		for (w, chunk) in values[r * len..(r + 1) * len].chunks(4).enumerate() {
			let mut bytes = [0u8; 4];
			for (byte, value) in bytes.iter_mut().zip(chunk) {
				*byte = *value as u8;
			}
			packed[r * words + w] = u32::from_le_bytes(bytes);
		}
	}
	packed
}

/// A GEMM's operands as the kernels read them: A's rows and Bᵀ's rows packed, and the words
/// per row.
fn packed_operands(a: &[i8], b: &[i8], shape: Shape) -> (Vec<u32>, Vec<u32>, u32) {
	let Shape { m, n, k } = shape;
	let bt = gemm::transpose(b, k, n);
	(pack_rows(a, m, k), pack_rows(&bt, n, k), k.div_ceil(4) as u32)
}

impl Gpu {
	/// The adapter wgpu picks (`WGPU_BACKEND`, `WGPU_ADAPTER_NAME` and the other `WGPU_*`
	/// variables apply), with a device at the default limits and the kernels compiled.
	pub fn new() -> Result<Self, GpuError> {
		let instance =
			wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
		let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
			power_preference: wgpu::PowerPreference::HighPerformance,
			..Default::default()
		}))
		.map_err(|error| GpuError::NoAdapter(error.to_string()))?;
		let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
			label: Some("cinder-worker"),
			required_limits: wgpu::Limits::defaults(),
			..Default::default()
		}))
		.map_err(|error| GpuError::NoDevice(error.to_string()))?;
		let module = |label: &str, wgsl: &'static str| {
			device.create_shader_module(wgpu::ShaderModuleDescriptor {
				label: Some(label),
				source: wgpu::ShaderSource::Wgsl(wgsl.into()),
			})
		};
		let (gemm, render) = (module("gemm", GEMM_WGSL), module("render", RENDER_WGSL));
		let pipeline = |module: &wgpu::ShaderModule, entry: &str| {
			device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
				label: Some(entry),
				layout: None,
				module,
				entry_point: Some(entry),
				compilation_options: Default::default(),
				cache: None,
			})
		};
		let (naive, tiled) = (pipeline(&gemm, "gemm_naive"), pipeline(&gemm, "gemm_tiled"));
		let (mlp, render) = (pipeline(&gemm, "mlp_layer"), pipeline(&render, "render_tile"));
		let max_binding = device.limits().max_storage_buffer_binding_size;
		Ok(Gpu { info: adapter.get_info(), device, queue, naive, tiled, mlp, render, max_binding })
	}

	/// The adapter: name, driver, device type, backend.
	pub fn info(&self) -> &wgpu::AdapterInfo {
		&self.info
	}

	/// C = A·B (A m×k, B k×n, row-major) by `kernel`: the bits of [`crate::gemm::naive`].
	pub fn gemm(
		&self,
		kernel: GpuGemm,
		a: &[i8],
		b: &[i8],
		shape: Shape,
	) -> Result<Vec<i32>, GpuError> {
		let Shape { m, n, .. } = shape;
		shape.check(a, b);
		if m == 0 || n == 0 {
			return Ok(vec![0; m * n]);
		}
		let (a_words, bt_words, k4) = packed_operands(a, b, shape);
		let dims = [m as u32, n as u32, k4, 0, 0, 0, 0, 0];
		let (pipeline, groups) = match kernel {
			GpuGemm::Naive => (&self.naive, ((n as u32).div_ceil(8), (m as u32).div_ceil(8))),
			GpuGemm::Tiled => (&self.tiled, blocks_of_4x4(m, n)),
		};
		let inputs =
			[Input { binding: 1, words: &a_words }, Input { binding: 2, words: &bt_words }];
		let c = self.dispatch(pipeline, &dims, &inputs, 4, m * n, groups)?;
		Ok(c.into_iter().map(|word| word as i32).collect())
	}

	/// One MLP layer on `batch` rows `x`: the bits of [`crate::mlp::layer_naive`].
	pub fn mlp_layer(&self, layer: &Layer, x: &[i8], batch: usize) -> Result<Vec<i8>, GpuError> {
		let shape = layer.shape(batch);
		let Shape { m, n, .. } = shape;
		shape.check(x, &layer.weights);
		assert_eq!(layer.biases.len(), n, "one bias per output");
		if m == 0 || n == 0 {
			return Ok(Vec::new());
		}
		let (x_words, wt_words, k4) = packed_operands(x, &layer.weights, shape);
		let bias_words: Vec<u32> = layer.biases.iter().map(|b| *b as u32).collect();
		let requant = layer.requant;
		let dims = [
			m as u32,
			n as u32,
			k4,
			requant.multiplier as u32,
			requant.shift,
			requant.floor() as u32,
			0,
			0,
		];
		let inputs = [
			Input { binding: 1, words: &x_words },
			Input { binding: 2, words: &wt_words },
			Input { binding: 3, words: &bias_words },
		];
		let out = self.dispatch(&self.mlp, &dims, &inputs, 4, m * n, blocks_of_4x4(m, n))?;
		Ok(out.into_iter().map(|word| word as i32 as i8).collect())
	}

	/// Every layer of `layers` in turn: the bits of [`crate::mlp::forward_cpu`].
	pub fn mlp(&self, layers: &[Layer], x: &[i8], batch: usize) -> Result<Vec<i8>, GpuError> {
		layers.iter().try_fold(x.to_vec(), |rows, layer| self.mlp_layer(layer, &rows, batch))
	}

	/// A render tile: the bits of [`crate::render::cpu`].
	pub fn render(&self, tile: &Tile) -> Result<Vec<u32>, GpuError> {
		if tile.pixels() == 0 {
			return Ok(Vec::new());
		}
		let uniform = [
			tile.width,
			tile.height,
			tile.max_iterations,
			tile.center_re as u32,
			tile.center_im as u32,
			tile.step as u32,
			0,
			0,
		];
		let groups = (tile.width.div_ceil(8), tile.height.div_ceil(8));
		self.dispatch(&self.render, &uniform, &[], 1, tile.pixels(), groups)
	}

	/// Runs `pipeline` over `groups` workgroups with `uniform` at binding 0, `inputs` and an
	/// output of `out_words` words at binding `out_binding`; the output read back.
	fn dispatch(
		&self,
		pipeline: &wgpu::ComputePipeline,
		uniform: &[u32],
		inputs: &[Input<'_>],
		out_binding: u32,
		out_words: usize,
		groups: (u32, u32),
	) -> Result<Vec<u32>, GpuError> {
		let out_bytes = out_words as u64 * 4;
		for bytes in inputs.iter().map(|input| input.words.len() as u64 * 4).chain([out_bytes]) {
			if bytes > self.max_binding {
				return Err(GpuError::TooLarge { bytes, limit: self.max_binding });
			}
		}
		let init = |label: &str, words: &[u32], usage| {
			// A zero-length storage binding is invalid: an empty operand (k = 0) binds one
			// word.
			let bytes = if words.is_empty() { vec![0u8; 4] } else { output::u32_bytes(words) };
			self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
				label: Some(label),
				contents: &bytes,
				usage,
			})
		};
		let uniform_buffer = init("uniform", uniform, wgpu::BufferUsages::UNIFORM);
		let input_buffers: Vec<(u32, wgpu::Buffer)> = inputs
			.iter()
			.map(|input| (input.binding, init("input", input.words, wgpu::BufferUsages::STORAGE)))
			.collect();
		let out_buffer = self.device.create_buffer(&wgpu::BufferDescriptor {
			label: Some("output"),
			size: out_bytes,
			usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
			mapped_at_creation: false,
		});
		let readback = self.device.create_buffer(&wgpu::BufferDescriptor {
			label: Some("readback"),
			size: out_bytes,
			usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
			mapped_at_creation: false,
		});
		let mut entries =
			vec![wgpu::BindGroupEntry { binding: 0, resource: uniform_buffer.as_entire_binding() }];
		entries.extend(input_buffers.iter().map(|(binding, buffer)| wgpu::BindGroupEntry {
			binding: *binding,
			resource: buffer.as_entire_binding(),
		}));
		entries.push(wgpu::BindGroupEntry {
			binding: out_binding,
			resource: out_buffer.as_entire_binding(),
		});
		let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
			label: None,
			layout: &pipeline.get_bind_group_layout(0),
			entries: &entries,
		});
		let mut encoder = self.device.create_command_encoder(&Default::default());
		{
			let mut pass = encoder.begin_compute_pass(&Default::default());
			pass.set_pipeline(pipeline);
			pass.set_bind_group(0, &bind_group, &[]);
			pass.dispatch_workgroups(groups.0, groups.1, 1);
		}
		encoder.copy_buffer_to_buffer(&out_buffer, 0, &readback, 0, out_bytes);
		self.queue.submit([encoder.finish()]);
		let (sender, receiver) = mpsc::channel();
		readback.map_async(wgpu::MapMode::Read, .., move |result| {
			let _ = sender.send(result);
		});
		self.device
			.poll(wgpu::PollType::wait_indefinitely())
			.map_err(|error| GpuError::Readback(error.to_string()))?;
		receiver
			.recv()
			.map_err(|error| GpuError::Readback(error.to_string()))?
			.map_err(|error| GpuError::Readback(error.to_string()))?;
		let view =
			readback.get_mapped_range(..).map_err(|error| GpuError::Readback(error.to_string()))?;
		let words = view
			.chunks_exact(4)
			.map(|bytes| u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
			.collect();
		drop(view);
		readback.unmap();
		Ok(words)
	}
}

/// Workgroups of 8×8 invocations, each a 4×4 block of an m×n output.
fn blocks_of_4x4(m: usize, n: usize) -> (u32, u32) {
	((n as u32).div_ceil(4).div_ceil(8), (m as u32).div_ceil(4).div_ceil(8))
}
