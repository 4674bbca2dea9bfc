//! Starts the real `cinder-node --dev --tmp` on free ports, checks it produces and finalizes
//! blocks (BABE + GRANDPA), serves the RPC methods and metrics users rely on, and stops cleanly.

mod common;

use std::{
	thread,
	time::{Duration, Instant},
};

use common::{http, rpc, Node};
use serde_json::json;

#[test]
fn dev_node_finalizes_blocks_serves_rpc_and_stops_cleanly() {
	let mut node = Node::start(&["--dev", "--tmp"]);
	node.wait_for_rpc(Duration::from_secs(60));

	// The chain is the one we built.
	let version = rpc(node.rpc_port, "state_getRuntimeVersion", json!([])).unwrap();
	assert_eq!(version["specName"], "cinder");
	let properties = rpc(node.rpc_port, "system_properties", json!([])).unwrap();
	assert_eq!(properties["tokenSymbol"], "CNDR");
	assert_eq!(properties["tokenDecimals"], 12);

	// Wait for finality to reach block 3: needs BABE authoring and the GRANDPA voter.
	let start = Instant::now();
	let mut finalized = 0;
	while finalized < 3 {
		assert!(
			start.elapsed() < Duration::from_secs(120),
			"finalized block stuck at #{finalized} after {:?}",
			start.elapsed()
		);
		thread::sleep(Duration::from_secs(1));
		finalized = node.finalized_number();
	}

	// The RPC surface polkadot.js Apps and the worker use.
	let methods = rpc(node.rpc_port, "rpc_methods", json!([])).unwrap();
	let methods: Vec<&str> =
		methods["methods"].as_array().unwrap().iter().filter_map(|m| m.as_str()).collect();
	for wanted in [
		"system_accountNextIndex",
		"payment_queryInfo",
		"babe_epochAuthorship",
		"grandpa_roundState",
		"grandpa_proveFinality",
		"author_submitAndWatchExtrinsic",
		"state_getMetadata",
		"chain_subscribeFinalizedHeads",
	] {
		assert!(methods.contains(&wanted), "RPC method {wanted} is missing");
	}
	let round = rpc(node.rpc_port, "grandpa_roundState", json!([])).unwrap();
	assert_eq!(round["setId"], 0);

	// Prometheus metrics.
	let (status, metrics) = http(node.prometheus_port, "GET", "/metrics", None).unwrap();
	assert_eq!(status, 200);
	assert!(
		metrics.contains("substrate_block_height{status=\"finalized\""),
		"finalized height metric"
	);

	let status = node.stop(Duration::from_secs(30));
	assert!(status.success(), "cinder-node exited with {status} on SIGTERM");
}
