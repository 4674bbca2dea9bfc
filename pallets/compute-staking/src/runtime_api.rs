//! Runtime API of compute staking, for the worker's `status` and for polkadot.js.

use crate::StakeStatus;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Where a worker's compute stake stands.
	pub trait ComputeStakingApi<AccountId, Balance>
	where
		AccountId: Codec,
		Balance: Codec,
	{
		/// S(n) for `who`'s current node profile (zero if it runs no node).
		fn minimum_stake(who: AccountId) -> Balance;

		/// Active bond, unbonding chunks with their release epochs, S(n), the current reward
		/// epoch, and why the node is not eligible (`None` if it is).
		fn stake_status(who: AccountId) -> StakeStatus<Balance>;
	}
}
