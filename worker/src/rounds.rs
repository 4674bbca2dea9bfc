//! What `run` and `verify` share: the loop (connect to the node, run a round, wait, and
//! again; when a round fails, because the node is away or a transaction failed, reconnect
//! with exponential backoff, up to [`MAX_BACKOFF`] between attempts, until told to stop), and
//! how each round starts ([`NodeAccount::begin_round`]: the best block and the node's record),
//! and the heartbeats that keep a node online, a worker to be routed jobs, a verifier to be
//! drawn for committees ([`send_heartbeats`], in a task of their own).

use std::{future::Future, sync::Arc, time::Duration};

use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;

use crate::{
	chain::{self, api::runtime_types::pallet_node_registry::types::NodeRecord, At, Chain},
	metrics::Metrics,
};

/// Blocks to wait for a sent heartbeat to show before sending another.
pub const HEARTBEAT_RESEND_BLOCKS: u64 = 3;

/// Sends a node's heartbeats when they are due.
#[derive(Default)]
struct Heartbeats {
	/// The best block a heartbeat was last sent at.
	sent: Option<u64>,
}

impl Heartbeats {
	/// Sends `key`'s heartbeat if `heartbeat_interval` blocks passed at `at` since the last
	/// one recorded (`last`), and none was sent in the last few blocks.
	async fn beat_if_due(
		&mut self,
		chain: &Chain,
		key: &Keypair,
		at: &At,
		last: u32,
	) -> anyhow::Result<()> {
		let block = at.block_number();
		let interval = u64::from(chain::heartbeat_interval(at).await?);
		let last = u64::from(last);
		let waiting =
			self.sent.is_some_and(|sent| sent >= last && block < sent + HEARTBEAT_RESEND_BLOCKS);
		if block >= last + interval && !waiting {
			self.sent = Some(block);
			chain::heartbeat(chain, key).await?;
			tracing::info!(block, "heartbeat");
		}
		Ok(())
	}
}

/// The heartbeat loop of `key`'s node: every `poll`, on its own connection to the node at
/// `url`, sends the heartbeat when it is due (counted into `metrics`); reconnects with
/// backoff when the node is away. Run it in its own task beside `run` or `verify`, so that a
/// kernel running for minutes never holds a heartbeat back (an overdue node is routed no job
/// and drawn for no committee). With `stalled_after`, it withholds heartbeats while the main
/// loop has completed no round for that long: a verifier whose loop is stuck should fall
/// overdue and leave the serving set rather than be drawn and faulted. Runs until its task
/// is dropped.
pub async fn send_heartbeats(
	key: Keypair,
	url: String,
	poll: Duration,
	stalled_after: Option<Duration>,
	metrics: Arc<Metrics>,
) {
	let who = chain::account(&key);
	let mut heartbeats = Heartbeats::default();
	let mut connection: Option<Chain> = None;
	let mut backoff = Duration::from_secs(1);
	loop {
		if let Some(stalled) = stalled_after.filter(|limit| metrics.since_last_round() > *limit) {
			Metrics::count(&metrics.heartbeats, "result", "withheld");
			tracing::warn!(
				"no round completed for {:?}: heartbeats withheld until one does",
				stalled
			);
			tokio::time::sleep(poll.max(Duration::from_secs(5))).await;
			continue;
		}
		let beat = async {
			let chain = match connection.take() {
				Some(chain) => chain,
				None => Chain::connect(&url).await?,
			};
			let at = chain.at_best().await?;
			let node = chain::node(&at, &who).await?;
			let result = match node {
				Some(node) => {
					let sent = heartbeats.sent;
					let result =
						heartbeats.beat_if_due(&chain, &key, &at, node.last_heartbeat).await;
					if heartbeats.sent != sent {
						Metrics::count(&metrics.heartbeats, "result", "sent");
					}
					result
				}
				// Not registered (yet): the main loop says so.
				None => Ok(()),
			};
			connection = Some(chain);
			result
		};
		let wait = match beat.await {
			Ok(()) => {
				backoff = Duration::from_secs(1);
				poll
			}
			Err(error) => {
				Metrics::count(&metrics.heartbeats, "result", "failed");
				tracing::warn!("heartbeat failed, retrying in {backoff:?}: {error:#}");
				connection = None;
				let wait = backoff;
				backoff = (backoff * 2).min(MAX_BACKOFF);
				wait
			}
		};
		tokio::time::sleep(wait).await;
	}
}

/// A node's key and account: what each round of `run` and `verify` starts from (its
/// heartbeats are [`send_heartbeats`]'s, in their own task).
pub struct NodeAccount {
	/// The node account's key.
	pub key: Keypair,
	/// Its account.
	pub who: AccountId32,
}

impl NodeAccount {
	/// The node of `key`'s account.
	pub fn new(key: Keypair) -> Self {
		NodeAccount { who: chain::account(&key), key }
	}

	/// Starts a round: the chain at its best block (its number into `metrics`) and the node's
	/// record (without one, an error naming `register`, the command that registers it).
	pub async fn begin_round(
		&self,
		chain: &Chain,
		metrics: &Metrics,
		register: &str,
	) -> anyhow::Result<(At, NodeRecord)> {
		let at = chain.at_best().await?;
		metrics.best_block.set(i64::try_from(at.block_number()).unwrap_or(i64::MAX));
		let Some(node) = chain::node(&at, &self.who).await? else {
			anyhow::bail!("{} runs no node: register it first (`{register}`)", self.who);
		};
		Ok((at, node))
	}
}

/// How long `verify`'s loop may go without completing a round before its heartbeats are
/// withheld: a round's recomputations are refused past their commit phase (3 minutes at the
/// defaults), so a loop this late is stuck.
pub const VERIFIER_STALLED_AFTER: Duration = Duration::from_secs(600);

/// Longest wait between reconnection attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// A loop body run against the chain.
pub trait Rounds {
	/// The account it acts for.
	fn who(&self) -> &AccountId32;

	/// Where it counts (each round's result too).
	fn metrics(&self) -> &Metrics;

	/// One round.
	fn round(&mut self, chain: &Chain) -> impl Future<Output = anyhow::Result<()>>;
}

/// Runs `rounds` against the node at `url` every `poll` until `stop` resolves, reconnecting
/// with backoff whenever a round fails.
pub async fn run<R: Rounds>(
	rounds: &mut R,
	url: &str,
	poll: Duration,
	stop: impl Future<Output = ()>,
) {
	tokio::pin!(stop);
	let mut backoff = Duration::from_secs(1);
	let mut connection: Option<Chain> = None;
	loop {
		let round = async {
			let chain = match connection.take() {
				Some(chain) => chain,
				None => {
					let chain = Chain::connect(url).await?;
					tracing::info!(%url, who = %rounds.who(), "connected");
					chain
				}
			};
			let result = rounds.round(&chain).await;
			connection = Some(chain);
			result
		};
		let result = round.await;
		rounds.metrics().round(result.is_ok());
		let wait = match result {
			Ok(()) => {
				backoff = Duration::from_secs(1);
				poll
			}
			Err(error) => {
				tracing::warn!("round failed, retrying in {backoff:?}: {error:#}");
				connection = None;
				let wait = backoff;
				backoff = (backoff * 2).min(MAX_BACKOFF);
				wait
			}
		};
		tokio::select! {
			_ = &mut stop => return,
			_ = tokio::time::sleep(wait) => {}
		}
	}
}
