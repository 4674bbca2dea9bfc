//! # Compute staking
//!
//! Worker bonds for Cinder's compute market. A worker bonds CNDR — held on its account with
//! `fungible` holds under [`HoldReason::ComputeBond`] — and is **eligible** for jobs and rewards
//! only while it is active, its IB is confirmed, and its active bond covers the minimum stake
//!
//! **S(n) = k · E · IB(n) · max(P(n), P_floor)** — k epochs of the most the node can bill in one
//! epoch ([`cinder_primitives::StakeRule`]; k = 2, E = 4320 minutes by default, both governance
//! parameters), reckoned at the collateral floor price `P_floor`
//! ([`StakeParams::floor_price_per_ibm`]) when the node asks less: a worker priced at 1 planck
//! still bonds for what faking its work would save, the honest cost of the work, and not for
//! the fee it forgoes.
//!
//! ## Calls
//! - [`bond`](Pallet::bond), [`bond_extra`](Pallet::bond_extra): hold funds as the bond;
//! - [`unbond`](Pallet::unbond): move part of the active bond into an unbonding chunk, released
//!   `unbonding_epochs` reward epochs later (it stays slashable until then);
//! - [`withdraw_unbonded`](Pallet::withdraw_unbonded): release the chunks whose epoch has come,
//!   once no job stage the worker took is still running or under verification (the bond backs
//!   them until they settle, however long their checks take);
//! - [`set_params`](Pallet::set_params) (admin): change k, E, the unbonding delay or the
//!   collateral floor;
//! - [`refresh_eligibility`](Pallet::refresh_eligibility): re-evaluate one node now.
//!
//! ## Eligibility and events
//! Eligibility is evaluated from live data wherever it is used ([`Pallet::ineligibility`]); the
//! last evaluated value is kept in the bond so that every change emits
//! [`Event::EligibilityChanged`] with the reason. A node's own calls re-evaluate it; the registry
//! calls [`ComputeStake::profile_changed`]; a slash re-evaluates the slashed node; a parameter
//! change starts a sweep over all bonds in `on_idle`, bounded by the block's spare weight.
//! Every flip of the stored value is also told to [`Config::Observer`] (the node registry,
//! whose routing pools hold exactly the workers stored eligible).
//!
//! ## For other pallets
//! [`ComputeStake`] (from `cinder-primitives`): `minimum_stake`, `is_eligible`, `ensure_covers`
//! (the registry refuses a price or IB raise the bond does not cover), `profile_changed`, and
//! `slash`, which moves held funds to the penalty pool and emits [`Event::Slashed`] with the
//! reason and evidence id.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod impls;
pub mod runtime_api;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
#[cfg(test)]
mod tests;

pub use cinder_primitives::{
	ComputeStake, EligibilityObserver, EvidenceId, JobsInFlight, NodeProfile, NodeProfiles,
	RewardEpochIndex, RewardEpochs, SlashAmount, SlashReason,
};
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// Balance type of the currency holding the bonds.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, InspectHold, Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency bonds are held in (pallet-balances).
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, of which [`HoldReason`] is a part.
		type RuntimeHoldReason: From<HoldReason>;

		/// Node profiles (IB, price, active), from the node registry.
		type Nodes: NodeProfiles<Self::AccountId, BalanceOf<Self>>;

		/// The current compute reward epoch, which unbonding delays count in.
		type Epochs: RewardEpochs;

		/// Told of every flip of a bond's stored eligibility (the node registry, whose routing
		/// pools hold exactly the eligible workers).
		type Observer: EligibilityObserver<Self::AccountId>;

		/// The job stages each worker holds, running or under verification (the jobs pallet):
		/// a bond cannot be withdrawn while they could still cost it a slash.
		type Jobs: JobsInFlight<Self::AccountId>;

		/// Who may change the parameters (root or governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The account slashed funds go to (the penalty pool, paid out by the BMW pallet). It must
		/// exist (hold at least the existential deposit), or small slashes could not be paid in.
		type PenaltyPool: Get<Self::AccountId>;

		/// The smallest first bond, so bond records cannot be spammed with dust.
		#[pallet::constant]
		type MinimumBond: Get<BalanceOf<Self>>;

		/// Most unbonding chunks a bond can have at once (one per release epoch).
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// Most bonds the eligibility sweep re-evaluates in one block.
		#[pallet::constant]
		type MaxSweepPerBlock: Get<u32>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;

		/// Sets node profiles and the epoch for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<Self::AccountId, BalanceOf<Self>>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A worker's compute bond, active and unbonding.
		#[codec(index = 0)]
		ComputeBond,
	}

	/// The stake parameters: the S(n) rule (k, E) and the unbonding delay in reward epochs.
	#[pallet::storage]
	pub type Params<T> = StorageValue<_, StakeParams, ValueQuery>;

	/// Each worker's bond: active amount, unbonding chunks, last evaluated eligibility.
	#[pallet::storage]
	pub type Bonds<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		WorkerBond<BalanceOf<T>, T::MaxUnbondingChunks>,
		OptionQuery,
	>;

	/// Jailed workers and the reward epoch their jail ends (takes effect at its start). A
	/// jailed worker gets no jobs and no rewards; the entry is removed when it is jailed again
	/// after release, by the next bond change after release, or when the bond is withdrawn in
	/// full after release. At most one per account that was slashed: the slash pays for it.
	#[pallet::storage]
	pub type Jails<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, RewardEpochIndex, OptionQuery>;

	/// Progress of the eligibility sweep after a parameter change; `None` when none is running.
	#[pallet::storage]
	pub type EligibilitySweep<T: Config> = StorageValue<_, Sweep<T::AccountId>, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Initial stake parameters.
		pub params: StakeParams,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(Pallet::<T>::params_are_valid(&self.params), "invalid compute-staking params");
			Params::<T>::put(self.params);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` bonded `amount` more; its active bond is now `active`.
		Bonded { who: T::AccountId, amount: BalanceOf<T>, active: BalanceOf<T> },
		/// `who` started unbonding `amount`; it can be withdrawn from epoch `release_epoch`.
		Unbonded { who: T::AccountId, amount: BalanceOf<T>, release_epoch: u32 },
		/// `who` withdrew `amount` of released unbonding chunks (no longer held).
		Withdrawn { who: T::AccountId, amount: BalanceOf<T> },
		/// The stake parameters changed; eligibility of all bonds is re-evaluated in `on_idle`.
		ParamsSet { params: StakeParams },
		/// `who`'s eligibility for jobs and rewards changed; `reason` says why it is not eligible.
		EligibilityChanged { who: T::AccountId, eligible: bool, reason: Option<Ineligibility> },
		/// `who` was slashed `amount` for `reason`, proven by `evidence` (a job or challenge id);
		/// the funds went to the penalty pool.
		Slashed {
			who: T::AccountId,
			amount: BalanceOf<T>,
			reason: SlashReason,
			evidence: EvidenceId,
		},
		/// `who` is jailed for a proven fault (`evidence`, a job id) and gets no jobs and no
		/// rewards until reward epoch `until` begins.
		Jailed { who: T::AccountId, until: RewardEpochIndex, evidence: EvidenceId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// A first bond must be at least `MinimumBond`, and an unbond must leave none of the
		/// active bond or at least `MinimumBond` of it: unbond all of it, or less.
		BelowMinimumBond,
		/// The account already has a bond: use `bond_extra`.
		AlreadyBonded,
		/// The account has no bond: use `bond` first.
		NotBonded,
		/// Unbonding more than the active bond.
		InsufficientBond,
		/// Too many unbonding chunks: withdraw released ones or wait for an epoch to pass.
		TooManyUnbondingChunks,
		/// No unbonding chunk has reached its release epoch yet.
		NothingToWithdraw,
		/// Job stages the worker took are still running or under verification, and the bond
		/// backs them until they settle: pause the node (no new jobs), wait until
		/// `jobs_in_flight` is zero, then withdraw.
		JobsInFlight,
		/// k and E must be at least 1, unbonding must take at least one reward epoch, and the
		/// collateral floor must be at least 1 planck per IBM.
		InvalidParams,
		/// The active bond does not cover S(n) for the requested IB and price: bond more first.
		BondBelowMinimumStake,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_idle(_block: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::sweep_eligibility(remaining)
		}

		fn integrity_test() {
			assert!(T::MaxUnbondingChunks::get() > 0, "MaxUnbondingChunks must be at least 1");
			assert!(T::MaxSweepPerBlock::get() > 0, "MaxSweepPerBlock must be at least 1");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_block: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Bond `amount` from the caller's free balance as its compute bond (held, not
		/// transferable).
		///
		/// - `origin`: the worker's account, which has no bond yet.
		/// - `amount`: at least `MinimumBond`.
		#[pallet::call_index(0)]
		#[pallet::weight(
			<T as Config>::WeightInfo::bond().saturating_add(T::Observer::catch_up_weight())
		)]
		pub fn bond(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::with_catch_up(<T as Config>::WeightInfo::bond(), Self::do_bond(who, amount))
		}

		/// Add `amount` to the caller's existing bond.
		///
		/// - `origin`: a bonded worker.
		/// - `amount`: more than zero.
		#[pallet::call_index(1)]
		#[pallet::weight(
			<T as Config>::WeightInfo::bond_extra().saturating_add(T::Observer::catch_up_weight())
		)]
		pub fn bond_extra(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::with_catch_up(
				<T as Config>::WeightInfo::bond_extra(),
				Self::do_bond_extra(who, amount),
			)
		}

		/// Start unbonding `amount` of the active bond. It stops counting towards S(n) now (the
		/// node may become ineligible), stays held and slashable, and can be withdrawn from the
		/// reward epoch `current + unbonding_epochs`.
		///
		/// - `origin`: a bonded worker.
		/// - `amount`: more than zero, at most the active bond, leaving none of it or at least
		///   `MinimumBond`.
		#[pallet::call_index(2)]
		#[pallet::weight(
			<T as Config>::WeightInfo::unbond().saturating_add(T::Observer::catch_up_weight())
		)]
		pub fn unbond(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::with_catch_up(<T as Config>::WeightInfo::unbond(), Self::do_unbond(who, amount))
		}

		/// Release every unbonding chunk whose release epoch has come to the caller's free
		/// balance.
		///
		/// - `origin`: a bonded worker with at least one released chunk and no job stage
		///   running or under verification (`JobsInFlight` otherwise: pause the node and wait
		///   for them to settle).
		#[pallet::call_index(3)]
		#[pallet::weight(<T as Config>::WeightInfo::withdraw_unbonded(T::MaxUnbondingChunks::get()))]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let chunks = Self::do_withdraw_unbonded(who)?;
			Ok(Some(<T as Config>::WeightInfo::withdraw_unbonded(chunks)).into())
		}

		/// Set the stake parameters (k, E, unbonding delay). Bonds are re-evaluated against the
		/// new S(n) over the following blocks, each change of eligibility with an event.
		///
		/// - `origin`: `AdminOrigin`.
		/// - `params`: k ≥ 1 and E ≥ 1.
		#[pallet::call_index(4)]
		pub fn set_params(origin: OriginFor<T>, params: StakeParams) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_params(params)
		}

		/// Re-evaluate `who`'s eligibility now (emits `EligibilityChanged` if it changed).
		///
		/// - `origin`: any signed account.
		/// - `who`: a bonded account.
		#[pallet::call_index(5)]
		#[pallet::weight(
			<T as Config>::WeightInfo::refresh_eligibility()
				.saturating_add(T::Observer::catch_up_weight())
		)]
		pub fn refresh_eligibility(
			origin: OriginFor<T>,
			who: T::AccountId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let refreshed = if Bonds::<T>::contains_key(&who) {
				Self::update_eligibility(&who);
				Ok(T::Observer::catch_up(&who))
			} else {
				Err(Error::<T>::NotBonded.into())
			};
			Self::with_catch_up(<T as Config>::WeightInfo::refresh_eligibility(), refreshed)
		}
	}
}
