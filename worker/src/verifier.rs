//! `cinder-worker verify`: a validator's verifier loop.
//!
//! Each round sends the node's heartbeat when due (an overdue verifier is drawn for no
//! committee), asks the chain (at its best block) for the checks awaiting this verifier's
//! verdict, decides each claim on this machine and submits its own commitment:
//! - a GEMM stage: the worker's output fetched from its data server (checked against the
//!   claimed root) and put to Freivalds' check with vectors drawn here, after the worker
//!   committed ([`freivalds`], O(n²) for an O(n³) product, a miss chance ≤ 2⁻³²). If it holds,
//!   the root the receipt claims is this verifier's too; if it fails, or the output cannot be
//!   fetched, the stage is recomputed;
//! - a stage whose workload declares tile sampling, in a sampling round: as many rows of its
//!   output as the workload's `tiles`, drawn from this verifier's secret, fetched from the
//!   worker's data server with their Merkle proofs under the claimed root and recomputed
//!   from the job's input ([`tile_sampling`]); if they match, the root the receipt claims is
//!   this verifier's too; if one proven under it does not, the verifier refutes the claim
//!   ([`challenge::refuted`]); if the tiles cannot be had, the stage is recomputed;
//! - any other stage, and every stage in a dispute (which decides the claim): the stage's
//!   output recomputed from the job's own input (fetched from its URI and checked against
//!   its hash if it is `Content`; a later pipeline stage is recomputed through every layer
//!   up to its last, so no worker's output is trusted), cut into the job's tiles under the
//!   Merkle root;
//! - a benchmark answer: [`challenge::SPOT_CHECKS`] of its parts, drawn by this verifier
//!   (from its secret, so the node cannot foresee them), each part's record fetched with its
//!   Merkle proof under the answer from the node's data server and recomputed here. If every
//!   one matches, the answer is this verifier's root; if one does not, or the node does not
//!   serve them before the commit phase nearly ends, it reveals a refutation
//!   ([`challenge::refuted`]). A check never costs more than those few GEMMs, whatever IB
//!   the answer claims.
//!
//! Before recomputing a stage it estimates the time from its own speed (measured when it
//! starts) and refuses, logged and counted (`checks_refused`), work that would not finish
//! before the round's commit phase ends, rather than hold back its other checks. Heartbeats
//! go from their own task ([`crate::rounds::send_heartbeats`]), never behind a computation.
//!
//! Verdicts are commit–reveal: the loop first commits a hash of its root and a salt (the
//! chain's `verdict_commitment`), then, once every seat of the round has committed, reveals
//! the root and the salt; reveals go first in each pass and again after each commitment, so
//! a long recomputation does not hold a reveal back for more than itself. The salt is derived
//! from the verifier's secret URI, the subject and the round (sampling or dispute), and each
//! committed root is kept in the data dir (`verdicts/`) before the commitment is sent, so a
//! verifier restarted between its commitment and its reveal reveals what it committed to,
//! even when a recomputation now would find otherwise (the node stopped serving its parts).
//! It is kept until the round is over at a finalized block, so a reorg that hides the round
//! (or the block its reveal went into) for a while does not make the verifier forget it. A
//! check it cannot answer is logged and the pass goes on to the next. The chain compares the revealed root with the claim: equal
//! roots accept it, different ones open a dispute (and the loop answers the dispute round too,
//! as its committee member). The root shown with a check is never copied: in a trap round the
//! chain shows a wrong one, and a verifier that reveals it is faulted.

use std::{
	collections::{BTreeMap, BTreeSet},
	sync::Arc,
	time::Duration,
};

use subxt::utils::AccountId32;

use crate::{
	backend::Backend,
	bench,
	chain::{self, At, Awaiting, Chain, CheckSubject, PendingCheck},
	challenge,
	fetch::{FetchError, Fetcher, TileMissing},
	freivalds,
	metrics::Metrics,
	output,
	rounds::{NodeAccount, Rounds},
	stage::{CheckMethod, Input, StageTask},
	store::{hex, Store},
	tile_sampling::{self, SampleOutcome},
	work::{Kernel, Work},
};

/// Blocks before the end of a round's commit phase at which a benchmark answer whose parts
/// the node does not serve is refuted instead of fetched again on the next pass.
pub const REFUTE_BEFORE_BLOCKS: u32 = 3;

/// How long the speed of each kernel is timed when the verifier starts.
const SPEED_BUDGET: Duration = Duration::from_millis(250);

/// A check that cannot be decided yet (the node's data server did not answer): tried again
/// on the next pass, not given up.
#[derive(Debug)]
struct TryAgain(String);

impl std::fmt::Display for TryAgain {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "{}; trying again on the next pass", self.0)
	}
}

impl std::error::Error for TryAgain {}

/// A recomputation refused: this verifier's estimate runs past the commit phase.
#[derive(Debug)]
struct TooSlow {
	kernel: Kernel,
	needs_seconds: f64,
	left_seconds: f64,
}

impl std::fmt::Display for TooSlow {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(
			f,
			"refused: recomputing this {} stage would take about {:.0} s at this machine's \
			 speed, and the commit phase ends in {:.0} s; a faster backend (`--backend gpu` on \
			 a GPU) checks it in time",
			self.kernel.name(),
			self.needs_seconds,
			self.left_seconds
		)
	}
}

impl std::error::Error for TooSlow {}

/// What a round's salt, commitment and give-up are named by: the round (its subject, and
/// whether it is the dispute; a member commits once per round, and its commitment is kept
/// through the round's redraws), the claim's worker and the root shown (a stage reassigned
/// after a rejection is checked again under the same subject, for another worker or another
/// root, and must not inherit the earlier claim's verdict).
fn round_id(check: &PendingCheck) -> Vec<u8> {
	[&check.subject.encoded()[..], &[u8::from(check.dispute)], &check.worker.0, &check.output_root]
		.concat()
}

/// The name a round's committed root is kept under in the store.
fn round_key(check: &PendingCheck) -> String {
	hex(&sp_crypto_hashing::blake2_256(&round_id(check)))
}

/// The verifier's state across rounds.
pub struct Verifier {
	/// The node's key, account and heartbeats (an overdue verifier is drawn for no
	/// committee).
	node: NodeAccount,
	backend: Backend,
	/// Derives each commitment's salt: secret, from the verifier's secret URI.
	salt_key: [u8; 32],
	/// Roots committed, by round, with the block the round's reveals were due before when
	/// committed; kept in `store` too, so a restarted verifier reveals what it committed to,
	/// not a root computed anew. A round is forgotten only once it is not open at the best
	/// block and the finalized chain has reached that deadline: a round a reorg hides for a
	/// while comes back with the commitment made, to be revealed as made.
	committed: BTreeMap<String, ([u8; 32], u32)>,
	/// The node's data dir: its committed roots, its own answer's parts.
	store: Store,
	/// Rounds this verifier could not recompute: not tried again.
	given_up: BTreeSet<String>,
	/// Fetches a job's `Content` input, a GEMM stage's output.
	fetcher: Fetcher,
	/// Fetches single tiles and part records: [`PART_FETCH_TIMEOUT`] each.
	tile_fetcher: Fetcher,
	metrics: Arc<Metrics>,
	/// Work units per second of each kernel on `backend`, measured at the start.
	speed: Vec<(Kernel, f64)>,
}

impl Verifier {
	/// A verifier for the Verifier node of `suri` (its secret URI), recomputing on `backend`,
	/// keeping its commitments in `store`, counting into `metrics`.
	pub fn new(
		suri: &str,
		backend: Backend,
		store: Store,
		metrics: Arc<Metrics>,
	) -> anyhow::Result<Self> {
		let key = chain::keypair(suri)?;
		let salt_key =
			sp_crypto_hashing::blake2_256(&[&b"cinder/verdict-salt"[..], suri.as_bytes()].concat());
		let mut speed = Vec::new();
		for kernel in Kernel::ALL {
			let timed =
				bench::measure(&backend, &bench::slowest_work(kernel), SPEED_BUDGET, |_| {})?;
			speed.push((kernel, timed.units_per_minute() / 60.0));
		}
		Ok(Verifier {
			node: NodeAccount::new(key),
			backend,
			salt_key,
			committed: BTreeMap::new(),
			store,
			given_up: BTreeSet::new(),
			fetcher: Fetcher::default(),
			tile_fetcher: Fetcher::new(PART_FETCH_TIMEOUT),
			metrics,
			speed,
		})
	}

	/// The backend and the speed measured on it, for the log.
	pub fn describe(&self) -> String {
		let speeds: Vec<String> = self
			.speed
			.iter()
			.map(|(kernel, units)| format!("{} {units:.2e} units/s", kernel.name()))
			.collect();
		format!("{} ({})", self.backend.describe(), speeds.join(", "))
	}

	/// Refuses `work` (a [`TooSlow`] error, counted) when this verifier's estimate of its
	/// time runs past the commit phase of `check`'s round, `spent` of it gone since `at` was
	/// read. A root recomputed to reveal a commitment (after a restart) is never refused: the
	/// commitment is made.
	fn fits_in_time(
		&self,
		at: &At,
		check: &PendingCheck,
		kernel: Kernel,
		work_units: u64,
		spent: Duration,
	) -> anyhow::Result<()> {
		if check.awaiting != Awaiting::Commit {
			return Ok(());
		}
		let units_per_second =
			self.speed.iter().find(|(k, _)| *k == kernel).map_or(0.0, |(_, speed)| *speed);
		// A fifth more than the estimate, for what else the check takes (fetches, a loaded
		// machine).
		let needs_seconds = 1.2 * work_units as f64 / units_per_second.max(1e-9);
		// The commitment must be in a block before the phase ends: one block short.
		let blocks_left = u64::from(check.commits_until).saturating_sub(at.block_number() + 1);
		let left_seconds = (blocks_left.saturating_mul(chain::block_millis(at)?) as f64 / 1000.0
			- spent.as_secs_f64())
		.max(0.0);
		if needs_seconds > left_seconds {
			Metrics::count(&self.metrics.checks_refused, "reason", "too_slow");
			return Err(TooSlow { kernel, needs_seconds, left_seconds }.into());
		}
		Ok(())
	}

	/// The salt of this verifier's commitment in `check`'s round: secret until it is
	/// revealed, the same after a restart, never reused for another claim.
	fn salt(&self, check: &PendingCheck) -> [u8; 32] {
		sp_crypto_hashing::blake2_256(&[&self.salt_key[..], &round_id(check)].concat())
	}

	/// This verifier's root for `check`, from its commitment if it made one in this run, else
	/// recomputed; `None` (logged, not tried again) when it cannot be had.
	async fn root(&mut self, at: &At, check: &PendingCheck) -> Option<[u8; 32]> {
		let round = round_key(check);
		if let Some((root, _)) = self.committed.get(&round) {
			return Some(*root);
		}
		match self.store.verdict(&round) {
			Ok(Some((root, deadline))) => {
				self.committed.insert(round, (root, deadline));
				return Some(root);
			}
			Ok(None) => {}
			Err(error) => tracing::error!("cannot read the committed roots: {error}"),
		}
		if self.given_up.contains(&round) {
			return None;
		}
		match self.recompute(at, check).await {
			Ok(root) => Some(root),
			Err(error) if error.is::<TryAgain>() => {
				tracing::warn!(subject = ?check.subject, "{error:#}");
				None
			}
			Err(error) if error.is::<TooSlow>() => {
				tracing::warn!(subject = ?check.subject, "{error:#}");
				self.given_up.insert(round);
				None
			}
			Err(error) => {
				tracing::error!(subject = ?check.subject, "cannot recompute: {error:#}");
				self.given_up.insert(round);
				None
			}
		}
	}

	/// What this verifier commits to for `check`: its own root of the claimed work.
	pub async fn recompute(&self, at: &At, check: &PendingCheck) -> anyhow::Result<[u8; 32]> {
		let started = std::time::Instant::now();
		match check.subject {
			CheckSubject::Stage { job, stage } => {
				let mut task = chain::stage_task(at, job, stage)
					.await?
					.ok_or_else(|| anyhow::anyhow!("job {job} has no stage {stage}"))?;
				let fetched = self.fetcher.remote_input(&task, true).await;
				self.metrics.input_fetched(&fetched);
				if let Some(bytes) = fetched? {
					task.input = Input::Bytes(bytes);
				}
				let work = task.work_from_job_input()?;
				match (&work, task.method) {
					(Work::Gemm { .. }, CheckMethod::Freivalds { rounds }) => {
						let holds = self.claimed_gemm_holds(at, check, &task, &work, rounds).await;
						if let Some(root) = holds {
							Metrics::count(&self.metrics.checks, "method", "freivalds");
							return Ok(root);
						}
					}
					// A dispute decides the claim: it recomputes the whole output.
					(_, CheckMethod::TileSampling { tiles }) if !check.dispute => {
						let spent = started.elapsed();
						let found =
							self.sample_claimed(at, check, &task, &work, tiles, spent).await?;
						if let Some(root) = found {
							Metrics::count(&self.metrics.checks, "method", "tile_sampled");
							return Ok(root);
						}
					}
					_ => {}
				}
				let spent = started.elapsed();
				self.fits_in_time(at, check, work.kernel(), work.work_units(), spent)?;
				Metrics::count(&self.metrics.checks, "method", "recomputed");
				let bytes = tokio::task::block_in_place(|| work.run(&self.backend))?;
				Metrics::count(&self.metrics.stages_computed, "kernel", work.kernel().name());
				self.metrics.work_units.inc_by(work.work_units());
				Ok(output::commitment(&bytes, task.tile_bytes).0)
			}
			CheckSubject::Benchmark { challenge: id } => {
				let node = chain::node(at, &check.worker).await?;
				let endpoint =
					node.as_ref().map(|n| String::from_utf8_lossy(&n.endpoint.0).into_owned());
				let issued = node
					.and_then(|node| node.challenge)
					.filter(|c| c.id == id)
					.ok_or_else(|| anyhow::anyhow!("challenge {id} is not pending"))?;
				// The chain's record of the answer, not the root shown (a trap alters that).
				let answer = issued
					.answer
					.ok_or_else(|| anyhow::anyhow!("challenge {id} has no answer on chain"))?;
				// The parts drawn, at this verifier's speed, before the commit phase ends.
				let units = challenge::SPOT_CHECKS
					.saturating_mul(challenge::gemms_per_part(issued.work_units))
					.saturating_mul(challenge::GEMM.macs());
				self.fits_in_time(at, check, Kernel::Gemm, units, started.elapsed())?;
				let endpoint = endpoint.unwrap_or_default();
				let holds = self
					.spot_check(at, check, &endpoint, &issued.seed, issued.work_units, &answer)
					.await?;
				Metrics::count(&self.metrics.checks, "method", "spot_checked");
				Ok(if holds { answer } else { challenge::refuted(&answer) })
			}
		}
	}

	/// Whether the benchmark answer `answer` (of the challenge `(seed, work_units)`) holds, by
	/// [`spot_check_answer`] with parts drawn from this verifier's secret. `false` for a part
	/// that differs or fails its proof, and for parts not served by
	/// [`REFUTE_BEFORE_BLOCKS`] before the commit phase of `check` ends; until then, an
	/// unanswered fetch is a [`TryAgain`].
	async fn spot_check(
		&self,
		at: &At,
		check: &PendingCheck,
		endpoint: &str,
		seed: &[u8; 32],
		work_units: u64,
		answer: &[u8; 32],
	) -> anyhow::Result<bool> {
		// Secret (from the verifier's key), so the node cannot foresee them, and the same
		// after a restart.
		let draw = sp_crypto_hashing::blake2_256(
			&[&self.salt_key[..], b"spot-checks", &check.subject.encoded()].concat(),
		);
		// Fetching stops in time to commit a refutation: a node that never answers cannot
		// keep its committee silent. A root recomputed to reveal a commitment this verifier
		// no longer holds (its round left the best chain for a while) has until the reveal
		// deadline.
		let block_millis = chain::block_millis(at)?;
		let until = match check.awaiting {
			Awaiting::Commit => check.commits_until,
			_ => check.deadline,
		};
		let blocks_left = u64::from(until)
			.saturating_sub(at.block_number() + 1 + u64::from(REFUTE_BEFORE_BLOCKS));
		let started = tokio::time::Instant::now();
		let deadline = started + Duration::from_millis(blocks_left.saturating_mul(block_millis));
		let spot = SpotCheck { endpoint, seed, work_units, answer, draw, deadline };
		let refute = |why: String| {
			tracing::warn!(
				subject = ?check.subject,
				worker = %check.worker,
				"refuting the benchmark answer: {why}"
			);
			Ok(false)
		};
		match spot_check_answer(&self.tile_fetcher, &self.backend, &self.metrics, spot).await? {
			SpotOutcome::Holds => {
				tracing::info!(subject = ?check.subject, "benchmark answer spot-checked: every part drawn matches");
				Ok(true)
			}
			SpotOutcome::Differs { part, claimed, recomputed } => {
				refute(format!("part {part} is {}, recomputed {}", hex(&claimed), hex(&recomputed)))
			}
			SpotOutcome::NotServed { part, error } => {
				if tokio::time::Instant::now() < deadline {
					return Err(TryAgain(format!(
						"the node's data server does not serve part {part} of its answer ({error})"
					))
					.into());
				}
				refute(format!(
					"its parts are not served and its time ends at block {until} ({error})"
				))
			}
			SpotOutcome::BadProof { part, error } => {
				refute(format!("part {part} does not prove against it ({error})"))
			}
		}
	}

	/// The root of the worker's output of a GEMM stage, if that output is right: fetched from
	/// its data server under the root its receipt claims (the chain's, not the one the check
	/// shows, which a trap round alters) and put to Freivalds' check with vectors drawn here,
	/// now that the worker has committed. `None` (recompute) if the output cannot be had or
	/// fails.
	async fn claimed_gemm_holds(
		&self,
		at: &At,
		check: &PendingCheck,
		task: &StageTask,
		work: &Work,
		rounds: u32,
	) -> Option<[u8; 32]> {
		let endpoint = worker_endpoint(at, check).await?;
		let root = task.receipt_root.unwrap_or(check.output_root);
		let fetched = self.fetcher.output(&endpoint, &root, task.output_len, task.tile_bytes).await;
		self.metrics.fetched(&fetched);
		let claimed = match fetched {
			Ok(bytes) => bytes,
			Err(error) => {
				tracing::warn!(worker = %check.worker, "cannot fetch the claimed output: {error}; recomputing");
				return None;
			}
		};
		let mut seed = [0u8; 32];
		if let Err(error) = getrandom::getrandom(&mut seed) {
			tracing::warn!("no randomness for Freivalds' check ({error}); recomputing");
			return None;
		}
		let holds = tokio::task::block_in_place(|| gemm_output_holds(work, &claimed, seed, rounds));
		tracing::info!(subject = ?check.subject, holds, "Freivalds' check of the claimed output");
		holds.then_some(root)
	}
}

impl Verifier {
	/// This verifier's root for a stage checked by tile sampling, from a sample of its output:
	/// `tiles` rows drawn from this verifier's secret (so the worker cannot foresee them),
	/// fetched from the worker's data server with their proofs under the receipt's root (the
	/// chain's, not the one the check shows, which a trap round alters) and recomputed here
	/// ([`tile_sampling`]). The receipt's root if the sample holds; a refutation of it
	/// ([`challenge::refuted`]) if a row proven under it differs or a tile proven under it has
	/// the wrong size (the dispute then recomputes the whole output). `None` (recompute the
	/// whole output) for an output of no more rows than the sample, and when the sample shows
	/// nothing: a tile whose proof fails or that is not served, or a failed computation. A
	/// [`TooSlow`] error when even the sample does not fit before the commit phase ends (`spent`
	/// of it gone since `at` was read).
	async fn sample_claimed(
		&self,
		at: &At,
		check: &PendingCheck,
		task: &StageTask,
		work: &Work,
		tiles: u32,
		spent: Duration,
	) -> anyhow::Result<Option<[u8; 32]>> {
		let (rows, row_bytes) = work.output_rows();
		if tiles == 0
			|| row_bytes == 0
			|| rows as u64 <= u64::from(tiles)
			|| (rows * row_bytes) as u64 != task.output_len
		{
			return Ok(None);
		}
		let draw = sp_crypto_hashing::blake2_256(
			&[&self.salt_key[..], b"tile-samples", &round_id(check)].concat(),
		);
		let drawn = tile_sampling::draw_rows(rows as u64, tiles, draw);
		let units = work.work_units().saturating_mul(drawn.len() as u64) / rows as u64;
		self.fits_in_time(at, check, work.kernel(), units, spent)?;
		let Some(endpoint) = worker_endpoint(at, check).await else { return Ok(None) };
		let root = task.receipt_root.unwrap_or(check.output_root);
		let claimed = tile_sampling::Claimed {
			endpoint: &endpoint,
			root: &root,
			output_len: task.output_len,
			tile_bytes: task.tile_bytes,
		};
		let deadline = tokio::time::Instant::now() + PART_FETCH_TIMEOUT;
		let found = tile_sampling::sample(
			&self.tile_fetcher,
			&self.backend,
			&self.metrics,
			work,
			claimed,
			&drawn,
			deadline,
		)
		.await;
		self.metrics.work_units.inc_by(units);
		let refute = |why: String| {
			tracing::warn!(
				subject = ?check.subject,
				worker = %check.worker,
				"refuting the receipt: {why}"
			);
			Ok(Some(challenge::refuted(&root)))
		};
		let why = match found {
			Ok(SampleOutcome::Holds) => {
				tracing::info!(
					subject = ?check.subject,
					rows = drawn.len(),
					"tile sample of the claimed output: every row drawn matches"
				);
				return Ok(Some(root));
			}
			Ok(SampleOutcome::Differs { row }) => {
				return refute(format!("row {row}, proven under its root, recomputes otherwise"))
			}
			Ok(SampleOutcome::Malformed { tile, len }) => {
				return refute(format!(
					"tile {tile} proves under its root with {len} bytes, not the size the \
					 output's length gives"
				))
			}
			Ok(SampleOutcome::NotServed { tile, error }) => {
				format!("tile {tile} is not served ({error})")
			}
			Ok(SampleOutcome::BadProof { tile, error }) => {
				format!("tile {tile} does not prove against the claimed root ({error})")
			}
			Err(error) => format!("the sampled rows could not be computed ({error})"),
		};
		tracing::warn!(
			subject = ?check.subject,
			worker = %check.worker,
			"tile sample of the claimed output failed: {why}; recomputing it whole"
		);
		Ok(None)
	}
}

/// The data server endpoint of `check`'s worker, to fetch its output from; `None` (logged when
/// the chain cannot be read) when there is none: the caller recomputes.
async fn worker_endpoint(at: &At, check: &PendingCheck) -> Option<String> {
	match chain::endpoint(at, &check.worker).await {
		Ok(endpoint) => endpoint,
		Err(error) => {
			tracing::warn!("cannot read the worker's node: {error:#}; recomputing");
			None
		}
	}
}

/// Whether `claimed` (an output's bytes) is `work`'s product, by Freivalds' check with
/// `rounds` vectors from `seed` (the workload's declared rounds, at least
/// [`freivalds::ROUNDS`]): `false` for work other than a GEMM or bytes of the wrong size.
pub fn gemm_output_holds(work: &Work, claimed: &[u8], seed: [u8; 32], rounds: u32) -> bool {
	let Work::Gemm { shape, a, b } = work else { return false };
	let rounds = rounds.max(freivalds::ROUNDS);
	output::i32_values(claimed).is_some_and(|c| freivalds::check(a, b, &c, *shape, seed, rounds))
}

/// Longest wait for one part's record: a server that answers slowly is as good as down.
pub const PART_FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// A benchmark answer to spot-check: the data server at `endpoint` serves its parts'
/// records; `draw` picks the parts.
pub struct SpotCheck<'a> {
	/// The node's data server.
	pub endpoint: &'a str,
	/// The challenge's seed.
	pub seed: &'a [u8; 32],
	/// The challenge's work units.
	pub work_units: u64,
	/// The answer on chain.
	pub answer: &'a [u8; 32],
	/// Randomness the node cannot foresee, for [`challenge::spot_checks`].
	pub draw: [u8; 32],
	/// No fetch goes on past it (the parts not had by then are not served).
	pub deadline: tokio::time::Instant,
}

/// What a spot check of a benchmark answer found.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum SpotOutcome {
	/// Every part drawn is served, proves against the answer and matches its recomputation.
	Holds,
	/// Part `part`'s record proves against the answer but its GEMM gives another root: the
	/// answer is made up there.
	Differs { part: u64, claimed: [u8; 32], recomputed: [u8; 32] },
	/// Part `part` was not served (the server is down, or answers an error): perhaps only
	/// for now.
	NotServed { part: u64, error: FetchError },
	/// Part `part` came without a valid proof against the answer.
	BadProof { part: u64, error: FetchError },
}

/// Spot-checks a benchmark answer: [`challenge::SPOT_CHECKS`] parts drawn from `spot.draw`,
/// their records fetched at once from the node's data server with their Merkle proofs (each
/// fetch counted into `metrics`, none waiting more than [`PART_FETCH_TIMEOUT`] or past
/// `spot.deadline`, so a pass takes one timeout however the node serves), each checked against
/// the answer; only when every record is had are the parts recomputed on `backend`, so a node
/// that serves nothing costs no compute. The first part drawn that fails decides.
pub async fn spot_check_answer(
	fetcher: &Fetcher,
	backend: &Backend,
	metrics: &Metrics,
	spot: SpotCheck<'_>,
) -> Result<SpotOutcome, crate::gpu::GpuError> {
	let parts = challenge::part_count(spot.work_units);
	let drawn = challenge::spot_checks(parts, spot.draw);
	let until = spot.deadline.min(tokio::time::Instant::now() + PART_FETCH_TIMEOUT);
	let records =
		match fetcher.tiles(spot.endpoint, spot.answer, &drawn, parts, until, metrics).await {
			Ok(records) => records,
			Err((part, TileMissing::NotServed(error))) => {
				return Ok(SpotOutcome::NotServed { part, error })
			}
			Err((part, TileMissing::BadProof(error))) => {
				return Ok(SpotOutcome::BadProof { part, error })
			}
		};
	for (part, claimed) in drawn.into_iter().zip(records) {
		let recomputed = tokio::task::block_in_place(|| {
			challenge::part(backend, spot.seed, spot.work_units, part, || {})
		})?;
		if claimed != recomputed {
			let claimed = claimed.try_into().unwrap_or_default();
			return Ok(SpotOutcome::Differs { part, claimed, recomputed });
		}
	}
	Ok(SpotOutcome::Holds)
}

impl Rounds for Verifier {
	fn who(&self) -> &AccountId32 {
		&self.node.who
	}

	fn metrics(&self) -> &Metrics {
		&self.metrics
	}

	async fn round(&mut self, chain: &Chain) -> anyhow::Result<()> {
		let (at, _) = self
			.node
			.begin_round(chain, &self.metrics, "cinder-worker register --role verifier")
			.await?;
		let pending = chain::pending_checks(&at, &self.node.who).await?;
		let open_keys: BTreeSet<String> = pending.iter().map(round_key).collect();
		let finalized = chain.finalized_number().await?;
		let over = |key: &String, deadline: u32| {
			!open_keys.contains(key) && u64::from(deadline) <= finalized
		};
		self.committed.retain(|key, (_, deadline)| !over(key, *deadline));
		self.given_up.retain(|key| open_keys.contains(key));
		for (key, root, deadline) in self.store.verdicts()? {
			if over(&key, deadline) {
				self.store.remove_verdict(&key)?;
			} else {
				self.committed.entry(key).or_insert((root, deadline));
			}
		}
		// A redraw moves a round's deadline on, the commitment kept: so does its record.
		for check in &pending {
			if let Some((root, deadline)) = self.committed.get_mut(&round_key(check)) {
				if check.deadline > *deadline {
					*deadline = check.deadline;
					self.store.put_verdict(&round_key(check), root, check.deadline)?;
				}
			}
		}
		self.reveal_open(chain, &at, &pending).await;
		for check in pending.iter().filter(|c| c.awaiting == Awaiting::Commit) {
			// Reveals wait for their blocks and a recomputation can take minutes: time each
			// check from the chain as it stands now, not as it stood when the round began.
			let at = chain.at_best().await?;
			if let Err(error) = self.answer(chain, &at, check).await {
				tracing::error!(subject = ?check.subject, "cannot commit a verdict: {error:#}");
			}
			// Reveal what opened meanwhile before the next.
			let at = chain.at_best().await?;
			let now_pending = chain::pending_checks(&at, &self.node.who).await?;
			self.reveal_open(chain, &at, &now_pending).await;
		}
		Ok(())
	}
}

impl Verifier {
	/// Reveals this verifier's verdict on every check of `pending` whose reveals are open.
	async fn reveal_open(&mut self, chain: &Chain, at: &At, pending: &[PendingCheck]) {
		for check in pending.iter().filter(|c| c.awaiting == Awaiting::Reveal { open: true }) {
			if let Err(error) = self.answer(chain, at, check).await {
				tracing::error!(subject = ?check.subject, "cannot reveal a verdict: {error:#}");
			}
		}
	}

	/// Commits this verifier's verdict on `check`, or reveals it.
	async fn answer(&mut self, chain: &Chain, at: &At, check: &PendingCheck) -> anyhow::Result<()> {
		let round = round_key(check);
		let Some(root) = self.root(at, check).await else { return Ok(()) };
		let salt = self.salt(check);
		if check.awaiting == Awaiting::Commit {
			let commitment = chain::verdict_commitment(check.subject, &self.node.who, &root, &salt);
			// Kept before it is sent: a restart reveals this root.
			self.store.put_verdict(&round, &root, check.deadline)?;
			chain::commit_verdict(chain, &self.node.key, check.subject, commitment).await?;
			self.committed.insert(round, (root, check.deadline));
			tracing::info!(subject = ?check.subject, commits_until = check.commits_until, "verdict committed");
			return Ok(());
		}
		// Kept until the round is over (a reorg may drop the block the reveal went into).
		chain::reveal_verdict(chain, &self.node.key, check.subject, root, salt).await?;
		let agrees = root == check.output_root;
		Metrics::count(&self.metrics.verdicts, "agrees", if agrees { "true" } else { "false" });
		tracing::info!(
			subject = ?check.subject,
			worker = %check.worker,
			agrees,
			root = %hex(&root),
			"verdict"
		);
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		gemm::{self, Shape},
		inputs::gemm_inputs,
		mlp::Model,
	};
	use cinder_primitives::merkle;

	/// A data server over a fresh store holding `blob` under `root` in 32-byte tiles; its URL.
	async fn serving(name: &str, root: &[u8; 32], blob: &[u8]) -> String {
		let dir = std::env::temp_dir().join(format!("cinder-spot-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		let store = crate::store::Store::open(dir).unwrap();
		store.put_output(root, blob, challenge::PART_BYTES).unwrap();
		let server =
			crate::server::DataServer::new(Some(store), Arc::new(Metrics::new()), "t".into());
		format!("http://{}", crate::server::start("127.0.0.1:0", server).await.unwrap())
	}

	/// The spot check of a benchmark answer: an honest one holds; one whose second half is
	/// made up (records that still prove against its root) is caught; parts nobody serves,
	/// and parts that do not prove against the answer, are reported as such.
	#[tokio::test(flavor = "multi_thread")]
	async fn a_spot_check_passes_an_honest_answer_and_catches_a_made_up_one() {
		let backend = Backend::Cpu { threads: 2 };
		let metrics = Metrics::new();
		let fetcher = Fetcher::default();
		let seed = [3; 32];
		let parts = 40u64;
		let honest =
			challenge::answer(&backend, &seed, parts * challenge::GEMM.macs(), |_, _| {}).unwrap();
		let url = serving("honest", &honest.root, &honest.parts).await;
		let work_units = parts * challenge::GEMM.macs();
		let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
		let spot = |endpoint, answer, draw| SpotCheck {
			endpoint,
			seed: &seed,
			work_units,
			answer,
			draw,
			deadline,
		};
		for draw in [[1; 32], [2; 32]] {
			let found =
				spot_check_answer(&fetcher, &backend, &metrics, spot(&url, &honest.root, draw));
			assert_eq!(found.await.unwrap(), SpotOutcome::Holds);
		}

		// The first half computed, the rest made up: the blob's root is the answer.
		let mut faked = honest.parts.clone();
		for byte in &mut faked[(parts as usize / 2) * 32..] {
			*byte = 0x5a;
		}
		let faked_root = merkle::tiles_root(&faked, challenge::PART_BYTES);
		let url = serving("faked", &faked_root, &faked).await;
		for draw in [[1; 32], [2; 32], [3; 32]] {
			let found =
				spot_check_answer(&fetcher, &backend, &metrics, spot(&url, &faked_root, draw));
			assert!(
				matches!(found.await.unwrap(), SpotOutcome::Differs { part, .. } if part >= parts / 2),
				"a made-up part is drawn (a half of the parts: missed with 2⁻¹⁶)"
			);
		}

		// Nobody serves the answer; a server with other records under its root.
		let nobody = format!("http://127.0.0.1:{}", {
			let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
			listener.local_addr().unwrap().port()
		});
		let found =
			spot_check_answer(&fetcher, &backend, &metrics, spot(&nobody, &honest.root, [1; 32]));
		assert!(matches!(found.await.unwrap(), SpotOutcome::NotServed { .. }));
		let url = serving("other", &honest.root, &faked).await;
		let found =
			spot_check_answer(&fetcher, &backend, &metrics, spot(&url, &honest.root, [1; 32]));
		assert!(matches!(found.await.unwrap(), SpotOutcome::BadProof { .. }));

		// A server that takes connections and never answers holds the check only until its
		// deadline.
		let tarpit = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
		let url = format!("http://{}", tarpit.local_addr().unwrap());
		let started = tokio::time::Instant::now();
		let spot = SpotCheck {
			endpoint: &url,
			seed: &seed,
			work_units,
			answer: &honest.root,
			draw: [1; 32],
			deadline: started + Duration::from_millis(700),
		};
		let found = spot_check_answer(&fetcher, &backend, &metrics, spot).await.unwrap();
		assert!(matches!(found, SpotOutcome::NotServed { .. }), "{found:?}");
		let waited = started.elapsed();
		assert!(
			waited >= Duration::from_millis(650) && waited < Duration::from_secs(3),
			"{waited:?}"
		);
	}

	#[test]
	fn a_claimed_gemm_output_holds_only_when_right() {
		let shape = Shape { m: 9, n: 13, k: 21 };
		let (a, b) = gemm_inputs([4; 32], shape.m, shape.n, shape.k);
		let right = output::i32_bytes(&gemm::naive(&a, &b, shape));
		let work = Work::Gemm { shape, a, b };
		assert!(gemm_output_holds(&work, &right, [1; 32], 2));
		let mut wrong = right.clone();
		wrong[17] ^= 0x40;
		assert!(!gemm_output_holds(&work, &wrong, [1; 32], 2));
		assert!(!gemm_output_holds(&work, &right[..right.len() - 4], [1; 32], 2), "one short");
		assert!(!gemm_output_holds(&work, &right[1..], [1; 32], 2), "no whole i32");
		let mlp =
			Work::Mlp { layers: Model::seeded([1; 32], &[(4, 4)]).layers, x: vec![0; 4], batch: 1 };
		assert!(!gemm_output_holds(&mlp, &right, [1; 32], 2), "not a GEMM");
	}
}
