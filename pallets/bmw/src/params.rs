//! The parameters: defaults and validity.

use frame_support::traits::Get;
use sp_runtime::{traits::Zero, Perbill, SaturatedConversion};

use crate::{pallet::*, BmwParams, ParamsOf, PoolShares};

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
			ibme_target: Perbill::from_percent(50),
			ibme_adjust_max: Perbill::from_percent(10),
			max_mint_per_burn: Perbill::one(),
			pools: Self::default_pools(),
			reliability_bonus: Perbill::from_percent(20),
			memory_bonus: Perbill::from_percent(25),
			// An RTX 4090's 24 GiB.
			memory_bonus_full_mib: 24 * 1024,
			vest_immediately: Perbill::from_percent(25),
			vesting_epochs: 60,
			availability_max_yield: Perbill::from_percent(10),
		}
	}

	/// Inferix's node-reward split of the supply (workers 37.5 %, verifiers 7.5 %, managers
	/// 1.25 %) scaled to 100 %, the workers' part four fifths work and one fifth availability.
	pub fn default_pools() -> PoolShares {
		// In units of 0.01 % of the supply: 3,750 + 750 + 125 = 4,625.
		let of_node_rewards = |units: u32| Perbill::from_rational(units, 4_625u32);
		PoolShares {
			work: of_node_rewards(3_000),
			availability: of_node_rewards(750),
			verifiers: of_node_rewards(750),
			managers: of_node_rewards(125),
		}
	}

	/// The parameters in force.
	pub fn params() -> ParamsOf<T> {
		Params::<T>::get().unwrap_or_else(Self::default_params)
	}

	/// Valid: a non-zero epoch length and memory for the full bonus, pool shares adding up to
	/// at most 100 %, an IBME target strictly between 0 and 100 % (every other `Perbill` is
	/// at most 100 %), and rewards that vest in full before they expire.
	pub(crate) fn params_are_valid(params: &ParamsOf<T>) -> bool {
		!params.epoch_length.is_zero()
			&& params.vesting_epochs < T::HistoryDepth::get()
			&& params.memory_bonus_full_mib > 0
			&& params.pools.is_valid()
			&& !params.ibme_target.is_zero()
			&& params.ibme_target < Perbill::one()
	}
}
