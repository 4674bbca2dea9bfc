//! The chain: the native `cinder-runtime` in `TestExternalities`, moved one block at a time.
//!
//! A block is what the node would build, less consensus: `frame_system` starts it (events and
//! weight counters reset), the compute market's `on_initialize` hooks run in
//! `construct_runtime!`'s order and are charged to the block as mandatory weight, the block's transactions are applied through their real
//! transaction extensions (nonce, weight and length limits, fees, weight reclaim) with only the
//! signature check skipped, each noted as Executive notes it (its `ExtrinsicSuccess` or
//! `ExtrinsicFailed` event), `on_idle` gets what weight is left, and BABE's VRF output for the
//! next block is left behind as BABE's `on_finalize` does. BABE slots and session or era
//! changes are not run: the validator set is the one the simulator seats (as the runtime tests
//! do), so offences are reported to pallet-staking but its deferred slashes never apply.

use cinder_runtime::{
	AccountId, Bmw, ComputeStaking, Jobs, NodeRegistry, Runtime, RuntimeCall, RuntimeEvent, System,
	TxExtension, Verification,
};
use codec::Encode;
use frame_support::{
	dispatch::{DispatchClass, GetDispatchInfo},
	traits::{OnIdle, OnInitialize},
};
use sp_runtime::{
	generic::{CheckedExtrinsic, ExtrinsicFormat},
	traits::{Applyable, Hash},
	DispatchError,
};

/// The compute market's pallets, in `construct_runtime!`'s order: the hooks the simulator runs.
pub type CinderPallets = (NodeRegistry, ComputeStaking, Jobs, Verification, Bmw);

/// Bytes a signed extrinsic carries besides its call: address, signature and extensions.
const SIGNED_OVERHEAD: usize = 110;

/// Why a transaction did not make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
	/// The pool would not have taken it (nonce, fees, block full…).
	Invalid(sp_runtime::transaction_validity::TransactionValidityError),
	/// Included, but the call failed.
	Failed(DispatchError),
}

/// Starts block `number`: what `Executive::initialize_block` does, less the digests.
pub fn start_block(number: u32) -> frame_support::weights::Weight {
	let parent = <sp_runtime::traits::BlakeTwo256 as Hash>::hash(&(number - 1).encode());
	System::initialize(&number, &parent, &Default::default());
	reset_events();
	// In `construct_runtime!`'s order, as Executive runs them.
	let weight = <CinderPallets as OnInitialize<u32>>::on_initialize(number);
	System::register_extra_weight_unchecked(weight, DispatchClass::Mandatory);
	weight
}

/// What `System::reset_events` does, less clearing `EventTopics`, which no Cinder or FRAME
/// pallet here writes (no event is deposited with topics) and whose prefix clear walks the
/// whole change overlay: 7 % of a 1,000-worker run, growing with the state.
fn reset_events() {
	for item in [&b"Events"[..], b"EventCount"] {
		frame_support::storage::unhashed::kill(&frame_support::storage::storage_prefix(
			b"System", item,
		));
	}
}

/// Applies `call` as a signed, immortal transaction of `who` with no tip, through every
/// transaction extension but the signature check; what a wallet's transaction does once it is
/// in a block.
pub fn apply(who: &AccountId, call: RuntimeCall) -> Result<(), Refused> {
	let extension = cinder_runtime::immortal_tx_extension(System::account_nonce(who));
	let info = call.get_dispatch_info();
	let len = call.encoded_size() + SIGNED_OVERHEAD;
	let xt = CheckedExtrinsic::<AccountId, RuntimeCall, TxExtension> {
		format: ExtrinsicFormat::Signed(who.clone(), extension),
		function: call,
	};
	let included = xt.apply::<Runtime>(&info, len).map_err(Refused::Invalid)?;
	// What Executive does after each extrinsic: its event, the next index, and the weight
	// reclaim's bookkeeping reset (without it, the block keeps only the largest refund).
	System::note_applied_extrinsic(&included, info);
	included.map(|_| ()).map_err(|failed| Refused::Failed(failed.error))
}

/// Ends the block: `on_idle` with the weight left, then BABE's randomness for the next block.
pub fn end_block(number: u32) {
	let limits = <Runtime as frame_system::Config>::BlockWeights::get();
	let used = System::block_weight().total();
	let remaining = limits.max_block.saturating_sub(used);
	// As Executive does: each pallet in turn, starting from a different one each block.
	<CinderPallets as OnIdle<u32>>::on_idle(number, remaining);
	let vrf_output = <sp_runtime::traits::BlakeTwo256 as Hash>::hash(&number.to_le_bytes()).0;
	pallet_babe::AuthorVrfRandomness::<Runtime>::put(Some(vrf_output));
}

/// The block's events, oldest first.
pub fn events() -> Vec<RuntimeEvent> {
	System::read_events_no_consensus().map(|record| record.event).collect()
}
