//! The verifier directory: the registered Verifier nodes, and among them the *serving* set
//! that verification committees are drawn from.
//!
//! A verifier serves while its node is active and on time with its heartbeats, its account
//! holds the verifier bond (`VerifierBond`, active, in compute staking), still controls a
//! validator candidate's stash and that stash is in the current session's validator set. The serving set is rebuilt at every session change (the first block that sees
//! a new session index), and kept up to date by every registry action that starts or stops a
//! verifier serving: registering, a heartbeat, resuming, pausing, going offline, leaving.
//! Between those, a node can fall overdue, its bond be unbonded or slashed below the verifier
//! bond, or its stash be chilled; a draw asks [`VerifierDirectory::serving_stash`] of every
//! verifier it picks and passes over those. So a directory full of Verifier nodes that do not
//! serve (chilled candidates, silent nodes) never sits on a committee: it costs their owners
//! the registration and a bond each, and changes no outcome.

use frame_support::pallet_prelude::*;

use crate::{
	pallet::*, weights::WeightInfo, ComputeStake, NodeRecord, NodeRole, NodeStatus,
	ValidatorControllers, VerifierDirectory,
};

impl<T: Config> VerifierDirectory<T::AccountId> for Pallet<T> {
	fn serving_count() -> u32 {
		ServingVerifiers::<T>::decode_len().unwrap_or(0) as u32
	}

	fn serving_at(index: u32) -> Option<T::AccountId> {
		ServingVerifiers::<T>::get().get(index as usize).cloned()
	}

	fn serving_stash(who: &T::AccountId) -> Option<T::AccountId> {
		let node = Nodes::<T>::get(who)?;
		match &node.role {
			NodeRole::Verifier { stash } if Self::serves(who, &node) => Some(stash.clone()),
			_ => None,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Whether `who`, whose record is `node`, serves: a Verifier node, active and on time,
	/// holding the verifier bond, controlling a validator candidate whose stash is in the
	/// session's validator set. The record is checked before the bond, the staking and the
	/// session state are read.
	fn serves(who: &T::AccountId, node: &NodeRecord<T>) -> bool {
		let NodeRole::Verifier { stash } = &node.role else { return false };
		node.status == NodeStatus::Active
			&& !Self::is_overdue(node)
			&& T::Stake::active_bond(who) >= T::VerifierBond::get()
			&& T::Validators::controls_validator(who, stash)
			&& T::Validators::is_active_validator(stash)
	}

	/// Brings `who`'s place in the serving set in line with its record `node` (as stored now):
	/// in while it serves, out otherwise. Costs nothing for a node that is not a Verifier node,
	/// and writes the set only when it changes.
	pub(crate) fn refresh_serving(who: &T::AccountId, node: &NodeRecord<T>) {
		if !matches!(node.role, NodeRole::Verifier { .. }) {
			return;
		}
		let serving = Self::serves(who, node);
		let mut set = ServingVerifiers::<T>::get();
		match (serving, set.iter().position(|v| v == who)) {
			// The set is as large as the directory, which holds `who`: there is room.
			(true, None) => {
				let _ = set.try_push(who.clone());
			}
			(false, Some(index)) => {
				set.swap_remove(index);
			}
			_ => return,
		}
		ServingVerifiers::<T>::put(set);
	}

	/// Takes `who` out of a verifier list (the directory or the serving set), if it is there.
	pub(crate) fn remove_from<S: Get<u32>>(
		list: &mut BoundedVec<T::AccountId, S>,
		who: &T::AccountId,
	) {
		if let Some(index) = list.iter().position(|v| v == who) {
			list.swap_remove(index);
		}
	}

	/// Rebuilds the serving set from the directory when the session changed; two reads when it
	/// did not.
	pub(crate) fn follow_session() -> Weight {
		let session = T::Validators::session_index();
		if ServingSession::<T>::get() == Some(session) {
			// The session index and ServingSession.
			return T::DbWeight::get().reads(2);
		}
		let listed = Verifiers::<T>::get();
		let serving: BoundedVec<_, _> = BoundedVec::truncate_from(
			listed
				.iter()
				.filter(|who| <Self as VerifierDirectory<_>>::is_serving(who))
				.cloned()
				.collect(),
		);
		ServingVerifiers::<T>::put(serving);
		ServingSession::<T>::put(session);
		T::WeightInfo::rebuild_serving(listed.len() as u32)
	}

	/// Invariants: the directory lists exactly the registered Verifier nodes, each once; the
	/// serving set holds listed verifiers only, each once.
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub(crate) fn verifiers_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let listed = Verifiers::<T>::get();
		for (i, who) in listed.iter().enumerate() {
			ensure!(!listed.iter().skip(i + 1).any(|other| other == who), "verifier listed twice");
			let role = Nodes::<T>::get(who).map(|node| node.role);
			ensure!(
				matches!(role, Some(NodeRole::Verifier { .. })),
				"listed verifier is not a registered Verifier node"
			);
		}
		let registered = Nodes::<T>::iter_values()
			.filter(|node| matches!(node.role, NodeRole::Verifier { .. }))
			.count();
		ensure!(registered == listed.len(), "a Verifier node missing from the directory");
		let serving = ServingVerifiers::<T>::get();
		for (i, who) in serving.iter().enumerate() {
			ensure!(
				!serving.iter().skip(i + 1).any(|other| other == who),
				"verifier serving twice"
			);
			ensure!(listed.contains(who), "a serving verifier that is not in the directory");
		}
		Ok(())
	}
}
