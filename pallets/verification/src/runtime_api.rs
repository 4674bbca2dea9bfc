//! Runtime API of the verification pallet: what a verifier must answer, and what the penalty
//! pool owes it.

use alloc::vec::Vec;
use codec::Codec;

use crate::{PendingCheck, RewardEpochIndex};

sp_api::decl_runtime_apis! {
	/// Reads verification without submitting anything.
	pub trait VerificationApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// The checks whose current round has `verifier` on its committee and no verdict from
		/// it yet, with what is claimed and the deadline (a verdict must come before it).
		fn pending_checks(verifier: AccountId) -> Vec<PendingCheck<AccountId, BlockNumber>>;
		/// What `verifier` would be paid for closed reward epoch `epoch` by claiming now
		/// (zero for an open epoch, one without its credits, or a share already claimed).
		fn penalty_share(epoch: RewardEpochIndex, verifier: AccountId) -> Balance;
	}
}

impl<T: crate::Config> crate::Pallet<T> {
	/// The checks awaiting `verifier`'s verdict (for [`VerificationApi::pending_checks`]).
	pub fn pending_checks(
		verifier: &T::AccountId,
	) -> Vec<PendingCheck<T::AccountId, frame_system::pallet_prelude::BlockNumberFor<T>>> {
		crate::Checks::<T>::iter()
			.filter(|(_, check)| {
				check.members.iter().any(|m| m.who == *verifier && m.vote == crate::Vote::Silent)
			})
			.map(|(subject, check)| PendingCheck {
				subject,
				worker: check.worker,
				output_root: check.output_root,
				deadline: check.deadline,
			})
			.collect()
	}
}
