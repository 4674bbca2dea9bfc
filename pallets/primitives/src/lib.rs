//! # Cinder primitives
//!
//! Small `no_std` types and rules that several pallets and the off-chain worker must agree on:
//!
//! - [`Ib`]: compute capacity in IB (Inferix Bench), fixed point with a resolution of 10⁻⁶ IB, so a
//!   CPU or lavapipe node (~10⁻⁴ IB) is represented exactly enough;
//! - [`StakeRule`]: the worker minimum stake **S(n) = k · E · IB(n) · P(n)**, exact and saturating;
//! - [`Ibm`]: work in IB-minutes, and the fee and duration of an amount of work;
//! - [`pro_rata`]: an amount's share, rounded down (rewards and payouts);
//! - [`traits`] and the job traits: how the pallets reach each other (node profiles, the stake,
//!   reward epochs, routing pools, receipt verification, settled work).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod ib;
mod jobs;
pub mod merkle;
mod rewards;
mod shares;
mod stake;
pub mod traits;

pub use ib::Ib;
pub use jobs::*;
pub use rewards::{AvailabilityRewards, VerifierRewards};
pub use shares::pro_rata;
pub use stake::StakeRule;
pub use traits::*;
