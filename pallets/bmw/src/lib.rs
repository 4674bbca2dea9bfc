//! # BMW pallet: Burn-Mint-Work
//!
//! Workers are paid for verified work by new issuance, never by the fees themselves: each
//! settled job's fee `F = W_t · P_A` is burned (`burn_share`, 80 %) or paid to the foundation
//! (the rest), and each reward epoch mints `T = W_p · E_p` for the epoch's verified IBM `W_p`.
//!
//! ## Reward epochs
//! The pallet owns the reward-epoch clock ([`RewardEpochs`]): epoch `p + 1` starts
//! `epoch_length` blocks after epoch `p` did (72 h = 43,200 blocks on a production chain, a few
//! dozen on the dev chains). A reward epoch is neither BABE's epoch nor pallet-staking's era.
//!
//! ## Burn
//! When the jobs pallet settles a stage ([`WorkRewards::work_settled`]), its fee is in the fee
//! collector: `burn_share` of it is burned there (total issuance drops by exactly that) and the
//! rest goes to the foundation. The stage's IBM counts for its worker and epoch, as work points
//! (IBM × the class multiplier × up to `reliability_bonus` for a reliable worker), and so does
//! its mint cap, `max_mint_per_burn` × what it burned.
//!
//! ## Mint
//! When an epoch ends, its settlement runs in the blocks that follow, at most
//! `MaxSettlementsPerBlock` workers a block:
//! - `E_p = base_emission_per_ibm · (1 − emission_decay)^p`, a declining schedule;
//! - `T = min(W_p · E_p, what is left of the ecosystem allocation)`;
//! - the work pool, `work_share` of `T`, is paid pro rata to work points, each worker at most
//!   its mint cap. What the caps withhold, and rounding dust, is never minted: it stays in the
//!   allocation. So self-dealing (paying yourself for fake demand) mints at most
//!   `max_mint_per_burn ≤ 100 %` of what it burns, and loses the foundation's share on top.
//!
//! Rewards are minted into the pallet's pot when the epoch settles, so total issuance after an
//! epoch is the issuance before, plus what was minted, minus what was burned, exactly.
//!
//! ## Claims
//! A reward accrues per account and epoch; `claim(epoch)` pays what has vested:
//! `vest_immediately` at once, the rest linearly over `vesting_epochs` epochs. A fault proven
//! against a worker forfeits its rewards of the epoch ([`RewardForfeits`]): its work no longer
//! counts if the epoch has not settled, and what it has not been paid is burned if it has.
//!
//! ## Defaults, and why
//! | parameter | default |
//! |---|---|
//! | `burn_share` | 80 % (Inferix: 80 % buy-and-burn, 20 % foundation) |
//! | `base_emission_per_ibm` | 1 CNDR per IBM in epoch 0 |
//! | `emission_decay` | 0.285 % per epoch: the base halves in 243 epochs, about two years of 72 h epochs (Helium HIP-20's halving period) |
//! | `max_mint_per_burn` | 100 %: a job mints at most what it burned |
//! | `work_share` | 64.86 %: Inferix's worker share 37.5 / (37.5 + 7.5 + 1.25) of the node-reward supply, four fifths of it for work (the rest for availability) |
//! | `reliability_bonus` | up to 20 % more points for a fully reliable worker |
//! | `vest_immediately` / `vesting_epochs` | 25 % now, the rest over 60 epochs (180 days: Inferix testnet and Filecoin-style vesting) |

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod burn;
mod claims;
pub mod emission;
mod epochs;
mod invariants;
mod params;
mod settlement;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use cinder_primitives::{
	RewardEpochIndex, RewardEpochs, RewardForfeits, SettledWork, WorkRewards, WorkerDirectory,
};
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// Balance type of the currency rewards are paid in.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

/// The parameters as stored.
pub type ParamsOf<T> = BmwParams<frame_system::pallet_prelude::BlockNumberFor<T>, BalanceOf<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate},
		PalletId,
	};
	use frame_system::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency fees are burned in and rewards minted in.
		type Currency: Inspect<Self::AccountId> + Mutate<Self::AccountId>;

		/// Workers' reliability, which scales their work points (the node registry).
		type Workers: WorkerDirectory<Self::AccountId, BalanceOf<Self>>;

		/// The account settled fees are in (the jobs pallet's fee collector).
		#[pallet::constant]
		type FeeCollector: Get<Self::AccountId>;

		/// The foundation's account, which receives the fees not burned.
		#[pallet::constant]
		type Foundation: Get<Self::AccountId>;

		/// The id of the reward pot, which holds minted rewards until they are claimed.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Who sets the parameters (root or governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Workers an epoch's settlement pays at most per block.
		#[pallet::constant]
		type MaxSettlementsPerBlock: Get<u32>;

		/// Weights of the calls and the block hook.
		type WeightInfo: WeightInfo;
	}

	/// The parameters; unset means [`Pallet::default_params`].
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ParamsOf<T>, OptionQuery>;

	/// The reward epoch in progress.
	#[pallet::storage]
	pub type CurrentEpoch<T: Config> = StorageValue<_, RewardEpochIndex, ValueQuery>;

	/// The block the reward epoch in progress ends at (the next one starts), fixed when it
	/// starts.
	#[pallet::storage]
	pub type EpochEnd<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// What is left of the ecosystem allocation for rewards; nothing is minted beyond it.
	#[pallet::storage]
	pub type RemainingAllocation<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// The settled work of each epoch.
	#[pallet::storage]
	pub type EpochTotals<T: Config> =
		StorageMap<_, Twox64Concat, RewardEpochIndex, EpochWork<BalanceOf<T>>, ValueQuery>;

	/// Each worker's settled work per epoch, until the epoch's settlement pays it.
	#[pallet::storage]
	pub type WorkerEpochs<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		RewardEpochIndex,
		Blake2_128Concat,
		T::AccountId,
		WorkerWork<BalanceOf<T>>,
		OptionQuery,
	>;

	/// The next epoch to settle (every earlier one is settled).
	#[pallet::storage]
	pub type NextToSettle<T: Config> = StorageValue<_, RewardEpochIndex, ValueQuery>;

	/// How each epoch's emission was settled (the one settling is filled in as it goes).
	#[pallet::storage]
	pub type Settlements<T: Config> =
		StorageMap<_, Twox64Concat, RewardEpochIndex, EpochSettlement<BalanceOf<T>>, OptionQuery>;

	/// Rewards by account and epoch (removed once paid in full).
	#[pallet::storage]
	pub type Rewards<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		RewardEpochIndex,
		Reward<BalanceOf<T>>,
		OptionQuery,
	>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Initial parameters; `None` uses [`Pallet::default_params`].
		pub params: Option<ParamsOf<T>>,
		/// The ecosystem allocation: the most node rewards will ever mint.
		pub ecosystem_allocation: BalanceOf<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let params = self.params.unwrap_or_else(Pallet::<T>::default_params);
			assert!(Pallet::<T>::params_are_valid(&params), "invalid BMW params");
			Params::<T>::put(params);
			EpochEnd::<T>::put(params.epoch_length);
			RemainingAllocation::<T>::put(self.ecosystem_allocation);
			// The pot must exist to receive any mint, however small.
			let pot = Pallet::<T>::pot();
			let existential = T::Currency::minimum_balance();
			if T::Currency::balance(&pot) < existential {
				let _ = T::Currency::mint_into(&pot, existential);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The parameters were set.
		ParamsSet { params: ParamsOf<T> },
		/// `job`'s stage `stage` settled: of its fee, `burned` was burned and `to_foundation`
		/// went to the foundation; its `ibm` (pico-IBM) counts for `worker` in `epoch`.
		FeeBurned {
			job: cinder_primitives::JobId,
			stage: cinder_primitives::StageIndex,
			worker: T::AccountId,
			epoch: RewardEpochIndex,
			ibm: u128,
			burned: BalanceOf<T>,
			to_foundation: BalanceOf<T>,
		},
		/// Reward epoch `epoch` ended at block `at`; its settlement begins.
		EpochEnded { epoch: RewardEpochIndex, at: BlockNumberFor<T> },
		/// `worker` earned `reward` for its work in `epoch` (`withheld` more was over its mint
		/// cap).
		WorkRewarded {
			epoch: RewardEpochIndex,
			worker: T::AccountId,
			reward: BalanceOf<T>,
			withheld: BalanceOf<T>,
		},
		/// Epoch `epoch` is settled: `minted` of its work pool went to workers; `withheld`
		/// (caps, forfeits and rounding) was not minted.
		EpochSettled {
			epoch: RewardEpochIndex,
			emission_per_ibm: BalanceOf<T>,
			emission: BalanceOf<T>,
			minted: BalanceOf<T>,
			withheld: BalanceOf<T>,
		},
		/// `who` was paid `amount` of its reward for `epoch`; `left` is still to vest or claim.
		RewardClaimed {
			who: T::AccountId,
			epoch: RewardEpochIndex,
			amount: BalanceOf<T>,
			left: BalanceOf<T>,
		},
		/// `who`'s rewards of `epoch` were forfeited after a proven fault: `burned` of them had
		/// been minted and not paid (work not yet settled simply stops counting).
		RewardsForfeited { who: T::AccountId, epoch: RewardEpochIndex, burned: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Parameters out of range: a zero epoch length, or `max_mint_per_burn`, `work_share`
		/// above 100 %.
		InvalidParams,
		/// No reward of this account for this epoch (none earned, or all paid).
		NoReward,
		/// Nothing more has vested yet: claim again in a later epoch.
		NothingVested,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Ends the reward epoch when its length has passed, then settles ended epochs, at most
		/// `MaxSettlementsPerBlock` workers a block.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let mut weight = Self::roll_epoch(now);
			weight.saturating_accrue(Self::settle_step());
			weight
		}

		fn integrity_test() {
			assert!(
				Pallet::<T>::params_are_valid(&Pallet::<T>::default_params()),
				"the default BMW params are valid for this runtime"
			);
			assert!(T::MaxSettlementsPerBlock::get() > 0);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Set the BMW parameters.
		///
		/// - `origin`: `AdminOrigin`.
		///
		/// A new `epoch_length` applies from the next epoch on.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: ParamsOf<T>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(Self::params_are_valid(&params), Error::<T>::InvalidParams);
			Params::<T>::put(params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}

		/// Pay the sender what has vested of its reward for `epoch`.
		///
		/// - `origin`: the account the reward is for.
		/// - `epoch`: a settled epoch it earned a reward in.
		///
		/// Pays `vest_immediately` of the reward once the epoch has settled, and the rest
		/// linearly over the `vesting_epochs` epochs after; a second claim pays only what
		/// vested since.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::claim())]
		pub fn claim(origin: OriginFor<T>, epoch: RewardEpochIndex) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(who, epoch)
		}
	}
}
