//! The worker binary against a real `cinder-node --dev` (the node `cargo build -p cinder-node`
//! builds, or `$CINDER_NODE`): without the node these tests fail with the fix in the message,
//! they never pass without running.

use std::{
	net::{TcpListener, TcpStream},
	path::PathBuf,
	process::{Child, Command, Output, Stdio},
	time::{Duration, Instant},
};

use cinder_worker::chain::{self, api, Chain};

/// A dev node on free ports with a throwaway database, killed when dropped.
struct DevNode {
	child: Child,
	url: String,
	log: PathBuf,
}

impl Drop for DevNode {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
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
		let child = Command::new(node_binary())
			.args(["--dev", "--tmp", "--no-mdns", "--rpc-port", &rpc.to_string()])
			.args(["--port", &free_port().to_string()])
			.args(["--prometheus-port", &free_port().to_string()])
			.stdout(Stdio::null())
			.stderr(std::fs::File::create(&log).unwrap())
			.spawn()
			.expect("the node starts");
		let node = DevNode { child, url: format!("ws://127.0.0.1:{rpc}"), log };
		let start = Instant::now();
		while TcpStream::connect(("127.0.0.1", rpc)).is_err() {
			assert!(
				start.elapsed() < Duration::from_secs(180),
				"no RPC after 180 s:\n{}",
				node.log_tail()
			);
			std::thread::sleep(Duration::from_millis(500));
		}
		node
	}

	fn log_tail(&self) -> String {
		let log = std::fs::read_to_string(&self.log).unwrap_or_default();
		log.lines()
			.rev()
			.take(30)
			.collect::<Vec<_>>()
			.into_iter()
			.rev()
			.collect::<Vec<_>>()
			.join("\n")
	}

	/// Runs the worker binary with `args` against this node on the CPU backend.
	fn worker(&self, args: &[&str]) -> Output {
		Command::new(env!("CARGO_BIN_EXE_cinder-worker"))
			.args(["--url", &self.url, "--backend", "cpu"])
			.args(args)
			.output()
			.expect("the worker runs")
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

/// `register` claims the IB, bonds, computes the challenge the chain set and answers it on
/// time; the chain holds the node, the bond and the answer; a second registration is refused
/// with the chain's error named.
#[tokio::test(flavor = "multi_thread")]
async fn register_claims_bonds_and_answers_the_challenge() {
	let node = DevNode::start("register");
	let register = ["register", "--suri", "//Ferdie", "--ib-micro", "2", "--price", "0.5"];
	let output = node.worker(&register);
	let report = text(&output);
	assert!(output.status.success(), "{report}\n--- node ---\n{}", node.log_tail());
	for line in ["registered", "bonded", "answered"] {
		assert!(report.contains(line), "no `{line}` in\n{report}");
	}

	let chain = Chain::connect(&node.url).await.unwrap();
	let who = chain::account(&chain::keypair("//Ferdie").unwrap());
	// Read at finalized blocks: wait for finality to pass the answer.
	let started = Instant::now();
	let record = loop {
		let at = chain.client.at_current_block().await.unwrap();
		let record = at
			.storage()
			.entry(api::storage().node_registry().nodes())
			.unwrap()
			.fetch((who,))
			.await
			.unwrap()
			.decode()
			.unwrap();
		let answered = record.challenge.as_ref().is_some_and(|c| c.answer.is_some());
		if answered || record.confirmed_ib.is_some() {
			break record;
		}
		assert!(started.elapsed() < Duration::from_secs(60), "no answer finalized: {record:?}");
		tokio::time::sleep(Duration::from_secs(2)).await;
	};
	assert_eq!(record.claimed_ib.0, 2);
	assert_eq!(record.price_per_ibm, 500_000_000_000);
	let stake = chain::stake(&chain, &who).await.unwrap();
	assert!(stake.bonded && stake.active >= stake.minimum_bond, "{stake:?}");

	let again = node.worker(&register);
	assert!(!again.status.success(), "a second registration is refused");
	assert!(text(&again).contains("AlreadyRegistered"), "{}", text(&again));
}
