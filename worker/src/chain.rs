//! The chain client: subxt, typed from the runtime metadata checked in at
//! `metadata/cinder.scale` (the runtime's tests fail when that copy is stale).

use api::runtime_types::{
	bounded_collections::bounded_vec::BoundedVec,
	cinder_primitives::ib::Ib as ChainIb,
	pallet_jobs::types::WorkloadKind,
	pallet_node_registry::types::{Availability, HardwareProfile, NodeRole},
};
use cinder_primitives::Ib;
use subxt::{transactions::Payload, utils::AccountId32};
use subxt_signer::{sr25519::Keypair, SecretUri};

use crate::work::Kernel;

/// The calls, storage, events, constants and runtime APIs of the Cinder runtime.
#[subxt::subxt(runtime_metadata_path = "metadata/cinder.scale")]
pub mod api {}

/// The chain's configuration: Substrate's defaults (sr25519 `MultiSignature`, blake2 hashing,
/// u32 block numbers).
pub type CinderConfig = subxt::SubstrateConfig;

/// A client connected to a node.
pub type Client = subxt::OnlineClient<CinderConfig>;

type Rpc = subxt::rpcs::LegacyRpcMethods<subxt::config::RpcConfigFor<CinderConfig>>;

/// A connection to a node: the typed client, and the node's RPC for what the client reads at
/// finalized blocks only (the next nonce counts the transaction pool).
pub struct Chain {
	/// The typed client.
	pub client: Client,
	rpc: Rpc,
}

impl Chain {
	/// Connects to the node at `url` (`ws://` or `wss://`, remote or local).
	pub async fn connect(url: &str) -> Result<Self, subxt::Error> {
		let rpc = subxt::rpcs::RpcClient::from_insecure_url(url)
			.await
			.map_err(|error| subxt::Error::Other(Box::new(error)))?;
		let client = Client::from_rpc_client(rpc.clone()).await?;
		Ok(Chain { client, rpc: Rpc::new(rpc) })
	}

	/// The nonce `who`'s next transaction takes, counting those in the pool.
	pub async fn next_nonce(&self, who: &AccountId32) -> anyhow::Result<u64> {
		Ok(self.rpc.system_account_next_index(who).await?)
	}
}

/// The kernel of a chain workload kind.
pub fn kernel_of(kind: &WorkloadKind) -> Kernel {
	match kind {
		WorkloadKind::Int8Gemm => Kernel::Gemm,
		WorkloadKind::Int8Mlp => Kernel::Mlp,
		WorkloadKind::RenderTile => Kernel::Render,
	}
}

/// The chain's calibration: for each kernel, the work units 1 IB does per minute on its first
/// enabled workload.
pub async fn calibration(chain: &Chain) -> Result<Vec<(Kernel, u64)>, subxt::Error> {
	let at = chain.client.at_current_block().await?;
	let entry = at.storage().entry(api::storage().jobs().workloads())?;
	let mut found = std::collections::BTreeMap::new();
	let mut workloads = entry.iter(()).await?;
	while let Some(workload) = workloads.next().await {
		let workload = workload?.value().decode()?;
		if workload.enabled {
			found.entry(kernel_of(&workload.kind)).or_insert(workload.ref_units_per_ib_minute);
		}
	}
	Ok(found.into_iter().collect())
}

/// An account's key from a secret URI: a dev name (`//Alice`), a mnemonic with an optional
/// derivation path, or a hex seed.
pub fn keypair(suri: &str) -> anyhow::Result<Keypair> {
	let uri: SecretUri = suri.parse().map_err(|error| {
		anyhow::anyhow!(
			"`{suri}` is not a secret URI ({error:?}): use e.g. `//Alice` or a mnemonic"
		)
	})?;
	Keypair::from_uri(&uri).map_err(|error| anyhow::anyhow!("no key from `{suri}`: {error:?}"))
}

/// The account of a key.
pub fn account(key: &Keypair) -> AccountId32 {
	key.public_key().to_account_id()
}

/// Signs `call` with `key`, submits it and waits until a block includes it: its events, or
/// the dispatch error (pallet, error and its docs) if it failed.
pub async fn submit<Call: Payload>(
	chain: &Chain,
	call: &Call,
	key: &Keypair,
) -> anyhow::Result<subxt::extrinsics::ExtrinsicEvents<CinderConfig>> {
	let nonce = chain.next_nonce(&account(key)).await?;
	let params = subxt::config::SubstrateExtrinsicParamsBuilder::new().nonce(nonce).build();
	let at = chain.client.at_current_block().await?;
	let mut progress = at.transactions().sign_and_submit_then_watch(call, key, params).await?;
	while let Some(status) = progress.next().await {
		let status = status?;
		if let Some(in_block) = status.as_in_block().or(status.as_finalized()) {
			return Ok(in_block.wait_for_success().await?);
		}
	}
	anyhow::bail!("the node dropped the transaction before a block included it")
}

/// What a node declares when it registers.
#[derive(Clone, Debug)]
pub struct Registration {
	/// CPU cores.
	pub cpu_cores: u16,
	/// Memory, MiB.
	pub ram_mib: u32,
	/// The adapter the kernels run on.
	pub adapter: String,
	/// Adapter memory, MiB (0 for lavapipe or the CPU).
	pub vram_mib: u32,
	/// Disk for outputs and models, GiB.
	pub storage_gib: u32,
	/// Where the node is.
	pub region: String,
	/// The data server's URL.
	pub endpoint: String,
	/// Price per IBM, in plancks.
	pub price: u128,
	/// The IB claimed (the chain sets a challenge for it).
	pub claimed_ib: Ib,
	/// Models hosted.
	pub models: Vec<u32>,
	/// Memory committed to the network, MiB.
	pub committed_memory_mib: u32,
	/// Whether it takes background jobs when idle.
	pub background_jobs: bool,
}

/// The challenge the chain set: compute `(seed, work_units)` and answer before `deadline`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct IssuedChallenge {
	/// The workload's seed.
	pub seed: [u8; 32],
	/// Its size.
	pub work_units: u64,
	/// The last block for the answer.
	pub deadline: u32,
}

/// Registers `key`'s account as a worker node: the challenge the chain issued.
pub async fn register(
	chain: &Chain,
	key: &Keypair,
	node: &Registration,
) -> anyhow::Result<IssuedChallenge> {
	let text = |s: &str| BoundedVec(s.as_bytes().to_vec());
	let call = api::tx().node_registry().register(
		NodeRole::Worker,
		HardwareProfile {
			cpu_cores: node.cpu_cores,
			ram_mib: node.ram_mib,
			gpu_adapter: text(&node.adapter),
			vram_mib: node.vram_mib,
			storage_gib: node.storage_gib,
			region: text(&node.region),
		},
		text(&node.endpoint),
		node.price,
		ChainIb(node.claimed_ib.micro()),
		BoundedVec(node.models.clone()),
		Availability {
			background_jobs: node.background_jobs,
			committed_memory_mib: node.committed_memory_mib,
		},
	);
	let events = submit(chain, &call, key).await?;
	let issued = events
		.find_first::<api::node_registry::events::ChallengeIssued>()
		.transpose()?
		.ok_or_else(|| anyhow::anyhow!("registered, but the chain issued no challenge"))?;
	Ok(IssuedChallenge {
		seed: issued.seed,
		work_units: issued.work_units,
		deadline: issued.deadline,
	})
}

/// Where `who`'s bond stands against what its node needs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct StakeNeed {
	/// S(n) for the node as registered (zero until its IB is confirmed).
	pub minimum_stake: u128,
	/// The smallest first bond the chain takes.
	pub minimum_bond: u128,
	/// Bonded and active now.
	pub active: u128,
	/// Whether it has a bond record (a later bond is an extra one).
	pub bonded: bool,
}

impl StakeNeed {
	/// What to bond now: up to S(n), and at least the minimum first bond.
	pub fn shortfall(&self) -> u128 {
		let target = if self.bonded {
			self.minimum_stake
		} else {
			self.minimum_stake.max(self.minimum_bond)
		};
		target.saturating_sub(self.active)
	}
}

/// Where `who`'s bond stands.
pub async fn stake(chain: &Chain, who: &AccountId32) -> anyhow::Result<StakeNeed> {
	let at = chain.client.at_current_block().await?;
	let status = at
		.runtime_apis()
		.call(api::runtime_apis().compute_staking_api().stake_status(*who))
		.await?;
	let minimum_bond = at.constants().entry(api::constants().compute_staking().minimum_bond())?;
	let bonded = at
		.storage()
		.entry(api::storage().compute_staking().bonds())?
		.try_fetch((*who,))
		.await?
		.is_some();
	Ok(StakeNeed {
		minimum_stake: status.minimum_stake,
		minimum_bond,
		active: status.active,
		bonded,
	})
}

/// Bonds `amount` more: a first bond, or an extra one.
pub async fn bond(chain: &Chain, key: &Keypair, amount: u128, first: bool) -> anyhow::Result<()> {
	if first {
		submit(chain, &api::tx().compute_staking().bond(amount), key).await?;
	} else {
		submit(chain, &api::tx().compute_staking().bond_extra(amount), key).await?;
	}
	Ok(())
}

/// How a benchmark answer ended.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AnswerOutcome {
	/// Verifiers check it; the IB is confirmed or rejected when they are done.
	UnderCheck,
	/// The IB is in force (`independently_checked` false if no verifier could be drawn).
	Confirmed { ib: u64, independently_checked: bool },
	/// Rejected, with the chain's reason.
	Rejected(String),
}

/// Answers the pending benchmark challenge.
pub async fn submit_benchmark(
	chain: &Chain,
	key: &Keypair,
	answer: [u8; 32],
) -> anyhow::Result<AnswerOutcome> {
	let events = submit(chain, &api::tx().node_registry().submit_benchmark(answer), key).await?;
	if let Some(confirmed) =
		events.find_first::<api::node_registry::events::IbConfirmed>().transpose()?
	{
		return Ok(AnswerOutcome::Confirmed {
			ib: confirmed.ib.0,
			independently_checked: confirmed.independently_checked,
		});
	}
	if let Some(rejected) =
		events.find_first::<api::node_registry::events::IbRejected>().transpose()?
	{
		return Ok(AnswerOutcome::Rejected(format!("{:?}", rejected.reason)));
	}
	Ok(AnswerOutcome::UnderCheck)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_first_bond_is_at_least_the_minimum_bond_and_later_ones_top_up_to_s_n() {
		let need = |minimum_stake, active, bonded| StakeNeed {
			minimum_stake,
			minimum_bond: 10,
			active,
			bonded,
		};
		assert_eq!(need(0, 0, false).shortfall(), 10, "S(n) is 0 before the IB is confirmed");
		assert_eq!(need(25, 0, false).shortfall(), 25);
		assert_eq!(need(25, 10, true).shortfall(), 15);
		assert_eq!(need(5, 0, true).shortfall(), 5, "an unbonded record tops up to S(n) only");
		assert_eq!(need(25, 30, true).shortfall(), 0);
	}
}
