//! What `run` and `verify` share: the loop (connect to the node, run a round, wait, and
//! again; when a round fails, because the node is away or a transaction failed, reconnect
//! with exponential backoff, up to [`MAX_BACKOFF`] between attempts, until told to stop), and
//! how each round starts ([`NodeAccount::begin_round`]: the best block, the node's record, and
//! the heartbeats that keep a node online, a worker to be routed jobs, a verifier to be drawn
//! for committees).

use std::{future::Future, time::Duration};

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

/// A node's key, account and heartbeats: what each round of `run` and `verify` starts from.
pub struct NodeAccount {
	/// The node account's key.
	pub key: Keypair,
	/// Its account.
	pub who: AccountId32,
	heartbeats: Heartbeats,
}

impl NodeAccount {
	/// The node of `key`'s account.
	pub fn new(key: Keypair) -> Self {
		NodeAccount { who: chain::account(&key), key, heartbeats: Heartbeats::default() }
	}

	/// Starts a round: the chain at its best block (its number into `metrics`), the node's
	/// record (without one, an error naming `register`, the command that registers it), and
	/// its heartbeat sent when due.
	pub async fn begin_round(
		&mut self,
		chain: &Chain,
		metrics: &Metrics,
		register: &str,
	) -> anyhow::Result<(At, NodeRecord)> {
		let at = chain.at_best().await?;
		metrics.best_block.set(i64::try_from(at.block_number()).unwrap_or(i64::MAX));
		let Some(node) = chain::node(&at, &self.who).await? else {
			anyhow::bail!("{} runs no node: register it first (`{register}`)", self.who);
		};
		self.heartbeats.beat_if_due(chain, &self.key, &at, node.last_heartbeat).await?;
		Ok((at, node))
	}
}

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
