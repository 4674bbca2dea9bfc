//! The parameters: defaults, validity and the invariants.

use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Zero, Perbill};

use crate::{pallet::*, VerificationParams};
use frame_support::traits::Get;

impl<T: Config> Pallet<T> {
	/// The defaults, justified in the crate documentation.
	pub fn default_params() -> VerificationParams<BlockNumberFor<T>> {
		VerificationParams {
			base_sampling_rate: Perbill::from_rational(25u32, 1_000),
			floor_sampling_rate: Perbill::from_percent(1),
			sampling_margin: 2,
			committee_size: 2,
			dispute_committee_size: 5,
			challenge_window: 10u32.into(),
			verdict_window: 30u32.into(),
			reveal_window: 10u32.into(),
			fault_slash: Perbill::from_percent(10),
			verifier_fault_slash: Perbill::from_percent(10),
			trap_rate: Perbill::from_percent(5),
			jail_epochs: 2,
			disputer_share: Perbill::from_percent(10),
			max_redraws: 2,
			accept_without_verifiers: false,
		}
	}

	/// The parameters in force.
	pub fn params() -> VerificationParams<BlockNumberFor<T>> {
		Params::<T>::get().unwrap_or_else(Self::default_params)
	}

	pub(crate) fn params_are_valid(p: &VerificationParams<BlockNumberFor<T>>) -> bool {
		let max_committee = T::MaxCommitteeSize::get();
		p.floor_sampling_rate <= p.base_sampling_rate
			&& !p.floor_sampling_rate.is_zero()
			&& p.sampling_margin >= 1
			&& p.committee_size >= 1
			&& p.dispute_committee_size > p.committee_size
			&& p.dispute_committee_size as u32 <= max_committee
			&& p.dispute_committee_size % 2 == 1
			&& p.max_redraws as u32 <= T::MaxRedraws::get()
			&& p.challenge_window >= 2u32.into()
			&& !p.verdict_window.is_zero()
			&& !p.reveal_window.is_zero()
	}
}
