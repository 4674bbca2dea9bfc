//! `cinder-worker verify`: a validator's verifier loop.
//!
//! Each round sends the node's heartbeat when due (an overdue verifier is drawn for no
//! committee), asks the chain (at its best block) for the checks awaiting this verifier's
//! verdict, recomputes each claim on this machine's backend and submits its own commitment:
//! - a job's stage: the stage's output from the job's own input (fetched from its URI and
//!   checked against its hash if it is `Content`; a later pipeline stage is recomputed through
//!   every layer up to its last, so no worker's output is trusted), cut into the job's tiles
//!   under the Merkle root;
//! - a benchmark answer: the challenge's GEMMs from its seed, under the answer's root.
//!
//! The chain compares the commitment with the claim: equal roots accept it, different ones
//! open a dispute (and the loop answers the dispute round too, as its committee member).

use std::{collections::BTreeSet, sync::Arc};

use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;

use crate::{
	backend::Backend,
	chain::{self, At, Chain, CheckSubject, PendingCheck},
	challenge,
	fetch::Fetcher,
	metrics::Metrics,
	output,
	rounds::{NodeAccount, Rounds},
	stage::Input,
	store::hex,
};

/// The verifier's state across rounds.
pub struct Verifier {
	/// The node's key, account and heartbeats (an overdue verifier is drawn for no
	/// committee).
	node: NodeAccount,
	backend: Backend,
	/// Checks answered, by subject and round deadline (a dispute is a new round).
	answered: BTreeSet<(CheckSubject, u32)>,
	/// Fetches a job's `Content` input.
	fetcher: Fetcher,
	metrics: Arc<Metrics>,
}

impl Verifier {
	/// A verifier for `key`'s Verifier node, recomputing on `backend`, counting into
	/// `metrics`.
	pub fn new(key: Keypair, backend: Backend, metrics: Arc<Metrics>) -> Self {
		Verifier {
			node: NodeAccount::new(key),
			backend,
			answered: BTreeSet::new(),
			fetcher: Fetcher::default(),
			metrics,
		}
	}

	/// What this verifier commits to for `check`: its own root of the claimed work.
	pub async fn recompute(&self, at: &At, check: &PendingCheck) -> anyhow::Result<[u8; 32]> {
		match check.subject {
			CheckSubject::Stage { job, stage } => {
				let mut task = chain::stage_task(at, job, stage)
					.await?
					.ok_or_else(|| anyhow::anyhow!("job {job} has no stage {stage}"))?;
				if let Some(bytes) = self.fetcher.remote_input(&task, true).await? {
					task.input = Input::Bytes(bytes);
				}
				let work = task.work_from_job_input()?;
				let bytes = tokio::task::block_in_place(|| work.run(&self.backend))?;
				Metrics::count(&self.metrics.stages_computed, "kernel", work.kernel().name());
				self.metrics.work_units.inc_by(work.work_units());
				Ok(output::commitment(&bytes, task.tile_bytes).0)
			}
			CheckSubject::Benchmark { challenge: id } => {
				let node = chain::node(at, &check.worker).await?;
				let issued = node
					.and_then(|node| node.challenge)
					.filter(|c| c.id == id)
					.ok_or_else(|| anyhow::anyhow!("challenge {id} is not pending"))?;
				Ok(tokio::task::block_in_place(|| {
					challenge::answer(&self.backend, &issued.seed, issued.work_units, |_, _| {})
				})?)
			}
		}
	}
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
		self.answered.retain(|(subject, deadline)| {
			pending.iter().any(|c| c.subject == *subject && c.deadline == *deadline)
		});
		for check in pending {
			let round = (check.subject, check.deadline);
			if self.answered.contains(&round) {
				continue;
			}
			let root = match self.recompute(&at, &check).await {
				Ok(root) => root,
				Err(error) => {
					tracing::error!(subject = ?check.subject, "cannot recompute: {error:#}");
					self.answered.insert(round);
					continue;
				}
			};
			let agrees = root == check.output_root;
			chain::submit_verdict(chain, &self.node.key, check.subject, root).await?;
			self.answered.insert(round);
			Metrics::count(&self.metrics.verdicts, "agrees", if agrees { "true" } else { "false" });
			tracing::info!(
				subject = ?check.subject,
				worker = %check.worker,
				agrees,
				root = %hex(&root),
				"verdict"
			);
		}
		Ok(())
	}
}
