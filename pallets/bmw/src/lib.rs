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
//! rest goes to the foundation.
//!
//! ## Mint: every account earns from its own contributions
//! Each epoch's emission rate is fixed as it starts, from the emission plan:
//! `E_p = base_emission_per_ibm · (1 − emission_decay)^p`, nudged by the last epoch's IBME by
//! at most `ibme_adjust_max` either way (up below `ibme_target`: idle capacity, so paid work
//! is made to earn more; down above it).
//!
//! A settled job's emission is `ibm · E_p`, at most its cap, `max_mint_per_burn` of what it
//! burned ([`emission::job_credits`]). As it settles it is credited, by the pool shares
//! (`pools`):
//! - **work**, to its worker: the work share of the emission × the class multiplier × up to
//!   `reliability_bonus` for a reliable worker, at most the work share of the cap;
//! - **managers**, to the manager that brought the job in, if any: the manager share;
//! - **verifiers**, to the verifier pool: the verifier share, paid pro rata to verifications
//!   that matched the outcome (the verification pallet's penalty pool pays them on top,
//!   there).
//!
//! **Availability** is credited per heartbeat ([`contributions`]): the node's confirmed IB ×
//! the minutes it covers, up to `memory_bonus` more for committed memory, at
//! `pools.availability · ibme_target · E_p` per IBM (what an availability pool of that share
//! would pay per online IBM at the target IBME), at most `availability_max_yield` of the
//! node's active bond over an epoch; an offline or ineligible node earns none.
//!
//! So an account's reward for its work is fixed by that work alone: no other account's jobs,
//! nodes or prices lower it (there are no shared points to dilute). A worker that prices at 1
//! planck and routes jobs to itself burns next to nothing, so its jobs credit next to
//! nothing; its nodes, bonded to a next-to-zero S(n), earn next to no availability; and the
//! IBME counts only the IBM its burns and bonds back, so it does not move the emission rate
//! either. The one shared limit is the ecosystem allocation: when an epoch's credits exceed
//! what is left of it, every credit is scaled down by the same factor (and every planck a
//! job credits was backed by a planck burned).
//!
//! When an epoch ends, `T` = its credits, capped by what is left of the allocation, is paid
//! in the blocks that follow, at most `MaxSettlementsPerBlock` accounts a block. Forfeited
//! credits, a verifier pool nobody earned and rounding dust are never minted: they stay in
//! the allocation, and `minted + withheld = T` exactly. Self-dealing (paying yourself for
//! fake demand) thus mints at most `max_mint_per_burn ≤ 100 %` of what it burns, bonuses
//! included, and loses the foundation's share on top.
//!
//! Rewards are minted into the pallet's pot when the epoch settles, so total issuance after an
//! epoch is the issuance before, plus what was minted, minus what was burned, exactly.
//!
//! ## IBME
//! IBM Efficiency = paid IBM / apparent IBM, the apparent IBM being IB × online minutes of
//! the epoch's eligible worker nodes, each counted as far as burns and bonds back it. It is kept per epoch (`EpochTotals`, `Settlements`),
//! drives the next epoch's emission rate, and [`runtime_api::BmwApi::ibme`] exposes it.
//!
//! ## Claims
//! A reward accrues per account and epoch; `claim(epoch)` pays what has vested:
//! `vest_immediately` at once, the rest linearly over `vesting_epochs` epochs. A fault proven
//! against an account forfeits its rewards of the epoch ([`RewardForfeits`]): its
//! credits are withheld if the epoch has not settled, and what it has not been paid is burned
//! if it has. [`runtime_api::BmwApi::reward_breakdown`] gives an account's rewards of
//! an epoch by pool, with the reason for any zero, and an estimate for the epoch in progress.
//!
//! ## History: nothing is kept for ever
//! An epoch's records (its totals, its settlement and its unclaimed rewards) are kept for
//! `HistoryDepth` epochs after the one it settled in (`p + 1` for epoch `p` when settlement
//! keeps up), like pallet-staking's eras: a reward of epoch `p` settled in epoch `s` can be
//! claimed until epoch `s + HistoryDepth` ends. Once epoch `s + HistoryDepth + 1` begins, the
//! block hook expires epoch `p` ([`expiry`]): what its rewards still owe is burned from the pot
//! and handed back to the ecosystem allocation (it was minted for nobody who wanted it), at
//! most `MaxSettlementsPerBlock` accounts a block, then its totals and settlement are removed.
//! Every reward fully vests at least two epochs before it expires (`vesting_epochs` below
//! `HistoryDepth`), so the state grows with the accounts active in the last `HistoryDepth`
//! epochs, not with the chain's age. The window is counted in epochs: a shorter
//! `epoch_length` shortens it in time for rewards already outstanding.
//!
//! ## Defaults, and why
//! | parameter | default |
//! |---|---|
//! | `burn_share` | 80 % (Inferix: 80 % buy-and-burn, 20 % foundation) |
//! | `base_emission_per_ibm` | 1 CNDR per IBM in epoch 0 |
//! | `emission_decay` | 0.285 % per epoch: the base halves in 243 epochs, about two years of 72 h epochs (Helium HIP-20's halving period) |
//! | `ibme_target` / `ibme_adjust_max` | 50 % / 10 %: one epoch moves the next rate by at most a tenth either way, so a run of idle epochs raises it gradually, not at once |
//! | `max_mint_per_burn` | 100 %: a job mints at most what it burned |
//! | `pools` | Inferix's node-reward supply split, workers 37.5 %, verifiers 7.5 %, managers 1.25 %, scaled to 100 %: work 64.86 % and availability 16.22 % (the workers' part, four fifths and one fifth), verifiers 16.22 %, managers 2.70 %; availability thus earns 8.11 % of `E_p` per online IBM at the 50 % IBME target |
//! | `reliability_bonus` | up to 20 % more work credit for a fully reliable worker (within the job's cap) |
//! | `memory_bonus` / `memory_bonus_full_mib` | up to 25 % more availability for 24 GiB committed (an RTX 4090's memory); tied to the benchmarked IB, so declaring memory alone earns nothing |
//! | `availability_max_yield` | 10 % of the active bond an epoch: a node bonded to S(n) = 2 · 4320 · IB · P may earn 864 · IB · P, and full-time availability earns at most about 438 · IB · E_p (memory bonus included), so the cap binds only on nodes priced below about half the emission rate |
//! | `vest_immediately` / `vesting_epochs` | 25 % now, the rest over 60 epochs (180 days: Inferix testnet and Filecoin-style vesting) |

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod burn;
mod claims;
pub mod contributions;
pub mod emission;
mod epochs;
pub mod expiry;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod invariants;
mod params;
pub mod pools;
pub mod runtime_api;
mod settlement;
mod statement;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use cinder_primitives::{
	AvailabilityRewards, RewardEpochIndex, RewardEpochs, RewardForfeits, SettledWork,
	VerifierRewards, WorkRewards, WorkerDirectory,
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
	use sp_runtime::Perbill;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency fees are burned in and rewards minted in.
		type Currency: Inspect<Self::AccountId> + Mutate<Self::AccountId>;

		/// Workers' reliability, which scales their work credit (the node registry).
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

		/// Accounts an epoch's settlement pays at most per block.
		#[pallet::constant]
		type MaxSettlementsPerBlock: Get<u32>;

		/// Milliseconds a block takes, to turn heartbeat intervals into online minutes.
		#[pallet::constant]
		type MillisecsPerBlock: Get<u64>;

		/// Reward epochs an ended epoch's records and unclaimed rewards are kept: a reward of
		/// epoch `p` can be claimed until `HistoryDepth` epochs after the one `p` settled in
		/// have ended, then it expires. Lowering it in a runtime upgrade needs a migration
		/// that first lowers a stored `vesting_epochs` below it.
		/// Above every `vesting_epochs` the parameters may set.
		#[pallet::constant]
		type HistoryDepth: Get<u32>;

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

	/// Each epoch's emission rate and what its contributions added up to (its IBME's parts).
	#[pallet::storage]
	pub type EpochTotals<T: Config> =
		StorageMap<_, Twox64Concat, RewardEpochIndex, EpochWork<BalanceOf<T>>, ValueQuery>;

	/// Each account's contributions per epoch (work, availability, verifications,
	/// management), until the epoch's settlement pays them.
	#[pallet::storage]
	pub type Contributions<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		RewardEpochIndex,
		Blake2_128Concat,
		T::AccountId,
		Contribution<BalanceOf<T>>,
		OptionQuery,
	>;

	/// The next epoch to settle (every earlier one is settled).
	#[pallet::storage]
	pub type NextToSettle<T: Config> = StorageValue<_, RewardEpochIndex, ValueQuery>;

	/// How each epoch's emission was settled (the one settling is filled in as it goes).
	#[pallet::storage]
	pub type Settlements<T: Config> =
		StorageMap<_, Twox64Concat, RewardEpochIndex, EpochSettlement<BalanceOf<T>>, OptionQuery>;

	/// Rewards by epoch and account (removed once paid in full, or when the epoch expires).
	#[pallet::storage]
	pub type Rewards<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		RewardEpochIndex,
		Blake2_128Concat,
		T::AccountId,
		Reward<BalanceOf<T>>,
		OptionQuery,
	>;

	/// The oldest epoch whose records are kept (every earlier one has expired).
	#[pallet::storage]
	pub type NextToExpire<T: Config> = StorageValue<_, RewardEpochIndex, ValueQuery>;

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
			Pallet::<T>::start_epoch(0, None);
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
		/// Reward epoch `epoch` ended at block `at` with IBM Efficiency `ibme` (`None`: no
		/// node online); its settlement begins.
		EpochEnded { epoch: RewardEpochIndex, at: BlockNumberFor<T>, ibme: Option<Perbill> },
		/// `who` earned `earned` from the pools of `epoch`: its own credits (`over_cap` more
		/// was credited than the ecosystem allocation had left to pay).
		Rewarded {
			epoch: RewardEpochIndex,
			who: T::AccountId,
			earned: Pools<BalanceOf<T>>,
			over_cap: BalanceOf<T>,
		},
		/// Epoch `epoch` is settled: of its emission (its credits, by pool in `pools`),
		/// `minted` went to accounts and `withheld` (forfeits, a verifier pool nobody earned,
		/// rounding) was not minted; the two add up to `emission`.
		EpochSettled {
			epoch: RewardEpochIndex,
			emission_per_ibm: BalanceOf<T>,
			ibme: Option<Perbill>,
			emission: BalanceOf<T>,
			pools: Pools<BalanceOf<T>>,
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
		/// `who` left `amount` of its reward for `epoch` unclaimed past `HistoryDepth` epochs:
		/// it was burned from the pot and handed back to the ecosystem allocation.
		RewardExpired { who: T::AccountId, epoch: RewardEpochIndex, amount: BalanceOf<T> },
		/// Every record of `epoch` (totals, settlement, rewards) is gone: `returned` of its
		/// rewards went back to the ecosystem allocation unclaimed.
		EpochExpired { epoch: RewardEpochIndex, returned: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Parameters out of range: a zero epoch length or `memory_bonus_full_mib`, pool
		/// shares adding up to more than 100 %, an IBME target of 0 or 100 %, or
		/// `vesting_epochs` not below `HistoryDepth`.
		InvalidParams,
		/// No reward of this account for this epoch (none earned, or all paid).
		NoReward,
		/// The epoch's rewards expired: they can be claimed for `HistoryDepth` epochs only.
		Expired,
		/// Nothing more has vested yet: claim again in a later epoch.
		NothingVested,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Ends the reward epoch when its length has passed, then settles ended epochs and
		/// expires those past `HistoryDepth`, at most `MaxSettlementsPerBlock` accounts a
		/// block each.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let mut weight = Self::roll_epoch(now);
			weight.saturating_accrue(Self::settle_step());
			weight.saturating_accrue(Self::expire_step());
			weight
		}

		fn integrity_test() {
			assert!(
				Pallet::<T>::params_are_valid(&Pallet::<T>::default_params()),
				"the default BMW params are valid for this runtime"
			);
			assert!(T::MaxSettlementsPerBlock::get() > 0);
			assert!(T::HistoryDepth::get() > 0);
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
		/// A new `epoch_length` and emission plan apply from the next epoch on; the rest at
		/// once.
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
		/// vested since. A reward not claimed within `HistoryDepth` epochs after the one
		/// `epoch` settled in expires.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::claim())]
		pub fn claim(origin: OriginFor<T>, epoch: RewardEpochIndex) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(who, epoch)
		}
	}
}
