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
//! - any other stage: the stage's output recomputed from the job's own input (fetched from
//!   its URI and checked against its hash if it is `Content`; a later pipeline stage is
//!   recomputed through every layer up to its last, so no worker's output is trusted), cut
//!   into the job's tiles under the Merkle root;
//! - a benchmark answer: the challenge's GEMMs from its seed, under the answer's root.
//!
//! Verdicts are commit–reveal: the loop first commits a hash of its root and a salt (the
//! chain's `verdict_commitment`), then, once every seat of the round has committed, reveals
//! the root and the salt; reveals go first in each pass and again after each commitment, so
//! a long recomputation does not hold a reveal back for more than itself. The salt is derived
//! from the verifier's secret URI, the subject and the round (sampling or dispute), so a
//! verifier restarted between its commitment and its reveal recomputes the same root and salt
//! and still reveals. A check it cannot answer is logged and
//! the pass goes on to the next. The chain compares the revealed root with the claim: equal
//! roots accept it, different ones open a dispute (and the loop answers the dispute round too,
//! as its committee member). The root shown with a check is never copied: in a trap round the
//! chain shows a wrong one, and a verifier that reveals it is faulted.

use std::{
	collections::{BTreeMap, BTreeSet},
	sync::Arc,
};

use subxt::utils::AccountId32;

use crate::{
	backend::Backend,
	chain::{self, At, Awaiting, Chain, CheckSubject, PendingCheck},
	challenge,
	fetch::Fetcher,
	freivalds,
	metrics::Metrics,
	output,
	rounds::{NodeAccount, Rounds},
	stage::{Input, StageTask},
	store::hex,
	work::Work,
};

/// A check's round: its subject, and whether it is the dispute. A member commits once per
/// round; its commitment is kept through the round's redraws.
type Round = (CheckSubject, bool);

/// The verifier's state across rounds.
pub struct Verifier {
	/// The node's key, account and heartbeats (an overdue verifier is drawn for no
	/// committee).
	node: NodeAccount,
	backend: Backend,
	/// Derives each commitment's salt: secret, from the verifier's secret URI.
	salt_key: [u8; 32],
	/// Roots committed and not yet revealed, by round.
	committed: BTreeMap<Round, [u8; 32]>,
	/// Rounds this verifier could not recompute: not tried again.
	given_up: BTreeSet<Round>,
	/// Fetches a job's `Content` input.
	fetcher: Fetcher,
	metrics: Arc<Metrics>,
}

impl Verifier {
	/// A verifier for the Verifier node of `suri` (its secret URI), recomputing on `backend`,
	/// counting into `metrics`.
	pub fn new(suri: &str, backend: Backend, metrics: Arc<Metrics>) -> anyhow::Result<Self> {
		let key = chain::keypair(suri)?;
		let salt_key =
			sp_crypto_hashing::blake2_256(&[&b"cinder/verdict-salt"[..], suri.as_bytes()].concat());
		Ok(Verifier {
			node: NodeAccount::new(key),
			backend,
			salt_key,
			committed: BTreeMap::new(),
			given_up: BTreeSet::new(),
			fetcher: Fetcher::default(),
			metrics,
		})
	}

	/// The salt of this verifier's commitment in `round`: secret until it is revealed, and
	/// the same after a restart.
	fn salt(&self, round: &Round) -> [u8; 32] {
		let (subject, dispute) = round;
		let preimage = [&self.salt_key[..], &subject.encoded(), &[*dispute as u8]].concat();
		sp_crypto_hashing::blake2_256(&preimage)
	}

	/// This verifier's root for `check`, from its commitment if it made one in this run, else
	/// recomputed; `None` (logged, not tried again) when it cannot be had.
	async fn root(&mut self, at: &At, check: &PendingCheck) -> Option<[u8; 32]> {
		let round = (check.subject, check.dispute);
		if let Some(root) = self.committed.get(&round) {
			return Some(*root);
		}
		if self.given_up.contains(&round) {
			return None;
		}
		match self.recompute(at, check).await {
			Ok(root) => Some(root),
			Err(error) => {
				tracing::error!(subject = ?check.subject, "cannot recompute: {error:#}");
				self.given_up.insert(round);
				None
			}
		}
	}

	/// What this verifier commits to for `check`: its own root of the claimed work.
	pub async fn recompute(&self, at: &At, check: &PendingCheck) -> anyhow::Result<[u8; 32]> {
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
				if let Work::Gemm { .. } = work {
					if let Some(root) = self.claimed_gemm_holds(at, check, &task, &work).await {
						Metrics::count(&self.metrics.checks, "method", "freivalds");
						return Ok(root);
					}
				}
				Metrics::count(&self.metrics.checks, "method", "recomputed");
				let bytes = tokio::task::block_in_place(|| work.run(&self.backend))?;
				Metrics::count(&self.metrics.stages_computed, "kernel", work.kernel().name());
				self.metrics.work_units.inc_by(work.work_units());
				Ok(output::commitment(&bytes, task.tile_bytes).0)
			}
			CheckSubject::Benchmark { challenge: id } => {
				Metrics::count(&self.metrics.checks, "method", "recomputed");
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
	) -> Option<[u8; 32]> {
		let endpoint = match chain::endpoint(at, &check.worker).await {
			Ok(Some(endpoint)) => endpoint,
			Ok(None) => return None,
			Err(error) => {
				tracing::warn!("cannot read the worker's node: {error:#}; recomputing");
				return None;
			}
		};
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
		let holds = tokio::task::block_in_place(|| gemm_output_holds(work, &claimed, seed));
		tracing::info!(subject = ?check.subject, holds, "Freivalds' check of the claimed output");
		holds.then_some(root)
	}
}

/// Whether `claimed` (an output's bytes) is `work`'s product, by Freivalds' check with vectors
/// from `seed`: `false` for work other than a GEMM or bytes of the wrong size.
pub fn gemm_output_holds(work: &Work, claimed: &[u8], seed: [u8; 32]) -> bool {
	let Work::Gemm { shape, a, b } = work else { return false };
	output::i32_values(claimed)
		.is_some_and(|c| freivalds::check(a, b, &c, *shape, seed, freivalds::ROUNDS))
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
		let open = |round: &Round| pending.iter().any(|c| (c.subject, c.dispute) == *round);
		self.committed.retain(|round, _| open(round));
		self.given_up.retain(|round| open(round));
		self.reveal_open(chain, &at, &pending).await;
		for check in pending.iter().filter(|c| c.awaiting == Awaiting::Commit) {
			if let Err(error) = self.answer(chain, &at, check).await {
				tracing::error!(subject = ?check.subject, "cannot commit a verdict: {error:#}");
			}
			// A recomputation can take minutes: reveal what opened meanwhile before the next.
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
		let round = (check.subject, check.dispute);
		let Some(root) = self.root(at, check).await else { return Ok(()) };
		let salt = self.salt(&round);
		if check.awaiting == Awaiting::Commit {
			let commitment = chain::verdict_commitment(check.subject, &self.node.who, &root, &salt);
			chain::commit_verdict(chain, &self.node.key, check.subject, commitment).await?;
			self.committed.insert(round, root);
			tracing::info!(subject = ?check.subject, commits_until = check.commits_until, "verdict committed");
			return Ok(());
		}
		chain::reveal_verdict(chain, &self.node.key, check.subject, root, salt).await?;
		self.committed.remove(&round);
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

	#[test]
	fn a_claimed_gemm_output_holds_only_when_right() {
		let shape = Shape { m: 9, n: 13, k: 21 };
		let (a, b) = gemm_inputs([4; 32], shape.m, shape.n, shape.k);
		let right = output::i32_bytes(&gemm::naive(&a, &b, shape));
		let work = Work::Gemm { shape, a, b };
		assert!(gemm_output_holds(&work, &right, [1; 32]));
		let mut wrong = right.clone();
		wrong[17] ^= 0x40;
		assert!(!gemm_output_holds(&work, &wrong, [1; 32]));
		assert!(!gemm_output_holds(&work, &right[..right.len() - 4], [1; 32]), "one short");
		assert!(!gemm_output_holds(&work, &right[1..], [1; 32]), "no whole i32");
		let mlp =
			Work::Mlp { layers: Model::seeded([1; 32], &[(4, 4)]).layers, x: vec![0; 4], batch: 1 };
		assert!(!gemm_output_holds(&mlp, &right, [1; 32]), "not a GEMM");
	}
}
