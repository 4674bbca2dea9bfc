//! The worker binary against a real `cinder-node --dev` (the node `cargo build -p cinder-node`
//! builds, or `$CINDER_NODE`): without the node these tests fail with the fix in the message,
//! they never pass without running.
//!
//! One scenario, end to end (about five minutes of 6-second blocks): a verifier, an honest
//! worker doing three workloads, and a lying worker that the verifier catches.

use std::{
	net::{TcpListener, TcpStream},
	path::PathBuf,
	process::{Child, Command, Output, Stdio},
	time::{Duration, Instant},
};

use cinder_worker::{
	backend::Backend,
	chain::{self, api, At, Chain},
	output,
	store::hex,
};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;

use api::runtime_types::{
	pallet_jobs::types::{JobClass, JobInput, JobSpec, JobStatus, StageState, WhenNoWorker},
	pallet_verification::types::VerificationParams,
	sp_arithmetic::per_things::Perbill,
};

/// A process in the background with its stderr in a log file, killed when dropped.
struct Background {
	child: Child,
	log: PathBuf,
}

impl Background {
	/// Starts `command`, its stderr into `log`.
	fn spawn(mut command: Command, log: PathBuf) -> Self {
		let child = command
			.stdout(Stdio::null())
			.stderr(std::fs::File::create(&log).unwrap())
			.spawn()
			.unwrap_or_else(|error| panic!("{command:?} does not start: {error}"));
		Background { child, log }
	}

	fn log(&self) -> String {
		std::fs::read_to_string(&self.log).unwrap_or_default()
	}

	/// The last 30 lines of the log.
	fn log_tail(&self) -> String {
		let log = self.log();
		let lines: Vec<&str> = log.lines().collect();
		lines[lines.len().saturating_sub(30)..].join("\n")
	}
}

impl Drop for Background {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// A dev node on free ports with a throwaway database, killed when dropped.
struct DevNode {
	process: Background,
	url: String,
}

fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn node_binary() -> PathBuf {
	let binary = std::env::var_os("CINDER_NODE").map(PathBuf::from).unwrap_or_else(|| {
		PathBuf::from(env!("CARGO_BIN_EXE_cinder-worker")).with_file_name("cinder-node")
	});
	assert!(
		binary.exists(),
		"no node at {}: build it with `cargo build -p cinder-node` or set CINDER_NODE",
		binary.display()
	);
	binary
}

impl DevNode {
	fn start(name: &str) -> Self {
		let rpc = free_port();
		let log = std::env::temp_dir().join(format!("cinder-worker-test-{name}-{rpc}.log"));
		let mut command = Command::new(node_binary());
		command
			.args(["--dev", "--tmp", "--no-mdns", "--rpc-port", &rpc.to_string()])
			.args(["--port", &free_port().to_string()])
			.args(["--prometheus-port", &free_port().to_string()]);
		let node = DevNode {
			process: Background::spawn(command, log),
			url: format!("ws://127.0.0.1:{rpc}"),
		};
		let start = Instant::now();
		while TcpStream::connect(("127.0.0.1", rpc)).is_err() {
			assert!(
				start.elapsed() < Duration::from_secs(180),
				"no RPC after 180 s:\n{}",
				node.process.log_tail()
			);
			std::thread::sleep(Duration::from_millis(500));
		}
		node
	}

	/// The worker binary with `args` against this node on the CPU backend.
	fn worker_command(&self, args: &[&str]) -> Command {
		let mut command = Command::new(env!("CARGO_BIN_EXE_cinder-worker"));
		command.args(["--url", &self.url, "--backend", "cpu"]).args(args);
		command
	}

	/// Runs the worker binary with `args` to its end.
	fn worker(&self, args: &[&str]) -> Output {
		self.worker_command(args).output().expect("the worker runs")
	}

	/// Starts the worker binary with `args` in the background, its logs in a file named after
	/// `name`.
	fn spawn_worker(&self, name: &str, args: &[&str]) -> Background {
		let log = self.process.log.with_extension(format!("{name}.log"));
		Background::spawn(self.worker_command(args), log)
	}
}

fn text(output: &Output) -> String {
	format!(
		"status {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
		output.status,
		String::from_utf8_lossy(&output.stdout),
		String::from_utf8_lossy(&output.stderr)
	)
}

/// Polls `probe` every second until it gives a value, failing after `seconds` with `what`
/// and the logs of `processes`.
async fn wait_for<T, F: std::future::Future<Output = Option<T>>>(
	seconds: u64,
	what: &str,
	processes: &[&Background],
	mut probe: impl FnMut() -> F,
) -> T {
	let started = Instant::now();
	loop {
		if let Some(value) = probe().await {
			return value;
		}
		if started.elapsed() > Duration::from_secs(seconds) {
			let logs: Vec<String> = processes
				.iter()
				.map(|p| format!("--- {} ---\n{}", p.log.display(), p.log()))
				.collect();
			panic!("{what}: not within {seconds} s\n{}", logs.join("\n"));
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

fn key(suri: &str) -> (Keypair, AccountId32) {
	let key = chain::keypair(suri).unwrap();
	let who = chain::account(&key);
	(key, who)
}

/// Root makes every receipt sampled by a committee of one (a dispute's committee: the same
/// single verifier).
async fn sample_everything(chain: &Chain, sudo: &Keypair) {
	let at = chain.at_best().await.unwrap();
	let params = at.storage().entry(api::storage().verification().params()).unwrap();
	let params = params.try_fetch(()).await.unwrap().unwrap().decode().unwrap();
	let params = VerificationParams {
		base_sampling_rate: Perbill(1_000_000_000),
		floor_sampling_rate: Perbill(1_000_000_000),
		committee_size: 1,
		dispute_committee_size: 2,
		..params
	};
	let set = api::runtime_types::cinder_runtime::RuntimeCall::Verification(
		api::runtime_types::pallet_verification::pallet::Call::set_params { params },
	);
	chain::submit(chain, &api::tx().sudo().sudo(set), sudo).await.unwrap();
}

async fn confirmed_ib(at: &At, who: &AccountId32) -> Option<(u64, bool)> {
	let node = chain::node(at, who).await.unwrap()?;
	node.confirmed_ib.map(|c| (c.ib.0, c.independently_checked))
}

/// Charlie submits a job on `workload` seeded with `seed`: its id and the worker it went to.
async fn submit_job(chain: &Chain, workload: u32, spec: JobSpec, seed: u8) -> (u64, AccountId32) {
	let (charlie, _) = key("//Charlie");
	let call = api::tx().jobs().submit_job(
		workload,
		spec,
		JobInput::Seed([seed; 32]),
		2_000_000_000_000,
		JobClass::Standard,
		None,
		WhenNoWorker::Fail,
	);
	let events = chain::submit(chain, &call, &charlie).await.unwrap();
	let submitted =
		events.find_first::<api::jobs::events::JobSubmitted>().transpose().unwrap().unwrap();
	let assigned =
		events.find_first::<api::jobs::events::StageAssigned>().transpose().unwrap().unwrap();
	(submitted.job, assigned.worker)
}

/// Job `job` as the chain shows it at its best block.
async fn job_record(chain: &Chain, job: u64) -> api::runtime_types::pallet_jobs::types::Job {
	let at = chain.at_best().await.unwrap();
	let call = api::runtime_apis().jobs_api().job(job);
	at.runtime_apis().call(call).await.unwrap().expect("the job exists")
}

/// The root the test computes itself for stage 0 of `job` on the CPU twin.
async fn expected_root(at: &At, job: u64) -> [u8; 32] {
	let task = chain::stage_task(at, job, 0).await.unwrap().unwrap();
	let bytes = task.work().unwrap().run(&Backend::Cpu { threads: 2 }).unwrap();
	assert_eq!(bytes.len() as u64, task.output_len);
	output::commitment(&bytes, task.tile_bytes).0
}

/// A verifier, an honest worker and a lying one against one dev chain:
/// - Alice registers a Verifier node and runs `verify`; root samples every receipt;
/// - Ferdie registers (claim, bond S(n), challenge answered), Alice recomputes the answer and
///   his IB is confirmed as independently checked; a second registration is refused;
/// - Ferdie runs `run`: a GEMM, an MLP and a render job are routed to him, computed, receipted,
///   checked by Alice and settled with a fee; each root is the one this test computes itself
///   and his data dir keeps each output;
/// - Dave runs `run --lie`: his MLP receipt's root is wrong, Alice disagrees, the dispute
///   rejects it, Dave is jailed and the job fails.
#[tokio::test(flavor = "multi_thread")]
async fn a_verifier_settles_an_honest_workers_jobs_and_catches_a_liar() {
	let node = DevNode::start("e2e");
	let chain = Chain::connect(&node.url).await.unwrap();
	let (alice, _) = key("//Alice");
	let (_, ferdie) = key("//Ferdie");
	let (_, dave) = key("//Dave");
	sample_everything(&chain, &alice).await;

	let output =
		node.worker(&["register", "--role", "verifier", "--suri", "//Alice", "--ib-micro", "1"]);
	assert!(output.status.success(), "{}", text(&output));
	let verifier =
		node.spawn_worker("alice-verify", &["verify", "--suri", "//Alice", "--poll-ms", "500"]);

	// Ferdie: register, bond, answer; Alice checks the answer.
	let register =
		["register", "--suri", "//Ferdie", "--ib-micro", "1", "--price", "0.5", "--models", "0"];
	let output = node.worker(&register);
	let report = text(&output);
	assert!(output.status.success(), "{report}\n--- node ---\n{}", node.process.log_tail());
	for line in ["registered", "S(n) =", "bonded", "answered"] {
		assert!(report.contains(line), "no `{line}` in\n{report}");
	}
	let confirmed = wait_for(150, "Ferdie's IB confirmed", &[&verifier], || async {
		confirmed_ib(&chain.at_best().await.unwrap(), &ferdie).await
	})
	.await;
	assert_eq!(confirmed, (1, true), "1 µIB, checked by Alice's recomputation");
	let at = chain.at_best().await.unwrap();
	let record = chain::node(&at, &ferdie).await.unwrap().unwrap();
	assert_eq!(record.price_per_ibm, 500_000_000_000);
	let stake =
		chain::stake(&chain, &ferdie, (cinder_primitives::Ib::from_micro(1), 500_000_000_000))
			.await
			.unwrap();
	assert!(stake.active >= stake.minimum_stake.max(stake.minimum_bond), "{stake:?}");
	assert!(stake.minimum_stake > 0, "S(n) is in force once the IB is confirmed");
	let again = node.worker(&register);
	assert!(!again.status.success(), "a second registration is refused");
	assert!(text(&again).contains("AlreadyRegistered"), "{}", text(&again));

	// Ferdie runs; Charlie submits one job of each workload.
	let data = std::env::temp_dir().join(format!("cinder-e2e-ferdie-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&data);
	let ferdie_run = node.spawn_worker(
		"ferdie-run",
		&["run", "--suri", "//Ferdie", "--poll-ms", "500", "--data-dir", data.to_str().unwrap()],
	);
	let specs = [
		(0, JobSpec::Int8Gemm { m: 96, n: 80, k: 64 }),
		(1, JobSpec::Int8Mlp { model: 0, batch: 8 }),
		(
			2,
			JobSpec::RenderTile {
				width: 64,
				height: 48,
				max_iterations: 200,
				center_re: -(1 << 15),
				center_im: 0,
				step: 1 << 10,
			},
		),
	];
	let mut jobs = Vec::new();
	for (seed, (workload, spec)) in specs.into_iter().enumerate() {
		let (job, worker) = submit_job(&chain, workload, spec, seed as u8 + 1).await;
		assert_eq!(worker, ferdie, "job {job} (workload {workload}) goes to the only worker");
		jobs.push(job);
	}
	for job in jobs {
		let record =
			wait_for(180, &format!("job {job} completed"), &[&ferdie_run, &verifier], || async {
				let record = job_record(&chain, job).await;
				matches!(record.status, JobStatus::Completed).then_some(record)
			})
			.await;
		let stage = &record.stages.0[0];
		assert!(matches!(stage.state, StageState::Settled { fee } if fee > 0), "{:?}", stage.state);
		let receipt = stage.receipt.as_ref().expect("a settled stage keeps its receipt");
		let at = chain.at_best().await.unwrap();
		assert_eq!(hex(&receipt.output_root), hex(&expected_root(&at, job).await), "job {job}");
		let kept = data.join("outputs").join(hex(&receipt.output_root));
		assert_eq!(std::fs::metadata(&kept).unwrap().len(), receipt.output_len, "job {job}");
	}
	let log = ferdie_run.log();
	assert!(log.contains("receipt recorded"), "{log}");
	drop(ferdie_run);

	// Ferdie pauses; Dave registers honestly, then lies about his jobs.
	let (ferdie_key, _) = key("//Ferdie");
	chain::submit(&chain, &api::tx().node_registry().pause(), &ferdie_key).await.unwrap();
	let output = node.worker(&[
		"register",
		"--suri",
		"//Dave",
		"--ib-micro",
		"1",
		"--price",
		"0.5",
		"--models",
		"0",
	]);
	assert!(output.status.success(), "{}", text(&output));
	wait_for(150, "Dave's IB confirmed", &[&verifier], || async {
		confirmed_ib(&chain.at_best().await.unwrap(), &dave).await
	})
	.await;
	let dave_data = std::env::temp_dir().join(format!("cinder-e2e-dave-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dave_data);
	let liar = node.spawn_worker(
		"dave-run-lie",
		&[
			"run",
			"--suri",
			"//Dave",
			"--poll-ms",
			"500",
			"--lie",
			"--data-dir",
			dave_data.to_str().unwrap(),
		],
	);
	let (job, worker) = submit_job(&chain, 1, JobSpec::Int8Mlp { model: 0, batch: 4 }, 9).await;
	assert_eq!(worker, dave, "Ferdie is paused: the job goes to Dave");
	let failed =
		wait_for(180, &format!("Dave's job {job} failed"), &[&liar, &verifier], || async {
			let record = job_record(&chain, job).await;
			matches!(record.status, JobStatus::Failed(_)).then_some(record)
		})
		.await;
	assert!(failed.stages.0[0].failed_by.0.contains(&dave), "{:?}", failed.stages.0[0].failed_by);
	let at = chain.at_best().await.unwrap();
	let status = at
		.runtime_apis()
		.call(api::runtime_apis().compute_staking_api().stake_status(dave))
		.await
		.unwrap();
	assert!(
		matches!(
			status.ineligible_because,
			Some(api::runtime_types::pallet_compute_staking::types::Ineligibility::Jailed { .. })
		),
		"Dave is jailed: {:?}",
		status.ineligible_because
	);
	let verdicts = verifier.log();
	assert!(verdicts.contains("agrees=false"), "Alice disagreed with Dave:\n{verdicts}");
	let lies = liar.log();
	assert!(lies.contains("receipt recorded"), "{lies}");
	let _ = std::fs::remove_dir_all(&data);
	let _ = std::fs::remove_dir_all(&dave_data);
}
