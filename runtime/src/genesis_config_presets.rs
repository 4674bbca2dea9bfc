//! Genesis presets, read by `sp-genesis-builder` (the node's chain specs, `chain-spec-builder`,
//! zombienet):
//!
//! | preset | validators | use |
//! |---|---|---|
//! | `development` | Alice | `cinder-node --dev`: one node that produces and finalizes blocks |
//! | `local_testnet` | Alice, Bob | two nodes on one machine |
//! | `zombienet` | Alice, Bob, Charlie, Dave | the multi-validator networks in `zombienet/` |
//!
//! In every preset the well-known dev accounts are endowed, Alice is the sudo key, and each
//! validator bonds [`VALIDATOR_BOND`] from its own account (stash = controller) and validates.
//! The compute market starts with its default parameters (S(n) with k = 2, E = 4320; heartbeats
//! every 10 blocks; 90-second benchmark challenges; 4 job slots per worker; receipts sampled at
//! 2.5 % to 1 % by committees of 2 after a 3-block challenge window; 40-block reward epochs
//! minting from a 500,000,000 CNDR ecosystem allocation), an endowed penalty pool, foundation
//! and fee collector, the three workloads of [`workloads`] and the demo model of
//! [`models`], so any dev account can register a worker, bond and take jobs.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_babe::AuthorityId as BabeId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use pallet_jobs::{
	GenesisModel, LayerShape, ModelWeights, VerificationMethod, Workload, WorkloadKind,
};

use crate::{
	AccountId, BabeConfig, Balance, BalancesConfig, BmwConfig, ComputeStakingConfig, FeeCollector,
	Foundation, JobsConfig, NodeRegistryConfig, PenaltyPool, Runtime, RuntimeGenesisConfig,
	SessionConfig, SessionKeys, StakerStatus, StakingConfig, SudoConfig, VerificationConfig,
	BABE_GENESIS_EPOCH_CONFIG, CNDR, EXISTENTIAL_DEPOSIT,
};

/// Name of the four-validator preset used by zombienet.
pub const ZOMBIENET_RUNTIME_PRESET: &str = "zombienet";

/// Free balance of each endowed dev account.
pub const ENDOWMENT: Balance = 1_000_000 * CNDR;
/// What each genesis validator bonds in pallet-staking.
pub const VALIDATOR_BOND: Balance = 100_000 * CNDR;

/// Work units 1 IB does per minute on the int8 kernels: about an RTX 4090 pair's int8 MAC rate
/// (≈ 6.6·10¹⁴ MAC/s) for a minute, the calibration the registry's benchmark challenge uses.
pub const INT8_MACS_PER_IB_MINUTE: u64 = 40_000_000_000_000_000;
/// Escape-time iterations 1 IB does per minute (each is a handful of Q16.16 integer operations,
/// about a tenth of a MAC's throughput).
pub const RENDER_ITERATIONS_PER_IB_MINUTE: u64 = 4_000_000_000_000_000;

/// The genesis workloads, ids 0, 1, 2: int8 GEMM (Freivalds), int8 MLP inference and a
/// fixed-point render tile (both by tile sampling). Each kernel is pinned by the hash of its
/// name and version until the worker's WGSL sources are hashed instead.
pub fn workloads() -> Vec<Workload> {
	let kernel = |name: &str| {
		<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(name.as_bytes()).0
	};
	let common = |kind, name: &str, verification, ref_units: u64| Workload {
		kind,
		kernel_hash: kernel(name),
		verification,
		ref_units_per_ib_minute: ref_units,
		// Up to 10 IB-minutes of work in one job.
		max_work_units: 10 * ref_units,
		max_dimension: 8_192,
		max_input_bytes: 4_096,
		// 64×64 i32 or RGBA8 values per tile.
		tile_bytes: 16_384,
		enabled: true,
	};
	vec![
		common(
			WorkloadKind::Int8Gemm,
			"cinder/int8-gemm/v1",
			VerificationMethod::Freivalds { rounds: 2 },
			INT8_MACS_PER_IB_MINUTE,
		),
		common(
			WorkloadKind::Int8Mlp,
			"cinder/int8-mlp/v1",
			VerificationMethod::TileSampling { tiles: 32 },
			INT8_MACS_PER_IB_MINUTE,
		),
		common(
			WorkloadKind::RenderTile,
			"cinder/render-tile/v1",
			VerificationMethod::TileSampling { tiles: 32 },
			RENDER_ITERATIONS_PER_IB_MINUTE,
		),
	]
}

/// The demo model, id 0: a seeded int8 MLP 256 → 512 → 512 → 256 → 10 that workers and
/// verifiers generate from its seed.
pub fn models() -> Vec<GenesisModel> {
	let layers = vec![
		LayerShape { inputs: 256, outputs: 512 },
		LayerShape { inputs: 512, outputs: 512 },
		LayerShape { inputs: 512, outputs: 256 },
		LayerShape { inputs: 256, outputs: 10 },
	];
	// i8 weights and i32 biases.
	let size_bytes = layers.iter().map(|l| (l.inputs as u64 + 4) * l.outputs as u64).sum();
	let seed =
		<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(b"cinder/demo-mlp/v1")
			.0;
	vec![GenesisModel { hash: seed, size_bytes, layers, weights: ModelWeights::Seeded(seed) }]
}

/// A genesis validator: its stash account and its session keys.
pub struct GenesisValidator {
	pub stash: AccountId,
	pub babe: BabeId,
	pub grandpa: GrandpaId,
}

impl GenesisValidator {
	/// The validator of a well-known dev key (`//Alice`, …): the BABE (sr25519) and GRANDPA
	/// (ed25519) keys that `cinder-node --alice` puts in its keystore.
	pub fn dev(babe: Sr25519Keyring, grandpa: Ed25519Keyring) -> Self {
		Self {
			stash: babe.to_account_id(),
			babe: babe.public().into(),
			grandpa: grandpa.public().into(),
		}
	}
}

/// Builds the genesis patch for `validators`, with `endowed` accounts funded and `root` as sudo.
pub fn cinder_genesis(
	validators: Vec<GenesisValidator>,
	endowed: Vec<AccountId>,
	root: AccountId,
) -> Value {
	let validator_count = validators.len() as u32;
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed
				.iter()
				.cloned()
				.map(|who| (who, ENDOWMENT))
				// The penalty pool and the fee collector must exist to receive any amount.
				.chain([
					(PenaltyPool::get(), EXISTENTIAL_DEPOSIT),
					(FeeCollector::get(), EXISTENTIAL_DEPOSIT),
					(Foundation::get(), EXISTENTIAL_DEPOSIT),
				])
				.collect::<Vec<_>>(),
		},
		babe: BabeConfig { epoch_config: BABE_GENESIS_EPOCH_CONFIG },
		session: SessionConfig {
			keys: validators
				.iter()
				.map(|v| {
					(
						v.stash.clone(),
						v.stash.clone(),
						SessionKeys { babe: v.babe.clone(), grandpa: v.grandpa.clone() },
					)
				})
				.collect::<Vec<_>>(),
		},
		staking: StakingConfig {
			validator_count,
			minimum_validator_count: 1,
			// Genesis validators cannot be slashed out before others join.
			invulnerables: validators.iter().map(|v| v.stash.clone()).collect::<Vec<_>>(),
			stakers: validators
				.iter()
				.map(|v| (
					v.stash.clone(),
					v.stash.clone(),
					VALIDATOR_BOND,
					StakerStatus::Validator
				))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		node_registry: NodeRegistryConfig { params: Some(dev_registry_params()) },
		compute_staking: ComputeStakingConfig { params: dev_stake_params() },
		jobs: JobsConfig {
			params: Some(pallet_jobs::Pallet::<Runtime>::default_params()),
			workloads: workloads(),
			models: models(),
		},
		verification: VerificationConfig { params: Some(dev_verification_params()) },
		bmw: BmwConfig {
			params: Some(dev_bmw_params()),
			ecosystem_allocation: ECOSYSTEM_ALLOCATION,
		},
	})
}

/// The node registry on the development presets: the defaults, with a benchmark answer
/// allowed 300 % more than `challenge_seconds` and 3 blocks of latency. Their nodes share two
/// cores among a chain node, verifiers and workers, and a lavapipe worker computes a challenge
/// several times slower while its neighbours run theirs; a production chain's dedicated GPUs
/// keep to the default 25 %. (zombienet's eleven processes get 1,000 %:
/// `zombienet/cinder-network.toml`.) Spot checks come about once in 10⁹ blocks, not daily: the
/// polkadot.js flows' workers answer challenges by hand, once.
pub fn dev_registry_params() -> pallet_node_registry::RegistryParams<crate::BlockNumber> {
	pallet_node_registry::RegistryParams {
		answer_tolerance_percent: 300,
		answer_latency_blocks: 3,
		// Spot checks effectively off: the test flows' accounts answer challenges by hand.
		spot_check_every: 1_000_000_000,
		..pallet_node_registry::Pallet::<Runtime>::default_params()
	}
}

/// Verification on the development presets: the defaults, with a 3-block challenge window so
/// receipts and benchmark answers are decided about 18 s after their inclusion (the window only
/// delays the sampling decision; the economics do not depend on it).
pub fn dev_verification_params() -> pallet_verification::VerificationParams<crate::BlockNumber> {
	pallet_verification::VerificationParams {
		challenge_window: 3,
		..pallet_verification::Pallet::<Runtime>::default_params()
	}
}

/// Compute staking on the development presets: the default S(n) rule with the runtime's
/// [collateral floor](crate::configs::COLLATERAL_FLOOR_PER_IBM), and an unbonding delay
/// of as many of their short reward epochs as it takes for an unbonding bond to stay held for
/// a check's whole [longest path](pallet_verification::Pallet::longest_check_path) (411 blocks:
/// 12 epochs of 40 blocks), so a worker proven wrong or a verifier faulted late is still
/// slashed. (On a production chain's 3-day epochs the default two are plenty.)
pub fn dev_stake_params() -> pallet_compute_staking::StakeParams {
	let path =
		pallet_verification::Pallet::<Runtime>::longest_check_path(&dev_verification_params());
	pallet_compute_staking::StakeParams {
		unbonding_epochs: unbonding_epochs_to_cover(path, dev_bmw_params().epoch_length),
		floor_price_per_ibm: crate::configs::COLLATERAL_FLOOR_PER_IBM,
		..Default::default()
	}
}

/// The fewest reward epochs of `epoch_length` blocks an unbonding delay needs so that funds are
/// held for at least `blocks`: see [`shortest_unbonding`].
pub fn unbonding_epochs_to_cover(
	blocks: crate::BlockNumber,
	epoch_length: crate::BlockNumber,
) -> u32 {
	blocks.saturating_sub(1).div_ceil(epoch_length.max(1)).saturating_add(1)
}

/// The fewest blocks an amount unbonded with a delay of `unbonding_epochs` reward epochs of
/// `epoch_length` blocks stays held: unbonded in an epoch's last block, it is released when
/// the `unbonding_epochs`-th epoch after that one begins.
pub fn shortest_unbonding(
	unbonding_epochs: u32,
	epoch_length: crate::BlockNumber,
) -> crate::BlockNumber {
	unbonding_epochs.saturating_sub(1).saturating_mul(epoch_length).saturating_add(1)
}

/// The ecosystem allocation node rewards may mint: 500,000,000 CNDR, half of a 1,000,000,000
/// CNDR supply (Inferix's Ecosystem Fund share).
pub const ECOSYSTEM_ALLOCATION: Balance = 500_000_000 * CNDR;

/// BMW on the development presets: the defaults, with 40-block (4-minute) reward epochs so an
/// epoch settles while you watch.
pub fn dev_bmw_params() -> pallet_bmw::ParamsOf<Runtime> {
	pallet_bmw::BmwParams { epoch_length: 40, ..pallet_bmw::Pallet::<Runtime>::default_params() }
}

fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

fn preset_for(validators: &[(Sr25519Keyring, Ed25519Keyring)]) -> Value {
	cinder_genesis(
		validators.iter().map(|(babe, grandpa)| GenesisValidator::dev(*babe, *grandpa)).collect(),
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The genesis patch of a named preset, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let alice = (Sr25519Keyring::Alice, Ed25519Keyring::Alice);
	let bob = (Sr25519Keyring::Bob, Ed25519Keyring::Bob);
	let charlie = (Sr25519Keyring::Charlie, Ed25519Keyring::Charlie);
	let dave = (Sr25519Keyring::Dave, Ed25519Keyring::Dave);
	let patch = match id.as_ref() {
		DEV_RUNTIME_PRESET => {
			let mut patch = preset_for(&[alice]);
			// The one exception to "verification fails closed": a development chain, which
			// may run without any verifier, accepts sampled claims unchecked while none serves.
			patch["verification"]["params"]["accept_without_verifiers"] = Value::Bool(true);
			patch
		}
		LOCAL_TESTNET_RUNTIME_PRESET => preset_for(&[alice, bob]),
		ZOMBIENET_RUNTIME_PRESET => preset_for(&[alice, bob, charlie, dave]),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of all presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(DEV_RUNTIME_PRESET),
		PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(ZOMBIENET_RUNTIME_PRESET),
	]
}

/// Applies a JSON merge patch (RFC 7386 without deletions), as the node does when it builds a
/// chain spec from a preset: objects merge key by key, anything else replaces.
#[cfg(feature = "std")]
pub fn merge(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

/// The full genesis config of a preset, as the node builds it: the runtime's defaults with the preset's patch on top.
#[cfg(feature = "std")]
pub fn preset_config(name: &str) -> RuntimeGenesisConfig {
	let patch = get_preset(&name.into()).unwrap_or_else(|| panic!("preset {name} exists"));
	let patch: Value = serde_json::from_slice(&patch).expect("a preset is valid JSON");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
	merge(&mut config, patch);
	serde_json::from_value(config).expect("a preset patch matches RuntimeGenesisConfig")
}
