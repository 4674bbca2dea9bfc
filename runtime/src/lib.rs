//! # Cinder runtime
//!
//! The FRAME runtime of Cinder, the chain that pays node operators for AI and render compute they
//! provably did. This crate holds the chain's base layer:
//!
//! - accounts and the CNDR token ([`pallet_balances`], holds and freezes ready for the compute
//!   pallets), fees ([`pallet_transaction_payment`]) and a `sudo` key for dev and test chains;
//! - block production by **BABE** (its VRF is the randomness the verification pallet samples
//!   with) and finality by **GRANDPA**;
//! - validators elected by **NPoS** ([`pallet_staking`] with session, historical, authorship and
//!   offences), so polkadot.js Apps' staking pages work.
//!
//! Three notions of "epoch" exist on Cinder and must never be mixed: BABE's epoch (one session,
//! [`EPOCH_DURATION_IN_BLOCKS`]), pallet-staking's era ([`configs::SessionsPerEra`] sessions), and
//! the compute reward epoch of the BMW pallet (its own parameter, added with that pallet).
//!
//! Genesis presets ([`genesis_config_presets`]): `development` (Alice validates alone),
//! `local_testnet` (Alice and Bob) and `zombienet` (four validators).

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`/`runtime` expand to very deep types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
pub mod configs;
#[cfg(any(feature = "std", feature = "runtime-benchmarks"))]
pub mod dev_nodes;
pub mod genesis_config_presets;
#[cfg(test)]
mod tests;

use alloc::{borrow::Cow, vec::Vec};
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_staking::StakerStatus;
pub use sp_runtime::{Perbill, Permill};

pub use apis::RuntimeApi;
pub use configs::*;

/// Opaque types: what the node needs to know about the runtime without depending on its calls.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The keys a validator registers with `session.setKeys`. The field names (`babe`, `grandpa`)
	/// are what zombienet and `author_rotateKeys` users expect.
	pub struct SessionKeys {
		pub babe: Babe,
		pub grandpa: Grandpa,
	}
}

/// The runtime's version. Bump `spec_version` on every change of runtime logic.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("cinder"),
	impl_name: Cow::Borrowed("cinder-node"),
	authoring_version: 1,
	spec_version: 100,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

// ---- Time -------------------------------------------------------------------------------------

/// Target block time. BABE's slot is one block.
pub const MILLI_SECS_PER_BLOCK: u64 = 6000;
/// BABE slot duration, equal to the block time.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// Blocks per minute, hour and day at the target block time.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;

/// Length of a BABE epoch, which is also one session: 10 minutes.
pub const EPOCH_DURATION_IN_BLOCKS: BlockNumber = 10 * MINUTES;
/// BABE epoch length in slots (one slot per block).
pub const EPOCH_DURATION_IN_SLOTS: u64 = EPOCH_DURATION_IN_BLOCKS as u64;

/// Probability that a slot has a primary (VRF-elected) author: 1/4. Slots without one are
/// filled by the secondary VRF author, so every slot still gets a block and a VRF output.
pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);

/// BABE's epoch configuration at genesis.
pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
	sp_consensus_babe::BabeEpochConfiguration {
		c: PRIMARY_PROBABILITY,
		allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
	};

// ---- Money ------------------------------------------------------------------------------------

/// One CNDR, the chain's token, in its smallest unit (12 decimals).
pub const CNDR: Balance = 1_000_000_000_000;
/// 10⁻³ CNDR.
pub const MILLI_CNDR: Balance = CNDR / 1_000;
/// 10⁻⁶ CNDR.
pub const MICRO_CNDR: Balance = MILLI_CNDR / 1_000;
/// Number of decimals of CNDR, as shown by wallets.
pub const TOKEN_DECIMALS: u8 = 12;
/// Token symbol, as shown by wallets.
pub const TOKEN_SYMBOL: &str = "CNDR";
/// The balance an account must keep to exist.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_CNDR;

// ---- Basic types ------------------------------------------------------------------------------

/// Block number: a u32 lasts 800 years at 6 s blocks.
pub type BlockNumber = u32;
/// Signature scheme of transactions (sr25519, ed25519 or ecdsa).
pub type Signature = MultiSignature;
/// Account identifier: the public key behind a [`Signature`].
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account, in the smallest unit (see [`CNDR`]).
pub type Balance = u128;
/// Transaction index of an account.
pub type Nonce = u32;
/// Hash type.
pub type Hash = sp_core::H256;
/// Address format of transactions.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header type.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;
/// Block identifier.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions, checked in this order for every signed transaction.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// The extensions of an immortal transaction at `nonce` with no tip and no metadata hash, as a
/// wallet builds them: what the benches sign and the economic simulator applies.
pub fn immortal_tx_extension(nonce: Nonce) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(generic::Era::Immortal),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(0),
		frame_metadata_hash_extension::CheckMetadataHash::new(false),
		frame_system::WeightReclaim::new(),
	)
}

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Runtime migrations run on upgrade (none yet).
type Migrations = ();

/// Executive: dispatches calls to the pallets and runs the block hooks.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	// BABE must come first after System: its `on_initialize` sets the slot and epoch the rest of
	// the block relies on.
	#[runtime::pallet_index(1)]
	pub type Babe = pallet_babe;

	#[runtime::pallet_index(2)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(3)]
	pub type Authorship = pallet_authorship;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	// Staking before Session: session's genesis asks staking for the first validator set.
	#[runtime::pallet_index(6)]
	pub type Staking = pallet_staking;

	#[runtime::pallet_index(7)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(8)]
	pub type Historical = pallet_session::historical;

	#[runtime::pallet_index(9)]
	pub type Offences = pallet_offences;

	#[runtime::pallet_index(10)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(11)]
	pub type VoterList = pallet_bags_list<Instance1>;

	#[runtime::pallet_index(12)]
	pub type Sudo = pallet_sudo;

	// The compute market.
	#[runtime::pallet_index(20)]
	pub type NodeRegistry = pallet_node_registry;

	#[runtime::pallet_index(21)]
	pub type ComputeStaking = pallet_compute_staking;

	#[runtime::pallet_index(22)]
	pub type Jobs = pallet_jobs;

	#[runtime::pallet_index(23)]
	pub type Verification = pallet_verification;

	#[runtime::pallet_index(24)]
	pub type Bmw = pallet_bmw;
}
