//! Runtime API of the BMW pallet: an account's rewards by epoch and pool, and the IBME.

use codec::Codec;
use sp_runtime::Perbill;

use crate::{RewardBreakdown, RewardEpochIndex};

sp_api::decl_runtime_apis! {
	/// Reads rewards without submitting anything.
	pub trait BmwApi<AccountId, Balance>
	where
		AccountId: Codec,
		Balance: Codec,
	{
		/// `who`'s rewards of `epoch` by pool (work and its bonus, availability, verification,
		/// management, the penalty-pool share), whether they are forfeited, what a claim pays
		/// now, and the reason for any zero. For the epoch in progress, an estimate as if it
		/// ended now.
		fn reward_breakdown(who: AccountId, epoch: RewardEpochIndex) -> RewardBreakdown<Balance>;
		/// The IBME of `epoch` so far (paid IBM / IB × online minutes); `None` with no node
		/// online, or once the epoch's records expired (`HistoryDepth` epochs after it settled).
		fn ibme(epoch: RewardEpochIndex) -> Option<Perbill>;
	}
}
