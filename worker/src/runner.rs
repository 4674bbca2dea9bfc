//! `cinder-worker run`: the worker's main loop.
//!
//! Each round reads the chain at its best block (work starts as soon as a stage is assigned,
//! before finality) and:
//! - sends a heartbeat when `heartbeat_interval` blocks passed since the last one
//!   ([`Heartbeats`]);
//! - answers a pending benchmark challenge (after `claim_ib`, say);
//! - computes every stage assigned and running here, keeps its output and receipt in the
//!   [`Store`] first, then submits all new receipts in one `submit_receipts` call.
//!
//! A receipt stays "sent" until the chain shows it delivered; if a block does not include it
//! within [`RESEND_AFTER_BLOCKS`] (a reorg, a dropped transaction) it is sent again, read
//! back from the store rather than recomputed. When the node is away, rounds fail and the
//! loop reconnects with exponential backoff up to [`MAX_BACKOFF`].

use std::{
	collections::{BTreeMap, BTreeSet},
	time::Instant,
};

use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;

use crate::{
	backend::Backend,
	chain::{self, At, Chain, ReceiptOutcome},
	challenge, output,
	rounds::{Heartbeats, Rounds},
	stage::{StageError, StagePhase, StageTask},
	store::{hex, Delivery, Store},
};

/// Blocks a sent receipt may take to show up as delivered before it is sent again.
pub const RESEND_AFTER_BLOCKS: u64 = 10;
/// Most receipts in one `submit_receipts` call (the runtime's `MaxReceiptsPerCall`).
pub const MAX_BATCH: usize = 128;

/// How the loop runs.
#[derive(Clone, Debug)]
pub struct RunOptions {
	/// Test only: commit to a corrupted output (one bit flipped), to exercise verification.
	pub lie: bool,
}

/// The worker's state across rounds.
pub struct Runner {
	key: Keypair,
	who: AccountId32,
	backend: Backend,
	store: Store,
	options: RunOptions,
	/// Receipts sent, by `(job, stage)`, with the best block when sent.
	sent: BTreeMap<(u64, u8), u64>,
	/// Stages that cannot run here, reported once.
	unrunnable: BTreeSet<(u64, u8)>,
	/// The node's heartbeats.
	heartbeats: Heartbeats,
	/// The answer computed for a challenge, by its id: sent again, not recomputed, if its
	/// submission failed (the chain shows whether an answer is in).
	answer: Option<(u64, [u8; 32])>,
}

impl Runner {
	/// A runner for `key`'s node, computing on `backend`, keeping its state in `store`.
	pub fn new(key: Keypair, backend: Backend, store: Store, options: RunOptions) -> Self {
		Runner {
			who: chain::account(&key),
			key,
			backend,
			store,
			options,
			sent: BTreeMap::new(),
			unrunnable: BTreeSet::new(),
			heartbeats: Heartbeats::default(),
			answer: None,
		}
	}

	/// One round at the best block.
	async fn round(&mut self, chain: &Chain) -> anyhow::Result<()> {
		let at = chain.at_best().await?;
		let block = at.block_number();
		let Some(node) = chain::node(&at, &self.who).await? else {
			anyhow::bail!(
				"{} runs no node: register it first (`cinder-worker register --suri …`)",
				self.who
			);
		};

		self.heartbeats.beat_if_due(chain, &self.key, &at, node.last_heartbeat).await?;

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
					self.answer = Some((challenge.id, answer));
					answer
				}
			};
			let outcome = chain::submit_benchmark(chain, &self.key, answer).await?;
			tracing::info!(?outcome, "benchmark answered");
		}

		self.deliver(chain, &at).await
	}

	/// Computes what is assigned and not delivered, and submits the receipts.
	async fn deliver(&mut self, chain: &Chain, at: &At) -> anyhow::Result<()> {
		let block = at.block_number();
		let assigned = chain::assignments(at, &self.who).await?;
		// Only what is still assigned and undelivered is tracked.
		let open = |key: &(u64, u8)| assigned.iter().any(|a| (a.0, a.1) == *key && !a.2);
		self.sent.retain(|key, _| open(key));
		self.unrunnable.retain(open);
		let mut batch = Vec::new();
		for (job, stage, delivered) in assigned {
			let key = (job, stage);
			let fresh = self.sent.get(&key).is_none_or(|sent| block >= sent + RESEND_AFTER_BLOCKS);
			if delivered || !fresh || self.unrunnable.contains(&key) {
				continue;
			}
			if let Some(delivery) = self.store.receipt(job, stage)? {
				batch.push((job, stage, delivery));
				continue;
			}
			let Some(task) = chain::stage_task(at, job, stage).await? else { continue };
			if !matches!(task.phase, StagePhase::Running { .. }) {
				continue;
			}
			match self.compute(&task) {
				Ok(delivery) => batch.push((job, stage, delivery)),
				Err(error) => {
					tracing::error!(job, stage, "cannot run this stage here: {error:#}");
					self.unrunnable.insert(key);
				}
			}
		}
		for chunk in batch.chunks(MAX_BATCH) {
			let outcomes = chain::submit_receipts(chain, &self.key, chunk).await?;
			for ((job, stage, delivery), outcome) in chunk.iter().zip(outcomes) {
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
				"its input is remote (a URI, or the previous pipeline stage's output): \
					 fetching inputs comes with the data server"
			),
			other => other.into(),
		})?;
		let started = Instant::now();
		let mut bytes = tokio::task::block_in_place(|| work.run(&self.backend))?;
		let elapsed_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
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
		self.store.put_output(&output_root, &bytes)?;
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
		&self.who
	}

	async fn round(&mut self, chain: &Chain) -> anyhow::Result<()> {
		Runner::round(self, chain).await
	}
}
