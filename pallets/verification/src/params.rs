//! The parameters: defaults, validity and the invariants.

use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

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

	/// The most blocks from a claim's inclusion to its decision under `params`, every round
	/// used: its challenge window; the wait behind a full intake queue
	/// (`MaxIntakePages · IntakePageSize` claims decided `MaxDecisionsPerBlock` a block); then
	/// the sampling round, the dispute and `max_redraws` redraws, each a commit and a reveal
	/// phase whose deadline spills at most `DEADLINE_SPILL − 1` blocks. (A sampled claim also
	/// waits while every deadline slot is taken: that wait is bounded by the load, not here.)
	///
	/// Until then a worker proven wrong is slashed and a silent verifier faulted, from its
	/// active or unbonding bond: compute staking's unbonding delay must be at least this long,
	/// which the runtime checks for every genesis preset.
	pub fn longest_check_path(params: &VerificationParams<BlockNumberFor<T>>) -> BlockNumberFor<T> {
		let backlog = T::MaxIntakePages::get()
			.saturating_mul(T::IntakePageSize::get())
			.div_ceil(T::MaxDecisionsPerBlock::get().max(1));
		let rounds = (params.max_redraws as u32).saturating_add(2);
		let spill: BlockNumberFor<T> = crate::checks::DEADLINE_SPILL.saturating_sub(1).into();
		let round =
			params.verdict_window.saturating_add(params.reveal_window).saturating_add(spill);
		params
			.challenge_window
			.saturating_add(backlog.into())
			.saturating_add(round.saturating_mul(rounds.into()))
	}

	pub(crate) fn params_are_valid(p: &VerificationParams<BlockNumberFor<T>>) -> bool {
		let max_committee = T::MaxCommitteeSize::get();
		p.floor_sampling_rate <= p.base_sampling_rate
			&& !p.floor_sampling_rate.is_zero()
			// A margin of 1 only breaks even; a worker slashed nothing is deterred by nothing.
			&& p.sampling_margin >= 2
			&& !p.fault_slash.is_zero()
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
