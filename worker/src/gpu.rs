//! The kernels on a WebGPU adapter through wgpu: any GPU, or lavapipe (Mesa's software Vulkan)
//! on a machine without one. Integer only, so every adapter returns the CPU twin's bits.

use std::{fmt, sync::mpsc};

use wgpu::util::DeviceExt;

use crate::{
	gemm::{self, Shape},
	mlp::Layer,
	output,
	render::Tile,
	tiled::{self, Products},
};

/// The WGSL of the GEMM and MLP kernels (`gemm_naive`, `gemm_tiled`, `mlp_layer`), the tiled
/// ones forming their products as `products` says.
pub fn gemm_wgsl(products: Products) -> String {
	[include_str!("wide.wgsl"), include_str!("gemm.wgsl"), &tiled::wgsl(products)].concat()
}
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
	/// An operand's texture is over the adapter's 2D texture size.
	TooManyTexels { width: u32, height: u32, limit: u32 },
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
			GpuError::TooManyTexels { width, height, limit } => write!(
				f,
				"an operand of {width}×{height} texels is over this adapter's {limit}-texel \
				 texture size: split the job or use `--backend cpu`"
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
	/// A block of 8×8 outputs per invocation ([`tiled`]), operands read as texels.
	Tiled,
}

/// An adapter, its device and the compiled kernels.
pub struct Gpu {
	device: wgpu::Device,
	queue: wgpu::Queue,
	info: wgpu::AdapterInfo,
	products: Products,
	naive: wgpu::ComputePipeline,
	tiled: wgpu::ComputePipeline,
	mlp: wgpu::ComputePipeline,
	render: wgpu::ComputePipeline,
	max_binding: u64,
	max_texture: u32,
}

/// What a kernel reads at a binding.
enum Input<'a> {
	/// A storage buffer of words.
	Words { binding: u32, words: &'a [u32] },
	/// A texture: `height` rows of `width` RGBA32Uint texels (16 bytes each).
	Texels { binding: u32, bytes: Vec<u8>, width: u32, height: u32 },
}

/// `rows` rows of `len` i8 as bytes, each row padded with zeros to whole units of `unit` bytes
/// (at least one); and the units per row.
fn padded_rows(values: &[i8], rows: usize, len: usize, unit: usize) -> (Vec<u8>, u32) {
	let units = len.div_ceil(unit).max(1);
	let mut bytes = vec![0u8; rows * units * unit];
	for r in 0..rows {
		let row = &values[r * len..(r + 1) * len];
		for (byte, value) in bytes[r * units * unit..].iter_mut().zip(row) {
			*byte = *value as u8;
		}
	}
	(bytes, units as u32)
}

/// Packs `rows` rows of `len` i8 values four to a u32 (little-endian bytes), each row padded
/// with zeros to whole words.
fn pack_rows(values: &[i8], rows: usize, len: usize) -> Vec<u32> {
	let (bytes, _) = padded_rows(values, rows, len, 4);
	bytes.chunks_exact(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect()
}

/// A GEMM's operands as the naive kernel reads them: A's rows and Bᵀ's rows packed, and the
/// words per row.
fn packed_operands(a: &[i8], b: &[i8], shape: Shape) -> (Vec<u32>, Vec<u32>, u32) {
	let Shape { m, n, k } = shape;
	let bt = gemm::transpose(b, k, n);
	(pack_rows(a, m, k), pack_rows(&bt, n, k), k.div_ceil(4) as u32)
}

/// An input bound for a dispatch.
enum Resource {
	Buffer(wgpu::Buffer),
	Texture(wgpu::TextureView),
}

/// A GEMM's operands as the tiled kernels read them: A's rows and Bᵀ's rows as textures
/// (bindings 5 and 6), and the texels per row.
fn texel_operands(a: &[i8], b: &[i8], shape: Shape) -> ([Input<'static>; 2], u32) {
	let Shape { m, n, k } = shape;
	let bt = gemm::transpose(b, k, n);
	let texture = |binding, values: &[i8], rows: usize| {
		// 16 i8 per texel, each row at least one texel (a texture can't be empty).
		let (bytes, width) = padded_rows(values, rows, k, 16);
		Input::Texels { binding, bytes, width, height: rows as u32 }
	};
	([texture(5, a, m), texture(6, &bt, n)], k.div_ceil(16) as u32)
}

impl Gpu {
	/// The adapter wgpu picks (`WGPU_BACKEND`, `WGPU_ADAPTER_NAME` and the other `WGPU_*`
	/// variables apply), with a device at the default limits and the kernels compiled, their
	/// products in the adapter's best form.
	pub fn new() -> Result<Self, GpuError> {
		Self::with_products(None)
	}

	/// As [`Gpu::new`], the tiled kernels' products formed as `products` says (the adapter's
	/// best form if `None`): tests check both forms on one adapter.
	pub fn with_products(products: Option<Products>) -> Result<Self, GpuError> {
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
		let info = adapter.get_info();
		let products = products.unwrap_or(Products::for_adapter(info.device_type));
		let gemm_source = gemm_wgsl(products);
		let module = |label: &str, wgsl: &str| {
			device.create_shader_module(wgpu::ShaderModuleDescriptor {
				label: Some(label),
				source: wgpu::ShaderSource::Wgsl(wgsl.into()),
			})
		};
		let (gemm, render) = (module("gemm", &gemm_source), module("render", RENDER_WGSL));
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
		let limits = device.limits();
		let (max_binding, max_texture) =
			(limits.max_storage_buffer_binding_size, limits.max_texture_dimension_2d);
		Ok(Gpu {
			info,
			products,
			device,
			queue,
			naive,
			tiled,
			mlp,
			render,
			max_binding,
			max_texture,
		})
	}

	/// The adapter: name, driver, device type, backend.
	pub fn info(&self) -> &wgpu::AdapterInfo {
		&self.info
	}

	/// How the tiled kernels form their products.
	pub fn products(&self) -> Products {
		self.products
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
		let c = match kernel {
			GpuGemm::Naive => {
				let (a_words, bt_words, k4) = packed_operands(a, b, shape);
				let dims = [m as u32, n as u32, k4, 0, 0, 0, 0, 0];
				let inputs = [
					Input::Words { binding: 1, words: &a_words },
					Input::Words { binding: 2, words: &bt_words },
				];
				let groups = ((n as u32).div_ceil(8), (m as u32).div_ceil(8));
				self.dispatch(&self.naive, &dims, &inputs, 4, m * n, groups)?
			}
			GpuGemm::Tiled => {
				let (texels, k16) = texel_operands(a, b, shape);
				let dims = [m as u32, n as u32, 0, 0, 0, 0, k16, 0];
				let groups = tiled::workgroups(m, n);
				self.dispatch(&self.tiled, &dims, &texels, 4, m * n, groups)?
			}
		};
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
		let (texels, k16) = texel_operands(x, &layer.weights, shape);
		let bias_words: Vec<u32> = layer.biases.iter().map(|b| *b as u32).collect();
		let requant = layer.requant;
		let dims = [
			m as u32,
			n as u32,
			0,
			requant.multiplier as u32,
			requant.shift,
			requant.floor() as u32,
			k16,
			0,
		];
		let [a_texels, bt_texels] = texels;
		let inputs = [Input::Words { binding: 3, words: &bias_words }, a_texels, bt_texels];
		let groups = tiled::workgroups(m, n);
		let out = self.dispatch(&self.mlp, &dims, &inputs, 4, m * n, groups)?;
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
		for input in inputs {
			match *input {
				Input::Words { words, .. } if words.len() as u64 * 4 > self.max_binding => {
					let bytes = words.len() as u64 * 4;
					return Err(GpuError::TooLarge { bytes, limit: self.max_binding });
				}
				Input::Texels { width, height, .. }
					if width > self.max_texture || height > self.max_texture =>
				{
					return Err(GpuError::TooManyTexels { width, height, limit: self.max_texture });
				}
				_ => {}
			}
		}
		if out_bytes > self.max_binding {
			return Err(GpuError::TooLarge { bytes: out_bytes, limit: self.max_binding });
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
		let resources: Vec<(u32, Resource)> = inputs
			.iter()
			.map(|input| match input {
				Input::Words { binding, words } => {
					(*binding, Resource::Buffer(init("input", words, wgpu::BufferUsages::STORAGE)))
				}
				Input::Texels { binding, bytes, width, height } => {
					let size =
						wgpu::Extent3d { width: *width, height: *height, depth_or_array_layers: 1 };
					let texture = self.device.create_texture_with_data(
						&self.queue,
						&wgpu::TextureDescriptor {
							label: Some("operand"),
							size,
							mip_level_count: 1,
							sample_count: 1,
							dimension: wgpu::TextureDimension::D2,
							format: wgpu::TextureFormat::Rgba32Uint,
							usage: wgpu::TextureUsages::TEXTURE_BINDING,
							view_formats: &[],
						},
						wgpu::util::TextureDataOrder::LayerMajor,
						bytes,
					);
					(*binding, Resource::Texture(texture.create_view(&Default::default())))
				}
			})
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
		entries.extend(resources.iter().map(|(binding, resource)| wgpu::BindGroupEntry {
			binding: *binding,
			resource: match resource {
				Resource::Buffer(buffer) => buffer.as_entire_binding(),
				Resource::Texture(view) => wgpu::BindingResource::TextureView(view),
			},
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
