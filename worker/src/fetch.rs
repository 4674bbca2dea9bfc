//! Fetching the bytes a stage needs from elsewhere, checked before anything is computed on
//! them: the previous pipeline stage's output from that worker's data server (against the
//! Merkle root of its receipt on chain), and a job's `Content` input from its URI (against
//! its blake2-256 hash). A body larger than expected is cut off, not read whole.

use std::time::Duration;

use futures::StreamExt;

use cinder_primitives::merkle;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::{body::Bytes, StatusCode, Uri};
use hyper_util::{
	client::legacy::{connect::HttpConnector, Client},
	rt::TokioExecutor,
};

use crate::{
	metrics::Metrics,
	output,
	stage::{Input, StageTask},
	store::{hex, unhex, unhex_bytes},
};

/// How long one fetch may take, connecting included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether `endpoint` names this machine only (a loopback address or `localhost`): nobody on
/// another machine can fetch from it.
pub fn is_local(endpoint: &str) -> bool {
	let Ok(uri) = endpoint.parse::<Uri>() else { return false };
	let Some(host) = uri.host() else { return false };
	let host = host.trim_start_matches('[').trim_end_matches(']');
	host.eq_ignore_ascii_case("localhost")
		|| host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Why bytes could not be had.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FetchError {
	/// Not an `http://` URI.
	BadUri(String),
	/// No answer: the server is down, away or too slow.
	Unreachable { uri: String, reason: String },
	/// The server answered with an error status.
	Status { uri: String, status: u16 },
	/// More bytes than the stage takes.
	TooLarge { uri: String, limit: u64 },
	/// Bytes that are not the ones the chain commits to.
	WrongContent { uri: String, expected: String, got: String },
}

impl FetchError {
	/// A short name for metrics.
	pub fn kind(&self) -> &'static str {
		match self {
			FetchError::BadUri(_) => "bad_uri",
			FetchError::Unreachable { .. } => "unreachable",
			FetchError::Status { .. } => "status",
			FetchError::TooLarge { .. } => "too_large",
			FetchError::WrongContent { .. } => "wrong_content",
		}
	}
}

impl std::fmt::Display for FetchError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			FetchError::BadUri(uri) => {
				write!(f, "`{uri}` is not an http:// URI (the only kind fetched)")
			}
			FetchError::Unreachable { uri, reason } => {
				write!(f, "{uri} does not answer ({reason}); trying again later")
			}
			FetchError::Status { uri, status } => write!(f, "{uri} answered HTTP {status}"),
			FetchError::TooLarge { uri, limit } => {
				write!(f, "{uri} sent more than the {limit} bytes the stage takes")
			}
			FetchError::WrongContent { uri, expected, got } => write!(
				f,
				"{uri} sent bytes that hash to {got}, not to {expected} as the chain records: \
				 not computing on them"
			),
		}
	}
}

impl std::error::Error for FetchError {}

/// Tiles fetched at once from one data server by [`Fetcher::tiles`].
pub const CONCURRENT_TILE_FETCHES: usize = 16;

/// Why a tile asked for with its proof could not be had.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum TileMissing {
	/// Not served: the server is down, too slow, or answers an error (perhaps only for now).
	NotServed(FetchError),
	/// Served without a valid proof under the root.
	BadProof(FetchError),
}

/// Where the data server at `endpoint` serves the output under `root`.
pub fn blob_uri(endpoint: &str, root: &[u8; 32]) -> String {
	format!("{}/blobs/{}", endpoint.trim_end_matches('/'), hex(root))
}

/// An HTTP client for inputs.
#[derive(Clone)]
pub struct Fetcher {
	client: Client<HttpConnector, Empty<Bytes>>,
	timeout: Duration,
}

impl Default for Fetcher {
	fn default() -> Self {
		Self::new(FETCH_TIMEOUT)
	}
}

impl Fetcher {
	/// A client whose fetches give up after `timeout`.
	pub fn new(timeout: Duration) -> Self {
		Fetcher { client: Client::builder(TokioExecutor::new()).build_http(), timeout }
	}

	/// The body at `uri`, at most `limit` bytes.
	pub async fn get(&self, uri: &str, limit: u64) -> Result<Vec<u8>, FetchError> {
		let parsed: Uri = uri.parse().map_err(|_| FetchError::BadUri(uri.into()))?;
		if parsed.scheme_str() != Some("http") || parsed.host().is_none() {
			return Err(FetchError::BadUri(uri.into()));
		}
		let unreachable = |reason: String| FetchError::Unreachable { uri: uri.into(), reason };
		let fetch = async {
			let response =
				self.client.get(parsed).await.map_err(|error| unreachable(error.to_string()))?;
			if response.status() != StatusCode::OK {
				return Err(FetchError::Status {
					uri: uri.into(),
					status: response.status().into(),
				});
			}
			let body =
				Limited::new(response.into_body(), usize::try_from(limit).unwrap_or(usize::MAX));
			match body.collect().await {
				Ok(collected) => Ok(collected.to_bytes().to_vec()),
				Err(error) if error.is::<http_body_util::LengthLimitError>() => {
					Err(FetchError::TooLarge { uri: uri.into(), limit })
				}
				Err(error) => Err(unreachable(error.to_string())),
			}
		};
		tokio::time::timeout(self.timeout, fetch)
			.await
			.map_err(|_| unreachable(format!("no answer in {:?}", self.timeout)))?
	}

	/// The output under Merkle `root` (tiles of `tile_bytes`, `len` bytes) from the data server
	/// at `endpoint`, checked against the root.
	pub async fn output(
		&self,
		endpoint: &str,
		root: &[u8; 32],
		len: u64,
		tile_bytes: u32,
	) -> Result<Vec<u8>, FetchError> {
		let uri = blob_uri(endpoint, root);
		let bytes = self.get(&uri, len).await?;
		let (got, _) = output::commitment(&bytes, tile_bytes);
		if bytes.len() as u64 != len || got != *root {
			return Err(FetchError::WrongContent { uri, expected: hex(root), got: hex(&got) });
		}
		Ok(bytes)
	}

	/// The bytes at `uri` whose blake2-256 hash is `hash`, at most `limit` of them.
	pub async fn content(
		&self,
		uri: &str,
		hash: &[u8; 32],
		limit: u64,
	) -> Result<Vec<u8>, FetchError> {
		let bytes = self.get(uri, limit).await?;
		let got = sp_crypto_hashing::blake2_256(&bytes);
		if got != *hash {
			return Err(FetchError::WrongContent {
				uri: uri.into(),
				expected: hex(hash),
				got: hex(&got),
			});
		}
		Ok(bytes)
	}

	/// The bytes `task` computes on when they are remote, fetched and checked (`None` when its
	/// input is local): a later pipeline stage's is the previous stage's output (unless
	/// `from_job_input`, as a verifier recomputes), a `Content` job input comes from its URI.
	/// Put them in `task.input` as `Input::Bytes`.
	pub async fn remote_input(
		&self,
		task: &StageTask,
		from_job_input: bool,
	) -> Result<Option<Vec<u8>>, FetchError> {
		if task.takes_previous_output() && !from_job_input {
			if let Some(previous) = &task.previous {
				let bytes = self
					.output(&previous.endpoint, &previous.root, previous.len, task.tile_bytes)
					.await?;
				return Ok(Some(bytes));
			}
		}
		match &task.input {
			Input::Content { hash, uri } => {
				Ok(Some(self.content(uri, hash, task.job_input_len()).await?))
			}
			_ => Ok(None),
		}
	}

	/// Tile `index` of the output under `root` (of `tile_count` tiles) from the data server at
	/// `endpoint`, checked against the root by its Merkle proof.
	pub async fn tile(
		&self,
		endpoint: &str,
		root: &[u8; 32],
		index: u64,
		tile_count: u64,
	) -> Result<Vec<u8>, FetchError> {
		let uri = format!("{}/tiles/{index}", blob_uri(endpoint, root));
		// A tile and a proof of at most 64 levels, in hex, with room for the field names.
		let body = self.get(&uri, 16 << 20).await?;
		let wrong = |got: &str| FetchError::WrongContent {
			uri: uri.clone(),
			expected: hex(root),
			got: got.into(),
		};
		let answer: serde_json::Value =
			serde_json::from_slice(&body).map_err(|_| wrong("an answer that is not JSON"))?;
		let field = |name: &str| answer[name].as_str().and_then(unhex_bytes);
		let tile = field("tile").ok_or_else(|| wrong("an answer without a tile"))?;
		let proof: Option<Vec<[u8; 32]>> = answer["proof"]
			.as_array()
			.and_then(|steps| steps.iter().map(|step| unhex(step.as_str()?)).collect());
		let proof = proof.ok_or_else(|| wrong("an answer without a proof"))?;
		if !merkle::verify(root, index, tile_count, &tile, &proof) {
			return Err(wrong(&format!(
				"a tile {} whose proof fails",
				hex(&tile[..tile.len().min(8)])
			)));
		}
		Ok(tile)
	}

	/// Tiles `indices` of the output under `root` (of `tile_count` tiles) from the data server
	/// at `endpoint`, each checked by its Merkle proof ([`Self::tile`]), in that order:
	/// [`CONCURRENT_TILE_FETCHES`] at once, none waiting past `deadline` (so a server that takes
	/// connections and never answers holds the caller only until then), each counted into
	/// `metrics`. The first that cannot be had decides, with its index.
	pub async fn tiles(
		&self,
		endpoint: &str,
		root: &[u8; 32],
		indices: &[u64],
		tile_count: u64,
		deadline: tokio::time::Instant,
		metrics: &Metrics,
	) -> Result<Vec<Vec<u8>>, (u64, TileMissing)> {
		let fetches = indices.iter().map(|&index| async move {
			let fetch = self.tile(endpoint, root, index, tile_count);
			tokio::time::timeout_at(deadline, fetch).await.unwrap_or_else(|_| {
				Err(FetchError::Unreachable {
					uri: endpoint.into(),
					reason: "no answer in time".into(),
				})
			})
		});
		let fetched: Vec<_> =
			futures::stream::iter(fetches).buffered(CONCURRENT_TILE_FETCHES).collect().await;
		fetched.iter().for_each(|result| metrics.fetched(result));
		indices
			.iter()
			.zip(fetched)
			.map(|(&index, fetched)| {
				fetched.map_err(|error| match error {
					FetchError::Unreachable { .. } | FetchError::Status { .. } => {
						(index, TileMissing::NotServed(error))
					}
					_ => (index, TileMissing::BadProof(error)),
				})
			})
			.collect()
	}
}

#[cfg(test)]
mod tests {
	use std::sync::Arc;

	use super::*;
	use crate::{metrics::Metrics, server, store::Store};

	#[test]
	fn a_loopback_endpoint_is_local() {
		for local in ["http://127.0.0.1:8080", "http://localhost:8081", "http://[::1]:8080"] {
			assert!(is_local(local), "{local}");
		}
		for remote in ["http://203.0.113.7:8080", "http://worker.example:80", "not a uri"] {
			assert!(!is_local(remote), "{remote}");
		}
	}

	fn temp_store(name: &str) -> Store {
		let dir = std::env::temp_dir().join(format!("cinder-fetch-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		Store::open(dir).unwrap()
	}

	/// A data server on a free local port over `store`; its base URL.
	async fn serve(store: Store) -> (String, Arc<Metrics>) {
		let metrics = Arc::new(Metrics::new());
		let server = server::DataServer::new(Some(store), metrics.clone(), "test".into());
		let address = server::start("127.0.0.1:0", server).await.unwrap();
		(format!("http://{address}"), metrics)
	}

	#[tokio::test]
	async fn an_output_is_fetched_whole_and_by_tiles_with_proofs() {
		let store = temp_store("whole");
		let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
		let (root, tiles) = output::commitment(&bytes, 64);
		store.put_output(&root, &bytes, 64).unwrap();
		let (url, metrics) = serve(store.clone()).await;
		let fetcher = Fetcher::default();

		assert_eq!(fetcher.output(&url, &root, 1000, 64).await, Ok(bytes.clone()));
		for index in [0, 7, u64::from(tiles) - 1] {
			let tile = fetcher.tile(&url, &root, index, tiles.into()).await.unwrap();
			let start = index as usize * 64;
			assert_eq!(tile, bytes[start..bytes.len().min(start + 64)]);
		}
		// A tile checked against another root, or at another index, fails its proof.
		let other = [9; 32];
		store.put_output(&other, &bytes, 64).unwrap();
		assert!(matches!(
			fetcher.tile(&url, &other, 0, tiles.into()).await,
			Err(FetchError::WrongContent { .. })
		));
		assert!(matches!(
			fetcher.tile(&url, &root, 100, tiles.into()).await,
			Err(FetchError::Status { status: 404, .. })
		));

		let text = metrics.encode();
		assert!(text.contains("cinder_worker_requests_total{route=\"blob\"} 1"), "{text}");
		assert!(text.contains("cinder_worker_requests_total{route=\"tile\"} 4"), "{text}");
		std::fs::remove_dir_all(store.dir()).unwrap();
	}

	#[tokio::test]
	async fn wrong_missing_or_oversized_bytes_are_refused() {
		let store = temp_store("wrong");
		let bytes = vec![5u8; 300];
		let (root, _) = output::commitment(&bytes, 64);
		// A server claiming `root` for other bytes.
		let mut forged = bytes.clone();
		forged[299] ^= 1;
		store.put_output(&root, &forged, 64).unwrap();
		let (url, _) = serve(store.clone()).await;
		let fetcher = Fetcher::default();

		assert!(matches!(
			fetcher.output(&url, &root, 300, 64).await,
			Err(FetchError::WrongContent { .. })
		));
		assert_eq!(
			fetcher.output(&url, &[1; 32], 300, 64).await,
			Err(FetchError::Status { uri: format!("{url}/blobs/{}", hex(&[1; 32])), status: 404 })
		);
		assert!(matches!(
			fetcher.output(&url, &root, 200, 64).await,
			Err(FetchError::TooLarge { limit: 200, .. })
		));
		// Content by hash: the forged bytes hash to their own hash only.
		let uri = format!("{url}/blobs/{}", hex(&root));
		let hash = sp_crypto_hashing::blake2_256(&forged);
		assert_eq!(fetcher.content(&uri, &hash, 300).await, Ok(forged));
		assert!(matches!(
			fetcher.content(&uri, &[0; 32], 300).await,
			Err(FetchError::WrongContent { .. })
		));
		assert_eq!(
			fetcher.content("ftp://x/y", &hash, 300).await,
			Err(FetchError::BadUri("ftp://x/y".into()))
		);
		std::fs::remove_dir_all(store.dir()).unwrap();
	}

	#[tokio::test]
	async fn a_server_that_is_down_is_unreachable() {
		// Bind and drop, so the port is (very likely) closed.
		let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
		let fetcher = Fetcher::new(Duration::from_secs(5));
		let got = fetcher.get(&format!("http://127.0.0.1:{port}/health"), 10).await;
		assert!(matches!(got, Err(FetchError::Unreachable { .. })), "{got:?}");
	}

	#[tokio::test]
	async fn health_follows_the_loop_and_metrics_are_served() {
		let store = temp_store("health");
		let (url, metrics) = serve(store.clone()).await;
		let fetcher = Fetcher::default();
		let health = format!("{url}/health");
		assert!(matches!(
			fetcher.get(&health, 1000).await,
			Err(FetchError::Status { status: 503, .. })
		));
		metrics.round(true);
		metrics.best_block.set(12);
		let body: serde_json::Value =
			serde_json::from_slice(&fetcher.get(&health, 1000).await.unwrap()).unwrap();
		assert_eq!(body["connected"], true);
		assert_eq!(body["best_block"], 12);
		let text = fetcher.get(&format!("{url}/metrics"), 1 << 20).await.unwrap();
		let text = String::from_utf8(text).unwrap();
		assert!(text.contains("cinder_worker_rounds_total{result=\"ok\"} 1"), "{text}");
		assert!(text.ends_with("# EOF\n"), "{text}");
		assert!(matches!(
			fetcher.get(&format!("{url}/nothing"), 1000).await,
			Err(FetchError::Status { status: 404, .. })
		));
		assert!(matches!(
			fetcher.get(&format!("{url}/blobs/xyz"), 1000).await,
			Err(FetchError::Status { status: 400, .. })
		));
		std::fs::remove_dir_all(store.dir()).unwrap();
	}
}
