//! Helpers for tests that run the real `cinder-node` binary: free ports, a JSON-RPC client over
//! plain HTTP, and a child process that is stopped (SIGTERM) when dropped.

#![allow(dead_code)]

use std::{
	fs::File,
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	path::PathBuf,
	process::{Child, Command, ExitStatus, Stdio},
	thread,
	time::{Duration, Instant},
};

use serde_json::{json, Value};

/// Path of the node binary cargo built for this test.
pub const NODE: &str = env!("CARGO_BIN_EXE_cinder-node");

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One HTTP request to `127.0.0.1:port`; returns (status code, body).
pub fn http(
	port: u16,
	method: &str,
	path: &str,
	body: Option<&str>,
) -> std::io::Result<(u16, String)> {
	let mut stream = TcpStream::connect(("127.0.0.1", port))?;
	stream.set_read_timeout(Some(Duration::from_secs(10)))?;
	let body = body.unwrap_or("");
	write!(
		stream,
		"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
		 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
		body.len()
	)?;
	let mut response = String::new();
	stream.read_to_string(&mut response)?;
	let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
	let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
	Ok((status, body.to_string()))
}

/// Calls a JSON-RPC method; returns its `result`, or an error string.
pub fn rpc(port: u16, method: &str, params: Value) -> Result<Value, String> {
	let request =
		json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
	let (status, body) = http(port, "POST", "/", Some(&request)).map_err(|e| e.to_string())?;
	let reply: Value = serde_json::from_str(&body)
		.map_err(|e| format!("HTTP {status}, bad JSON ({e}): {body}"))?;
	match reply.get("result") {
		Some(result) => Ok(result.clone()),
		None => Err(format!("{method} failed: {reply}")),
	}
}

/// Parses a `0x…` hex block number.
pub fn hex_number(value: &Value) -> u64 {
	let text = value.as_str().expect("a hex string");
	u64::from_str_radix(text.trim_start_matches("0x"), 16).expect("valid hex")
}

/// A running `cinder-node`, killed on drop. Its log goes to a file whose tail is printed if the
/// test fails.
pub struct Node {
	child: Option<Child>,
	log: PathBuf,
	pub rpc_port: u16,
	pub prometheus_port: u16,
}

impl Node {
	/// Starts `cinder-node` with `args` plus free RPC, p2p and Prometheus ports.
	pub fn start(args: &[&str]) -> Node {
		let (rpc_port, p2p_port, prometheus_port) = (free_port(), free_port(), free_port());
		let log = std::env::temp_dir().join(format!("cinder-node-test-{rpc_port}.log"));
		let log_file = File::create(&log).expect("log file");
		let child = Command::new(NODE)
			.args(args)
			.args(["--rpc-port", &rpc_port.to_string()])
			.args(["--port", &p2p_port.to_string()])
			.args(["--prometheus-port", &prometheus_port.to_string()])
			.arg("--no-mdns")
			.stdout(Stdio::null())
			.stderr(log_file)
			.spawn()
			.expect("cinder-node starts");
		Node { child: Some(child), log, rpc_port, prometheus_port }
	}

	/// Waits until RPC answers.
	pub fn wait_for_rpc(&mut self, timeout: Duration) {
		let start = Instant::now();
		while rpc(self.rpc_port, "system_health", json!([])).is_err() {
			if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
				panic!("cinder-node exited early with {status}");
			}
			assert!(start.elapsed() < timeout, "RPC did not come up within {timeout:?}");
			thread::sleep(Duration::from_millis(250));
		}
	}

	/// Number of the latest finalized block.
	pub fn finalized_number(&self) -> u64 {
		let hash = rpc(self.rpc_port, "chain_getFinalizedHead", json!([])).unwrap();
		let header = rpc(self.rpc_port, "chain_getHeader", json!([hash])).unwrap();
		hex_number(&header["number"])
	}

	/// Sends SIGTERM and waits for the process to exit; returns its exit status.
	pub fn stop(&mut self, timeout: Duration) -> ExitStatus {
		let mut child = self.child.take().expect("node is running");
		let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
		let start = Instant::now();
		loop {
			if let Some(status) = child.try_wait().unwrap() {
				return status;
			}
			if start.elapsed() > timeout {
				let _ = child.kill();
				panic!("cinder-node did not stop within {timeout:?} of SIGTERM");
			}
			thread::sleep(Duration::from_millis(100));
		}
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
		if thread::panicking() {
			let log = std::fs::read_to_string(&self.log).unwrap_or_default();
			let tail: Vec<&str> = log.lines().rev().take(60).collect();
			eprintln!("--- last lines of {} ---", self.log.display());
			for line in tail.into_iter().rev() {
				eprintln!("{line}");
			}
		} else {
			let _ = std::fs::remove_file(&self.log);
		}
	}
}
