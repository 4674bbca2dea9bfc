//! What other pallets report to the reward pools besides settled work: nodes online
//! (availability) and verifications that matched the outcome (verifiers).

use sp_weights::Weight;

use crate::Ib;

/// Receives a node's online time (implemented by the BMW pallet's availability pool; `()` where
/// no availability reward is paid).
pub trait AvailabilityRewards<AccountId> {
	/// `who`, a worker node eligible for work with a confirmed capacity of `ib`,
	/// `committed_memory_mib` of memory kept for the network and an active compute bond of
	/// `bond` planck, was online for `blocks` blocks (one heartbeat interval) in the reward
	/// epoch in progress.
	fn node_online(who: &AccountId, ib: Ib, committed_memory_mib: u32, blocks: u32, bond: u128);
	/// The most [`Self::node_online`] costs.
	fn node_online_weight() -> Weight;
}

impl<AccountId> AvailabilityRewards<AccountId> for () {
	fn node_online(_: &AccountId, _: Ib, _: u32, _: u32, _: u128) {}
	fn node_online_weight() -> Weight {
		Weight::zero()
	}
}

/// Receives verifications that matched the final outcome (implemented by the BMW pallet's
/// verifier pool; `()` where none is paid).
pub trait VerifierRewards<AccountId> {
	/// `verifier`'s verdicts matched the outcome `matched` more times in the reward epoch in
	/// progress.
	fn verifications_matched(verifier: &AccountId, matched: u32);
	/// The most [`Self::verifications_matched`] costs.
	fn verifications_matched_weight() -> Weight;
}

impl<AccountId> VerifierRewards<AccountId> for () {
	fn verifications_matched(_: &AccountId, _: u32) {}
	fn verifications_matched_weight() -> Weight {
		Weight::zero()
	}
}
