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
//! `verify --listen` serves `/health` and `/metrics` only.

use std::{convert::Infallible, sync::Arc};

use cinder_primitives::merkle;
use http_body_util::Full;
use hyper::{
	body::{Bytes, Incoming},
	header::{HeaderValue, CONTENT_TYPE},
	server::conn::http1,
	service::service_fn,
	Method, Request, Response, StatusCode,
};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::{
	metrics::Metrics,
	store::{hex, unhex, Store},
};

/// What the server answers from.
pub struct DataServer {
	/// The outputs served (`None` for a verifier: health and metrics only).
	store: Option<Store>,
	/// Counted by the loop, shown on `/metrics` and `/health`.
	metrics: Arc<Metrics>,
	/// The node's account, shown on `/health`.
	account: String,
}

/// A response with a body.
type Answer = Response<Full<Bytes>>;

/// Why a request gets no output: its status and message.
type Refusal = (StatusCode, String);

/// An output as kept: its bytes and the tile size of its root.
struct Kept {
	root: [u8; 32],
	bytes: Vec<u8>,
	tile_bytes: u32,
}

impl DataServer {
	/// A server of `store`'s outputs (if any) and `metrics`, for `account`'s node.
	pub fn new(store: Option<Store>, metrics: Arc<Metrics>, account: String) -> Self {
		DataServer { store, metrics, account }
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

	/// The stored output under `root`, or why not (a status and a message).
	fn stored(&self, root: &str) -> Result<Kept, Refusal> {
		let Some(hash) = unhex(root) else {
			self.count("bad_request");
			let why = format!("`{root}` is not a Merkle root: 64 hex digits\n");
			return Err((StatusCode::BAD_REQUEST, why));
		};
		let missing = || (StatusCode::NOT_FOUND, format!("no output under {}\n", hex(&hash)));
		let Some(store) = &self.store else {
			self.count("not_found");
			return Err(missing());
		};
		let found = store.output(&hash).and_then(|bytes| Ok((bytes, store.tile_bytes(&hash)?)));
		match found {
			Ok((Some(bytes), Some(tile_bytes))) => Ok(Kept { root: hash, bytes, tile_bytes }),
			Ok(_) => {
				self.count("not_found");
				Err(missing())
			}
			Err(error) => {
				tracing::error!(root = %hex(&hash), "cannot read a stored output: {error}");
				self.count("error");
				Err((StatusCode::INTERNAL_SERVER_ERROR, "cannot read the output\n".into()))
			}
		}
	}

	fn blob(&self, root: &str) -> Answer {
		match self.stored(root) {
			Ok(Kept { bytes, .. }) => {
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
		let Kept { root: hash, bytes, tile_bytes } = match self.stored(root) {
			Ok(found) => found,
			Err((status, why)) => return text(status, why),
		};
		let leaves = merkle::tile_leaves(&bytes, tile_bytes);
		let proof = index.parse::<usize>().ok().and_then(|i| Some((i, merkle::proof(&leaves, i)?)));
		let Some((index, proof)) = proof else {
			self.count("bad_request");
			return text(
				StatusCode::NOT_FOUND,
				format!("no tile `{index}`: the output has {} tiles, from 0\n", leaves.len()),
			);
		};
		let size = tile_bytes.max(1) as usize;
		let start = index * size;
		let tile = &bytes[start..bytes.len().min(start + size)];
		self.count("tile");
		self.metrics.served_bytes.inc_by(tile.len() as u64);
		json(
			StatusCode::OK,
			&serde_json::json!({
				"root": hex(&hash),
				"index": index,
				"tile_count": leaves.len(),
				"tile_bytes": tile_bytes,
				"tile": hex(tile),
				"proof": proof.iter().map(|step| hex(step)).collect::<Vec<_>>(),
			}),
		)
	}
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
				let answer = server.respond(request.method(), request.uri().path());
				async move { Ok::<_, Infallible>(answer) }
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
