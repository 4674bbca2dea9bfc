//! The data server: HTTP/1.1 on the endpoint a worker registers (`run --listen`), for
//! everyone who needs its bytes.
//!
//! | Route | Answer |
//! |---|---|
//! | `GET /blobs/<root>` | the output committed to by Merkle root `<root>` (64 hex digits) |
//! | `GET /blobs/<root>/tiles/<i>` | tile `i` of that output and its Merkle proof, as JSON |
//! | `GET /health` | the loop's health as JSON: 200 while it reaches the node, else 503 |
//! | `GET /metrics` | the [`Metrics`] in the Prometheus text format |
//!
//! Blobs are content addressed: whoever fetches one checks it against the root the chain
//! holds ([`crate::fetch`]), so a server can withhold bytes but never pass off wrong ones.
//!
//! Requests for outputs are answered off the async runtime's threads, which the node's
//! heartbeats and rounds share, [`BLOCKING_REQUESTS`] at a time (`/health` and `/metrics`
//! never wait behind them); a tile's proof comes from the output's Merkle
//! tree, built once and kept ([`Trees`], up to [`TREE_BUDGET`]), and only the tile itself is
//! read. So a flood of tile requests costs a lookup each, not a pass over the whole output.
//! `verify --listen` serves `/health` and `/metrics` only.

use std::{convert::Infallible, sync::Arc};

use http_body_util::Full;
use hyper::{
	body::{Bytes, Incoming},
	header::{HeaderValue, CONTENT_TYPE},
	server::conn::http1,
	service::service_fn,
	Method, Request, Response, StatusCode,
};
use hyper_util::rt::TokioIo;
use tokio::{net::TcpListener, sync::Semaphore};

use crate::{
	metrics::Metrics,
	proofs::{Tree, Trees},
	store::{hex, unhex, Store},
};

/// Requests answered at once; more wait their turn.
pub const BLOCKING_REQUESTS: usize = 4;
/// Bytes of Merkle trees kept (a benchmark answer's 2²⁰ records: 64 MiB; a 256 MiB output in
/// 16 KiB tiles: 1 MiB).
pub const TREE_BUDGET: usize = 160 << 20;

/// What the server answers from.
pub struct DataServer {
	/// The outputs served (`None` for a verifier: health and metrics only).
	store: Option<Store>,
	/// Counted by the loop, shown on `/metrics` and `/health`.
	metrics: Arc<Metrics>,
	/// The node's account, shown on `/health`.
	account: String,
	/// The trees of the outputs whose tiles were asked for last.
	trees: Trees,
	/// Room for [`BLOCKING_REQUESTS`] requests for outputs at once.
	busy: Arc<Semaphore>,
}

/// A response with a body.
type Answer = Response<Full<Bytes>>;

/// Why a request gets no output: its status and message.
type Refusal = (StatusCode, String);

impl DataServer {
	/// A server of `store`'s outputs (if any) and `metrics`, for `account`'s node.
	pub fn new(store: Option<Store>, metrics: Arc<Metrics>, account: String) -> Self {
		DataServer {
			store,
			metrics,
			account,
			trees: Trees::new(TREE_BUDGET),
			busy: Arc::new(Semaphore::new(BLOCKING_REQUESTS)),
		}
	}

	/// Answers `method path`: `/health` and `/metrics` at once (a monitor sees the node while
	/// its outputs are in demand), outputs on a blocking thread (reading and hashing stored
	/// outputs blocks), [`BLOCKING_REQUESTS`] at a time. A request's turn is held until its
	/// work ends, even when its client goes away first.
	pub async fn answer(self: Arc<Self>, method: Method, path: String) -> Answer {
		if !path.trim_start_matches('/').starts_with("blobs") {
			return self.respond(&method, &path);
		}
		let Ok(turn) = self.busy.clone().acquire_owned().await else {
			return text(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping\n".into());
		};
		let server = self.clone();
		tokio::task::spawn_blocking(move || {
			let answer = server.respond(&method, &path);
			drop(turn);
			answer
		})
		.await
		.unwrap_or_else(|error| {
			tracing::error!("a data server request failed: {error}");
			text(StatusCode::INTERNAL_SERVER_ERROR, "the request failed\n".into())
		})
	}

	/// Answers `method path`.
	pub fn respond(&self, method: &Method, path: &str) -> Answer {
		if method != Method::GET {
			self.count("bad_request");
			return text(StatusCode::METHOD_NOT_ALLOWED, "only GET is served\n".into());
		}
		let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
		match parts.as_slice() {
			["health"] => self.health(),
			["metrics"] => {
				self.count("metrics");
				let mut answer = text(StatusCode::OK, self.metrics.encode());
				answer.headers_mut().insert(
					CONTENT_TYPE,
					HeaderValue::from_static(
						"application/openmetrics-text; version=1.0.0; charset=utf-8",
					),
				);
				answer
			}
			["blobs", root] => self.blob(root),
			["blobs", root, "tiles", index] => self.tile(root, index),
			_ => {
				self.count("not_found");
				text(
					StatusCode::NOT_FOUND,
					"routes: /blobs/<root>, /blobs/<root>/tiles/<index>, /health, /metrics\n"
						.into(),
				)
			}
		}
	}

	fn count(&self, route: &'static str) {
		Metrics::count(&self.metrics.requests, "route", route);
	}

	fn health(&self) -> Answer {
		self.count("health");
		let connected = self.metrics.connected();
		let body = serde_json::json!({
			"account": self.account,
			"connected": connected,
			"best_block": self.metrics.best_block.get(),
		});
		let status = if connected { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
		json(status, &body)
	}

	/// The root `root` names and the store to look for it in, or why not.
	fn store_for(&self, root: &str) -> Result<([u8; 32], &Store), Refusal> {
		let Some(hash) = unhex(root) else {
			self.count("bad_request");
			let why = format!("`{root}` is not a Merkle root: 64 hex digits\n");
			return Err((StatusCode::BAD_REQUEST, why));
		};
		match &self.store {
			Some(store) => Ok((hash, store)),
			None => Err(self.missing(&hash)),
		}
	}

	/// No output under `hash` (counted).
	fn missing(&self, hash: &[u8; 32]) -> Refusal {
		self.count("not_found");
		(StatusCode::NOT_FOUND, format!("no output under {}\n", hex(hash)))
	}

	/// A stored output that cannot be read (logged, counted).
	fn unreadable(&self, hash: &[u8; 32], error: std::io::Error) -> Refusal {
		tracing::error!(root = %hex(hash), "cannot read a stored output: {error}");
		self.count("error");
		(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the output\n".into())
	}

	/// The stored output under `root` (kept whole, with its tile size), or why not (a status
	/// and a message).
	fn stored(&self, root: &str) -> Result<Vec<u8>, Refusal> {
		let (hash, store) = self.store_for(root)?;
		let found = store.output(&hash).and_then(|bytes| Ok((bytes, store.tile_bytes(&hash)?)));
		match found {
			Ok((Some(bytes), Some(_))) => Ok(bytes),
			Ok(_) => Err(self.missing(&hash)),
			Err(error) => Err(self.unreadable(&hash, error)),
		}
	}

	/// The Merkle tree of the stored output under `root` (built on the first request, then
	/// kept) with its tile size and store, or why not.
	fn tree(&self, root: &str) -> Result<(Tiled<'_>, Arc<Tree>), Refusal> {
		let (hash, store) = self.store_for(root)?;
		let found = store.tile_bytes(&hash).and_then(|tile_bytes| {
			let Some(tile_bytes) = tile_bytes else { return Ok(None) };
			let tree = self.trees.get(&hash, || {
				Ok::<_, std::io::Error>(
					store.output(&hash)?.map(|bytes| Tree::of_tiles(&bytes, tile_bytes)),
				)
			})?;
			Ok(tree.map(|tree| (tile_bytes, tree)))
		});
		match found {
			Ok(Some((tile_bytes, tree))) => Ok((Tiled { hash, store, tile_bytes }, tree)),
			Ok(None) => Err(self.missing(&hash)),
			Err(error) => Err(self.unreadable(&hash, error)),
		}
	}

	fn blob(&self, root: &str) -> Answer {
		match self.stored(root) {
			Ok(bytes) => {
				self.count("blob");
				self.metrics.served_bytes.inc_by(bytes.len() as u64);
				let mut answer = Response::new(Full::new(Bytes::from(bytes)));
				answer
					.headers_mut()
					.insert(CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
				answer
			}
			Err((status, why)) => text(status, why),
		}
	}

	fn tile(&self, root: &str, index: &str) -> Answer {
		let (Tiled { hash, store, tile_bytes }, tree) = match self.tree(root) {
			Ok(found) => found,
			Err((status, why)) => return text(status, why),
		};
		let proof = index.parse::<usize>().ok().and_then(|i| Some((i, tree.proof(i)?)));
		let Some((index, proof)) = proof else {
			self.count("bad_request");
			return text(
				StatusCode::NOT_FOUND,
				format!("no tile `{index}`: the output has {} tiles, from 0\n", tree.leaf_count()),
			);
		};
		let size = tile_bytes.max(1) as usize;
		let tile = match store.output_part(&hash, (index as u64).saturating_mul(size as u64), size)
		{
			Ok(Some(tile)) => tile,
			Ok(None) => {
				let (status, why) = self.missing(&hash);
				return text(status, why);
			}
			Err(error) => {
				let (status, why) = self.unreadable(&hash, error);
				return text(status, why);
			}
		};
		self.count("tile");
		self.metrics.served_bytes.inc_by(tile.len() as u64);
		json(
			StatusCode::OK,
			&serde_json::json!({
				"root": hex(&hash),
				"index": index,
				"tile_count": tree.leaf_count(),
				"tile_bytes": tile_bytes,
				"tile": hex(&tile),
				"proof": proof.iter().map(|step| hex(step)).collect::<Vec<_>>(),
			}),
		)
	}
}

/// A stored output whose tiles are served: its root, its store, its tile size.
struct Tiled<'a> {
	hash: [u8; 32],
	store: &'a Store,
	tile_bytes: u32,
}

fn text(status: StatusCode, body: String) -> Answer {
	let mut answer = Response::new(Full::new(Bytes::from(body)));
	*answer.status_mut() = status;
	answer
		.headers_mut()
		.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
	answer
}

fn json(status: StatusCode, body: &serde_json::Value) -> Answer {
	let mut answer = Response::new(Full::new(Bytes::from(body.to_string())));
	*answer.status_mut() = status;
	answer.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
	answer
}

/// Serves `server` on `listener` until the task is dropped, each connection on its own task.
pub async fn serve(listener: TcpListener, server: Arc<DataServer>) {
	loop {
		let stream = match listener.accept().await {
			Ok((stream, _)) => stream,
			Err(error) => {
				// Out of file descriptors, say: wait, then take connections again.
				tracing::warn!("the data server cannot accept a connection: {error}");
				tokio::time::sleep(std::time::Duration::from_millis(100)).await;
				continue;
			}
		};
		let server = server.clone();
		tokio::spawn(async move {
			let service = service_fn(move |request: Request<Incoming>| {
				let (method, path) = (request.method().clone(), request.uri().path().to_owned());
				let server = server.clone();
				async move { Ok::<_, Infallible>(server.answer(method, path).await) }
			});
			if let Err(error) =
				http1::Builder::new().serve_connection(TokioIo::new(stream), service).await
			{
				tracing::debug!("a data server connection ended: {error}");
			}
		});
	}
}

/// Binds `address` and serves `server` there on a task of its own; returns the bound address
/// (the port chosen when `address` asks for port 0).
pub async fn start(address: &str, server: DataServer) -> anyhow::Result<std::net::SocketAddr> {
	let listener = TcpListener::bind(address).await.map_err(|error| {
		anyhow::anyhow!(
			"cannot listen on {address}: {error} (another process holds the port? pass \
			 `--listen` another address)"
		)
	})?;
	let bound = listener.local_addr()?;
	tokio::spawn(serve(listener, Arc::new(server)));
	Ok(bound)
}

#[cfg(test)]
mod tests {
	use super::*;
	use cinder_primitives::merkle;
	use http_body_util::BodyExt;

	async fn get(server: &Arc<DataServer>, path: String) -> (StatusCode, serde_json::Value) {
		let answer = server.clone().answer(Method::GET, path).await;
		let status = answer.status();
		let body = answer.into_body().collect().await.unwrap().to_bytes();
		(status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
	}

	/// Tiles of a kept output come with proofs that verify against its root, from one tree
	/// built on the first request and kept; past the last tile and for a root not kept, 404.
	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn tiles_come_with_proofs_from_a_tree_built_once() {
		let dir = std::env::temp_dir().join(format!("cinder-server-tiles-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		let store = Store::open(&dir).unwrap();
		let blob: Vec<u8> = (0..1_000 * 32).map(|i| (i * 31 % 253) as u8).collect();
		let root = merkle::tiles_root(&blob, 32);
		store.put_output(&root, &blob, 32).unwrap();
		let server = Arc::new(DataServer::new(Some(store), Arc::new(Metrics::new()), "t".into()));
		for index in [0u64, 1, 500, 999] {
			let (status, body) = get(&server, format!("/blobs/{}/tiles/{index}", hex(&root))).await;
			assert_eq!(status, StatusCode::OK);
			assert_eq!(body["tile_count"].as_u64(), Some(1_000));
			let tile = crate::store::unhex_bytes(body["tile"].as_str().unwrap()).unwrap();
			let proof: Vec<[u8; 32]> = body["proof"]
				.as_array()
				.unwrap()
				.iter()
				.map(|step| unhex(step.as_str().unwrap()).unwrap())
				.collect();
			assert_eq!(tile, blob[index as usize * 32..][..32]);
			assert!(merkle::verify(&root, index, 1_000, &tile, &proof), "tile {index}");
		}
		assert_eq!(server.trees.roots(), vec![root], "one tree, kept");
		let (status, _) = get(&server, format!("/blobs/{}/tiles/1000", hex(&root))).await;
		assert_eq!(status, StatusCode::NOT_FOUND);
		let (status, _) = get(&server, format!("/blobs/{}/tiles/0", hex(&[9; 32]))).await;
		assert_eq!(status, StatusCode::NOT_FOUND);
		assert_eq!(server.trees.roots(), vec![root], "nothing kept for what is not stored");
		let _ = std::fs::remove_dir_all(&dir);
	}

	/// With every turn for outputs taken, `/health` and `/metrics` still answer at once, and
	/// an output waits for a turn.
	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn health_and_metrics_answer_while_outputs_wait_their_turn() {
		let server = Arc::new(DataServer::new(None, Arc::new(Metrics::new()), "t".into()));
		let turns = server.busy.clone().acquire_many_owned(BLOCKING_REQUESTS as u32).await;
		let soon = std::time::Duration::from_secs(2);
		for path in ["/health", "/metrics"] {
			let answer =
				tokio::time::timeout(soon, server.clone().answer(Method::GET, path.into()));
			assert!(answer.await.is_ok(), "{path} waited for a turn");
		}
		let blob = server.clone().answer(Method::GET, format!("/blobs/{}", hex(&[1; 32])));
		let short = std::time::Duration::from_millis(300);
		assert!(tokio::time::timeout(short, blob).await.is_err(), "an output waits its turn");
		drop(turns);
		let (status, _) = get(&server, format!("/blobs/{}", hex(&[1; 32]))).await;
		assert_eq!(status, StatusCode::NOT_FOUND);
	}
}
