//! `cinder-worker job`: the user's side of a job.
//!
//! - `submit` sends a job: its spec, its input (a seed, a small file inline, or a URI whose
//!   bytes are hashed here so that workers can check them) and the most it pays per IBM; the
//!   chain escrows the price and routes the stages to workers (or queues the job).
//! - `result` follows the job block by block until it completes, then downloads the last
//!   stage's output from the data server of the worker that computed it and checks it against
//!   the Merkle root of the receipt on chain before writing it out.

use std::time::Duration;

use api::runtime_types::{
	bounded_collections::bounded_vec::BoundedVec,
	pallet_jobs::types::{Job, JobClass, JobInput, JobSpec, JobStatus, StageState, WhenNoWorker},
};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;

use crate::{
	chain::{self, api, At, Chain},
	fetch::Fetcher,
	hardware::format_cndr,
	stage,
	store::hex,
};

/// Most bytes of an input sent inline (the runtime's `MaxInlineInput`); larger inputs are
/// served over HTTP and sent as a URI and hash.
pub const MAX_INLINE_INPUT: usize = 4096;

/// A job spec from `gemm:MxNxK`, `mlp:MODEL:BATCH` or `render:WxH:ITERATIONS` (the tile
/// centred at −0.5 + 0i, 1/64 apart).
pub fn parse_spec(text: &str) -> Result<JobSpec, String> {
	let invalid = || {
		format!(
			"`{text}` is not a job spec: write `gemm:MxNxK` (e.g. gemm:256x256x256), \
			 `mlp:MODEL:BATCH` (e.g. mlp:0:8) or `render:WxH:ITERATIONS` (e.g. render:64x48:200)"
		)
	};
	let numbers = |part: &str, separator: char| -> Result<Vec<u32>, String> {
		part.split(separator).map(|n| n.parse::<u32>().map_err(|_| invalid())).collect()
	};
	let (kind, rest) = text.split_once(':').ok_or_else(invalid)?;
	match kind {
		"gemm" => match numbers(rest, 'x')?.as_slice() {
			&[m, n, k] => Ok(JobSpec::Int8Gemm { m, n, k }),
			_ => Err(invalid()),
		},
		"mlp" => match numbers(rest, ':')?.as_slice() {
			&[model, batch] => Ok(JobSpec::Int8Mlp { model, batch }),
			_ => Err(invalid()),
		},
		"render" => {
			let (size, iterations) = rest.split_once(':').ok_or_else(invalid)?;
			match (numbers(size, 'x')?.as_slice(), iterations.parse::<u32>()) {
				(&[width, height], Ok(max_iterations)) => Ok(JobSpec::RenderTile {
					width,
					height,
					max_iterations,
					center_re: -(1 << 15),
					center_im: 0,
					step: 1 << 10,
				}),
				_ => Err(invalid()),
			}
		}
		_ => Err(invalid()),
	}
}

/// A job class from `standard`, `background` or `pipeline:STAGES`.
pub fn parse_class(text: &str) -> Result<JobClass, String> {
	match text.split_once(':') {
		None if text == "standard" => Ok(JobClass::Standard),
		None if text == "background" => Ok(JobClass::Background),
		Some(("pipeline", stages)) => match stages.parse::<u8>() {
			Ok(stages) => Ok(JobClass::Pipeline { stages }),
			Err(_) => Err(format!("`{stages}` is not a stage count: write e.g. pipeline:2")),
		},
		_ => Err(format!(
			"`{text}` is not a job class: write `standard`, `background` or `pipeline:STAGES`"
		)),
	}
}

/// A seed from 64 hex digits, or the blake2-256 hash of any other text.
pub fn parse_seed(text: &str) -> [u8; 32] {
	crate::store::unhex(text).unwrap_or_else(|| sp_crypto_hashing::blake2_256(text.as_bytes()))
}

/// The first enabled workload that runs `spec`'s kernel.
pub async fn workload_for(at: &At, spec: &JobSpec) -> anyhow::Result<u32> {
	let wanted = chain::spec_of(spec).kernel();
	let entry = at.storage().entry(api::storage().jobs().workloads())?;
	let mut workloads = entry.iter(()).await?;
	while let Some(workload) = workloads.next().await {
		let workload = workload?;
		let (id,) = workload.key()?.decode()?;
		let record = workload.value().decode()?;
		if record.enabled && chain::kernel_of(&record.kind) == wanted {
			return Ok(id);
		}
	}
	anyhow::bail!("the chain has no enabled workload for {}", wanted.name())
}

/// Bytes of the input `spec` takes, read from the chain's model for an MLP.
pub async fn input_len(at: &At, spec: &JobSpec) -> anyhow::Result<u64> {
	let spec = chain::spec_of(spec);
	let model = match spec {
		stage::Spec::Mlp { model, .. } => Some(
			chain::model(at, model)
				.await?
				.ok_or_else(|| anyhow::anyhow!("model {model} is not registered"))?,
		),
		_ => None,
	};
	Ok(stage::input_len(&spec, model.as_ref()))
}

/// What to submit.
#[derive(Debug)]
pub struct Request {
	/// What to compute.
	pub spec: JobSpec,
	/// Its input.
	pub input: JobInput,
	/// The most paid per IBM, in plancks.
	pub max_price_per_ibm: u128,
	/// Its class.
	pub class: JobClass,
	/// The block it must be done by, if any.
	pub deadline: Option<u32>,
	/// Wait in the queue when no worker is free, instead of failing.
	pub queue: bool,
}

/// A submitted job.
#[derive(Clone, Debug)]
pub struct Submitted {
	/// Its id.
	pub job: u64,
	/// Work units, as the chain counts them.
	pub work_units: u64,
	/// Escrowed.
	pub escrow: u128,
	/// Held for the job's record until the chain prunes it (`retention` blocks after the job
	/// ends), then returned.
	pub deposit: u128,
	/// The worker of each assigned stage.
	pub workers: Vec<(u8, AccountId32)>,
	/// The block it waits in the queue until, if no worker took it.
	pub queued_until: Option<u32>,
}

/// Submits `request` signed by `key`.
pub async fn submit(chain: &Chain, key: &Keypair, request: Request) -> anyhow::Result<Submitted> {
	let at = chain.at_best().await?;
	let workload = workload_for(&at, &request.spec).await?;
	let call = api::tx().jobs().submit_job(
		workload,
		request.spec,
		request.input,
		request.max_price_per_ibm,
		request.class,
		request.deadline,
		if request.queue { WhenNoWorker::Queue } else { WhenNoWorker::Fail },
	);
	let events = chain::submit(chain, &call, key).await?;
	let submitted = events
		.find_first::<api::jobs::events::JobSubmitted>()
		.transpose()?
		.ok_or_else(|| anyhow::anyhow!("the chain took the call but reports no job"))?;
	let mut workers = Vec::new();
	for assigned in events.find::<api::jobs::events::StageAssigned>() {
		let assigned = assigned?;
		workers.push((assigned.stage, assigned.worker));
	}
	let queued = events.find_first::<api::jobs::events::JobQueued>().transpose()?;
	Ok(Submitted {
		job: submitted.job,
		work_units: submitted.work_units,
		escrow: submitted.escrow,
		deposit: submitted.deposit,
		workers,
		queued_until: queued.map(|queued| queued.until),
	})
}

/// Job `job` as the chain shows it at `at`, or `None` if there is none.
pub async fn record(at: &At, job: u64) -> anyhow::Result<Option<Job>> {
	Ok(at.runtime_apis().call(api::runtime_apis().jobs_api().job(job)).await?)
}

/// One line on where `job` is: its status and each stage's state.
pub fn describe(job: &Job) -> String {
	let status = match &job.status {
		JobStatus::Queued { until } => format!("queued until block {until}"),
		JobStatus::Running => "running".into(),
		JobStatus::Completed => "completed".into(),
		JobStatus::Failed(reason) => format!("failed ({reason:?})"),
		JobStatus::Cancelled => "cancelled".into(),
	};
	let stages: Vec<String> = job
		.stages
		.0
		.iter()
		.enumerate()
		.map(|(index, stage)| {
			let state = match stage.state {
				StageState::Unassigned => "unassigned".into(),
				StageState::Waiting => "waiting for its input".into(),
				StageState::Running { deadline } => format!("running, due by block {deadline}"),
				StageState::Verifying { accept_at: Some(at) } => {
					format!("delivered, accepted at block {at}")
				}
				StageState::Verifying { accept_at: None } => "delivered, being verified".into(),
				StageState::Settled { fee } => format!("settled for {} CNDR", format_cndr(fee)),
			};
			format!("stage {index} {state}")
		})
		.collect();
	format!("{status}; {}", stages.join(", "))
}

/// Follows job `job` until it completes (its record then), calling `progress` with each new
/// description; fails when it fails, is cancelled, or `timeout` passes.
pub async fn wait(
	chain: &Chain,
	job: u64,
	timeout: Duration,
	mut progress: impl FnMut(&str),
) -> anyhow::Result<Job> {
	let started = std::time::Instant::now();
	let mut last = String::new();
	loop {
		let at = chain.at_best().await?;
		let record = record(&at, job).await?.ok_or_else(|| {
			anyhow::anyhow!(
				"no job {job} on chain: it was never submitted, or it ended more than the jobs \
				 pallet's `retention` blocks ago and was pruned (its output roots stay in its \
				 ReceiptAccepted events, and its worker's data server keeps the output)"
			)
		})?;
		let now = describe(&record);
		if now != last {
			progress(&now);
			last = now;
		}
		match record.status {
			JobStatus::Completed => return Ok(record),
			JobStatus::Failed(_) | JobStatus::Cancelled => {
				anyhow::bail!("job {job} {last}: it has no output")
			}
			_ => {}
		}
		anyhow::ensure!(
			started.elapsed() < timeout,
			"job {job} is not done after {timeout:?} ({last}): run `job result --job {job}` \
			 later"
		);
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

/// The output of completed job `job` (its last stage's), downloaded from the data server of
/// the worker that computed it and checked against the receipt's Merkle root.
pub async fn download(at: &At, job: &Job, fetcher: &Fetcher) -> anyhow::Result<Vec<u8>> {
	let last = job.stages.0.last().ok_or_else(|| anyhow::anyhow!("the job has no stages"))?;
	let (Some(receipt), Some(worker)) = (&last.receipt, &last.worker) else {
		anyhow::bail!("the job's last stage has no receipt yet");
	};
	let endpoint = chain::endpoint(at, worker)
		.await?
		.ok_or_else(|| anyhow::anyhow!("worker {worker} no longer runs a node"))?;
	let bytes =
		fetcher.output(&endpoint, &receipt.output_root, receipt.output_len, job.tile_bytes).await?;
	tracing::info!(
		%worker,
		%endpoint,
		root = %hex(&receipt.output_root),
		bytes = bytes.len(),
		"output downloaded and checked against the receipt's root"
	);
	Ok(bytes)
}

/// A job input: a seed, the bytes of a small file, or bytes at an HTTP URI (hashed here).
pub async fn input(
	at: &At,
	spec: &JobSpec,
	seed: Option<&str>,
	file: Option<&std::path::Path>,
	uri: Option<&str>,
	fetcher: &Fetcher,
) -> anyhow::Result<JobInput> {
	let needed = || async { input_len(at, spec).await };
	match (seed, file, uri) {
		(seed, None, None) => {
			let seed = match seed {
				Some(text) => parse_seed(text),
				// A fresh seed: the time and the process, hashed.
				None => {
					let now = std::time::SystemTime::now()
						.duration_since(std::time::UNIX_EPOCH)
						.unwrap_or_default()
						.as_nanos();
					parse_seed(&format!("{now}/{}", std::process::id()))
				}
			};
			Ok(JobInput::Seed(seed))
		}
		(None, Some(file), None) => {
			let bytes = std::fs::read(file)
				.map_err(|error| anyhow::anyhow!("cannot read {}: {error}", file.display()))?;
			let needed = needed().await?;
			anyhow::ensure!(
				bytes.len() as u64 == needed,
				"{} has {} bytes; the spec takes {needed}",
				file.display(),
				bytes.len()
			);
			anyhow::ensure!(
				bytes.len() <= MAX_INLINE_INPUT,
				"{} has {} bytes, over the {MAX_INLINE_INPUT} sent inline: serve it over HTTP \
				 and pass `--input-uri`",
				file.display(),
				bytes.len()
			);
			Ok(JobInput::Inline(BoundedVec(bytes)))
		}
		(None, None, Some(uri)) => {
			let needed = needed().await?;
			let bytes = fetcher.get(uri, needed).await?;
			anyhow::ensure!(
				bytes.len() as u64 == needed,
				"{uri} has {} bytes; the spec takes {needed}",
				bytes.len()
			);
			Ok(JobInput::Content {
				hash: sp_crypto_hashing::blake2_256(&bytes),
				uri: BoundedVec(uri.as_bytes().to_vec()),
			})
		}
		_ => anyhow::bail!("give one input: `--seed`, `--input` or `--input-uri`"),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn specs_parse_from_their_short_form() {
		assert!(matches!(
			parse_spec("gemm:96x80x64"),
			Ok(JobSpec::Int8Gemm { m: 96, n: 80, k: 64 })
		));
		assert!(matches!(parse_spec("mlp:0:8"), Ok(JobSpec::Int8Mlp { model: 0, batch: 8 })));
		assert!(matches!(
			parse_spec("render:64x48:200"),
			Ok(JobSpec::RenderTile { width: 64, height: 48, max_iterations: 200, .. })
		));
		for bad in ["gemm:1x2", "gemm", "mlp:0", "render:64x48", "fft:8", "gemm:1x2x-3"] {
			let error = parse_spec(bad).unwrap_err();
			assert!(error.contains("gemm:MxNxK"), "{bad}: {error}");
		}
	}

	#[test]
	fn classes_and_seeds_parse() {
		assert!(matches!(parse_class("standard"), Ok(JobClass::Standard)));
		assert!(matches!(parse_class("background"), Ok(JobClass::Background)));
		assert!(matches!(parse_class("pipeline:3"), Ok(JobClass::Pipeline { stages: 3 })));
		assert!(parse_class("pipeline:x").is_err());
		assert!(parse_class("urgent").is_err());
		assert_eq!(parse_seed(&"ab".repeat(32)), [0xab; 32]);
		assert_eq!(parse_seed("hello"), sp_crypto_hashing::blake2_256(b"hello"));
	}
}
