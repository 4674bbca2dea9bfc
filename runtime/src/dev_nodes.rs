//! Nodes as the development machine runs them, for the runtime's tests, benches and benchmark
//! helpers: a lavapipe worker of 10⁻⁴ IB on 2 cores; and the chain moved forward with the
//! compute market's block hooks.

use alloc::vec::Vec;
use cinder_primitives::Ib;
use frame_support::{traits::Hooks, BoundedVec};
use pallet_jobs::ModelId;
use pallet_node_registry::{Availability, HardwareProfile, NodeRole};
use sp_runtime::{DispatchError, DispatchResult};

use crate::{
	AccountId, Balance, ComputeStaking, Jobs, NodeRegistry, RuntimeOrigin, System, Verification,
};

/// The answer a lavapipe node gives to its benchmark challenge (the runtime never recomputes
/// it; verifiers do).
pub const LAVAPIPE_ANSWER: [u8; 32] = [1; 32];

/// IB the development machine's lavapipe adapter claims.
pub const LAVAPIPE_IB: Ib = Ib::from_micro(100);

/// Registers `who` as a lavapipe node in `role` at `price` per IBM, hosting `models`.
pub fn register_lavapipe(
	who: &AccountId,
	role: NodeRole<AccountId>,
	price: Balance,
	models: Vec<ModelId>,
) -> DispatchResult {
	NodeRegistry::register(
		RuntimeOrigin::signed(who.clone()),
		role,
		HardwareProfile {
			cpu_cores: 2,
			ram_mib: 24_576,
			gpu_adapter: BoundedVec::truncate_from(b"llvmpipe (LLVM 15.0.6, 256 bits)".to_vec()),
			vram_mib: 0,
			storage_gib: 50,
			region: BoundedVec::truncate_from(b"local".to_vec()),
		},
		BoundedVec::truncate_from(b"http://127.0.0.1:8080".to_vec()),
		price,
		LAVAPIPE_IB,
		BoundedVec::truncate_from(models),
		Availability::default(),
	)
}

/// Bonds the verifier bond for `who` (a validator's controller) and registers its lavapipe
/// Verifier node for `stash` at `price` per IBM.
pub fn lavapipe_verifier(who: &AccountId, stash: &AccountId, price: Balance) -> DispatchResult {
	let bond = <crate::Runtime as pallet_node_registry::Config>::VerifierBond::get();
	ComputeStaking::bond(RuntimeOrigin::signed(who.clone()), bond).map_err(|e| e.error)?;
	register_lavapipe(who, NodeRole::Verifier { stash: stash.clone() }, price, Vec::new())
}

/// Registers `who` as a lavapipe worker at `price` per IBM hosting `models`, bonds `bond` and
/// answers its benchmark challenge; the answer is then under check.
pub fn answered_lavapipe_worker(
	who: &AccountId,
	price: Balance,
	models: Vec<ModelId>,
	bond: Balance,
) -> DispatchResult {
	register_lavapipe(who, NodeRole::Worker, price, models)?;
	ComputeStaking::bond(RuntimeOrigin::signed(who.clone()), bond).map_err(|e| e.error)?;
	NodeRegistry::submit_benchmark(RuntimeOrigin::signed(who.clone()), LAVAPIPE_ANSWER)
		.map(|_| ())
		.map_err(|e| e.error)
}

/// A lavapipe worker at `price` per IBM hosting `models`, bonded with `bond`, its IB confirmed:
/// it answers its benchmark challenge and the chain runs until verification's word on the
/// answer (with no verifier registered: accepted unchecked when the challenge window ends).
/// Fails if a verifier must still check the answer.
pub fn lavapipe_worker(
	who: &AccountId,
	price: Balance,
	models: Vec<ModelId>,
	bond: Balance,
) -> DispatchResult {
	answered_lavapipe_worker(who, price, models, bond)?;
	run_to(System::block_number() + Verification::params().challenge_window);
	let confirmed = pallet_node_registry::Nodes::<crate::Runtime>::get(who)
		.is_some_and(|node| node.confirmed_ib.is_some());
	if confirmed {
		Ok(())
	} else {
		Err(DispatchError::Other("the benchmark answer awaits a verifier's verdict"))
	}
}

/// Runs the compute market's block hooks (BMW, the registry, verification, jobs, then the
/// registry's pool moves) up to `block`; each block leaves
/// BABE randomness behind for the next, as BABE's `on_finalize` does on a real chain.
pub fn run_to(block: crate::BlockNumber) {
	while System::block_number() < block {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		crate::Bmw::on_initialize(next);
		crate::NodeRegistry::on_initialize(next);
		Verification::on_initialize(next);
		Jobs::on_initialize(next);
		// The pool moves verdicts noted (an IB confirmed joins its worker), as the block's
		// spare weight makes them.
		crate::NodeRegistry::on_idle(next, frame_support::weights::Weight::MAX);
		let vrf_output = <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(
			&next.to_le_bytes(),
		)
		.0;
		pallet_babe::AuthorVrfRandomness::<crate::Runtime>::put(Some(vrf_output));
	}
}
