//! `cinder-sim`: runs a scenario of the economic simulator and writes its CSV, plots and
//! one-page summary.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;

/// Runs an economic scenario on the real Cinder runtime (native): simulated workers,
/// validators and submitters, each following a strategy, for a number of reward epochs; writes
/// `<name>.csv`, SVG plots and `<name>.md` (the summary) into the output folder.
#[derive(Parser)]
#[command(version)]
struct Cli {
	/// The scenario file (TOML); see runtime/sim/scenarios/.
	scenario: PathBuf,
	/// Where the CSV, plots and summary go.
	#[arg(long, default_value = "target/sim")]
	out: PathBuf,
	/// Workers' machines, overriding the scenario.
	#[arg(long)]
	workers: Option<u32>,
	/// Reward epochs, overriding the scenario.
	#[arg(long)]
	epochs: Option<u32>,
	/// Fail (exit 1) if a cheating strategy beats honest operation by more than two standard
	/// errors. (A run always fails if total issuance strays from genesis + minted − burned.)
	#[arg(long)]
	check: bool,
	/// Print every strategy's standing each epoch.
	#[arg(long, short)]
	verbose: bool,
}

fn main() -> anyhow::Result<()> {
	let cli = Cli::parse();
	let mut scenario = cinder_sim::scenario::Scenario::load(&cli.scenario)?;
	if let Some(workers) = cli.workers {
		scenario.workers = workers;
	}
	if let Some(epochs) = cli.epochs {
		scenario.epochs = epochs;
	}
	scenario.check()?;
	let total = scenario.epochs;
	let name = scenario.name.clone();
	eprintln!(
		"cinder-sim: {name}: {} workers, {} validators, {} epochs",
		scenario.workers, scenario.validators, scenario.epochs
	);
	let verbose = cli.verbose;
	let mut measured = 0;
	let outcome = cinder_sim::run::run(scenario, |record| {
		let n = &record.network;
		measured += 1;
		eprintln!(
			"epoch {measured:>3}/{total} (chain epoch {}) settled at block {:>6}: supply {:.0} CNDR, \
			 minted {:.0}, burned {:.0}, {} stages settled, {} faked stages paid, {} caught",
			n.epoch,
			n.block,
			n.issuance,
			n.minted,
			n.burned,
			n.counts.stages_settled,
			n.counts.fraud_accepted,
			n.counts.fraud_caught,
		);
		if verbose {
			for (strategy, s) in &record.standings {
				eprintln!(
					"    {:20} {:>5} players  profit {:>12.2}  stake {:>12.2}  costs {:>10.2}",
					strategy.name(),
					s.players,
					s.profit,
					s.stake,
					s.costs
				);
			}
			eprintln!("    slashed: {:?}", n.counts.slashed);
			eprintln!("    verification: {:?}", n.counts.verification);
		}
	})?;
	eprintln!(
		"{} blocks in {:.1} s ({:.2} ms a block)",
		outcome.blocks,
		outcome.seconds,
		outcome.seconds * 1e3 / outcome.blocks.max(1) as f64
	);
	std::fs::create_dir_all(&cli.out).with_context(|| format!("creating {}", cli.out.display()))?;
	let csv = cli.out.join(format!("{name}.csv"));
	cinder_sim::report::write_csv(&outcome, &csv)?;
	let plots = cinder_sim::plots::draw(&outcome, &cli.out, &name)
		.map_err(|e| anyhow::anyhow!("drawing the plots: {e}"))?;
	let plots: Vec<(&str, String)> = plots.iter().map(|(t, f)| (*t, f.clone())).collect();
	let summary = cinder_sim::report::summary(&outcome, &plots);
	let md = cli.out.join(format!("{name}.md"));
	std::fs::write(&md, &summary)?;
	println!("{summary}");
	eprintln!(
		"wrote {}, {} and {} plots in {}",
		csv.display(),
		md.display(),
		plots.len(),
		cli.out.display()
	);
	if cli.check {
		match cinder_sim::report::check(&outcome) {
			Ok(()) => eprintln!("check: no cheating strategy beats honest operation"),
			Err(why) => anyhow::bail!("check failed: {why}"),
		}
	}
	Ok(())
}
