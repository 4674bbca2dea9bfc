//! Tile sampling: checking a claimed output by recomputing a few of its rows instead of all of
//! it (the jobs pallet's `VerificationMethod::TileSampling { tiles }`).
//!
//! Every kernel's output is row-major and each row depends only on its own inputs
//! ([`Work::rows_covering`]), so a verifier draws `tiles` rows of the output from its own
//! secret (after the worker committed, so the worker cannot foresee them), fetches the output
//! tiles that hold them from the worker's data server, each with its Merkle proof under the
//! root the receipt claims, and recomputes just those rows. The check costs about
//! `tiles / rows` of the work, whatever the job's size.
//!
//! What it catches: an output faked whole, with certainty (any row drawn shows it); a fake
//! confined to a fraction `ρ` of the rows, with `1 − (1 − ρ)^tiles ≥ ρ`: at least in
//! proportion to the work the fake saves, which is what the chain's sampling rate prices
//! (pallet-verification's docs). A row proven under the claimed root that differs from its
//! recomputation, or a tile proven under it with the wrong size, shows the claim wrong: the
//! verifier refutes it. A tile whose proof fails or that is not served shows nothing about the
//! claim (the server may be down or broken): the verifier then recomputes the whole output,
//! whose root is its verdict. A dispute always recomputes the whole output, so the chain's
//! decision never rests on a sample.

use std::{collections::BTreeMap, ops::Range};

use crate::{
	backend::Backend,
	challenge::distinct_draws,
	fetch::{FetchError, Fetcher, TileMissing},
	gpu::GpuError,
	metrics::Metrics,
	work::Work,
};

/// A claimed output to sample.
pub struct Claimed<'a> {
	/// The worker's data server.
	pub endpoint: &'a str,
	/// The root its receipt claims.
	pub root: &'a [u8; 32],
	/// Its bytes, as the chain expects them.
	pub output_len: u64,
	/// The workload's tile size.
	pub tile_bytes: u32,
}

/// What a sample of a claimed output found.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum SampleOutcome {
	/// Every row drawn was served under the root and matches its recomputation.
	Holds,
	/// Row `row` was served under the root but recomputes to other bytes: the claim is wrong.
	Differs { row: u64 },
	/// Tile `tile` proves against the root with `len` bytes, not the workload's tile size:
	/// the root commits to no output of the claimed size, so the claim is wrong.
	Malformed { tile: u64, len: u64 },
	/// Tile `tile` was not served (the server is down, too slow, or answers an error).
	NotServed { tile: u64, error: FetchError },
	/// Tile `tile` came without a valid proof under the root.
	BadProof { tile: u64, error: FetchError },
}

/// The rows of an output of `rows` rows a verifier recomputes: `samples` distinct ones (all of
/// them when there are fewer), drawn from `random`, in order.
pub fn draw_rows(rows: u64, samples: u32, random: [u8; 32]) -> Vec<u64> {
	let mut drawn = distinct_draws(rows, samples.into(), random);
	drawn.sort_unstable();
	drawn
}

/// The output bytes row `row` covers, for rows of `row_bytes`.
fn row_range(row: u64, row_bytes: usize) -> Range<u64> {
	let start = row.saturating_mul(row_bytes as u64);
	start..start.saturating_add(row_bytes as u64)
}

/// The tiles (of `tile_bytes`, not 0) that hold `bytes` of the output.
fn tiles_holding(bytes: &Range<u64>, tile_bytes: u64) -> Range<u64> {
	bytes.start / tile_bytes..bytes.end.div_ceil(tile_bytes)
}

/// The tiles (of `tile_bytes`) that hold the bytes of `rows` (of `row_bytes`), in order.
pub fn tiles_of_rows(rows: &[u64], row_bytes: usize, tile_bytes: u32) -> Vec<u64> {
	let tile_bytes = u64::from(tile_bytes.max(1));
	let mut tiles: Vec<u64> = rows
		.iter()
		.flat_map(|&row| tiles_holding(&row_range(row, row_bytes), tile_bytes))
		.collect();
	tiles.dedup();
	tiles
}

/// The first of `rows` of `work`'s output whose bytes in `tiles` (fetched tiles of
/// `tile_bytes`, by index) differ from their recomputation on `backend` (the rows recomputed
/// together, [`Work::pick_rows`]); `None` if every one matches. A row whose tiles are missing
/// counts as differing.
pub fn first_wrong_row(
	work: &Work,
	backend: &Backend,
	rows: &[u64],
	tiles: &BTreeMap<u64, Vec<u8>>,
	tile_bytes: u32,
) -> Result<Option<u64>, GpuError> {
	let (_, row_bytes) = work.output_rows();
	let picked: Option<Vec<usize>> = rows.iter().map(|&row| usize::try_from(row).ok()).collect();
	let Some(pieces) = picked.and_then(|picked| work.pick_rows(&picked)) else {
		return Ok(rows.first().copied());
	};
	let mut recomputed = Vec::with_capacity(rows.len() * row_bytes);
	for piece in pieces {
		recomputed.extend(piece.run(backend)?);
	}
	if recomputed.len() != rows.len() * row_bytes {
		return Ok(rows.first().copied());
	}
	let tile_bytes = u64::from(tile_bytes.max(1));
	for (&row, recomputed) in rows.iter().zip(recomputed.chunks(row_bytes.max(1))) {
		let range = row_range(row, row_bytes);
		let claimed: Option<Vec<u8>> = tiles_holding(&range, tile_bytes)
			.map(|index| {
				let tile = tiles.get(&index)?;
				let start = range.start.max(index * tile_bytes) - index * tile_bytes;
				let end = range.end.min((index + 1) * tile_bytes) - index * tile_bytes;
				tile.get(start as usize..end as usize)
			})
			.collect::<Option<Vec<&[u8]>>>()
			.map(|pieces| pieces.concat());
		if claimed.as_deref() != Some(recomputed) {
			return Ok(Some(row));
		}
	}
	Ok(None)
}

/// Samples `claimed`, the output of `work`: `rows` (from [`draw_rows`]) fetched from the
/// worker's data server as the tiles that hold them, with their proofs ([`Fetcher::tiles`]:
/// each fetch counted into `metrics`, none waiting past `deadline`), then recomputed on
/// `backend`, only once every tile is had, so a worker that serves nothing costs no compute.
/// The first tile or row that fails decides.
pub async fn sample(
	fetcher: &Fetcher,
	backend: &Backend,
	metrics: &Metrics,
	work: &Work,
	claimed: Claimed<'_>,
	rows: &[u64],
	deadline: tokio::time::Instant,
) -> Result<SampleOutcome, GpuError> {
	let (_, row_bytes) = work.output_rows();
	let count = cinder_primitives::merkle::tile_count(claimed.output_len, claimed.tile_bytes);
	let indices = tiles_of_rows(rows, row_bytes, claimed.tile_bytes);
	let fetched =
		fetcher.tiles(claimed.endpoint, claimed.root, &indices, count, deadline, metrics).await;
	let fetched = match fetched {
		Ok(fetched) => fetched,
		Err((tile, TileMissing::NotServed(error))) => {
			return Ok(SampleOutcome::NotServed { tile, error })
		}
		Err((tile, TileMissing::BadProof(error))) => {
			return Ok(SampleOutcome::BadProof { tile, error })
		}
	};
	let tile_bytes = u64::from(claimed.tile_bytes.max(1));
	let mut tiles = BTreeMap::new();
	for (tile, bytes) in indices.into_iter().zip(fetched) {
		// Every tile but the last is whole: a root over tiles of other sizes is no commitment
		// to an output of `output_len` bytes, however its proofs hold.
		let expected = claimed.output_len.saturating_sub(tile * tile_bytes).min(tile_bytes);
		if bytes.len() as u64 != expected {
			return Ok(SampleOutcome::Malformed { tile, len: bytes.len() as u64 });
		}
		tiles.insert(tile, bytes);
	}
	let wrong = tokio::task::block_in_place(|| {
		first_wrong_row(work, backend, rows, &tiles, claimed.tile_bytes)
	})?;
	Ok(match wrong {
		Some(row) => SampleOutcome::Differs { row },
		None => SampleOutcome::Holds,
	})
}

#[cfg(test)]
mod tests {
	use std::{sync::Arc, time::Duration};

	use super::*;
	use crate::{mlp::Model, output, render::Tile, store::Store};

	/// Tiles of 1,000 bytes: rows (of 40 or 52 bytes) straddle them.
	const TILE: u32 = 1_000;

	/// A data server over a fresh store holding `bytes` under their root in `TILE`-byte tiles;
	/// its URL and the root.
	async fn serving(name: &str, bytes: &[u8]) -> (String, [u8; 32]) {
		let dir = std::env::temp_dir().join(format!("cinder-sample-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		let store = Store::open(dir).unwrap();
		let root = output::commitment(bytes, TILE).0;
		store.put_output(&root, bytes, TILE).unwrap();
		let server =
			crate::server::DataServer::new(Some(store), Arc::new(Metrics::new()), "t".into());
		(format!("http://{}", crate::server::start("127.0.0.1:0", server).await.unwrap()), root)
	}

	/// The output of `work` (`len` bytes, in `TILE`-byte tiles) served at `endpoint` under
	/// `root`, sampled at `rows` on the CPU twin.
	async fn sampled(
		work: &Work,
		len: usize,
		endpoint: &str,
		root: &[u8; 32],
		rows: &[u64],
	) -> SampleOutcome {
		let claimed = Claimed { endpoint, root, output_len: len as u64, tile_bytes: TILE };
		let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
		let fetcher = Fetcher::new(Duration::from_secs(5));
		let (backend, metrics) = (Backend::Cpu { threads: 2 }, Metrics::new());
		let found = sample(&fetcher, &backend, &metrics, work, claimed, rows, deadline);
		found.await.unwrap()
	}

	#[test]
	fn rows_are_distinct_in_order_and_all_of_them_when_few() {
		let rows = draw_rows(1_000, 32, [1; 32]);
		assert_eq!(rows.len(), 32);
		assert!(rows.windows(2).all(|pair| pair[0] < pair[1]));
		assert_ne!(rows, draw_rows(1_000, 32, [2; 32]), "another secret, other rows");
		assert_eq!(draw_rows(5, 32, [1; 32]), vec![0, 1, 2, 3, 4]);
		// Rows of 40 bytes in tiles of 1,000: row 24 straddles tiles 0 and 1.
		assert_eq!(tiles_of_rows(&[0, 24, 25, 60], 40, TILE), vec![0, 1, 2]);
	}

	/// An honest output holds; one with a single row made up (its root taken over the made-up
	/// bytes, so every proof holds) is caught whenever that row is drawn and passes otherwise;
	/// one served under another root fails its proofs; one nobody serves is reported as such.
	#[tokio::test(flavor = "multi_thread")]
	async fn a_sample_passes_an_honest_output_and_catches_a_made_up_row_it_draws() {
		let backend = Backend::Cpu { threads: 2 };
		let works = [
			// 13 output rows of 52 bytes.
			Work::seeded_mlp([2; 32], Model::seeded([3; 32], &[(12, 20), (20, 52)]).layers, 13),
			// 50 rows of 10 pixels (40 bytes).
			Work::Render(Tile {
				width: 10,
				height: 50,
				max_iterations: 30,
				center_re: -crate::render::ONE / 2,
				center_im: 0,
				step: crate::render::ONE / 16,
			}),
		];
		for (w, work) in works.iter().enumerate() {
			let bytes = work.run(&backend).unwrap();
			let (row_count, row_bytes) = work.output_rows();
			let len = bytes.len();
			let (url, root) = serving(&format!("honest-{w}"), &bytes).await;
			let rows = draw_rows(row_count as u64, 4, [w as u8; 32]);
			assert_eq!(sampled(work, len, &url, &root, &rows).await, SampleOutcome::Holds);

			// Row 11 made up.
			let mut faked = bytes.clone();
			faked[11 * row_bytes + 3] ^= 0x10;
			let (url, faked_root) = serving(&format!("faked-{w}"), &faked).await;
			for (rows, caught) in [(vec![2, 11], true), (vec![0, 5, 12], false)] {
				let expected =
					if caught { SampleOutcome::Differs { row: 11 } } else { SampleOutcome::Holds };
				let found = sampled(work, len, &url, &faked_root, &rows).await;
				assert_eq!(found, expected, "rows {rows:?}");
			}

			// The honest bytes' server asked for the made-up root: no such blob.
			let (honest_url, _) = serving(&format!("again-{w}"), &bytes).await;
			let found = sampled(work, len, &honest_url, &faked_root, &rows).await;
			assert!(matches!(found, SampleOutcome::NotServed { .. }));
		}
	}

	/// Tiles served under a root they do not prove against are refused before anything is
	/// recomputed; a server that never answers holds the sample only until its deadline.
	#[tokio::test(flavor = "multi_thread")]
	async fn bad_proofs_and_silent_servers_are_reported() {
		let backend = Backend::Cpu { threads: 2 };
		let work = Work::seeded_mlp([4; 32], Model::seeded([5; 32], &[(8, 40)]).layers, 60);
		let bytes = work.run(&backend).unwrap();
		let honest_root = output::commitment(&bytes, TILE).0;
		// A store that files other bytes under the honest root.
		let dir = std::env::temp_dir().join(format!("cinder-sample-lies-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		let store = Store::open(dir).unwrap();
		let other: Vec<u8> = bytes.iter().map(|b| b ^ 1).collect();
		store.put_output(&honest_root, &other, TILE).unwrap();
		let server =
			crate::server::DataServer::new(Some(store), Arc::new(Metrics::new()), "t".into());
		let url = format!("http://{}", crate::server::start("127.0.0.1:0", server).await.unwrap());
		let rows = [1, 30];
		let found = sampled(&work, bytes.len(), &url, &honest_root, &rows).await;
		assert!(matches!(found, SampleOutcome::BadProof { tile: 0, .. }));

		// The right rows, and 8 bytes more in the last tile (2,400 bytes: tiles of 1,000, 1,000
		// and 400): every proof holds under the padded output's root, which is no commitment
		// to an output of 2,400 bytes.
		let mut padded = bytes.clone();
		padded.extend([0; 8]);
		let (url, padded_root) = serving("padded", &padded).await;
		let found = sampled(&work, bytes.len(), &url, &padded_root, &[3, 55]).await;
		assert_eq!(found, SampleOutcome::Malformed { tile: 2, len: 408 });

		let tarpit = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
		let url = format!("http://{}", tarpit.local_addr().unwrap());
		let claimed = Claimed {
			endpoint: &url,
			root: &honest_root,
			output_len: bytes.len() as u64,
			tile_bytes: TILE,
		};
		let started = tokio::time::Instant::now();
		let deadline = started + Duration::from_millis(700);
		let (fetcher, metrics) = (Fetcher::new(Duration::from_secs(5)), Metrics::new());
		let found = sample(&fetcher, &backend, &metrics, &work, claimed, &rows, deadline);
		assert!(matches!(found.await.unwrap(), SampleOutcome::NotServed { .. }));
		let waited = started.elapsed();
		assert!(
			waited >= Duration::from_millis(650) && waited < Duration::from_secs(3),
			"{waited:?}"
		);
	}
}
