//! # Cinder's economic simulator
//!
//! Many simulated operators, each following a [strategy](strategy::Strategy), drive the real
//! `cinder-runtime` (native, in `TestExternalities`) through the pallets' own calls and hooks,
//! for as many reward epochs as a [scenario](scenario::Scenario) asks; each epoch's profit per
//! strategy and the network's health are recorded, written as a CSV, plotted and summed up.
//!
//! ## What is real and what is stubbed
//! - Real: every pallet's logic. Transactions go through the runtime's transaction extensions
//!   (nonce, weight and length limits, fees) with only the signature check skipped; blocks run
//!   the compute market's `on_initialize` hooks as mandatory weight and its `on_idle` hooks with
//!   the weight left ([`chain`]).
//! - Stubbed, as in the runtime's tests: BABE's VRF output (a hash of the block number), and
//!   session and era changes (the simulator seats its validators in the session itself; the
//!   slashes pallet-staking defers to a later era are never applied).
//! - Simulated by cost ([`market`]): off-chain compute. A machine computes a stage or challenge
//!   in the minutes its real IB implies and commits a stand-in root that verifiers recompute
//!   the same way, or a made-up root, as its strategy says.
//!
//! ## The time-compression rule
//! The chain keeps its 6 s blocks; only the reward epoch is shorter than a production one (the
//! scenario's `bmw.params.epoch_length`, 40 blocks on the development presets, against 43,200
//! for 72 h). Every rate the runtime pays or charges is per IBM or per online minute, and every
//! cost the simulator charges is per minute or per IBM too, so profit per IBM and per online
//! minute is what a production epoch would give; an epoch's totals are
//! `epoch_length / 43,200` of a production epoch's. What compression does change: whatever
//! moves per epoch (emission decay, the IBME nudge, vesting, unbonding, jail) moves that many
//! times faster against the work done, and S(n) (2 · E · IB · P with E = 4,320 minutes) holds
//! a whole production epoch of collateral against a shorter epoch of earnings.
//!
//! `scenario.real_epoch_minutes` says what a simulated epoch stands for in the summary.
//!
//! ## What is measured
//! Workers register a few a block: the chain checks at most three benchmark answers a block
//! (half of verification's six check deadlines a block), and at 10,000 workers the daily spot
//! checks take 0.7 of them, so 10,000 workers take about 6,000 blocks (ten hours of chain time)
//! to onboard at two a block. The epochs until every worker has registered and every honest one
//! is confirmed are a warm-up, run but not counted: the books (wealth, running costs, the risk of faked stages) start at the first
//! settlement after it. A player's profit is what it owns then and now (balance, held bonds
//! and deposits, rewards owed to it, vested or not), less its running costs.

pub mod actors;
pub mod chain;
pub mod market;
pub mod plots;
pub mod report;
pub mod run;
pub mod scenario;
pub mod strategy;
