//! Nodes as the development machine runs them, for the runtime's tests and benches (std only):
//! a lavapipe worker of 10⁻⁴ IB on 2 cores.

use alloc::vec::Vec;
use cinder_primitives::Ib;
use frame_support::BoundedVec;
use pallet_jobs::ModelId;
use pallet_node_registry::{Availability, HardwareProfile, NodeRole};
use sp_runtime::DispatchResult;

use crate::{AccountId, Balance, ComputeStaking, NodeRegistry, RuntimeOrigin};

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

/// A lavapipe worker at `price` per IBM hosting `models`, its IB confirmed by answering the
/// benchmark challenge, bonded with `bond`.
pub fn lavapipe_worker(
	who: &AccountId,
	price: Balance,
	models: Vec<ModelId>,
	bond: Balance,
) -> DispatchResult {
	register_lavapipe(who, NodeRole::Worker, price, models)?;
	NodeRegistry::submit_benchmark(RuntimeOrigin::signed(who.clone()), [1; 32])?;
	ComputeStaking::bond(RuntimeOrigin::signed(who.clone()), bond)
}
