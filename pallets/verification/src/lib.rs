//! # Verification pallet
//!
//! Validators check workers' proof-of-work receipts by redundant sampling: randomness from a
//! block after a receipt's inclusion (BABE's VRF output) decides whether it is sampled, a
//! committee of verifiers drawn from the active validators that run a Verifier node recompute
//! or check it (Freivalds' test for GEMM, Merkle tile sampling for large outputs), and their
//! verdicts accept it or open a dispute that a larger committee decides by majority. Unsampled
//! receipts are accepted when the challenge window ends.
//!
//! This first part holds the parameters and the arithmetic every later step uses:
//! - [`sampling`]: the sampling rate of a receipt (from the worker's reliability, raised for
//!   jobs whose fee is large against the worker's bond) and the sampling draw;
//! - [`committee`]: committees drawn without repetition.
//!
//! ## Default parameters, and why
//!
//! | parameter | default |
//! |---|---|
//! | `base_sampling_rate` (reliability 0) | 2.5 % |
//! | `floor_sampling_rate` (reliability 100 %) | 1 % |
//! | `sampling_margin` over the break-even rate | 2 |
//! | `committee_size` / `dispute_committee_size` | 2 / 5 |
//! | `challenge_window` / `verdict_window` | 10 / 30 blocks (1 / 3 min) |
//! | `fault_slash` / `jail_epochs` | 10 % of the bond / 2 reward epochs |
//! | `disputer_share` of the penalty pool payout | 10 % |
//!
//! Notation (DESIGN §6): a receipt is sampled at rate `q` and checked by `k` verifiers; a check
//! catches a faked job with probability `d` (re-execution and tile sampling of a job faked
//! whole: 1; a two-round Freivalds test: at least 3/4); the worker's bond is `B ≥ S(n) = 2 · E ·
//! IB · P` with `E = 4320`, so a proven fault costs it `fault_slash · B ≥ 864 · IB · P` — 864
//! minutes of its full-capacity billing.
//!
//! **A worker faking any fraction of its jobs loses money in expectation.** Faking a job saves
//! at most its fee `F` (a worker prices above its cost); a caught fake is not paid and costs
//! `fault_slash · B`. So faking gains at most `F − q · d · (F + fault_slash · B)`, and every
//! receipt is sampled at `q ≥ sampling_margin · F / (d · (F + fault_slash · B))`
//! ([`sampling::sampling_rate`]), which makes that gain at most `−F`: each faked job loses
//! money in expectation, so faking a fraction `f` of `n` jobs loses about `f · n · F̄` for every
//! `f > 0` — before the jail and the forfeited epoch rewards, which only add to the loss. The
//! reliability rate alone gives this for jobs up to about 3.2 minutes of the worker's full
//! capacity (`F ≤ q_floor · d · (F + 864 · IB · P) / 2`); longer jobs are sampled in
//! proportion to their fee, up to every receipt. The limit: with the weakest check (one fake
//! in four escapes a two-round Freivalds test), checking every receipt deters only jobs worth
//! less than three fault penalties, 2,592 minutes of the worker's capacity; larger jobs need
//! more rounds or a larger bond (routing will enforce it). `tests/economics.rs` checks each
//! statement with these defaults.
//!
//! **Verifier compute stays ≤ 5 % of worker compute.** It is `q · k · r`, with `r` the check's
//! cost relative to the job. At the reliability rate, `q ≤ 2.5 %` and `k = 2` give at most
//! 5 % even for a full re-execution (`r = 1`), and 2 % for reliable workers at the floor. A job
//! longer than ~3.2 minutes of its worker's capacity is sampled more, but then its check is a
//! fraction of it: a Freivalds test costs `r ≈ 6/n` of an `n³` GEMM, tile sampling 32 of `T`
//! tiles; `tests/economics.rs` computes `q · k · r` for such jobs.
//!
//! **Collusion.** A forged result passes a committee of 2 with a corrupt share `β` of verifiers
//! only if both are corrupt: `β²` (1 % at β = 10 %); a dispute is decided by 3 of 5.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod committee;
mod params;
pub mod sampling;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::{BlockNumberFor, *};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Who sets the parameters (root or governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Largest committee (of `committee_size` and `dispute_committee_size`).
		#[pallet::constant]
		type MaxCommitteeSize: Get<u32>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;
	}

	/// The parameters; unset means [`Pallet::default_params`].
	#[pallet::storage]
	pub type Params<T: Config> =
		StorageValue<_, VerificationParams<BlockNumberFor<T>>, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Initial parameters; `None` uses [`Pallet::default_params`].
		pub params: Option<VerificationParams<BlockNumberFor<T>>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let params = self.params.unwrap_or_else(Pallet::<T>::default_params);
			assert!(Pallet::<T>::params_are_valid(&params), "invalid verification params");
			Params::<T>::put(params);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The parameters were set.
		ParamsSet { params: VerificationParams<BlockNumberFor<T>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Parameters out of range: the floor rate above the base rate, a zero margin, a
		/// committee empty or above `MaxCommitteeSize`, a dispute committee not larger than the
		/// committee, or a zero window.
		InvalidParams,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				Pallet::<T>::params_are_valid(&Pallet::<T>::default_params()),
				"the default verification params are valid for this runtime"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Set the verification parameters.
		///
		/// - `origin`: `AdminOrigin`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(
			origin: OriginFor<T>,
			params: VerificationParams<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(Self::params_are_valid(&params), Error::<T>::InvalidParams);
			Params::<T>::put(params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}
}
