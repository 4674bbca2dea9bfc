//! Runtime API of the verification pallet: what a verifier must answer, and what the penalty
//! pool owes it.

use alloc::vec::Vec;
use codec::Codec;

use crate::{Awaiting, PendingCheck, RewardEpochIndex, Vote};

sp_api::decl_runtime_apis! {
	/// Reads verification without submitting anything.
	pub trait VerificationApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// The checks whose current round waits for `verifier`: its commitment (while the
		/// commit phase lasts) or its reveal, with what is claimed, when the commit phase ends
		/// and the deadline.
		fn pending_checks(verifier: AccountId) -> Vec<PendingCheck<AccountId, BlockNumber>>;
		/// What `verifier` would be paid for closed reward epoch `epoch` by claiming now
		/// (zero for an open epoch, one without its credits, or a share already claimed).
		fn penalty_share(epoch: RewardEpochIndex, verifier: AccountId) -> Balance;
	}
}

impl<T: crate::Config> crate::Pallet<T> {
	/// The checks awaiting `verifier`'s commitment or reveal (for
	/// [`VerificationApi::pending_checks`]).
	pub fn pending_checks(
		verifier: &T::AccountId,
	) -> Vec<PendingCheck<T::AccountId, frame_system::pallet_prelude::BlockNumberFor<T>>> {
		let now = frame_system::Pallet::<T>::block_number();
		crate::Checks::<T>::iter()
			.filter_map(|(subject, check)| {
				let vote = check.members.iter().find(|m| m.who == *verifier)?.vote;
				let awaiting = match vote {
					Vote::Silent if now < check.commits_until => Awaiting::Commit,
					Vote::Committed(_) => {
						let all_committed = check.members.iter().all(|m| m.vote != Vote::Silent);
						Awaiting::Reveal { open: all_committed }
					}
					_ => return None,
				};
				Some(PendingCheck {
					subject,
					worker: check.worker,
					output_root: check.bait.unwrap_or(check.output_root),
					awaiting,
					dispute: matches!(check.round, crate::Round::Dispute { .. }),
					commits_until: check.commits_until,
					deadline: check.deadline,
				})
			})
			.collect()
	}
}
