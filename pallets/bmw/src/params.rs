//! The parameters: defaults and validity.

use sp_runtime::{traits::Zero, Perbill, SaturatedConversion};

use crate::{pallet::*, BmwParams, ParamsOf};

impl<T: Config> Pallet<T> {
	/// The defaults, justified in the crate documentation.
	pub fn default_params() -> ParamsOf<T> {
		BmwParams {
			// 72 h of 6-second blocks.
			epoch_length: 43_200u32.into(),
			burn_share: Perbill::from_percent(80),
			// 1 CNDR (12 decimals) per IBM.
			base_emission_per_ibm: 1_000_000_000_000u128.saturated_into(),
			emission_decay: Perbill::from_parts(2_850_000),
			max_mint_per_burn: Perbill::one(),
			// 37.5 / 46.25 of node rewards to workers, four fifths of that for work.
			work_share: Perbill::from_rational(30_000u32, 46_250u32),
			reliability_bonus: Perbill::from_percent(20),
			vest_immediately: Perbill::from_percent(25),
			vesting_epochs: 60,
		}
	}

	/// The parameters in force.
	pub fn params() -> ParamsOf<T> {
		Params::<T>::get().unwrap_or_else(Self::default_params)
	}

	/// A zero epoch length is the one invalid setting (every `Perbill` is at most 100 %).
	pub(crate) fn params_are_valid(params: &ParamsOf<T>) -> bool {
		!params.epoch_length.is_zero()
	}
}
