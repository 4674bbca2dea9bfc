//! The simulated operators: workers, with the machine each runs and what it costs, validators
//! with their Verifier nodes, and submitters.

use cinder_runtime::{AccountId, Balance, CNDR};
use rand::{seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::{
	scenario::{Hardware, Scenario},
	strategy::Strategy,
};

/// Minutes a block stands for (6 s).
pub const MINUTES_PER_BLOCK: f64 = 0.1;
/// Minutes in a year.
const MINUTES_PER_YEAR: f64 = 365.0 * 24.0 * 60.0;

/// What one machine costs to run, in CNDR.
#[derive(Clone, Copy, Debug)]
pub struct MachineCost {
	/// Per minute online, idle: hardware written off plus idle power.
	pub online_per_minute: f64,
	/// Per minute online while the power is off (offline): the hardware still ages.
	pub offline_per_minute: f64,
	/// Extra per IBM computed: the power above idle.
	pub per_ibm: f64,
	/// At full load, per IBM: what the operator prices from.
	pub full_per_ibm: f64,
}

impl MachineCost {
	/// The costs of `hardware` under `scenario`'s prices.
	pub fn of(hardware: &Hardware, scenario: &Scenario) -> Self {
		let costs = &scenario.costs;
		let to_cndr = 1.0 / costs.usd_per_cndr;
		let ageing = hardware.capex_usd * costs.depreciation_per_year / MINUTES_PER_YEAR;
		let power = |share: f64| hardware.watts * share / 1_000.0 * costs.usd_per_kwh / 60.0;
		let ibm_per_minute = hardware.ib;
		Self {
			online_per_minute: (ageing + power(costs.idle_power)) * to_cndr,
			offline_per_minute: ageing * to_cndr,
			per_ibm: power(1.0 - costs.idle_power) / ibm_per_minute * to_cndr,
			full_per_ibm: (ageing + power(1.0)) / ibm_per_minute * to_cndr,
		}
	}
}

/// A worker account. A Sybil's machine has several; every other machine one.
#[derive(Clone, Debug)]
pub struct Worker {
	/// Its account.
	pub account: AccountId,
	/// What it does.
	pub strategy: Strategy,
	/// The machine it runs on (index into `Market::machines`).
	pub machine: usize,
	/// IB its share of the machine really has.
	pub ib: f64,
	/// IB it claims.
	pub claimed_ib: f64,
	/// Its price per IBM.
	pub price: Balance,
	/// Its benchmark answer was confirmed.
	pub confirmed: bool,
	/// Offline until this block (intermittent workers).
	pub offline_until: u32,
}

/// One physical machine.
#[derive(Clone, Debug)]
pub struct Machine {
	/// Index into the scenario's hardware.
	pub hardware: usize,
	/// The strategy of the accounts on it.
	pub strategy: Strategy,
	/// What it costs.
	pub cost: MachineCost,
	/// The block its compute is free again (stages run one after another).
	pub busy_until: u32,
	/// Costs so far, CNDR.
	pub spent: f64,
	/// Slashes its faked stages took, CNDR.
	pub fake_slashed: f64,
	/// Slashes its faked stages risked times the rate the chain sampled each at, CNDR.
	pub fake_expected_slash: f64,
	/// Its accounts (indices into `workers`).
	pub accounts: Vec<usize>,
}

/// A validator and its Verifier node (one account: stash = controller).
#[derive(Clone, Debug)]
pub struct Validator {
	/// Its account.
	pub account: AccountId,
	/// How its Verifier node plays.
	pub strategy: Strategy,
	/// The worker it colludes with.
	pub accomplice: Option<usize>,
	/// Checking costs so far, CNDR.
	pub spent: f64,
}

/// The `index`-th simulated account of a kind (`tag`); no key behind it, the simulator
/// applies its transactions without signatures.
pub fn account(tag: u8, index: u32) -> AccountId {
	let mut raw = [tag; 32];
	raw[..4].copy_from_slice(&index.to_le_bytes());
	raw[4] = 0x51;
	AccountId::from(raw)
}

/// Account tags.
pub const WORKER_TAG: u8 = 0xa1;
/// Validators.
pub const VALIDATOR_TAG: u8 = 0xa2;
/// Submitters.
pub const SUBMITTER_TAG: u8 = 0xa3;
/// Flooders' extra nodes.
pub const FLOOD_TAG: u8 = 0xa4;

/// Everyone in a run, drawn from the scenario's seed.
pub struct Population {
	/// Worker accounts.
	pub workers: Vec<Worker>,
	/// Machines.
	pub machines: Vec<Machine>,
	/// Validators.
	pub validators: Vec<Validator>,
	/// Submitters.
	pub submitters: Vec<AccountId>,
}

/// Price in planck of `cndr` CNDR.
pub fn planck(cndr: f64) -> Balance {
	(cndr.max(0.0) * CNDR as f64) as Balance
}

/// CNDR of `planck`.
pub fn cndr(planck: Balance) -> f64 {
	planck as f64 / CNDR as f64
}

impl Population {
	/// Draws machines, strategies and accounts for `scenario`.
	pub fn draw(scenario: &Scenario, rng: &mut ChaCha8Rng) -> Self {
		// Strategies in proportion, the rest honest; hardware drawn per machine.
		let mut strategies = Vec::new();
		for (strategy, share) in &scenario.strategies {
			let count = (share * scenario.workers as f64).round() as usize;
			strategies.extend(std::iter::repeat_n(*strategy, count));
		}
		strategies.truncate(scenario.workers as usize);
		strategies.resize(scenario.workers as usize, Strategy::Honest);
		// Registration order is machine order: no strategy onboards first.
		strategies.shuffle(rng);
		let total_share: f64 = scenario.hardware.iter().map(|h| h.share).sum();
		let mut workers = Vec::new();
		let mut machines = Vec::new();
		for strategy in strategies {
			let mut pick = rng.random::<f64>() * total_share;
			let hardware = scenario
				.hardware
				.iter()
				.position(|h| {
					pick -= h.share;
					pick <= 0.0
				})
				.unwrap_or(scenario.hardware.len() - 1);
			let spec = &scenario.hardware[hardware];
			let cost = MachineCost::of(spec, scenario);
			let price = if strategy == Strategy::WashTrade {
				// It deals with itself: the lowest price takes its own jobs.
				planck(scenario.play.wash_price)
			} else {
				planck(cost.full_per_ibm * scenario.costs.markup)
			};
			let accounts =
				if strategy == Strategy::Sybil { scenario.play.sybil_accounts.max(1) } else { 1 };
			let machine = machines.len();
			let mut indices = Vec::new();
			for _ in 0..accounts {
				// A Sybil's every account claims the whole machine: one machine, several
				// machines' availability and routing weight, its challenges answered in turn.
				let ib = spec.ib;
				let claimed_ib = if strategy == Strategy::Overclaim {
					ib * scenario.play.overclaim_factor
				} else {
					ib
				};
				indices.push(workers.len());
				workers.push(Worker {
					account: account(WORKER_TAG, workers.len() as u32),
					strategy,
					machine,
					ib,
					claimed_ib,
					price,
					confirmed: false,
					offline_until: 0,
				});
			}
			machines.push(Machine {
				hardware,
				strategy,
				cost,
				busy_until: 0,
				spent: 0.0,
				fake_slashed: 0.0,
				fake_expected_slash: 0.0,
				accounts: indices,
			});
		}
		// Validators: the shares of each verifier strategy, the rest honest.
		let count = |share: f64| (share * scenario.validators as f64).round() as usize;
		let mut roles = Vec::new();
		roles.extend(std::iter::repeat_n(
			Strategy::LazyVerifier,
			count(scenario.play.lazy_verifiers),
		));
		roles.extend(std::iter::repeat_n(
			Strategy::SilentVerifier,
			count(scenario.play.silent_verifiers),
		));
		// One colluding validator for each colluding worker.
		let colluders = workers.iter().filter(|w| w.strategy == Strategy::Colluding).count();
		roles.extend(std::iter::repeat_n(Strategy::ColludingVerifier, colluders));
		roles.truncate(scenario.validators as usize);
		roles.resize(scenario.validators as usize, Strategy::HonestVerifier);
		let mut validators: Vec<Validator> = roles
			.into_iter()
			.enumerate()
			.map(|(i, strategy)| Validator {
				account: account(VALIDATOR_TAG, i as u32),
				strategy,
				accomplice: None,
				spent: 0.0,
			})
			.collect();
		// Each colluding validator sides with one colluding worker.
		let colluding: Vec<usize> = workers
			.iter()
			.enumerate()
			.filter(|(_, w)| w.strategy == Strategy::Colluding)
			.map(|(i, _)| i)
			.collect();
		let mut colluding_workers = colluding.into_iter();
		for validator in validators.iter_mut() {
			if validator.strategy == Strategy::ColludingVerifier {
				if let Some(w) = colluding_workers.next() {
					validator.accomplice = Some(w);
				}
			}
		}
		let submitters =
			(0..scenario.demand.submitters.max(1)).map(|i| account(SUBMITTER_TAG, i)).collect();
		Self { workers, machines, validators, submitters }
	}
}

/// A deterministic generator for `seed`.
pub fn rng(seed: u64) -> ChaCha8Rng {
	ChaCha8Rng::seed_from_u64(seed)
}
