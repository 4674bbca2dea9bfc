//! The worker binary against a real `cinder-node --dev` (the node `cargo build -p cinder-node`
//! builds, or `$CINDER_NODE`): without the node these tests fail with the fix in the message,
//! they never pass without running.
//!
//! One scenario, end to end (about six minutes of 6-second blocks): a verifier, an honest
//! worker doing three workloads across a kill and a restart, a pipeline over two workers'
//! data servers, and a lying worker whose GEMM output the verifier fetches and catches with
//! Freivalds' check.

use std::{
	net::{TcpListener, TcpStream},
	path::PathBuf,
	process::{Child, Command, Output, Stdio},
	time::{Duration, Instant},
};

use cinder_worker::{
	backend::Backend,
	chain::{self, api, At, Chain},
	fetch::Fetcher,
	output,
	stage::Input,
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
		dispute_committee_size: 3,
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

/// Charlie submits a standard job on `workload` seeded with `seed`: its id and its worker.
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

/// The body at `path` of the data server at `port`.
async fn served(port: u16, path: &str) -> String {
	let body = Fetcher::default().get(&format!("http://127.0.0.1:{port}{path}"), 1 << 20).await;
	String::from_utf8(body.unwrap()).unwrap()
}

/// Job `job` as the chain shows it at its best block.
async fn job_record(chain: &Chain, job: u64) -> api::runtime_types::pallet_jobs::types::Job {
	let at = chain.at_best().await.unwrap();
	let call = api::runtime_apis().jobs_api().job(job);
	at.runtime_apis().call(call).await.unwrap().expect("the job exists")
}

/// The output the test computes itself for stage `stage` of `job` on the CPU twin, from the
/// job's input (fetched if it is a URI), and its root.
async fn expected_output(at: &At, job: u64, stage: u8) -> (Vec<u8>, [u8; 32]) {
	let mut task = chain::stage_task(at, job, stage).await.unwrap().unwrap();
	if let Some(bytes) = Fetcher::default().remote_input(&task, true).await.unwrap() {
		task.input = Input::Bytes(bytes);
	}
	let bytes = task.work_from_job_input().unwrap().run(&Backend::Cpu { threads: 2 }).unwrap();
	assert_eq!(bytes.len() as u64, task.output_len);
	let root = output::commitment(&bytes, task.tile_bytes).0;
	(bytes, root)
}

/// Registers `suri` as a worker of 1 µIB at 0.5 CNDR per IBM hosting model 0, its data in
/// `data` and its data server at `port`; runs it there until Alice confirms its IB (she
/// spot-checks the answer's parts that its data server serves), then stops it.
async fn register_worker(
	node: &DevNode,
	chain: &Chain,
	verifier: &Background,
	suri: &str,
	port: u16,
	data: &std::path::Path,
) -> String {
	let endpoint = format!("http://127.0.0.1:{port}");
	let register = [
		"register",
		"--suri",
		suri,
		"--ib-micro",
		"1",
		"--price",
		"0.5",
		"--models",
		"0",
		"--endpoint",
		&endpoint,
		"--data-dir",
		data.to_str().unwrap(),
	];
	let output = node.worker(&register);
	let report = text(&output);
	assert!(output.status.success(), "{report}\n--- node ---\n{}", node.process.log_tail());
	let serving = spawn_run(node, &format!("{}-answer", &suri[2..]), suri, data, port, &[]);
	let (_, who) = key(suri);
	let confirmed =
		wait_for(150, &format!("{suri}'s IB confirmed"), &[verifier, &serving], || async {
			confirmed_ib(&chain.at_best().await.unwrap(), &who).await
		})
		.await;
	assert_eq!(confirmed, (1, true), "1 µIB, checked by Alice's spot checks");
	report
}

/// `run` for `suri` with its data in `data` and its data server at `port`, plus `extra` flags.
fn spawn_run(
	node: &DevNode,
	name: &str,
	suri: &str,
	data: &std::path::Path,
	port: u16,
	extra: &[&str],
) -> Background {
	let listen = format!("127.0.0.1:{port}");
	let mut args = vec!["run", "--suri", suri, "--poll-ms", "500", "--listen", &listen];
	args.extend(["--data-dir", data.to_str().unwrap()]);
	args.extend(extra);
	node.spawn_worker(name, &args)
}

/// Waits for job `job` to complete, each stage settled with a fee and under the root this
/// test computes itself; returns the record.
async fn settled(
	chain: &Chain,
	job: u64,
	processes: &[&Background],
) -> api::runtime_types::pallet_jobs::types::Job {
	let record = wait_for(180, &format!("job {job} completed"), processes, || async {
		let record = job_record(chain, job).await;
		matches!(record.status, JobStatus::Completed).then_some(record)
	})
	.await;
	let at = chain.at_best().await.unwrap();
	for (index, stage) in record.stages.0.iter().enumerate() {
		assert!(matches!(stage.state, StageState::Settled { fee } if fee > 0), "{:?}", stage.state);
		let receipt = stage.receipt.as_ref().expect("a settled stage keeps its receipt");
		let (_, expected) = expected_output(&at, job, index as u8).await;
		assert_eq!(hex(&receipt.output_root), hex(&expected), "job {job} stage {index}");
	}
	record
}

/// A verifier, honest workers and a lying one against one dev chain:
/// - Alice registers a Verifier node and runs `verify`, its flags in a config file; root
///   samples every receipt;
/// - Ferdie registers (claim, bond S(n), challenge answered), Alice recomputes the answer and
///   his IB is confirmed as independently checked; a second registration is refused;
/// - a GEMM, an MLP and a render job are routed to Ferdie. His first `run` computes and
///   stores all three, and is killed before submitting; the restarted `run` submits the
///   stored receipts without computing again. Alice checks each (the render tile's 48 rows by
///   sampling 32 of them from Ferdie's data server), each settles with a fee,
///   each root is the one this test computes itself, his data dir and data server keep each
///   output, and `/metrics` counts the receipts from the store;
/// - Dave registers; Charlie's `job submit --wait` sends a two-stage pipeline job whose input
///   is a URI (the render job's output on Ferdie's data server). The first stage's worker
///   fetches it and checks its hash; the second fetches the first stage's output from the
///   other's data server, checked against the chain's root; Alice recomputes both from the
///   URI; Charlie downloads the output, checked against the last receipt, and it is the
///   model's output, as `job result` downloads it again;
/// - Ferdie pauses; Dave runs `run --lie`: his GEMM receipt's root is wrong, Alice disagrees,
///   the dispute rejects it, Dave is jailed and the job fails, and `status` shows him jailed
///   and slashed for the job.
#[tokio::test(flavor = "multi_thread")]
async fn a_verifier_settles_honest_workers_jobs_and_catches_a_liar() {
	let node = DevNode::start("e2e");
	let chain = Chain::connect(&node.url).await.unwrap();
	let (alice, _) = key("//Alice");
	let (_, ferdie) = key("//Ferdie");
	let (_, dave) = key("//Dave");
	sample_everything(&chain, &alice).await;

	let verifier_port = free_port();
	let alice_data = std::env::temp_dir().join(format!("cinder-e2e-alice-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&alice_data);
	let output = node.worker(&[
		"register",
		"--role",
		"verifier",
		"--suri",
		"//Alice",
		"--ib-micro",
		"1",
		"--endpoint",
		&format!("http://127.0.0.1:{verifier_port}"),
		"--data-dir",
		alice_data.to_str().unwrap(),
	]);
	assert!(output.status.success(), "{}", text(&output));
	assert!(text(&output).contains("verifier bond: 100 CNDR held"), "{}", text(&output));
	assert!(text(&output).contains("Start `cinder-worker verify` now"), "{}", text(&output));
	// Alice's verifier takes its flags from a config file.
	let config = std::env::temp_dir().join(format!("cinder-e2e-alice-{}.toml", std::process::id()));
	std::fs::write(
		&config,
		format!(
			"[verify]\nsuri = \"//Alice\"\npoll-ms = 500\nlisten = \"127.0.0.1:{verifier_port}\"\n\
			 data-dir = \"{}\"\n",
			alice_data.display()
		),
	)
	.unwrap();
	let verifier =
		node.spawn_worker("alice-verify", &["verify", "--config", config.to_str().unwrap()]);

	// Ferdie: register, bond, answer; Alice spot-checks the answer.
	let ferdie_port = free_port();
	let data = std::env::temp_dir().join(format!("cinder-e2e-ferdie-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&data);
	let report = register_worker(&node, &chain, &verifier, "//Ferdie", ferdie_port, &data).await;
	for line in ["registered", "S(n) =", "bonded", "answered"] {
		assert!(report.contains(line), "no `{line}` in\n{report}");
	}
	let at = chain.at_best().await.unwrap();
	let record = chain::node(&at, &ferdie).await.unwrap().unwrap();
	assert_eq!(record.price_per_ibm, 500_000_000_000);
	let stake =
		chain::stake(&chain, &ferdie, (cinder_primitives::Ib::from_micro(1), 500_000_000_000))
			.await
			.unwrap();
	assert!(stake.active >= stake.minimum_stake.max(stake.minimum_bond), "{stake:?}");
	assert!(stake.minimum_stake > 0, "S(n) is in force once the IB is confirmed");
	let again = node.worker(&["register", "--suri", "//Ferdie", "--ib-micro", "1"]);
	assert!(!again.status.success(), "a second registration is refused");
	assert!(text(&again).contains("AlreadyRegistered"), "{}", text(&again));

	// Charlie submits one job of each workload, all routed to Ferdie.
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

	// Ferdie computes and stores all three, and is killed before submitting any.
	let first_run = spawn_run(
		&node,
		"ferdie-run-killed",
		"//Ferdie",
		&data,
		ferdie_port,
		&["--stop-before-submit"],
	);
	wait_for(120, "Ferdie's receipts stored", &[&first_run], || async {
		first_run.log().contains("stopping before submission").then_some(())
	})
	.await;
	drop(first_run);
	for &job in &jobs {
		assert!(
			data.join("receipts").join(format!("{job}-0")).exists(),
			"job {job}'s receipt kept"
		);
		let record = job_record(&chain, job).await;
		assert!(record.stages.0[0].receipt.is_none(), "job {job}: nothing was submitted");
	}

	// Restarted, Ferdie submits the stored receipts without computing again.
	let ferdie_run = spawn_run(&node, "ferdie-run", "//Ferdie", &data, ferdie_port, &[]);
	for &job in &jobs {
		let record = settled(&chain, job, &[&ferdie_run, &verifier]).await;
		let receipt = record.stages.0[0].receipt.as_ref().unwrap();
		let kept = data.join("outputs").join(hex(&receipt.output_root));
		assert_eq!(std::fs::metadata(&kept).unwrap().len(), receipt.output_len, "job {job}");
		let blob = Fetcher::default()
			.output(
				&format!("http://127.0.0.1:{ferdie_port}"),
				&receipt.output_root,
				receipt.output_len,
				record.tile_bytes,
			)
			.await;
		assert_eq!(blob.map(|b| b.len() as u64), Ok(receipt.output_len), "job {job} served");
	}
	let log = ferdie_run.log();
	assert_eq!(log.matches("receipt from the store").count(), 3, "{log}");
	assert!(!log.contains("computing"), "nothing computed again:\n{log}");
	assert!(log.contains("receipt recorded"), "{log}");
	let metrics = served(ferdie_port, "/metrics").await;
	assert!(metrics.contains("cinder_worker_receipts_from_store_total 3"), "{metrics}");
	assert!(metrics.contains("cinder_worker_receipts_total{outcome=\"accepted\"} 3"), "{metrics}");
	let health: serde_json::Value =
		serde_json::from_str(&served(ferdie_port, "/health").await).unwrap();
	assert_eq!(health["connected"], true, "{health}");
	let verdicts = served(verifier_port, "/metrics").await;
	assert!(verdicts.contains("cinder_worker_verdicts_total{agrees=\"true\"}"), "{verdicts}");

	// Dave joins; a two-stage pipeline runs on Ferdie and Dave.
	let dave_port = free_port();
	let dave_data = std::env::temp_dir().join(format!("cinder-e2e-dave-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dave_data);
	register_worker(&node, &chain, &verifier, "//Dave", dave_port, &dave_data).await;
	let dave_run = spawn_run(&node, "dave-run", "//Dave", &dave_data, dave_port, &[]);
	// Charlie submits it with `job submit`: its input is the render job's output (48 rows of
	// 256 bytes), fetched from Ferdie's data server by URI and hash.
	let render = job_record(&chain, jobs[2]).await;
	let render_root = render.stages.0[0].receipt.as_ref().unwrap().output_root;
	let input_uri = format!("http://127.0.0.1:{ferdie_port}/blobs/{}", hex(&render_root));
	let out = data.with_extension("pipeline.out");
	let submit = node.worker(&[
		"job",
		"submit",
		"--suri",
		"//Charlie",
		"--spec",
		"mlp:0:48",
		"--input-uri",
		&input_uri,
		"--class",
		"pipeline:2",
		"--wait",
		"--out",
		out.to_str().unwrap(),
	]);
	let report = text(&submit);
	assert!(
		submit.status.success(),
		"{report}\n{}\n{}",
		ferdie_run.log_tail(),
		dave_run.log_tail()
	);
	let job: u64 = report
		.split_once("job ")
		.and_then(|(_, rest)| rest.split_once(':'))
		.and_then(|(id, _)| id.parse().ok())
		.unwrap_or_else(|| panic!("no job id in\n{report}"));
	assert!(report.contains("equal to the receipt's Merkle root"), "{report}");
	let record = settled(&chain, job, &[&ferdie_run, &dave_run, &verifier]).await;
	let workers: Vec<AccountId32> =
		record.stages.0.iter().map(|stage| stage.worker.unwrap()).collect();
	assert_eq!(workers.len(), 2, "a worker for each stage");
	assert_ne!(workers[0], workers[1], "the stages go to distinct workers");
	let at = chain.at_best().await.unwrap();
	let (expected, _) = expected_output(&at, job, 1).await;
	assert_eq!(std::fs::read(&out).unwrap(), expected, "the downloaded output is the model's");
	// `job result` downloads it again.
	let again = data.with_extension("pipeline.again");
	let result = node.worker(&[
		"job",
		"result",
		"--job",
		&job.to_string(),
		"--out",
		again.to_str().unwrap(),
	]);
	assert!(result.status.success(), "{}", text(&result));
	assert_eq!(std::fs::read(&again).unwrap(), expected);
	let (first, second) =
		if workers[0] == ferdie { (&ferdie_run, &dave_run) } else { (&dave_run, &ferdie_run) };
	let log = first.log();
	assert!(
		log.contains(&format!(
			"input fetched and checked against the chain job={job} stage=0 bytes=12288"
		)),
		"the first stage's worker fetched the URI:\n{log}"
	);
	let log = second.log();
	assert!(
		log.contains(&format!("input fetched and checked against the chain job={job} stage=1")),
		"the second stage's worker fetched the first stage's output:\n{log}"
	);
	drop(ferdie_run);
	drop(dave_run);

	// Ferdie pauses; Dave lies about his jobs.
	let (ferdie_key, _) = key("//Ferdie");
	chain::submit(&chain, &api::tx().node_registry().pause(), &ferdie_key).await.unwrap();
	let liar = spawn_run(&node, "dave-run-lie", "//Dave", &dave_data, dave_port, &["--lie"]);
	let spec = JobSpec::Int8Gemm { m: 64, n: 48, k: 40 };
	let (job, worker) = submit_job(&chain, 0, spec, 9).await;
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
	let report = node.worker(&["status", "--suri", "//Dave", "--slash-blocks", "200"]);
	let shown = text(&report);
	assert!(report.status.success(), "{shown}");
	for line in ["node: worker,", "not eligible: jailed", "for WrongResult (evidence {job})"] {
		let line = line.replace("{job}", &job.to_string());
		assert!(shown.contains(&line), "no `{line}` in\n{shown}");
	}
	let verdicts = verifier.log();
	assert!(verdicts.contains("agrees=false"), "Alice disagreed with Dave:\n{verdicts}");
	// Alice fetched Dave's GEMM output from his server and Freivalds' check failed it.
	assert!(verdicts.contains("holds=false"), "Freivalds' check caught Dave:\n{verdicts}");
	let methods = served(verifier_port, "/metrics").await;
	assert!(methods.contains("cinder_worker_checks_total{method=\"freivalds\"}"), "{methods}");
	// The render tile's rows were sampled (48 rows, 32 drawn), the MLP's recomputed.
	assert!(methods.contains("cinder_worker_checks_total{method=\"tile_sampled\"}"), "{methods}");
	assert!(verdicts.contains("every row drawn matches"), "{verdicts}");
	let lies = liar.log();
	assert!(lies.contains("receipt recorded"), "{lies}");
	let _ = std::fs::remove_dir_all(&data);
	let _ = std::fs::remove_dir_all(&dave_data);
	let _ = std::fs::remove_file(&config);
	let _ = std::fs::remove_file(&out);
	let _ = std::fs::remove_file(&again);
}
