//! `cinder-worker status`: where a node stands, in one report read at the best block.
//!
//! - the node: role, status, endpoint, price, claimed and confirmed IB, last heartbeat,
//!   reliability;
//! - its stake: the active bond against S(n), unbonding chunks, and whether it is eligible
//!   for jobs and rewards, or the first reason it is not with what to do about it;
//! - its assigned stages;
//! - its rewards of the last few reward epochs, by pool (`BmwApi::reward_breakdown`);
//! - its slashes with their reasons, from the events of the last blocks.

use api::runtime_types::{
	pallet_bmw::types::{EpochStatus, PoolReward, RewardBreakdown},
	pallet_compute_staking::types::{Ineligibility, StakeStatus},
	pallet_node_registry::types::{NodeRecord, NodeRole, NodeStatus},
};
use subxt::utils::AccountId32;

use crate::{
	chain::{self, api, At, Chain},
	hardware::format_cndr,
};

/// A slash, as its event told it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Slash {
	/// The block it happened in.
	pub block: u64,
	/// Taken from the bond.
	pub amount: u128,
	/// Why (`WrongResult`, `MissedDeadline`, `FailedBenchmark`, `VerifierMisconduct`).
	pub reason: String,
	/// The job or challenge that proves it.
	pub evidence: u64,
}

/// Everything `status` shows.
pub struct Status {
	/// The account.
	pub who: AccountId32,
	/// The best block read.
	pub block: u64,
	/// Its node, if registered.
	pub node: Option<NodeRecord>,
	/// Blocks between heartbeats.
	pub heartbeat_interval: u32,
	/// Its stake.
	pub stake: StakeStatus<u128>,
	/// Its stages: `(job, stage, delivered)`.
	pub assignments: Vec<(u64, u8, bool)>,
	/// Its rewards, newest epoch first.
	pub rewards: Vec<RewardBreakdown<u128>>,
	/// Its slashes in the blocks scanned, newest first.
	pub slashes: Vec<Slash>,
	/// Blocks scanned for slashes.
	pub scanned: u64,
}

/// Reads `who`'s status at the best block: rewards of the last `epochs` epochs, slashes in
/// the last `blocks` blocks (`progress` is told each block scanned).
pub async fn read(
	chain: &Chain,
	who: &AccountId32,
	epochs: u32,
	blocks: u64,
	mut progress: impl FnMut(u64),
) -> anyhow::Result<Status> {
	let at = chain.at_best().await?;
	let block = at.block_number();
	let apis = api::runtime_apis();
	let stake = at.runtime_apis().call(apis.compute_staking_api().stake_status(*who)).await?;
	let mut rewards = Vec::new();
	for back in 0..epochs {
		let Some(epoch) = stake.current_epoch.checked_sub(back) else { break };
		let call = apis.bmw_api().reward_breakdown(*who, epoch);
		rewards.push(at.runtime_apis().call(call).await?);
	}
	let first = block.saturating_sub(blocks.saturating_sub(1));
	let mut slashes = Vec::new();
	for (done, number) in (first..=block).rev().enumerate() {
		slashes.extend(slashes_at(chain, who, number).await?);
		progress(done as u64 + 1);
	}
	Ok(Status {
		who: *who,
		block,
		node: chain::node(&at, who).await?,
		heartbeat_interval: chain::heartbeat_interval(&at).await?,
		stake,
		assignments: chain::assignments(&at, who).await?,
		rewards,
		slashes,
		scanned: block + 1 - first,
	})
}

/// `who`'s slashes in block `number`.
async fn slashes_at(chain: &Chain, who: &AccountId32, number: u64) -> anyhow::Result<Vec<Slash>> {
	let at: At = chain.at_number(number).await?;
	let events = at.events().fetch().await?;
	let mut found = Vec::new();
	for slashed in events.find::<api::compute_staking::events::Slashed>() {
		let slashed = slashed?;
		if slashed.who == *who {
			found.push(Slash {
				block: number,
				amount: slashed.amount,
				reason: format!("{:?}", slashed.reason),
				evidence: slashed.evidence,
			});
		}
	}
	Ok(found)
}

/// What to do about an ineligibility.
pub fn ineligibility(reason: &Ineligibility) -> String {
	match reason {
		Ineligibility::NotRegistered => {
			"no node is registered: run `cinder-worker register`".into()
		}
		Ineligibility::Inactive => {
			"the node is paused or offline: start `cinder-worker run` (it sends heartbeats), or \
			 resume it"
				.into()
		}
		Ineligibility::IbNotConfirmed => {
			"the IB is not in force: a pending challenge must be answered (`run` does it) and \
			 checked; with none pending (a claim rejected, or a spot check failed and the IB \
			 revoked), claim it again with nodeRegistry.claimIb"
				.into()
		}
		Ineligibility::BondBelowMinimum => {
			"the bond is below S(n): bond more (`bond_extra`) or lower the price".into()
		}
		Ineligibility::Jailed { until } => {
			format!("jailed for a proven fault until reward epoch {until} begins")
		}
	}
}

fn pool(reward: &PoolReward<u128>) -> String {
	match &reward.zero_because {
		Some(reason) if reward.amount == 0 => format!("0 ({reason:?})"),
		_ => format_cndr(reward.amount),
	}
}

impl std::fmt::Display for Status {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		writeln!(f, "account {} at block {}", self.who, self.block)?;
		match &self.node {
			None => writeln!(f, "node: none registered (`cinder-worker register`)")?,
			Some(node) => {
				let role = match &node.role {
					NodeRole::Worker => "worker".to_string(),
					NodeRole::Verifier { stash } => format!("verifier for stash {stash}"),
					NodeRole::Manager => "manager".to_string(),
				};
				let status = match node.status {
					NodeStatus::Active => "active",
					NodeStatus::Paused => "paused",
					NodeStatus::Offline => "offline (heartbeats missed)",
				};
				writeln!(f, "node: {role}, {status}")?;
				writeln!(f, "  endpoint    {}", String::from_utf8_lossy(&node.endpoint.0))?;
				writeln!(f, "  price       {} CNDR per IBM", format_cndr(node.price_per_ibm))?;
				let confirmed = match &node.confirmed_ib {
					Some(c) => format!(
						"{} µIB ({})",
						c.ib.0,
						if c.independently_checked {
							"checked by verifiers"
						} else {
							"not checked by a verifier"
						}
					),
					None => "not yet".into(),
				};
				writeln!(
					f,
					"  IB          claimed {} µIB, confirmed {confirmed}",
					node.claimed_ib.0
				)?;
				let due = u64::from(node.last_heartbeat) + u64::from(self.heartbeat_interval);
				writeln!(
					f,
					"  heartbeat   last at block {}, next due at {due}{}",
					node.last_heartbeat,
					if self.block > due { " (overdue)" } else { "" }
				)?;
				let r = &node.reliability;
				let percent = |p: &api::runtime_types::sp_arithmetic::per_things::Perbill| {
					format!("{:.1} %", f64::from(p.0) / 1e7)
				};
				writeln!(
					f,
					"  reliability {} (uptime {}, on-time delivery {}, verified {})",
					percent(&r.score),
					percent(&r.uptime),
					percent(&r.delivery),
					percent(&r.verification)
				)?;
			}
		}
		let stake = &self.stake;
		writeln!(
			f,
			"stake: bonded {} CNDR, S(n) {} CNDR",
			format_cndr(stake.active),
			format_cndr(stake.minimum_stake)
		)?;
		for chunk in &stake.unbonding {
			writeln!(
				f,
				"  unbonding {} CNDR, free from epoch {}",
				format_cndr(chunk.amount),
				chunk.release_epoch
			)?;
		}
		match &stake.ineligible_because {
			None => writeln!(f, "  eligible for jobs and rewards")?,
			Some(reason) => writeln!(f, "  not eligible: {}", ineligibility(reason))?,
		}
		writeln!(f, "jobs: {} stage(s) assigned", self.assignments.len())?;
		for (job, stage, delivered) in &self.assignments {
			let state = if *delivered { "delivered, settling" } else { "to deliver" };
			writeln!(f, "  job {job} stage {stage}: {state}")?;
		}
		writeln!(f, "rewards (CNDR) by reward epoch:")?;
		for reward in &self.rewards {
			let status = match reward.status {
				EpochStatus::Running => "running, estimate",
				EpochStatus::Settling => "ended, settling",
				EpochStatus::Settled => "settled",
				EpochStatus::Expired => "expired, unclaimed rewards returned",
			};
			writeln!(
				f,
				"  epoch {} ({status}): total {}, claimable {}{}",
				reward.epoch,
				format_cndr(reward.total),
				format_cndr(reward.claimable),
				if reward.forfeited { ", forfeited" } else { "" }
			)?;
			writeln!(
				f,
				"    work {} (bonus {}), availability {}, verification {}, management {}, \
				 penalty share {}",
				pool(&reward.work),
				format_cndr(reward.bonus),
				pool(&reward.availability),
				pool(&reward.verification),
				pool(&reward.management),
				format_cndr(reward.penalty_share)
			)?;
		}
		writeln!(f, "slashes in the last {} blocks: {}", self.scanned, self.slashes.len())?;
		for slash in &self.slashes {
			writeln!(
				f,
				"  block {}: {} CNDR for {} (evidence {})",
				slash.block,
				format_cndr(slash.amount),
				slash.reason,
				slash.evidence
			)?;
		}
		Ok(())
	}
}
