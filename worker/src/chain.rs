//! The chain client: subxt, typed from the runtime metadata checked in at
//! `metadata/cinder.scale` (the runtime's tests fail when that copy is stale).

use api::runtime_types::{
	bounded_collections::bounded_vec::BoundedVec,
	cinder_primitives::ib::Ib as ChainIb,
	pallet_jobs::types::{
		JobInput, JobSpec, ModelWeights, ReceiptEntry, ReceiptRejection, StageState,
		VerificationMethod, WorkloadKind,
	},
	pallet_node_registry::types::{Availability, HardwareProfile, NodeRole},
	pallet_verification::types::{Awaiting as ChainAwaiting, Subject, Verdict},
};
use cinder_primitives::{Ib, StakeRule};
use subxt::{transactions::Payload, utils::AccountId32};
use subxt_signer::{sr25519::Keypair, SecretUri};

use crate::{
	gemm::Shape,
	render::Tile,
	stage::{CheckMethod, Input, ModelInfo, RemoteOutput, Spec, StagePhase, StageTask},
	store::Delivery,
	work::Kernel,
};

/// The calls, storage, events, constants and runtime APIs of the Cinder runtime.
#[subxt::subxt(
	runtime_metadata_path = "metadata/cinder.scale",
	derive_for_type(path = "pallet_jobs::types::JobSpec", derive = "Clone"),
	derive_for_type(path = "pallet_jobs::types::JobClass", derive = "Clone")
)]
pub mod api {}

/// The chain's configuration: Substrate's defaults (sr25519 `MultiSignature`, blake2 hashing,
/// u32 block numbers).
pub type CinderConfig = subxt::SubstrateConfig;

/// A client connected to a node.
pub type Client = subxt::OnlineClient<CinderConfig>;

/// The client at one block.
pub type At = subxt::client::OnlineClientAtBlock<CinderConfig>;

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

	/// The client at the node's best block (the chain as it stands, not yet final).
	pub async fn at_best(&self) -> anyhow::Result<At> {
		let hash = self
			.rpc
			.chain_get_block_hash(None)
			.await?
			.ok_or_else(|| anyhow::anyhow!("the node has no best block"))?;
		Ok(self.client.at_block(hash).await?)
	}

	/// The client at block `number` of the node's best chain.
	pub async fn at_number(&self, number: u64) -> anyhow::Result<At> {
		let hash = self
			.rpc
			.chain_get_block_hash(Some(subxt::rpcs::methods::legacy::NumberOrHex::Number(number)))
			.await?
			.ok_or_else(|| anyhow::anyhow!("the node has no block {number}"))?;
		Ok(self.client.at_block(hash).await?)
	}

	/// The number of the node's last finalized block.
	pub async fn finalized_number(&self) -> anyhow::Result<u64> {
		let hash = self.rpc.chain_get_finalized_head().await?;
		Ok(self.client.at_block(hash).await?.block_number())
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

/// An account from its SS58 address (a clap value parser: the error says what is wrong).
pub fn parse_account(text: &str) -> Result<AccountId32, String> {
	text.parse().map_err(|error| format!("`{text}` is not an SS58 account: {error:?}"))
}

/// The account of a key.
pub fn account(key: &Keypair) -> AccountId32 {
	key.public_key().to_account_id()
}

/// Held from reading an account's next nonce until the transaction that takes it is in the
/// node's pool, so that two transactions sent at once never take the same nonce.
static SUBMITTING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Longest wait for the node to take a transaction into its pool.
const SUBMIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Times a transaction the node dropped unincluded is sent again before `submit` gives up.
const DROPPED_RETRIES: u32 = 3;

/// Signs `call` with `key`, submits it and waits until a block includes it: its events, or
/// the dispatch error (pallet, error and its docs) if it failed. A transaction the node drops
/// before any block includes it (its pool does so around a reorg on a multi-validator chain) is
/// signed again with the account's next nonce and sent again, a block later, up to
/// [`DROPPED_RETRIES`] times: a dropped transaction was not applied, so this cannot apply it
/// twice.
pub async fn submit<Call: Payload>(
	chain: &Chain,
	call: &Call,
	key: &Keypair,
) -> anyhow::Result<subxt::extrinsics::ExtrinsicEvents<CinderConfig>> {
	for attempt in 0..=DROPPED_RETRIES {
		if attempt > 0 {
			tracing::warn!(
				attempt,
				"the node dropped the transaction unincluded: sending it again"
			);
			tokio::time::sleep(std::time::Duration::from_secs(6)).await;
		}
		let into_pool = async {
			// Until this one is in the pool, no other transaction of this process (a
			// heartbeat sent from its own task, say) takes the same nonce.
			let _pool_entry = SUBMITTING.lock().await;
			let nonce = chain.next_nonce(&account(key)).await?;
			let params = subxt::config::SubstrateExtrinsicParamsBuilder::new().nonce(nonce).build();
			let at = chain.client.at_current_block().await?;
			anyhow::Ok(at.transactions().sign_and_submit_then_watch(call, key, params).await?)
		};
		// A stalled connection gives the lock up in time for the other task's transactions.
		let mut progress =
			tokio::time::timeout(SUBMIT_TIMEOUT, into_pool).await.map_err(|_| {
				anyhow::anyhow!("the node took over {SUBMIT_TIMEOUT:?} to take a transaction")
			})??;
		while let Some(status) = progress.next().await {
			let status = status?;
			if let Some(in_block) = status.as_in_block().or(status.as_finalized()) {
				return Ok(in_block.wait_for_success().await?);
			}
		}
	}
	anyhow::bail!(
		"the node dropped the transaction before a block included it, {} times",
		DROPPED_RETRIES + 1
	)
}

/// What a node does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
	/// Runs jobs (bonds S(n) and proves its IB by a benchmark challenge).
	Worker,
	/// Checks sampled receipts and benchmark answers, for the validator `stash`.
	Verifier { stash: AccountId32 },
}

impl std::fmt::Display for Role {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Role::Worker => f.write_str("a worker"),
			Role::Verifier { stash } => write!(f, "a verifier for validator {stash}"),
		}
	}
}

/// What a node declares when it registers.
#[derive(Clone, Debug)]
pub struct Registration {
	/// What the node does.
	pub role: Role,
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

/// Registers `key`'s account as a node: the challenge the chain issued for its claim.
pub async fn register(
	chain: &Chain,
	key: &Keypair,
	node: &Registration,
) -> anyhow::Result<Option<IssuedChallenge>> {
	let text = |s: &str| BoundedVec(s.as_bytes().to_vec());
	let role = match node.role {
		Role::Worker => NodeRole::Worker,
		Role::Verifier { stash } => NodeRole::Verifier { stash },
	};
	let call = api::tx().node_registry().register(
		role,
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
	let issued = events.find_first::<api::node_registry::events::ChallengeIssued>().transpose()?;
	Ok(issued.map(|issued| IssuedChallenge {
		seed: issued.seed,
		work_units: issued.work_units,
		deadline: issued.deadline,
	}))
}

/// The challenge `who`'s node has to answer as the best block has it, or `None`. A reorg may
/// have replaced the block that included the claim: the challenge issued again then has
/// another seed, and an answer to the first one is wrong.
pub async fn pending_challenge(
	chain: &Chain,
	who: &AccountId32,
) -> anyhow::Result<Option<IssuedChallenge>> {
	let at = chain.at_best().await?;
	Ok(node(&at, who)
		.await?
		.and_then(|node| node.challenge)
		.filter(|c| c.answer.is_none())
		.map(|c| IssuedChallenge { seed: c.seed, work_units: c.work_units, deadline: c.deadline }))
}

/// Where `who`'s bond stands against what its node needs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct StakeNeed {
	/// S(n) for the node as registered (zero until its IB is confirmed).
	pub minimum_stake: u128,
	/// S(n) for the IB claimed, in force once the chain confirms it.
	pub claimed_stake: u128,
	/// The smallest first bond the chain takes.
	pub minimum_bond: u128,
	/// Bonded and active now.
	pub active: u128,
	/// Whether it has a bond record (a later bond is an extra one).
	pub bonded: bool,
}

impl StakeNeed {
	/// What to bond now: up to S(n) for the claimed IB (so the node is eligible the moment
	/// the claim is confirmed), and at least the minimum first bond.
	pub fn shortfall(&self) -> u128 {
		let target = self.minimum_stake.max(self.claimed_stake);
		let target = if self.bonded { target } else { target.max(self.minimum_bond) };
		target.saturating_sub(self.active)
	}
}

/// Where `who`'s bond stands, and S(n) for `claim` (IB, price per IBM).
pub async fn stake(
	chain: &Chain,
	who: &AccountId32,
	claim: (Ib, u128),
) -> anyhow::Result<StakeNeed> {
	let at = chain.at_best().await?;
	let params = at.storage().entry(api::storage().compute_staking().params())?;
	let rule = params.fetch(()).await?.decode()?.rule;
	let rule = StakeRule { multiplier: rule.multiplier, epoch_minutes: rule.epoch_minutes };
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
		claimed_stake: rule.minimum_stake(claim.0, claim.1),
		minimum_bond,
		active: status.active,
		bonded,
	})
}

/// Where `who`'s bond stands against the chain's verifier bond, which a Verifier node's
/// account holds to register and to serve (`minimum_stake` is the verifier bond).
pub async fn verifier_stake(chain: &Chain, who: &AccountId32) -> anyhow::Result<StakeNeed> {
	let need = stake(chain, who, (Ib::ZERO, 0)).await?;
	let at = chain.at_best().await?;
	let verifier_bond = at.constants().entry(api::constants().node_registry().verifier_bond())?;
	Ok(StakeNeed { minimum_stake: verifier_bond, claimed_stake: 0, ..need })
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

/// The chain's `JobSpec` as the worker's.
pub fn spec_of(spec: &JobSpec) -> Spec {
	match *spec {
		JobSpec::Int8Gemm { m, n, k } => {
			Spec::Gemm(Shape { m: m as usize, n: n as usize, k: k as usize })
		}
		JobSpec::Int8Mlp { model, batch } => Spec::Mlp { model, batch: batch as usize },
		JobSpec::RenderTile { width, height, max_iterations, center_re, center_im, step } => {
			Spec::Render(Tile { width, height, max_iterations, center_re, center_im, step })
		}
	}
}

/// The chain's `JobInput` as the worker's.
pub fn input_of(input: &JobInput) -> Input {
	match input {
		JobInput::Seed(seed) => Input::Seed(*seed),
		JobInput::Inline(bytes) => Input::Bytes(bytes.0.clone()),
		JobInput::Content { hash, uri } => {
			Input::Content { hash: *hash, uri: String::from_utf8_lossy(&uri.0).into_owned() }
		}
	}
}

/// Model `id` as registered, or `None`.
pub async fn model(at: &At, id: u32) -> anyhow::Result<Option<ModelInfo>> {
	let Some(model) = at.storage().entry(api::storage().jobs().models())?.try_fetch((id,)).await?
	else {
		return Ok(None);
	};
	let model = model.decode()?;
	Ok(Some(ModelInfo {
		shapes: model.layers.0.iter().map(|l| (l.inputs as usize, l.outputs as usize)).collect(),
		seed: match model.weights {
			ModelWeights::Seeded(seed) => Some(seed),
			ModelWeights::Hosted => None,
		},
	}))
}

/// Stage `stage` of job `job` as the chain shows it at `at`, or `None` if there is no such
/// stage.
pub async fn stage_task(at: &At, job: u64, stage: u8) -> anyhow::Result<Option<StageTask>> {
	let Some(record) = at.runtime_apis().call(api::runtime_apis().jobs_api().job(job)).await?
	else {
		return Ok(None);
	};
	let Some(entry) = record.stages.0.get(stage as usize) else {
		return Ok(None);
	};
	let spec = spec_of(&record.spec);
	let model = match spec {
		Spec::Mlp { model: id, .. } => model(at, id).await?,
		_ => None,
	};
	let first = entry.first_layer as usize;
	// A later stage's input: the previous stage's output, on its worker's data server.
	let before = stage.checked_sub(1).and_then(|p| record.stages.0.get(p as usize));
	let previous = match before.and_then(|b| Some((b.receipt.as_ref()?, b.worker.as_ref()?))) {
		Some((receipt, worker)) => endpoint(at, worker).await?.map(|endpoint| RemoteOutput {
			endpoint,
			root: receipt.output_root,
			len: receipt.output_len,
		}),
		None => None,
	};
	Ok(Some(StageTask {
		job,
		stage,
		spec,
		input: input_of(&record.input),
		previous,
		layers: first..first + entry.layers as usize,
		model,
		tile_bytes: record.tile_bytes,
		output_len: entry.output_len,
		receipt_root: entry.receipt.as_ref().map(|receipt| receipt.output_root),
		phase: match entry.state {
			StageState::Waiting => StagePhase::Waiting,
			StageState::Running { deadline } => StagePhase::Running { deadline },
			_ => StagePhase::Done,
		},
		method: match record.verification {
			VerificationMethod::Freivalds { rounds } => {
				CheckMethod::Freivalds { rounds: rounds.into() }
			}
			VerificationMethod::TileSampling { tiles } => {
				CheckMethod::TileSampling { tiles: tiles.into() }
			}
		},
	}))
}

/// The stages assigned to `who` at `at`, each with whether its receipt is delivered.
pub async fn assignments(at: &At, who: &AccountId32) -> anyhow::Result<Vec<(u64, u8, bool)>> {
	let held = at.storage().entry(api::storage().jobs().assignments())?.try_fetch((*who,)).await?;
	let Some(held) = held else { return Ok(Vec::new()) };
	Ok(held.decode()?.0.iter().map(|a| (a.job, a.stage, a.delivered.is_some())).collect())
}

/// `who`'s node record at `at`, or `None` if it runs no node.
pub async fn node(
	at: &At,
	who: &AccountId32,
) -> anyhow::Result<Option<api::runtime_types::pallet_node_registry::types::NodeRecord>> {
	let entry = at.storage().entry(api::storage().node_registry().nodes())?;
	match entry.try_fetch((*who,)).await? {
		Some(record) => Ok(Some(record.decode()?)),
		None => Ok(None),
	}
}

/// The data server URL `who` registered, or `None` if it runs no node.
pub async fn endpoint(at: &At, who: &AccountId32) -> anyhow::Result<Option<String>> {
	Ok(node(at, who).await?.map(|node| String::from_utf8_lossy(&node.endpoint.0).into_owned()))
}

/// Blocks between heartbeats.
pub async fn heartbeat_interval(at: &At) -> anyhow::Result<u32> {
	let params = at.storage().entry(api::storage().node_registry().params())?;
	let params = params.try_fetch(()).await?;
	Ok(match params {
		Some(params) => params.decode()?.heartbeat_interval,
		None => anyhow::bail!("the node registry has no parameters"),
	})
}

/// Milliseconds between blocks, as the chain expects them (BABE's slot duration).
pub fn block_millis(at: &At) -> anyhow::Result<u64> {
	Ok(at.constants().entry(api::constants().babe().expected_block_time())?)
}

/// Records a heartbeat for `key`'s node.
pub async fn heartbeat(chain: &Chain, key: &Keypair) -> anyhow::Result<()> {
	submit(chain, &api::tx().node_registry().heartbeat(), key).await?;
	Ok(())
}

/// A receipt of the batch, as the chain judged it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ReceiptOutcome {
	/// Recorded; accepted at that block unless sampled (or when verifiers decide: `None`).
	Accepted { accept_at: Option<u32> },
	/// Not recorded for lack of room in this block: send it again in a later one.
	Congested,
	/// Rejected, with the chain's reason.
	Rejected(String),
}

/// Submits the receipts of `deliveries` (`(job, stage, delivery)`) in one call: each one's
/// outcome, in order (a receipt the events do not mention is reported rejected).
pub async fn submit_receipts(
	chain: &Chain,
	key: &Keypair,
	deliveries: &[(u64, u8, Delivery)],
) -> anyhow::Result<Vec<ReceiptOutcome>> {
	let entries = deliveries
		.iter()
		.map(|(job, stage, d)| ReceiptEntry {
			job: *job,
			stage: *stage,
			output_root: d.output_root,
			output_len: d.output_len,
			tile_count: d.tile_count,
			elapsed_ms: d.elapsed_ms,
		})
		.collect();
	let events = submit(chain, &api::tx().jobs().submit_receipts(BoundedVec(entries)), key).await?;
	let mut outcomes = vec![None; deliveries.len()];
	let index = |job: u64, stage: u8| deliveries.iter().position(|d| d.0 == job && d.1 == stage);
	for accepted in events.find::<api::jobs::events::ReceiptAccepted>() {
		let accepted = accepted?;
		if let Some(i) = index(accepted.job, accepted.stage) {
			outcomes[i] = Some(ReceiptOutcome::Accepted { accept_at: accepted.accept_at });
		}
	}
	for rejected in events.find::<api::jobs::events::ReceiptRejected>() {
		let rejected = rejected?;
		if let Some(i) = index(rejected.job, rejected.stage) {
			outcomes[i] = Some(match rejected.reason {
				ReceiptRejection::Congested => ReceiptOutcome::Congested,
				reason => ReceiptOutcome::Rejected(format!("{reason:?}")),
			});
		}
	}
	Ok(outcomes
		.into_iter()
		.map(|o| o.unwrap_or_else(|| ReceiptOutcome::Rejected("no event for it".into())))
		.collect())
}

/// What a verifier is asked to check.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub enum CheckSubject {
	/// A worker's receipt for a job's stage.
	Stage { job: u64, stage: u8 },
	/// A node's answer to benchmark challenge `challenge`.
	Benchmark { challenge: u64 },
}

impl CheckSubject {
	/// The SCALE encoding of the chain's `Subject` (variant index, then its fields).
	pub fn encoded(&self) -> Vec<u8> {
		match *self {
			CheckSubject::Stage { job, stage } => {
				[&[0u8][..], &job.to_le_bytes(), &[stage]].concat()
			}
			CheckSubject::Benchmark { challenge } => {
				[&[1u8][..], &challenge.to_le_bytes()].concat()
			}
		}
	}

	fn chain(self) -> Subject {
		match self {
			CheckSubject::Stage { job, stage } => Subject::Stage { job, stage },
			CheckSubject::Benchmark { challenge } => Subject::Benchmark { challenge },
		}
	}
}

/// Domain of a verdict commitment (the verification pallet's `VERDICT_DOMAIN`).
const VERDICT_DOMAIN: &[u8; 14] = b"cinder/verdict";

/// What `verifier` commits to before revealing `root` as its verdict on `subject` with `salt`:
/// the verification pallet's `verdict_commitment`, blake2-256 of the SCALE encoding of
/// (domain, subject, verifier, `Verdict::Commitment(root)`, salt).
pub fn verdict_commitment(
	subject: CheckSubject,
	verifier: &AccountId32,
	root: &[u8; 32],
	salt: &[u8; 32],
) -> [u8; 32] {
	let verdict = [&[0u8][..], root].concat();
	let preimage = [&VERDICT_DOMAIN[..], &subject.encoded(), &verifier.0, &verdict, salt].concat();
	sp_crypto_hashing::blake2_256(&preimage)
}

/// What the chain waits for from a committee member.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Awaiting {
	/// Its commitment, before the commit phase ends.
	Commit,
	/// Its reveal: `open` once every seat of the round has committed.
	Reveal { open: bool },
}

/// A check awaiting this verifier's commitment or reveal.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PendingCheck {
	/// What is checked.
	pub subject: CheckSubject,
	/// Who claims it.
	pub worker: AccountId32,
	/// The claimed output root (or answer).
	pub output_root: [u8; 32],
	/// What the chain waits for.
	pub awaiting: Awaiting,
	/// Whether the round is the dispute (a member commits once in each round).
	pub dispute: bool,
	/// Commitments are taken before this block.
	pub commits_until: u32,
	/// The reveal must come before this block.
	pub deadline: u32,
}

/// The checks awaiting `verifier`'s verdict at `at`.
pub async fn pending_checks(at: &At, verifier: &AccountId32) -> anyhow::Result<Vec<PendingCheck>> {
	let pending = at
		.runtime_apis()
		.call(api::runtime_apis().verification_api().pending_checks(*verifier))
		.await?;
	Ok(pending
		.into_iter()
		.map(|check| PendingCheck {
			subject: match check.subject {
				Subject::Stage { job, stage } => CheckSubject::Stage { job, stage },
				Subject::Benchmark { challenge } => CheckSubject::Benchmark { challenge },
			},
			worker: check.worker,
			output_root: check.output_root,
			awaiting: match check.awaiting {
				ChainAwaiting::Commit => Awaiting::Commit,
				ChainAwaiting::Reveal { open } => Awaiting::Reveal { open },
			},
			dispute: check.dispute,
			commits_until: check.commits_until,
			deadline: check.deadline,
		})
		.collect())
}

/// Commits `verifier`'s verdict on `subject` (see [`verdict_commitment`]), hidden until it is
/// revealed.
pub async fn commit_verdict(
	chain: &Chain,
	key: &Keypair,
	subject: CheckSubject,
	commitment: [u8; 32],
) -> anyhow::Result<()> {
	let call = api::tx().verification().commit_verdict(subject.chain(), commitment);
	submit(chain, &call, key).await?;
	Ok(())
}

/// Reveals `verifier`'s verdict on `subject`: its own output root, with the commitment's salt.
pub async fn reveal_verdict(
	chain: &Chain,
	key: &Keypair,
	subject: CheckSubject,
	root: [u8; 32],
	salt: [u8; 32],
) -> anyhow::Result<()> {
	let call =
		api::tx().verification().reveal_verdict(subject.chain(), Verdict::Commitment(root), salt);
	submit(chain, &call, key).await?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The same vectors as the verification pallet's `verdict_commitments_match_the_worker`.
	#[test]
	fn verdict_commitments_match_the_chain() {
		let verifier = AccountId32([1; 32]);
		let hex = |bytes: [u8; 32]| crate::store::hex(&bytes);
		assert_eq!(
			hex(verdict_commitment(
				CheckSubject::Stage { job: 7, stage: 1 },
				&verifier,
				&[2; 32],
				&[3; 32]
			)),
			"da659461d6638cf238588c0a2ab7b0920dbce0d2bf55f8c087233b5b785ca5cd"
		);
		assert_eq!(
			hex(verdict_commitment(
				CheckSubject::Benchmark { challenge: 9 },
				&verifier,
				&[2; 32],
				&[3; 32]
			)),
			"70fc1c1bd3083b9e1dd358fc3f6606017c12e011494a9342b362c22e289cb6a7"
		);
	}

	#[test]
	fn a_first_bond_is_at_least_the_minimum_bond_and_later_ones_top_up_to_s_n() {
		let need = |minimum_stake, claimed_stake, active, bonded| StakeNeed {
			minimum_stake,
			claimed_stake,
			minimum_bond: 10,
			active,
			bonded,
		};
		assert_eq!(need(0, 0, 0, false).shortfall(), 10, "nothing claimed: the minimum bond");
		assert_eq!(
			need(0, 25, 0, false).shortfall(),
			25,
			"S(n) of the claim before it is in force"
		);
		assert_eq!(need(25, 0, 0, false).shortfall(), 25);
		assert_eq!(need(25, 40, 10, true).shortfall(), 30, "the larger of the two");
		assert_eq!(need(5, 0, 0, true).shortfall(), 5, "an unbonded record tops up to S(n) only");
		assert_eq!(need(25, 0, 30, true).shortfall(), 0);
	}
}
