//! Scenario files: what a run simulates, in TOML.
//!
//! A scenario names a genesis preset and patches it (the `[genesis]` table is a JSON merge patch
//! on the preset, written in TOML, exactly as the node builds a chain spec), says how many
//! workers follow which strategy, what hardware they run and what it costs, what the
//! submitters want and pay, and how many validators verify. Every number has a default, so a
//! scenario file only says what it changes; `scenarios/*.toml` are the presets.

use std::{collections::BTreeMap, path::Path};

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::strategy::Strategy;

/// One run's setup.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
	/// Shown in the summary and the file names.
	pub name: String,
	/// Seeds every draw of the simulator (hardware, coin flips of the strategies, demand). The
	/// chain's own randomness is BABE's stand-in, a hash of the block number.
	pub seed: u64,
	/// The runtime's genesis preset the chain starts from.
	pub preset: String,
	/// A JSON merge patch on the preset's genesis config, as TOML.
	pub genesis: toml::Table,
	/// Reward epochs to measure, after the warm-up: the epochs until every worker has
	/// registered and every honest one's IB is confirmed, which are run but not counted.
	pub epochs: u32,
	/// Worker accounts' machines (a Sybil's machine counts once).
	pub workers: u32,
	/// Validators, each running a Verifier node.
	pub validators: u32,
	/// Minutes of a real reward epoch the simulated one stands for (the time-compression rule:
	/// see the crate docs). 4,320: the whitepaper's 72 h.
	pub real_epoch_minutes: u32,
	/// Workers registering a block at the start: at most the benchmark checks a block has room
	/// for (3 of the runtime's 6 check deadlines a block go to benchmark answers, spot checks
	/// included: 0.7 a block at 10,000 workers). Above what the chain checks, the answers
	/// waiting for the verifiers pile up until they are refused.
	pub onboarding_per_block: u32,
	/// Work units of the GEMM workload one IB does in a minute, set by Root at the start
	/// (the genesis calibration makes the largest GEMM 10⁻⁵ IBM: see the crate docs).
	pub gemm_ref_units_per_ib_minute: Option<u64>,
	/// Share of the workers following each strategy; the rest are honest.
	pub strategies: BTreeMap<Strategy, f64>,
	/// How the strategies play.
	pub play: Play,
	/// The machines workers run.
	pub hardware: Vec<Hardware>,
	/// What running them costs.
	pub costs: Costs,
	/// What submitters ask for.
	pub demand: Demand,
}

impl Default for Scenario {
	fn default() -> Self {
		Self {
			name: "default".into(),
			seed: 1,
			preset: "development".into(),
			genesis: toml::Table::new(),
			epochs: 10,
			workers: 200,
			validators: 4,
			real_epoch_minutes: 4_320,
			onboarding_per_block: 3,
			gemm_ref_units_per_ib_minute: None,
			strategies: BTreeMap::new(),
			play: Play::default(),
			hardware: Hardware::mix(),
			costs: Costs::default(),
			demand: Demand::default(),
		}
	}
}

/// Knobs of the strategies.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Play {
	/// Factor by which an over-claiming worker claims more IB than its machine has.
	pub overclaim_factor: f64,
	/// Chance, at each heartbeat, that an intermittent worker goes offline for four heartbeat
	/// intervals (0.05: offline about 17 % of the time).
	pub offline_chance: f64,
	/// Accounts a Sybil registers its one machine as.
	pub sybil_accounts: u32,
	/// Worker nodes of the smallest IB a flooder registers, bonds and keeps online.
	pub flood_nodes: u32,
	/// What each of them bonds, CNDR: enough to back a job (routing asks a bond whose slash
	/// deters faking it), so the pools' defence is their weight by IB.
	pub flood_bond: f64,
	/// Jobs a wash trader submits a block, at its own price.
	pub wash_jobs_per_block: f64,
	/// A wash trader's price per IBM, CNDR: it registers at it and submits its jobs with it
	/// as their limit, so only it (and any cheaper worker) can take them.
	pub wash_price: f64,
	/// Share of validators that are lazy (agree with the claim without computing).
	pub lazy_verifiers: f64,
	/// Share of validators that stay silent.
	pub silent_verifiers: f64,
}

impl Default for Play {
	fn default() -> Self {
		Self {
			overclaim_factor: 2.0,
			offline_chance: 0.05,
			sybil_accounts: 4,
			flood_nodes: 20,
			flood_bond: 10.0,
			wash_jobs_per_block: 0.5,
			// The runtime's collateral floor: S(n) prices no lower.
			wash_price: 0.1,
			lazy_verifiers: 0.0,
			silent_verifiers: 0.0,
		}
	}
}

/// A kind of machine, from `shared/research/economics.md` §1.2 (Inferix's IB table) and
/// §1.6 (its price model: power at $0.20/kWh, hardware written off at 25 % a year).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hardware {
	/// Adapter name.
	pub name: String,
	/// Its IB.
	pub ib: f64,
	/// Power drawn at full load, W.
	pub watts: f64,
	/// Purchase price, USD.
	pub capex_usd: f64,
	/// Share of the workers that run it.
	pub share: f64,
}

impl Hardware {
	/// The mix of machines on a young network: many consumer GPUs, some data-centre ones, and
	/// CPU nodes running lavapipe.
	pub fn mix() -> Vec<Hardware> {
		let hw = |name: &str, ib, watts, capex_usd, share| Hardware {
			name: name.into(),
			ib,
			watts,
			capex_usd,
			share,
		};
		vec![
			hw("lavapipe-cpu", 0.000_1, 120.0, 800.0, 0.10),
			hw("rtx-4060", 0.201_92, 115.0, 300.0, 0.20),
			hw("rtx-3090", 0.384_62, 350.0, 900.0, 0.20),
			hw("rtx-4090", 0.5, 450.0, 1_800.0, 0.25),
			hw("a100-80g", 1.778_85, 300.0, 15_000.0, 0.15),
			hw("h100", 2.413_46, 700.0, 30_000.0, 0.10),
		]
	}
}

/// What operating costs, and the token's price that turns dollars into CNDR.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Costs {
	/// Electricity, USD per kWh.
	pub usd_per_kwh: f64,
	/// Hardware written off per year, as a share of its price.
	pub depreciation_per_year: f64,
	/// Power an idle machine draws, as a share of full load.
	pub idle_power: f64,
	/// USD per CNDR.
	pub usd_per_cndr: f64,
	/// An operator's price per IBM, as a multiple of its cost per IBM at full load (Inferix:
	/// twice the input cost).
	pub markup: f64,
	/// A verifier's cost of checking, as a share of the cost of the work it checks.
	pub verify_share: f64,
}

impl Default for Costs {
	fn default() -> Self {
		Self {
			usd_per_kwh: 0.20,
			depreciation_per_year: 0.25,
			idle_power: 0.3,
			usd_per_cndr: 0.01,
			markup: 2.0,
			verify_share: 0.05,
		}
	}
}

/// Submitters: jobs arriving at a rate, each a GEMM of a size drawn from a list, with a price
/// limit drawn around the market's median price.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Demand {
	/// Submitting accounts.
	pub submitters: u32,
	/// Jobs submitted a block, on average (Poisson).
	pub jobs_per_block: f64,
	/// Sides of the square int8 GEMMs submitted, drawn uniformly.
	pub gemm_sizes: Vec<u32>,
	/// A submitter's price limit, as a multiple of the median worker price, drawn uniformly
	/// between these two (its demand curve: below the lower bound nobody is served).
	pub price_limit: (f64, f64),
}

impl Default for Demand {
	fn default() -> Self {
		Self {
			submitters: 20,
			jobs_per_block: 2.0,
			gemm_sizes: vec![1_024, 2_048, 4_096],
			price_limit: (0.8, 3.0),
		}
	}
}

impl Scenario {
	/// Reads a scenario file.
	pub fn load(path: &Path) -> anyhow::Result<Scenario> {
		let text = std::fs::read_to_string(path)
			.with_context(|| format!("reading the scenario {}", path.display()))?;
		let scenario: Scenario = toml::from_str(&text)
			.with_context(|| format!("parsing the scenario {}", path.display()))?;
		scenario.check().with_context(|| format!("the scenario {}", path.display()))?;
		Ok(scenario)
	}

	/// Refuses a scenario that cannot run.
	pub fn check(&self) -> anyhow::Result<()> {
		let shares: f64 = self.strategies.values().sum();
		if !(0.0..=1.0).contains(&shares) {
			bail!("strategy shares add up to {shares}, more than 1: the rest are honest");
		}
		if self.hardware.is_empty() || self.hardware.iter().any(|h| h.ib <= 0.0 || h.share < 0.0) {
			bail!("every [[hardware]] needs ib > 0 and share ≥ 0, and there must be one");
		}
		if self.workers == 0 || self.epochs == 0 {
			bail!("workers and epochs must be at least 1");
		}
		if self.validators == 0 {
			bail!("validators must be at least 1: verification fails closed without verifiers");
		}
		let colluding = self.strategies.get(&Strategy::Colluding).copied().unwrap_or(0.0);
		let corrupt = (colluding * self.workers as f64).round()
			+ ((self.play.lazy_verifiers + self.play.silent_verifiers) * self.validators as f64)
				.round();
		if corrupt > self.validators as f64 {
			bail!(
				"{corrupt} corrupt validators (one a colluding worker, plus the lazy and silent \
				 shares) but only {} validators",
				self.validators
			);
		}
		if self.demand.gemm_sizes.is_empty()
			|| self.demand.price_limit.0 > self.demand.price_limit.1
		{
			bail!("demand needs gemm_sizes and a price_limit (low, high) with low ≤ high");
		}
		Ok(())
	}
}
