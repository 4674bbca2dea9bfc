//! `cinder-worker run`: the worker's main loop.
//!
//! Each round reads the chain at its best block (work starts as soon as a stage is assigned,
//! before finality) and:
//! - answers a pending benchmark challenge (after `claim_ib`, say), keeping its parts in the
//!   [`Store`] for the data server to serve while verifiers spot-check them;
//! - computes every stage assigned and running here, keeps its output and receipt in the
//!   [`Store`] first, then submits all new receipts in one `submit_receipts` call.
//!
//! A stage whose input is elsewhere gets it first ([`Fetcher::remote_input`]): a later
//! pipeline stage fetches the previous stage's output from that worker's data server, a
//! `Content` input comes from its URI, and either is checked against the chain's commitment.
//! Bytes that fail the check are reported and never computed on; a failed fetch is tried
//! again [`FETCH_RETRY_BLOCKS`] later.
//!
//! A receipt stays "sent" until the chain shows it delivered; if a block does not include it
//! within [`RESEND_AFTER_BLOCKS`] (a reorg, a dropped transaction) it is sent again, read
//! back from the store rather than recomputed. When the node is away, rounds fail and the
//! loop reconnects with exponential backoff up to [`MAX_BACKOFF`]. Heartbeats go from their
//! own task ([`crate::rounds::send_heartbeats`]), never held back by a kernel.

use std::{
	collections::{BTreeMap, BTreeSet},
	sync::Arc,
	time::Instant,
};

use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;

use crate::{
	backend::Backend,
	chain::{self, At, Chain, ReceiptOutcome},
	challenge,
	fetch::Fetcher,
	metrics::Metrics,
	output,
	rounds::{NodeAccount, Rounds},
	stage::{Input, StageError, StagePhase, StageTask},
	store::{hex, Delivery, Store},
};

/// Blocks a sent receipt may take to show up as delivered before it is sent again.
pub const RESEND_AFTER_BLOCKS: u64 = 10;
/// Most receipts in one `submit_receipts` call (the runtime's `MaxReceiptsPerCall`).
pub const MAX_BATCH: usize = 128;
/// Blocks to wait before fetching an input again after a fetch failed.
pub const FETCH_RETRY_BLOCKS: u64 = 2;

/// How the loop runs.
#[derive(Clone, Debug)]
pub struct RunOptions {
	/// Test only: commit to a corrupted output (one bit flipped), to exercise verification.
	pub lie: bool,
	/// Test only: once a round's receipts are stored, stop before submitting them and wait
	/// to be killed, to exercise a restart.
	pub stop_before_submit: bool,
}

/// The worker's state across rounds.
pub struct Runner {
	/// The node's key, account and heartbeats.
	node: NodeAccount,
	backend: Backend,
	store: Store,
	options: RunOptions,
	fetcher: Fetcher,
	metrics: Arc<Metrics>,
	/// Stages whose input could not be fetched, with the block to try again at.
	fetch_retry: BTreeMap<(u64, u8), u64>,
	/// Receipts sent, by `(job, stage)`, with the best block when sent.
	sent: BTreeMap<(u64, u8), u64>,
	/// Stages that cannot run here, reported once.
	unrunnable: BTreeSet<(u64, u8)>,
	/// The answer computed for a challenge, by its id: sent again, not recomputed, if its
	/// submission failed (the chain shows whether an answer is in).
	answer: Option<(u64, [u8; 32])>,
}

impl Runner {
	/// A runner for `key`'s node, computing on `backend`, keeping its state in `store`,
	/// counting into `metrics`.
	pub fn new(
		key: Keypair,
		backend: Backend,
		store: Store,
		options: RunOptions,
		metrics: Arc<Metrics>,
	) -> Self {
		Runner {
			node: NodeAccount::new(key),
			backend,
			store,
			options,
			fetcher: Fetcher::default(),
			metrics,
			fetch_retry: BTreeMap::new(),
			sent: BTreeMap::new(),
			unrunnable: BTreeSet::new(),
			answer: None,
		}
	}

	/// One round at the best block.
	async fn round(&mut self, chain: &Chain) -> anyhow::Result<()> {
		let (at, node) =
			self.node.begin_round(chain, &self.metrics, "cinder-worker register --suri …").await?;
		let block = at.block_number();

		let pending =
			node.challenge.filter(|c| c.answer.is_none() && u64::from(c.deadline) >= block);
		if let Some(challenge) = pending {
			let answer = match self.answer {
				Some((id, answer)) if id == challenge.id => answer,
				_ => {
					tracing::info!(
						id = challenge.id,
						work_units = challenge.work_units,
						"answering the benchmark challenge"
					);
					let answer = tokio::task::block_in_place(|| {
						challenge::answer(
							&self.backend,
							&challenge.seed,
							challenge.work_units,
							|_, _| {},
						)
					})?;
					// Served from the store while verifiers spot-check the answer.
					self.store.put_output(&answer.root, &answer.parts, challenge::PART_BYTES)?;
					self.answer = Some((challenge.id, answer.root));
					answer.root
				}
			};
			let outcome = chain::submit_benchmark(chain, &self.node.key, answer).await?;
			self.metrics.challenges_answered.inc();
			tracing::info!(?outcome, "benchmark answered");
		}

		self.deliver(chain, &at).await
	}

	/// Computes what is assigned and not delivered, and submits the receipts.
	async fn deliver(&mut self, chain: &Chain, at: &At) -> anyhow::Result<()> {
		let block = at.block_number();
		let assigned = chain::assignments(at, &self.node.who).await?;
		// Only what is still assigned and undelivered is tracked.
		let open = |key: &(u64, u8)| assigned.iter().any(|a| (a.0, a.1) == *key && !a.2);
		self.sent.retain(|key, _| open(key));
		self.unrunnable.retain(open);
		self.fetch_retry.retain(|key, _| open(key));
		let mut batch = Vec::new();
		for (job, stage, delivered) in assigned {
			let key = (job, stage);
			let fresh = self.sent.get(&key).is_none_or(|sent| block >= sent + RESEND_AFTER_BLOCKS);
			if delivered || !fresh || self.unrunnable.contains(&key) {
				continue;
			}
			if let Some(delivery) = self.store.receipt(job, stage)? {
				if !self.sent.contains_key(&key) {
					tracing::info!(job, stage, "receipt from the store: not computed again");
					self.metrics.receipts_from_store.inc();
				}
				batch.push((job, stage, delivery));
				continue;
			}
			if self.fetch_retry.get(&key).is_some_and(|retry| block < *retry) {
				continue;
			}
			let Some(mut task) = chain::stage_task(at, job, stage).await? else { continue };
			if !matches!(task.phase, StagePhase::Running { .. }) {
				continue;
			}
			let fetched = self.fetcher.remote_input(&task, false).await;
			self.metrics.input_fetched(&fetched);
			match fetched {
				Ok(None) => {}
				Ok(Some(bytes)) => {
					tracing::info!(
						job,
						stage,
						bytes = bytes.len(),
						"input fetched and checked against the chain"
					);
					task.input = Input::Bytes(bytes);
				}
				Err(error) => {
					tracing::warn!(job, stage, "cannot get the stage's input: {error}");
					self.fetch_retry.insert(key, block + FETCH_RETRY_BLOCKS);
					continue;
				}
			}
			match self.compute(&task) {
				Ok(delivery) => batch.push((job, stage, delivery)),
				Err(error) => {
					tracing::error!(job, stage, "cannot run this stage here: {error:#}");
					self.unrunnable.insert(key);
				}
			}
		}
		if self.options.stop_before_submit && !batch.is_empty() {
			tracing::warn!(
				receipts = batch.len(),
				"stored; stopping before submission as asked (--stop-before-submit): waiting to be killed"
			);
			std::future::pending::<()>().await;
		}
		for chunk in batch.chunks(MAX_BATCH) {
			let outcomes = chain::submit_receipts(chain, &self.node.key, chunk).await?;
			for ((job, stage, delivery), outcome) in chunk.iter().zip(outcomes) {
				let counted = match &outcome {
					ReceiptOutcome::Accepted { .. } => "accepted",
					ReceiptOutcome::Congested => "congested",
					ReceiptOutcome::Rejected(_) => "rejected",
				};
				Metrics::count(&self.metrics.receipts, "outcome", counted);
				match outcome {
					ReceiptOutcome::Accepted { accept_at } => {
						tracing::info!(
							job,
							stage,
							root = %hex(&delivery.output_root),
							?accept_at,
							"receipt recorded"
						);
						self.sent.insert((*job, *stage), block);
					}
					ReceiptOutcome::Congested => {
						tracing::info!(
							job,
							stage,
							"receipt deferred (block congested): next round"
						);
					}
					ReceiptOutcome::Rejected(reason) => {
						tracing::warn!(job, stage, %reason, "receipt rejected");
						self.unrunnable.insert((*job, *stage));
					}
				}
			}
		}
		Ok(())
	}

	/// Computes a stage, keeps its output and receipt, and returns the receipt.
	fn compute(&self, task: &StageTask) -> anyhow::Result<Delivery> {
		let work = task.work().map_err(|error| match error {
			StageError::NotFetched => anyhow::anyhow!(
				"its input is the previous pipeline stage's output, and that stage has no \
				 receipt or its worker no node record"
			),
			other => other.into(),
		})?;
		tracing::info!(
			job = task.job,
			stage = task.stage,
			kernel = work.kernel().name(),
			work_units = work.work_units(),
			"computing"
		);
		let started = Instant::now();
		let mut bytes = tokio::task::block_in_place(|| work.run(&self.backend))?;
		let elapsed = started.elapsed();
		let elapsed_ms = u32::try_from(elapsed.as_millis()).unwrap_or(u32::MAX);
		Metrics::count(&self.metrics.stages_computed, "kernel", work.kernel().name());
		self.metrics.work_units.inc_by(work.work_units());
		self.metrics.compute_seconds.observe(elapsed.as_secs_f64());
		if self.options.lie {
			if let Some(first) = bytes.first_mut() {
				*first ^= 1;
			}
		}
		anyhow::ensure!(
			bytes.len() as u64 == task.output_len,
			"the output has {} bytes, the chain expects {}",
			bytes.len(),
			task.output_len
		);
		let (output_root, tile_count) = output::commitment(&bytes, task.tile_bytes);
		let delivery =
			Delivery { output_root, output_len: bytes.len() as u64, tile_count, elapsed_ms };
		self.store.put_output(&output_root, &bytes, task.tile_bytes)?;
		self.store.put_receipt(task.job, task.stage, delivery)?;
		tracing::info!(
			job = task.job,
			stage = task.stage,
			kernel = work.kernel().name(),
			work_units = work.work_units(),
			elapsed_ms,
			"computed"
		);
		Ok(delivery)
	}
}

impl Rounds for Runner {
	fn who(&self) -> &AccountId32 {
		&self.node.who
	}

	fn metrics(&self) -> &Metrics {
		&self.metrics
	}

	async fn round(&mut self, chain: &Chain) -> anyhow::Result<()> {
		Runner::round(self, chain).await
	}
}
