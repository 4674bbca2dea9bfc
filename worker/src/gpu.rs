//! The kernels on a WebGPU adapter through wgpu: any GPU, or lavapipe (Mesa's software Vulkan)
//! on a machine without one. Integer only, so every adapter returns the CPU twin's bits.

use std::{fmt, sync::mpsc};

use wgpu::util::DeviceExt;

use crate::gemm::{self, Shape};

/// The WGSL of the GEMM kernels (`gemm_naive`, `gemm_tiled`).
pub const GEMM_WGSL: &str = include_str!("gemm.wgsl");

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
	max_binding: u64,
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
		let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
			label: Some("gemm"),
			source: wgpu::ShaderSource::Wgsl(GEMM_WGSL.into()),
		});
		let pipeline = |entry: &str| {
			device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
				label: Some(entry),
				layout: None,
				module: &module,
				entry_point: Some(entry),
				compilation_options: Default::default(),
				cache: None,
			})
		};
		let (naive, tiled) = (pipeline("gemm_naive"), pipeline("gemm_tiled"));
		let max_binding = device.limits().max_storage_buffer_binding_size;
		Ok(Gpu { info: adapter.get_info(), device, queue, naive, tiled, max_binding })
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
		let Shape { m, n, k } = shape;
		shape.check(a, b);
		if m == 0 || n == 0 {
			return Ok(vec![0; m * n]);
		}
		let bt = gemm::transpose(b, k, n);
		let (a_words, bt_words) = (pack_rows(a, m, k), pack_rows(&bt, n, k));
		let out_bytes = (m * n * 4) as u64;
		for bytes in [a_words.len() as u64 * 4, bt_words.len() as u64 * 4, out_bytes] {
			if bytes > self.max_binding {
				return Err(GpuError::TooLarge { bytes, limit: self.max_binding });
			}
		}
		let k4 = k.div_ceil(4) as u32;
		let dims = [m as u32, n as u32, k4, 0];
		// A zero-length storage binding is invalid: k = 0 still binds one word.
		let nonempty = |words: Vec<u32>| if words.is_empty() { vec![0u32] } else { words };
		let init = |label: &str, contents: &[u8], usage| {
			self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
				label: Some(label),
				contents,
				usage,
			})
		};
		let dims_buffer = init("dims", &words_bytes(&dims), wgpu::BufferUsages::UNIFORM);
		let a_buffer = init("a", &words_bytes(&nonempty(a_words)), wgpu::BufferUsages::STORAGE);
		let bt_buffer = init("bt", &words_bytes(&nonempty(bt_words)), wgpu::BufferUsages::STORAGE);
		let c_buffer = self.device.create_buffer(&wgpu::BufferDescriptor {
			label: Some("c"),
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
		let (pipeline, groups) = match kernel {
			GpuGemm::Naive => (&self.naive, ((n as u32).div_ceil(8), (m as u32).div_ceil(8))),
			GpuGemm::Tiled => (
				&self.tiled,
				((n as u32).div_ceil(4).div_ceil(8), (m as u32).div_ceil(4).div_ceil(8)),
			),
		};
		let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
			label: Some("gemm"),
			layout: &pipeline.get_bind_group_layout(0),
			entries: &[
				wgpu::BindGroupEntry { binding: 0, resource: dims_buffer.as_entire_binding() },
				wgpu::BindGroupEntry { binding: 1, resource: a_buffer.as_entire_binding() },
				wgpu::BindGroupEntry { binding: 2, resource: bt_buffer.as_entire_binding() },
				wgpu::BindGroupEntry { binding: 3, resource: c_buffer.as_entire_binding() },
			],
		});
		let mut encoder = self.device.create_command_encoder(&Default::default());
		{
			let mut pass = encoder.begin_compute_pass(&Default::default());
			pass.set_pipeline(pipeline);
			pass.set_bind_group(0, &bind_group, &[]);
			pass.dispatch_workgroups(groups.0, groups.1, 1);
		}
		encoder.copy_buffer_to_buffer(&c_buffer, 0, &readback, 0, out_bytes);
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
		let c = view
			.chunks_exact(4)
			.map(|bytes| i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
			.collect();
		drop(view);
		readback.unmap();
		Ok(c)
	}
}

/// u32 words as little-endian bytes.
fn words_bytes(words: &[u32]) -> Vec<u8> {
	words.iter().flat_map(|w| w.to_le_bytes()).collect()
}
