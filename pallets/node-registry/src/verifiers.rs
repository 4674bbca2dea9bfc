//! The verifier directory: the registered Verifier nodes that verification committees are
//! drawn from. A verifier counts while its node is active and on time with its heartbeats, its
//! account still controls a validator candidate's stash and that stash is in the current
//! session's validator set; otherwise its seat in a drawn committee stays empty (the committee
//! is one smaller).

use frame_support::pallet_prelude::*;

use crate::{pallet::*, NodeRole, NodeStatus, ValidatorControllers, VerifierDirectory};

impl<T: Config> VerifierDirectory<T::AccountId> for Pallet<T> {
	fn verifier_count() -> u32 {
		Verifiers::<T>::decode_len().unwrap_or(0) as u32
	}

	fn verifier(index: u32) -> Option<T::AccountId> {
		let who = Verifiers::<T>::get().get(index as usize)?.clone();
		let node = Nodes::<T>::get(&who)?;
		let NodeRole::Verifier { stash } = &node.role else { return None };
		let serving = node.status == NodeStatus::Active && !Self::is_overdue(&node);
		let validating = T::Validators::controls_validator(&who, stash)
			&& T::Validators::is_active_validator(stash);
		(serving && validating).then_some(who)
	}
}

impl<T: Config> Pallet<T> {
	/// Invariants: the directory lists exactly the registered Verifier nodes, each once.
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
		Ok(())
	}
}
