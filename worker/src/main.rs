//! `cinder-worker`: the operator's compute binary. See `cinder-worker --help`.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use cinder_primitives::Ib;
use cinder_worker::{
	backend::{Backend, BackendKind},
	bench,
	chain::api::runtime_types::pallet_jobs::types::{JobClass, JobSpec},
	chain::{self, Chain},
	challenge, config,
	fetch::Fetcher,
	hardware, job,
	metrics::Metrics,
	rounds,
	runner::{RunOptions, Runner},
	server::{self, DataServer},
	status,
	store::Store,
	verifier::Verifier,
	work::Kernel,
};
use clap::{CommandFactory, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use subxt::utils::AccountId32;

/// Cinder's compute worker: runs verifiable integer kernels (int8 GEMM, int8 MLP inference,
/// fixed-point render tiles) on any GPU, on lavapipe where there is none, or on the CPU, and
/// talks to a Cinder node.
///
/// Every kernel gives the same bits on every backend, so verifiers can recompute a worker's
/// output exactly. Logs go to stderr; set RUST_LOG (e.g. `RUST_LOG=debug`) for more.
#[derive(Parser)]
#[command(name = "cinder-worker", version, propagate_version = true)]
struct Cli {
	/// A TOML file of flags: top-level keys for every command (`url`, `backend`), a table per
	/// command (`[run]`, `[register]`, `[job.submit]`, …). Flags and CINDER_* variables win
	/// over it. Default: $XDG_CONFIG_HOME/cinder-worker/config.toml (or
	/// ~/.config/cinder-worker/config.toml) if it exists.
	#[arg(long, global = true, env = "CINDER_CONFIG")]
	config: Option<std::path::PathBuf>,
	/// The node's RPC endpoint.
	#[arg(long, global = true, env = "CINDER_URL", default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// Where kernels run: `gpu` (the adapter wgpu picks: a GPU, else Mesa's lavapipe) or `cpu`
	/// (the CPU twin on every core; the same bits).
	#[arg(long, global = true, env = "CINDER_BACKEND", value_enum, default_value = "gpu")]
	backend: BackendKind,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Measure each kernel's throughput on this machine and the IB it amounts to (what
	/// `register` claims). Reads the chain's calibration from the node unless `--offline`.
	Bench {
		/// Seconds to time each kernel for (after one untimed run).
		#[arg(long, default_value_t = 3.0)]
		seconds: f64,
		/// Do not ask the node: use the development presets' calibration.
		#[arg(long)]
		offline: bool,
	},
	/// Register this machine as a node: detect the hardware, claim the benchmarked IB (or
	/// `--ib-micro`), bond S(n) for it (a worker; a verifier, `--role verifier`, is bound to
	/// a validator stash instead), then do the chain's timed benchmark challenge and answer
	/// it.
	Register(RegisterArgs),
	/// Run the worker: heartbeats, benchmark challenges, and every stage the chain assigns
	/// it, computed, kept in `--data-dir` and receipted in batches. Runs until Ctrl-C; a
	/// restart resumes where it stopped.
	Run(RunArgs),
	/// Run a validator's verifier: recompute every receipt and benchmark answer the chain
	/// samples for this verifier, commit each verdict and reveal it once the committee has
	/// committed. Runs until Ctrl-C; a restart still reveals what it committed.
	Verify(VerifyArgs),
	/// Where a node stands: its record, bond against S(n), eligibility (or why not, and the
	/// fix), assigned stages, rewards per epoch by pool, and slashes with their reasons.
	Status(StatusArgs),
	/// The user's side: submit a job, or get a job's output, checked against the chain.
	#[command(subcommand)]
	Job(JobCommand),
}

#[derive(Subcommand)]
enum JobCommand {
	/// Submit a job: the chain escrows its price and routes it to workers. With `--wait`,
	/// follow it and download its output as `result` does.
	Submit(JobSubmitArgs),
	/// Wait for a job to complete, download its output from the worker that computed it,
	/// check it against the receipt's Merkle root on chain and write it out.
	Result(JobResultArgs),
}

#[derive(clap::Args)]
struct JobSubmitArgs {
	/// The paying account's secret URI (`//Charlie` on a dev chain, or a mnemonic).
	#[arg(long, env = "CINDER_SURI")]
	suri: String,
	/// What to compute: `gemm:MxNxK` (int8 A·B), `mlp:MODEL:BATCH` (rows through a registered
	/// model) or `render:WxH:ITERATIONS` (a fractal tile).
	#[arg(long, value_parser = job::parse_spec)]
	spec: JobSpec,
	/// Seed of a generated input (64 hex digits, or any text, hashed); default: a fresh one.
	#[arg(long, conflicts_with_all = ["input", "input_uri"])]
	seed: Option<String>,
	/// A file holding the input (A then B for a GEMM, the rows for an MLP), sent inline: at
	/// most 4096 bytes.
	#[arg(long, conflicts_with = "input_uri")]
	input: Option<std::path::PathBuf>,
	/// An http:// URI serving the input (any size): fetched here once to hash it; workers
	/// fetch it and check the hash.
	#[arg(long)]
	input_uri: Option<String>,
	/// The most to pay per IBM (IB-minute), in CNDR.
	#[arg(long, default_value = "2")]
	max_price: String,
	/// `standard`, `background` (cheaper, runs when workers are idle) or `pipeline:STAGES`
	/// (an MLP's layers split over distinct workers).
	#[arg(long, default_value = "standard", value_parser = job::parse_class)]
	class: JobClass,
	/// The block it must be done by.
	#[arg(long)]
	deadline: Option<u32>,
	/// Wait in the queue when no worker is free (the default fails the call instead).
	#[arg(long)]
	queue: bool,
	/// Follow the job and download its output.
	#[arg(long)]
	wait: bool,
	/// With `--wait`: where to write the output; default `job-<id>.out`.
	#[arg(long)]
	out: Option<std::path::PathBuf>,
	/// With `--wait`: seconds to wait at most.
	#[arg(long, default_value_t = 600)]
	timeout: u64,
}

#[derive(clap::Args)]
struct StatusArgs {
	/// The node's account (SS58).
	#[arg(long, conflicts_with = "suri", required_unless_present = "suri", value_parser = chain::parse_account)]
	account: Option<AccountId32>,
	/// Or the node's secret URI (`//Alice` on a dev chain), to name the account.
	#[arg(long, env = "CINDER_SURI")]
	suri: Option<String>,
	/// Reward epochs to show, the current one first.
	#[arg(long, default_value_t = 3)]
	epochs: u32,
	/// Blocks back to search for slashes (600 is an hour of 6-second blocks).
	#[arg(long, default_value_t = 600)]
	slash_blocks: u64,
}

#[derive(clap::Args)]
struct JobResultArgs {
	/// The job's id.
	#[arg(long)]
	job: u64,
	/// Where to write the output; default `job-<id>.out`.
	#[arg(long)]
	out: Option<std::path::PathBuf>,
	/// Seconds to wait at most for the job to complete.
	#[arg(long, default_value_t = 600)]
	timeout: u64,
}

/// The node's role, as `register` takes it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
enum RoleArg {
	/// Runs jobs.
	Worker,
	/// Checks sampled receipts for a validator (its controller account); bonds the chain's
	/// verifier bond first, which each fault on a check costs a share of.
	Verifier,
}

#[derive(clap::Args)]
struct RunArgs {
	/// The worker account's secret URI (`//Alice` on a dev chain, or a mnemonic).
	#[arg(long, env = "CINDER_SURI")]
	suri: String,
	/// Where outputs and receipts are kept (created if missing); default
	/// `$XDG_DATA_HOME/cinder-worker/<account>` or `~/.local/share/cinder-worker/<account>`.
	#[arg(long, env = "CINDER_DATA_DIR")]
	data_dir: Option<std::path::PathBuf>,
	/// Milliseconds between rounds (each reads the best block).
	#[arg(long, default_value_t = 1000)]
	poll_ms: u64,
	/// Where the data server listens: others fetch this worker's outputs there (register
	/// its URL as `--endpoint`), and it serves `/metrics` and `/health`. `0.0.0.0:8080`
	/// serves other machines.
	#[arg(long, env = "CINDER_LISTEN", default_value = "127.0.0.1:8080")]
	listen: String,
	/// Test only: commit to corrupted outputs, so that verifiers catch this worker.
	#[arg(long, hide = true)]
	lie: bool,
	/// Test only: store a round's receipts, then wait to be killed instead of submitting.
	#[arg(long, hide = true)]
	stop_before_submit: bool,
}

#[derive(clap::Args)]
struct VerifyArgs {
	/// The verifier account's secret URI (its Verifier node's account).
	#[arg(long, env = "CINDER_SURI")]
	suri: String,
	/// Milliseconds between rounds (each reads the best block).
	#[arg(long, default_value_t = 1000)]
	poll_ms: u64,
	/// Where the data server listens: it serves `/metrics` and `/health`, and this node's
	/// benchmark answer's parts while verifiers check them (register its URL as
	/// `--endpoint`).
	#[arg(long, env = "CINDER_LISTEN", default_value = "127.0.0.1:8081")]
	listen: String,
	/// Where `register` kept the node's data (its benchmark answer's parts); default
	/// `$XDG_DATA_HOME/cinder-worker/<account>` or `~/.local/share/cinder-worker/<account>`.
	#[arg(long, env = "CINDER_DATA_DIR")]
	data_dir: Option<std::path::PathBuf>,
}

#[derive(clap::Args)]
struct RegisterArgs {
	/// The node account's secret URI (`//Alice` on a dev chain, or a mnemonic).
	#[arg(long, env = "CINDER_SURI")]
	suri: String,
	/// What the node does.
	#[arg(long, value_enum, default_value = "worker")]
	role: RoleArg,
	/// A verifier's validator stash (SS58); default: the node's own account.
	#[arg(long, value_parser = chain::parse_account)]
	stash: Option<AccountId32>,
	/// Price per IBM (IB-minute) in CNDR, e.g. `0.5`.
	#[arg(long, default_value = "1")]
	price: String,
	/// IB to claim in µIB (10⁻⁶ IB); measured by `bench` when left out.
	#[arg(long)]
	ib_micro: Option<u64>,
	/// Seconds to time each kernel for when measuring the IB.
	#[arg(long, default_value_t = 3.0)]
	bench_seconds: f64,
	/// The URL of this node's data server, where others fetch its outputs and its benchmark
	/// answer's parts: what `run --listen` (a worker) or `verify --listen` (a verifier)
	/// serves. Default: `http://127.0.0.1:8080` for a worker, `http://127.0.0.1:8081` for a
	/// verifier (their default `--listen`).
	#[arg(long)]
	endpoint: Option<String>,
	/// Where the node keeps its data: give `run` or `verify` the same `--data-dir` (the
	/// default is the same), which serves the answer's part records from it while verifiers
	/// check them; default `$XDG_DATA_HOME/cinder-worker/<account>` or
	/// `~/.local/share/cinder-worker/<account>`.
	#[arg(long, env = "CINDER_DATA_DIR")]
	data_dir: Option<std::path::PathBuf>,
	/// Models this worker hosts (ids, comma separated).
	#[arg(long, value_delimiter = ',', default_value = "0")]
	models: Vec<u32>,
	/// Where the machine is.
	#[arg(long, default_value = "local")]
	region: String,
	/// Adapter memory in MiB (wgpu cannot read it; 0 for lavapipe or the CPU).
	#[arg(long, default_value_t = 0)]
	vram_mib: u32,
	/// Disk kept for outputs and models, GiB.
	#[arg(long, default_value_t = 50)]
	storage_gib: u32,
	/// Memory committed to the network, MiB (earns the availability bonus).
	#[arg(long, default_value_t = 0)]
	committed_memory_mib: u32,
	/// Take background-class jobs when idle.
	#[arg(long)]
	background_jobs: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
		)
		.with_writer(std::io::stderr)
		.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
		.init();
	let args = config::with_config_file(
		Cli::command(),
		std::env::args_os().collect(),
		config::default_path(),
	)?;
	let cli = Cli::parse_from(args);
	match cli.command {
		Command::Bench { seconds, offline } => {
			let calibration = if offline {
				Kernel::ALL.map(|kernel| (kernel, bench::dev_calibration(kernel))).to_vec()
			} else {
				let chain = connect(&cli.url).await?;
				chain::calibration(&chain).await?
			};
			let backend = Backend::open(cli.backend)?;
			run_bench(&backend, Duration::from_secs_f64(seconds), &calibration)?;
		}
		Command::Register(args) => register(&cli.url, cli.backend, args).await?,
		Command::Run(args) => {
			let key = chain::keypair(&args.suri)?;
			let who = chain::account(&key);
			let (store, dir) = open_store(args.data_dir, &who)?;
			let backend = Backend::open(cli.backend)?;
			let metrics = Arc::new(Metrics::new());
			let poll = Duration::from_millis(args.poll_ms);
			tokio::spawn(rounds::send_heartbeats(
				key.clone(),
				cli.url.clone(),
				poll,
				None,
				metrics.clone(),
			));
			let server = DataServer::new(Some(store.clone()), metrics.clone(), who.to_string());
			let address = server::start(&args.listen, server).await?;
			tracing::info!(
				%who,
				backend = %backend.describe(),
				dir = %dir.display(),
				data_server = %format!("http://{address}"),
				"running"
			);
			let options = RunOptions { lie: args.lie, stop_before_submit: args.stop_before_submit };
			let mut runner = Runner::new(key, backend, store, options, metrics);
			rounds::run(&mut runner, &cli.url, poll, ctrl_c()).await;
		}
		Command::Verify(args) => {
			let key = chain::keypair(&args.suri)?;
			let who = chain::account(&key);
			let (store, dir) = open_store(args.data_dir, &who)?;
			let backend = Backend::open(cli.backend)?;
			let metrics = Arc::new(Metrics::new());
			let address = server::start(
				&args.listen,
				DataServer::new(Some(store.clone()), metrics.clone(), who.to_string()),
			)
			.await?;
			let poll = Duration::from_millis(args.poll_ms);
			let stalled = Some(rounds::VERIFIER_STALLED_AFTER);
			tokio::spawn(rounds::send_heartbeats(
				key,
				cli.url.clone(),
				poll,
				stalled,
				metrics.clone(),
			));
			let mut verifier = Verifier::new(&args.suri, backend, store, metrics)?;
			tracing::info!(
				%who,
				backend = %verifier.describe(),
				dir = %dir.display(),
				data_server = %format!("http://{address}"),
				"verifying"
			);
			rounds::run(&mut verifier, &cli.url, poll, ctrl_c()).await;
		}
		Command::Status(args) => {
			let who = match (args.account, args.suri) {
				(Some(account), _) => account,
				(None, Some(suri)) => chain::account(&chain::keypair(&suri)?),
				(None, None) => anyhow::bail!("name the node: `--account` or `--suri`"),
			};
			let chain = connect(&cli.url).await?;
			let bar = progress_bar(args.slash_blocks, "slashes [{bar:30}] {pos}/{len} blocks");
			let status = status::read(&chain, &who, args.epochs, args.slash_blocks, |done| {
				bar.set_position(done)
			})
			.await;
			bar.finish_and_clear();
			print!("{}", status?);
		}
		Command::Job(JobCommand::Submit(args)) => submit_job(&cli.url, args).await?,
		Command::Job(JobCommand::Result(args)) => {
			let chain = connect(&cli.url).await?;
			job_result(&chain, args.job, args.out, Duration::from_secs(args.timeout)).await?;
		}
	}
	Ok(())
}

/// Resolves on Ctrl-C.
async fn ctrl_c() {
	if tokio::signal::ctrl_c().await.is_err() {
		std::future::pending::<()>().await
	}
}

/// The node's store in `dir`, by default `<default data dir>/<who>`; and its path.
fn open_store(
	dir: Option<std::path::PathBuf>,
	who: &AccountId32,
) -> anyhow::Result<(Store, std::path::PathBuf)> {
	let dir = match dir {
		Some(dir) => dir,
		None => default_data_dir()?.join(who.to_string()),
	};
	let store =
		Store::open(&dir).with_context(|| format!("cannot open the data dir {}", dir.display()))?;
	Ok((store, dir))
}

/// `$XDG_DATA_HOME/cinder-worker`, else `~/.local/share/cinder-worker`.
fn default_data_dir() -> anyhow::Result<std::path::PathBuf> {
	let base = match (std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME")) {
		(Some(data), _) => std::path::PathBuf::from(data),
		(None, Some(home)) => std::path::PathBuf::from(home).join(".local/share"),
		(None, None) => anyhow::bail!("no HOME to keep data in: pass `--data-dir`"),
	};
	Ok(base.join("cinder-worker"))
}

/// `register`: claim, bond S(n), answer the challenge (a worker); or a verifier's node.
async fn register(url: &str, kind: BackendKind, args: RegisterArgs) -> anyhow::Result<()> {
	let key = chain::keypair(&args.suri)?;
	let who = chain::account(&key);
	let price = hardware::parse_cndr(&args.price).map_err(anyhow::Error::msg)?;
	let role = match (args.role, &args.stash) {
		(RoleArg::Worker, None) => chain::Role::Worker,
		(RoleArg::Worker, Some(_)) => anyhow::bail!("`--stash` is for `--role verifier`"),
		(RoleArg::Verifier, stash) => chain::Role::Verifier { stash: stash.unwrap_or(who) },
	};
	let (store, dir) = open_store(args.data_dir, &who)?;
	let endpoint = args.endpoint.unwrap_or_else(|| match role {
		chain::Role::Worker => "http://127.0.0.1:8080".into(),
		chain::Role::Verifier { .. } => "http://127.0.0.1:8081".into(),
	});
	if cinder_worker::fetch::is_local(&endpoint) {
		tracing::warn!(
			"{endpoint} is reachable from this machine only: verifiers on other machines cannot \
			 fetch the challenge answer's parts from it and refute the answer, and workers cannot \
			 fetch outputs. On a network of several machines, pass `--endpoint http://<an \
			 address they reach>:<port>`"
		);
	}
	let chain = connect(url).await?;
	let backend = Backend::open(kind)?;
	let claimed_ib = match args.ib_micro {
		Some(micro) => Ib::from_micro(micro),
		None => {
			let calibration = chain::calibration(&chain).await?;
			run_bench(&backend, Duration::from_secs_f64(args.bench_seconds), &calibration)?
		}
	};
	let node = chain::Registration {
		role,
		cpu_cores: hardware::cpu_cores(),
		ram_mib: hardware::ram_mib(),
		adapter: backend.describe(),
		vram_mib: args.vram_mib,
		storage_gib: args.storage_gib,
		region: args.region,
		endpoint: endpoint.clone(),
		price,
		claimed_ib,
		models: args.models,
		committed_memory_mib: args.committed_memory_mib,
		background_jobs: args.background_jobs,
	};
	if let chain::Role::Verifier { .. } = role {
		// A Verifier node's account holds the verifier bond: each fault on a check costs a
		// share of it.
		let stake = chain::verifier_stake(&chain, &who).await?;
		let shortfall = stake.shortfall();
		if shortfall > 0 {
			chain::bond(&chain, &key, shortfall, !stake.bonded).await?;
		}
		println!(
			"verifier bond: {} held (each fault on a check costs a share of it; below {} the \
			 node stops serving until it bonds the difference)",
			hardware::format_cndr(stake.active.saturating_add(shortfall)),
			hardware::format_cndr(stake.minimum_stake)
		);
	}
	tracing::info!(%who, %role, ib_micro = claimed_ib.micro(), adapter = %node.adapter, "registering");
	let challenge = chain::register(&chain, &key, &node)
		.await?
		.ok_or_else(|| anyhow::anyhow!("registered, but the chain issued no challenge"))?;
	println!(
		"registered {who} as {role}: challenge of {} work units, answer by block {}",
		challenge.work_units, challenge.deadline
	);
	if role == chain::Role::Worker {
		let stake = chain::stake(&chain, &who, (claimed_ib, price)).await?;
		println!(
			"S(n) = {} for {} µIB at {} per IBM (the minimum first bond is {}); bonded {}",
			hardware::format_cndr(stake.claimed_stake),
			claimed_ib.micro(),
			hardware::format_cndr(price),
			hardware::format_cndr(stake.minimum_bond),
			hardware::format_cndr(stake.active)
		);
		let shortfall = stake.shortfall();
		if shortfall > 0 {
			chain::bond(&chain, &key, shortfall, !stake.bonded).await?;
			println!("bonded {} more", hardware::format_cndr(shortfall));
		}
	}
	let mut challenge = challenge;
	let mut tries = 0;
	let answer = loop {
		let bar = progress_bar(
			challenge::gemm_count(challenge.work_units),
			"challenge [{bar:30}] {pos}/{len} GEMMs {elapsed}",
		);
		let answer =
			challenge::answer(&backend, &challenge.seed, challenge.work_units, |done, _| {
				bar.set_position(done)
			})?;
		bar.finish_and_clear();
		// The block that issued the challenge may have been reorganised away since: answer
		// the challenge the chain holds now.
		tries += 1;
		match chain::pending_challenge(&chain, &who).await? {
			Some(now) if now != challenge && tries < 3 => {
				tracing::warn!(
					deadline = now.deadline,
					"the challenge was issued again after a reorganisation: computing it again"
				);
				challenge = now;
			}
			_ => break answer,
		}
	};
	// Verifiers fetch some of its parts to recompute them: kept for `run` or `verify` to serve.
	store
		.put_output(&answer.root, &answer.parts, challenge::PART_BYTES)
		.with_context(|| format!("cannot keep the answer's parts in {}", dir.display()))?;
	let serve = match role {
		chain::Role::Worker => "run",
		chain::Role::Verifier { .. } => "verify",
	};
	match chain::submit_benchmark(&chain, &key, answer.root).await? {
		chain::AnswerOutcome::UnderCheck => println!(
			"answered: verifiers are checking it; the IB is confirmed when they agree. Start \
			 `cinder-worker {serve}` now, serving {endpoint} from {}: verifiers fetch parts of \
			 the answer from it, and refute an answer whose parts nobody serves",
			dir.display()
		),
		chain::AnswerOutcome::Confirmed { ib, independently_checked } => println!(
			"IB confirmed: {ib} µIB ({})",
			if independently_checked { "checked by verifiers" } else { "no verifier to check it" }
		),
		chain::AnswerOutcome::Rejected(reason) => anyhow::bail!("the claim was rejected: {reason}"),
	}
	Ok(())
}

/// `job submit`: the job, and with `--wait` its output.
async fn submit_job(url: &str, args: JobSubmitArgs) -> anyhow::Result<()> {
	let key = chain::keypair(&args.suri)?;
	let max_price = hardware::parse_cndr(&args.max_price).map_err(anyhow::Error::msg)?;
	let chain = connect(url).await?;
	let at = chain.at_best().await?;
	let fetcher = Fetcher::default();
	let input = job::input(
		&at,
		&args.spec,
		args.seed.as_deref(),
		args.input.as_deref(),
		args.input_uri.as_deref(),
		&fetcher,
	)
	.await?;
	let request = job::Request {
		spec: args.spec,
		input,
		max_price_per_ibm: max_price,
		class: args.class,
		deadline: args.deadline,
		queue: args.queue,
	};
	let submitted = job::submit(&chain, &key, request).await?;
	println!(
		"job {}: {} work units, {} CNDR escrowed, {} CNDR deposit (returned when the job's \
		 record is pruned)",
		submitted.job,
		submitted.work_units,
		hardware::format_cndr(submitted.escrow),
		hardware::format_cndr(submitted.deposit)
	);
	for (stage, worker) in &submitted.workers {
		println!("  stage {stage} → {worker}");
	}
	if let Some(until) = submitted.queued_until {
		println!("  queued: no worker is free; it waits until block {until}");
	}
	if args.wait {
		job_result(&chain, submitted.job, args.out, Duration::from_secs(args.timeout)).await?;
	} else {
		println!("get its output with `cinder-worker job result --job {}`", submitted.job);
	}
	Ok(())
}

/// `job result`: waits for job `id`, downloads and checks its output, writes it to `out`.
async fn job_result(
	chain: &Chain,
	id: u64,
	out: Option<std::path::PathBuf>,
	timeout: Duration,
) -> anyhow::Result<()> {
	let spinner = ProgressBar::new_spinner();
	spinner.enable_steady_tick(Duration::from_millis(120));
	let record = job::wait(chain, id, timeout, |now| {
		spinner.set_message(format!("job {id}: {now}"));
		tracing::info!(job = id, "{now}");
	})
	.await;
	spinner.finish_and_clear();
	let record = record?;
	let at = chain.at_best().await?;
	let bytes = job::download(&at, &record, &Fetcher::default()).await?;
	let out = out.unwrap_or_else(|| format!("job-{id}.out").into());
	std::fs::write(&out, &bytes)
		.with_context(|| format!("cannot write the output to {}", out.display()))?;
	println!(
		"job {id} {}\noutput: {} bytes in {}, equal to the receipt's Merkle root",
		job::describe(&record),
		bytes.len(),
		out.display()
	);
	Ok(())
}

/// Connects to the node at `url`, with the fix in the error.
async fn connect(url: &str) -> anyhow::Result<Chain> {
	Chain::connect(url).await.with_context(|| {
		format!(
			"no Cinder node answers at {url}: start one (`scripts/dev.sh`, or `cinder-node \
			 --dev`), pass `--url`, or run `bench --offline`"
		)
	})
}

/// A progress bar of `len` steps drawn by `template`.
fn progress_bar(len: u64, template: &str) -> ProgressBar {
	let bar = ProgressBar::new(len);
	bar.set_style(
		ProgressStyle::with_template(template).expect("a valid template").progress_chars("=> "),
	);
	bar
}

/// Times every kernel on `backend` with a progress bar and prints the IB estimate.
fn run_bench(
	backend: &Backend,
	budget: Duration,
	calibration: &[(Kernel, u64)],
) -> anyhow::Result<Ib> {
	println!("benchmarking on {}", backend.describe());
	let mut per_kernel = Vec::new();
	for &(kernel, reference) in calibration {
		let work = bench::bench_work(kernel);
		let bar = progress_bar(1000, "{msg:>12} [{bar:30}] {elapsed}").with_message(kernel.name());
		let measurement =
			bench::measure(backend, &work, budget, |f| bar.set_position((f * 1000.0) as u64))?;
		bar.finish_and_clear();
		let ib = measurement.ib(reference);
		println!(
			"{:>12}: {:.3e} units/min over {} runs, {:.6} IB (1 IB = {:.3e} units/min)",
			kernel.name(),
			measurement.units_per_minute(),
			measurement.runs,
			ib,
			reference as f64,
		);
		per_kernel.push(ib);
	}
	let ib = bench::combined_ib(&per_kernel);
	println!(
		"IB estimate: {} µIB ({:.6} IB), the geometric mean over the kernels",
		ib.micro(),
		ib.micro() as f64 / Ib::RESOLUTION as f64
	);
	Ok(ib)
}
