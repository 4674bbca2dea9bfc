//! What each simulated operator does: the strategies.

use serde::{Deserialize, Serialize};

/// How an operator plays. Workers follow the first group, validators' Verifier nodes the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
	/// Computes every stage and challenge, heartbeats on time, claims its real IB.
	Honest,
	/// Commits a made-up root for 1 % of its stages, saving their compute.
	#[serde(rename = "fake_1")]
	Fake1,
	/// … for 10 % of its stages.
	#[serde(rename = "fake_10")]
	Fake10,
	/// … for every stage.
	#[serde(rename = "fake_100")]
	Fake100,
	/// Claims `overclaim_factor` times its machine's IB; answers the challenge when its machine
	/// can in time, else bluffs; then computes at its real speed.
	Overclaim,
	/// Honest, but each heartbeat interval offline with `offline_chance` (no heartbeat, no
	/// work: stages assigned meanwhile miss their deadlines).
	Intermittent,
	/// Honest worker that also submits jobs at its own price to whoever routing picks, to earn
	/// the work rewards of its own jobs (self-dealing).
	WashTrade,
	/// Registers one machine as `sybil_accounts` accounts, each claiming the whole machine's IB
	/// (its challenges answered one after another, registrations staggered so each fits its
	/// window): paid availability and routing weight for machines it does not have, its stages
	/// sharing one machine.
	Sybil,
	/// Honest worker that also registers `flood_nodes` Worker nodes of the smallest IB, each
	/// bonded with `flood_bond` and kept online, to crowd the routing pools; they never work.
	Flood,
	/// Fakes every stage, with a validator on its side that agrees with it when drawn.
	Colluding,
	/// A verifier that recomputes what it checks.
	HonestVerifier,
	/// A verifier that agrees with whatever the worker claimed, without computing.
	LazyVerifier,
	/// A verifier that never answers.
	SilentVerifier,
	/// A verifier that recomputes, except for its colluding worker's claims, which it agrees
	/// with.
	ColludingVerifier,
}

impl Strategy {
	/// Every strategy, in report order.
	pub const ALL: [Strategy; 14] = [
		Strategy::Honest,
		Strategy::Fake1,
		Strategy::Fake10,
		Strategy::Fake100,
		Strategy::Overclaim,
		Strategy::Intermittent,
		Strategy::WashTrade,
		Strategy::Sybil,
		Strategy::Flood,
		Strategy::Colluding,
		Strategy::HonestVerifier,
		Strategy::LazyVerifier,
		Strategy::SilentVerifier,
		Strategy::ColludingVerifier,
	];

	/// The name used in scenario files, the CSV and the summary.
	pub fn name(self) -> &'static str {
		match self {
			Strategy::Honest => "honest",
			Strategy::Fake1 => "fake_1",
			Strategy::Fake10 => "fake_10",
			Strategy::Fake100 => "fake_100",
			Strategy::Overclaim => "overclaim",
			Strategy::Intermittent => "intermittent",
			Strategy::WashTrade => "wash_trade",
			Strategy::Sybil => "sybil",
			Strategy::Flood => "flood",
			Strategy::Colluding => "colluding",
			Strategy::HonestVerifier => "honest_verifier",
			Strategy::LazyVerifier => "lazy_verifier",
			Strategy::SilentVerifier => "silent_verifier",
			Strategy::ColludingVerifier => "colluding_verifier",
		}
	}

	/// Whether a validator's Verifier node plays it.
	pub fn is_verifier(self) -> bool {
		matches!(
			self,
			Strategy::HonestVerifier
				| Strategy::LazyVerifier
				| Strategy::SilentVerifier
				| Strategy::ColludingVerifier
		)
	}

	/// The honest strategy a cheater is measured against.
	pub fn baseline(self) -> Strategy {
		if self.is_verifier() {
			Strategy::HonestVerifier
		} else {
			Strategy::Honest
		}
	}

	/// The share of its stages a worker fakes.
	pub fn fake_share(self) -> f64 {
		match self {
			Strategy::Fake1 => 0.01,
			Strategy::Fake10 => 0.10,
			Strategy::Fake100 | Strategy::Colluding => 1.0,
			_ => 0.0,
		}
	}
}
