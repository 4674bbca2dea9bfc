//! What a run reports: the CSV, the verdict on each strategy against honest operation, the
//! one-page summary.

use std::{collections::BTreeMap, fmt::Write as _, path::Path};

use crate::{
	run::{EpochRecord, Outcome, Player},
	strategy::Strategy,
};

/// How a strategy fared against its honest baseline, player by player: each machine against
/// the honest machines of the same hardware, each validator against the honest verifiers.
#[derive(Clone, Debug)]
pub struct Verdict {
	/// The strategy.
	pub strategy: Strategy,
	/// Its players.
	pub players: u32,
	/// Mean profit of a player, CNDR.
	pub profit: f64,
	/// Return on stake: profit over what it holds at stake.
	pub return_on_stake: f64,
	/// Mean expected profit of a player (faked stages' slashes at the run's sampling rate),
	/// CNDR.
	pub expected_profit: f64,
	/// Mean expected profit over an honest player's of the same hardware, CNDR.
	pub excess: f64,
	/// That excess against what a player holds at stake.
	pub excess_share: f64,
	/// The excess's standard error, from the honest players' spread.
	pub standard_error: f64,
}

/// Standard errors a strategy must lead honest operation by to count as beating it: three, so
/// that a dozen strategies compared at once flag one by chance in under 2 % of runs.
pub const SIGNIFICANCE: f64 = 3.0;

impl Verdict {
	/// More than honest operation, by more than [`SIGNIFICANCE`] standard errors: the run
	/// shows it pays.
	pub fn beats_honest(&self) -> bool {
		self.excess > SIGNIFICANCE * self.standard_error
	}
}

/// Mean and variance.
fn moments(values: &[f64]) -> (f64, f64) {
	if values.is_empty() {
		return (0.0, 0.0);
	}
	let n = values.len() as f64;
	let mean = values.iter().sum::<f64>() / n;
	let var = if values.len() > 1 {
		values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
	} else {
		0.0
	};
	(mean, var)
}

/// Each strategy's verdict at the end of `record`.
///
/// A player is compared with the honest players of its class (machines of the same hardware;
/// validators with the honest verifiers), where the class has at least two. The standard error
/// of the mean excess is Welch's: the strategy's own spread of excesses over its players, plus
/// the error of each honest class mean it was measured against, weighted by how many of its
/// players that class holds.
pub fn verdicts(record: &EpochRecord) -> Vec<Verdict> {
	let mut honest: BTreeMap<Option<usize>, Vec<f64>> = BTreeMap::new();
	for player in &record.players {
		if player.strategy == player.strategy.baseline() {
			honest.entry(player.hardware).or_default().push(player.standing.expected_profit);
		}
	}
	let classes: BTreeMap<Option<usize>, (f64, f64, f64)> = honest
		.iter()
		.filter(|(_, profits)| profits.len() >= 2)
		.map(|(class, profits)| {
			let (mean, var) = moments(profits);
			(*class, (mean, var, profits.len() as f64))
		})
		.collect();
	let mut by_strategy: BTreeMap<Strategy, Vec<&Player>> = BTreeMap::new();
	for player in &record.players {
		by_strategy.entry(player.strategy).or_default().push(player);
	}
	by_strategy
		.into_iter()
		.map(|(strategy, players)| {
			let n_all = players.len() as f64;
			let stake: f64 = players.iter().map(|p| p.standing.stake).sum();
			let profit: f64 = players.iter().map(|p| p.standing.profit).sum();
			let expected: f64 = players.iter().map(|p| p.standing.expected_profit).sum();
			let mut excesses = Vec::new();
			let mut per_class: BTreeMap<Option<usize>, f64> = BTreeMap::new();
			let mut comparable_stake = 0.0;
			for player in &players {
				let Some((mean, _, _)) = classes.get(&player.hardware) else { continue };
				excesses.push(player.standing.expected_profit - mean);
				*per_class.entry(player.hardware).or_default() += 1.0;
				comparable_stake += player.standing.stake;
			}
			let n = excesses.len() as f64;
			let (excess, own_var) = moments(&excesses);
			let standard_error = if n == 0.0 || strategy == strategy.baseline() {
				0.0
			} else {
				// One player: its spread is taken to be its class's.
				let own_var = if excesses.len() >= 2 {
					own_var
				} else {
					per_class.keys().map(|c| classes[c].1).sum::<f64>()
				};
				let baseline: f64 = per_class
					.iter()
					.map(|(class, count)| {
						let (_, var, peers) = classes[class];
						(count / n).powi(2) * var / peers
					})
					.sum();
				(own_var / n + baseline).sqrt()
			};
			Verdict {
				strategy,
				players: players.len() as u32,
				profit: profit / n_all,
				expected_profit: expected / n_all,
				return_on_stake: if stake > 0.0 { profit / stake } else { 0.0 },
				excess: if strategy == strategy.baseline() { 0.0 } else { excess },
				excess_share: if comparable_stake > 0.0 {
					excess * n / comparable_stake
				} else {
					0.0
				},
				standard_error,
			}
		})
		.collect()
}

/// Writes the run's CSV: one row per epoch and strategy, the network's columns repeated.
pub fn write_csv(outcome: &Outcome, path: &Path) -> std::io::Result<()> {
	let mut out = String::from(
		"epoch,block,strategy,players,ib,stake_cndr,profit_cndr,costs_cndr,return_on_stake,\
		 issuance_cndr,minted_cndr,burned_cndr,ibme,emission_per_ibm_cndr,jobs_submitted,\
		 jobs_refused,stages_settled,ibm_settled,fees_cndr,fee_burned_cndr,fraud_accepted,\
		 fraud_caught,unverifiable,deadlines_missed,verifier_ibm,verifier_overhead,\
		 verifier_faults,transactions_refused,transactions_failed,stages_assigned,\
		 stages_to_flood_nodes\n",
	);
	for record in &outcome.epochs {
		let n = &record.network;
		let c = &n.counts;
		let overhead = if c.ibm_settled > 0.0 { c.verifier_ibm / c.ibm_settled } else { 0.0 };
		for (strategy, s) in &record.standings {
			let ros = if s.stake > 0.0 { s.profit / s.stake } else { 0.0 };
			let _ = writeln!(
				out,
				"{},{},{},{},{:.6},{:.3},{:.3},{:.3},{:.6},{:.3},{:.3},{:.3},{},{:.6},{},{},{},{:.6},\
				 {:.6},{:.6},{},{},{},{},{:.6},{:.6},{},{},{},{},{}",
				n.epoch,
				n.block,
				strategy.name(),
				s.players,
				s.ib,
				s.stake,
				s.profit,
				s.costs,
				ros,
				n.issuance,
				n.minted,
				n.burned,
				n.ibme.map_or(String::new(), |i| format!("{i:.6}")),
				n.emission_per_ibm,
				c.jobs_submitted,
				c.jobs_refused,
				c.stages_settled,
				c.ibm_settled,
				c.fees,
				c.burned,
				c.fraud_accepted,
				c.fraud_caught,
				c.unverifiable,
				c.deadlines_missed,
				c.verifier_ibm,
				overhead,
				c.verifier_faults,
				c.refused,
				c.failed,
				c.stages_assigned,
				c.stages_to_flood,
			);
		}
	}
	std::fs::write(path, out)
}

/// The one-page Markdown summary.
pub fn summary(outcome: &Outcome, plots: &[(&str, String)]) -> String {
	let scenario = &outcome.scenario;
	let last = outcome.epochs.last();
	let mut md = String::new();
	let _ = writeln!(md, "# Economic simulation: `{}`\n", scenario.name);
	let blocks_per_epoch = last.map_or(0, |r| r.network.block / (r.network.epoch + 1));
	let _ = writeln!(
		md,
		"{} workers' machines, {} validators and {} submitters on the `{}` preset: {} reward \
		 epochs measured after {} of onboarding (every honest worker confirmed by block {}; \
		 {} blocks in all, {:.0} s of simulation; seed {}). A simulated epoch of about {} \
		 blocks stands for a {}-minute one: see the time-compression rule in \
		 `runtime/sim/src/lib.rs`.\n",
		scenario.workers,
		scenario.validators,
		scenario.demand.submitters,
		scenario.preset,
		scenario.epochs,
		outcome.warmup_epochs,
		outcome.onboarded_at.unwrap_or(0),
		outcome.blocks,
		outcome.seconds,
		scenario.seed,
		blocks_per_epoch,
		scenario.real_epoch_minutes,
	);
	if let Some(record) = last {
		let _ = writeln!(
			md,
			"| strategy | players | profit / player (CNDR) | return on stake | expected profit (CNDR) | over honest (CNDR) | over honest, of stake | {SIGNIFICANCE} SE | beats honest? |\n|---|---:|---:|---:|---:|---:|---:|---:|---|"
		);
		for verdict in verdicts(record) {
			let baseline = verdict.strategy == verdict.strategy.baseline();
			let answer = if baseline {
				"baseline".to_string()
			} else if verdict.beats_honest() {
				"**yes**".to_string()
			} else if verdict.excess > 0.0 {
				"no (ahead within noise)".to_string()
			} else {
				"no".to_string()
			};
			let _ = writeln!(
				md,
				"| {} | {} | {:.2} | {:.2} % | {:.2} | {:+.2} | {:+.3} % | {:.2} | {} |",
				verdict.strategy.name(),
				verdict.players,
				verdict.profit,
				verdict.return_on_stake * 100.0,
				verdict.expected_profit,
				verdict.excess,
				verdict.excess_share * 100.0,
				SIGNIFICANCE * verdict.standard_error,
				answer,
			);
		}
		let n = &record.network;
		let settled: u64 = outcome.epochs.iter().map(|r| r.network.counts.stages_settled).sum();
		let fraud: u64 = outcome.epochs.iter().map(|r| r.network.counts.fraud_accepted).sum();
		let caught: u64 = outcome.epochs.iter().map(|r| r.network.counts.fraud_caught).sum();
		let ibm: f64 = outcome.epochs.iter().map(|r| r.network.counts.ibm_settled).sum();
		let verifier: f64 = outcome.epochs.iter().map(|r| r.network.counts.verifier_ibm).sum();
		let _ = writeln!(
			md,
			"\n\"Expected profit\" counts each faked stage's slash (`fault_slash` of the bond) at \
			 the rate the chain sampled that receipt at, instead of the few that happened to be \
			 drawn (a colluding worker keeps what happened: its catches hang on its accomplice's \
			 seat; forfeited rewards and jail are not counted, in the faker's favour). \"Over \
			 honest\" compares each machine's expected profit with that of the honest machines \
			 of the same hardware (each validator with the honest verifiers); \"beats honest\" \
			 means by more than {SIGNIFICANCE} standard errors (Welch's) of that comparison. \
			 {:.2} % of stage receipts were sampled.\n\n\
			 **Network.** Supply {:.0} CNDR at the end: minted {:.0}, burned {:.0} (total \
			 issuance = genesis + minted − burned held at every epoch). {} stages settled \
			 ({:.1} IBM); {} faked stages paid, {} caught; verifiers recomputed {:.2} IBM \
			 ({:.2} % of the work settled); {} of {} stage assignments went to flooders' \
			 nodes. Last epoch's IBME: {}.\n",
			outcome.sampling_rate * 100.0,
			n.issuance,
			n.minted,
			n.burned,
			settled,
			ibm,
			fraud,
			caught,
			verifier,
			if ibm > 0.0 { verifier / ibm * 100.0 } else { 0.0 },
			outcome.epochs.iter().map(|r| r.network.counts.stages_to_flood).sum::<u64>(),
			outcome.epochs.iter().map(|r| r.network.counts.stages_assigned).sum::<u64>(),
			n.ibme.map_or("none".into(), |i| format!("{:.1} %", i * 100.0)),
		);
	}
	for (title, file) in plots {
		let _ = writeln!(md, "![{title}]({file})\n");
	}
	md
}

/// Why a run fails its check: a cheating strategy that beats honest operation.
pub fn check(outcome: &Outcome) -> Result<(), String> {
	let Some(last) = outcome.epochs.last() else { return Err("no epoch settled".into()) };
	let winners: Vec<String> = verdicts(last)
		.into_iter()
		.filter(|v| v.strategy != v.strategy.baseline() && v.beats_honest())
		.map(|v| {
			format!(
				"{} beats honest operation by {:.2} CNDR a player ({:+.3} % of its stake, {SIGNIFICANCE} SE {:.2})",
				v.strategy.name(),
				v.excess,
				v.excess_share * 100.0,
				SIGNIFICANCE * v.standard_error
			)
		})
		.collect();
	if winners.is_empty() {
		Ok(())
	} else {
		Err(winners.join("; "))
	}
}
