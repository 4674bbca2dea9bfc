//! A run: genesis, the actors seated, blocks until the last epoch settles, and a record per
//! epoch of every strategy's profit and the network's health.

use std::collections::{BTreeMap, HashMap};

use anyhow::{bail, Context};
use cinder_primitives::ComputeStake;
use cinder_runtime::{
	genesis_config_presets::{merge, preset_config},
	AccountId, Balance, Balances, ComputeStaking, Runtime, RuntimeCall, RuntimeGenesisConfig,
	RuntimeOrigin, CNDR,
};
use frame_support::traits::fungible::Inspect;
use pallet_node_registry::NodeRole;
use sp_runtime::{traits::Dispatchable, BuildStorage};

use crate::{
	actors::{cndr, rng, Population},
	chain,
	market::{ib, register_call, Action, EpochCounts, Logged, Market, Who},
	scenario::Scenario,
	strategy::Strategy,
};

/// One strategy's standing at the end of an epoch.
#[derive(Clone, Debug, Default)]
pub struct Standing {
	/// Machines (workers) or validators playing it.
	pub players: u32,
	/// Their machines' IB (validators: 0).
	pub ib: f64,
	/// What they hold at stake now, CNDR (bonds; validators: staking and verifier bonds).
	pub stake: f64,
	/// Profit since genesis, CNDR: what they own now, rewards owed included, less what they
	/// started with and their running costs.
	pub profit: f64,
	/// Running costs so far, CNDR.
	pub costs: f64,
	/// Profit with the slashes its faked stages took replaced by what each risked times the
	/// rate the chain sampled it at: the profit to expect from the same choices, without the
	/// luck of a few samples (equal to `profit` for strategies that fake nothing, and for
	/// colluding workers, whose catches hang on their accomplice's seat).
	pub expected_profit: f64,
}

/// The network at the end of an epoch.
#[derive(Clone, Debug, Default)]
pub struct Network {
	/// The epoch.
	pub epoch: u32,
	/// The block its settlement was seen in.
	pub block: u32,
	/// Total issuance, CNDR.
	pub issuance: f64,
	/// Minted by BMW since genesis, CNDR.
	pub minted: f64,
	/// Burned since genesis (fees, expiries, transaction fees), CNDR.
	pub burned: f64,
	/// The epoch's IBME.
	pub ibme: Option<f64>,
	/// The epoch's emission per IBM, CNDR.
	pub emission_per_ibm: f64,
	/// The epoch's counts.
	pub counts: EpochCounts,
}

/// One epoch's record.
#[derive(Clone, Debug)]
pub struct EpochRecord {
	/// The network.
	pub network: Network,
	/// Each strategy's standing.
	pub standings: BTreeMap<Strategy, Standing>,
	/// Every machine's and validator's own standing.
	pub players: Vec<Player>,
}

/// One machine's (all its accounts') or validator's standing.
#[derive(Clone, Debug)]
pub struct Player {
	/// Its strategy.
	pub strategy: Strategy,
	/// Its hardware (index into the scenario's), for machines.
	pub hardware: Option<usize>,
	/// Its standing.
	pub standing: Standing,
}

/// What a run produced.
pub struct Outcome {
	/// The scenario.
	pub scenario: Scenario,
	/// A record per settled epoch.
	pub epochs: Vec<EpochRecord>,
	/// Blocks executed.
	pub blocks: u32,
	/// Wall time, s.
	pub seconds: f64,
	/// The block by which every honest worker's IB was confirmed.
	pub onboarded_at: Option<u32>,
	/// Epochs of warm-up (onboarding) before the measured ones.
	pub warmup_epochs: u32,
	/// Share of stage receipts sampled.
	pub sampling_rate: f64,
	/// Everything done to the chain outside its hooks, when the run was asked to keep it.
	pub log: Vec<Logged>,
	/// Transaction fees paid, planck.
	pub fees_paid: cinder_runtime::Balance,
}

/// The genesis of `scenario`: its preset, its patch, and every simulated account endowed.
pub fn genesis(scenario: &Scenario, people: &Population) -> anyhow::Result<sp_runtime::Storage> {
	let mut config = serde_json::to_value(preset_config(&scenario.preset))?;
	let patch = serde_json::to_value(&scenario.genesis)?;
	merge(&mut config, patch);
	let mut config: RuntimeGenesisConfig =
		serde_json::from_value(config).context("the scenario's [genesis] patch")?;
	let endow = &mut config.balances.balances;
	for worker in &people.workers {
		// Twice the largest S(n) it may need, plus deposits, fees and its own jobs.
		let stake = 2.0 * 4_320.0 * worker.claimed_ib.max(worker.ib) * cndr(worker.price).max(0.1);
		endow.push((worker.account.clone(), ((2.0 * stake + 10_000.0) * CNDR as f64) as Balance));
	}
	for validator in &people.validators {
		endow.push((validator.account.clone(), 10_000 * CNDR));
	}
	for submitter in &people.submitters {
		endow.push((submitter.clone(), 100_000_000 * CNDR));
	}
	for (owner, worker) in people.workers.iter().enumerate() {
		if worker.strategy == Strategy::Flood {
			for node in 0..scenario.play.flood_nodes {
				let account =
					crate::actors::account(crate::actors::FLOOD_TAG, owner as u32 * 1_000 + node);
				endow.push((account, 100 * CNDR));
			}
		}
	}
	config.build_storage().map_err(|e| anyhow::anyhow!("genesis: {e}"))
}

/// Runs `scenario` to its last epoch's settlement. `progress` is told each settled epoch.
pub fn run(scenario: Scenario, progress: impl FnMut(&EpochRecord)) -> anyhow::Result<Outcome> {
	run_with(scenario, false, progress).map(|(outcome, _)| outcome)
}

/// Runs `scenario`, keeping everything it did to the chain outside the hooks in the outcome's
/// `log` if `record`; also returns the externalities at the end.
pub fn run_with(
	scenario: Scenario,
	record: bool,
	mut progress: impl FnMut(&EpochRecord),
) -> anyhow::Result<(Outcome, sp_io::TestExternalities)> {
	let mut draws = rng(scenario.seed);
	let people = Population::draw(&scenario, &mut draws);
	let mut ext = externalities(genesis(&scenario, &people)?);
	let started = std::time::Instant::now();
	let outcome = ext.execute_with(|| simulate(scenario, people, draws, record, &mut progress))?;
	Ok((Outcome { seconds: started.elapsed().as_secs_f64(), ..outcome }, ext))
}

/// Externalities holding `genesis` in their change overlay over an empty trie: every read is
/// a map lookup, where a trie backend walks and decodes nodes for each key not yet written
/// (the pallets' parameters, read by every call: 14 % of a 1,000-worker run's time).
pub fn externalities(genesis: sp_runtime::Storage) -> sp_io::TestExternalities {
	let mut ext = sp_io::TestExternalities::new(sp_runtime::Storage::default());
	ext.execute_with(|| {
		for (key, value) in genesis.top {
			sp_io::storage::set(&key, &value);
		}
	});
	assert!(genesis.children_default.is_empty(), "the genesis has no child tries");
	ext
}

fn simulate(
	scenario: Scenario,
	people: Population,
	rng: rand_chacha::ChaCha8Rng,
	record: bool,
	progress: &mut impl FnMut(&EpochRecord),
) -> anyhow::Result<Outcome> {
	let genesis_issuance = Balances::total_issuance();
	let mut index = HashMap::new();
	for (i, w) in people.workers.iter().enumerate() {
		index.insert(w.account.clone(), Who::Worker(i));
	}
	for (i, v) in people.validators.iter().enumerate() {
		index.insert(v.account.clone(), Who::Validator(i));
	}
	for (i, s) in people.submitters.iter().enumerate() {
		index.insert(s.clone(), Who::Submitter(i));
	}
	for (owner, worker) in people.workers.iter().enumerate() {
		if worker.strategy == Strategy::Flood {
			for node in 0..scenario.play.flood_nodes {
				let account =
					crate::actors::account(crate::actors::FLOOD_TAG, owner as u32 * 1_000 + node);
				index.insert(account, Who::Flood(owner, node));
			}
		}
	}
	let mut prices: Vec<Balance> = people.workers.iter().map(|w| w.price).collect();
	prices.sort();
	let median_price = prices[prices.len() / 2];
	let registry = pallet_node_registry::Pallet::<Runtime>::params();
	let gemm_ref = pallet_jobs::Workloads::<Runtime>::get(0)
		.context("the GEMM workload 0 is registered")?
		.ref_units_per_ib_minute;
	let mut market = Market {
		people,
		rng,
		plan: BTreeMap::new(),
		index,
		challenges: HashMap::new(),
		job_ibm: HashMap::new(),
		faked: HashMap::new(),
		stage_decisions: (0, 0),
		committed: Default::default(),
		rounds: HashMap::new(),
		owed: HashMap::new(),
		counts: EpochCounts::default(),
		issuance_moved: 0,
		minted: 0,
		burned_total: 0,
		fees_paid: 0,
		tally: BTreeMap::new(),
		calls: BTreeMap::new(),
		log: record.then(Vec::new),
		debug: std::env::var_os("SIM_DEBUG").is_some(),
		flood_from: 0,
		vesting_blocks: {
			let bmw = pallet_bmw::Pallet::<Runtime>::params();
			bmw.vesting_epochs.saturating_add(1).saturating_mul(bmw.epoch_length)
		},
		median_price,
		heartbeat_interval: registry.heartbeat_interval,
		gemm_ref,
		challenge_ref: registry.work_units_per_ib_minute,
		scenario,
	};
	// Measured from the first settlement after every worker is onboarded (see below).
	let mut wealth_at_start = HashMap::new();
	let mut first_epoch = None;
	let epoch_length = pallet_bmw::Pallet::<Runtime>::params().epoch_length;

	// Block 1: the validators take their seats; workers register a few a block after.
	chain::start_block(1);
	seat_validators(&mut market)?;
	let per_block = market.scenario.onboarding_per_block.max(1);
	for w in 0..market.people.workers.len() {
		// A Sybil's later accounts wait for the earlier ones' challenges: 25 blocks each
		// (a 90 s challenge is 15 blocks, answered within the default 21).
		let machine = &market.people.machines[market.people.workers[w].machine];
		let turn = machine.accounts.iter().position(|&a| a == w).unwrap_or(0) as u32;
		market.at(2 + w as u32 / per_block + 25 * turn, Action::Register(w));
	}
	let mut now = 1;
	let mut epochs = Vec::new();
	let mut onboarded_at = None;
	let registered_by = 2
		+ market.people.workers.len() as u32 / per_block
		+ 25 * market.scenario.play.sybil_accounts;
	// Onboarding that takes ten times what registration alone does, plus five epochs, is stuck.
	let onboarding_limit = 10 * registered_by + 5 * epoch_length;
	market.flood_from = registered_by + 20;
	loop {
		market.act(now);
		chain::end_block(now);
		let events = chain::events();
		let settled: Vec<(u32, Option<f64>, Balance)> = events
			.iter()
			.filter_map(|event| match event {
				cinder_runtime::RuntimeEvent::Bmw(pallet_bmw::Event::EpochSettled {
					epoch,
					ibme,
					emission_per_ibm,
					..
				}) => Some((*epoch, ibme.map(|p| p.deconstruct() as f64 / 1e9), *emission_per_ibm)),
				_ => None,
			})
			.collect();
		let debug = market.debug.then(|| events.clone());
		market.on_events(now, events);
		if let Some(events) = debug {
			let issuance = Balances::total_issuance();
			let expected = genesis_issuance as i128 + market.issuance_moved;
			if issuance as i128 != expected {
				for event in events {
					eprintln!("{event:?}");
				}
				bail!(
					"block {now}: issuance {issuance} ≠ {expected} (off by {})",
					issuance as i128 - expected
				);
			}
		}
		market.run_costs(now);
		if onboarded_at.is_none()
			&& now > registered_by
			&& market.people.workers.iter().all(|w| w.confirmed || w.strategy != Strategy::Honest)
		{
			onboarded_at = Some(now);
		}
		// Onboarding takes the chain a while (it confirms a few IB claims a block): say how
		// far it is.
		let every = if market.debug { 50 } else { 250 };
		if onboarded_at.is_none() && now % every == 0 {
			let confirmed = market.people.workers.iter().filter(|w| w.confirmed).count();
			eprintln!(
				"onboarding: block {now}, {confirmed} of {} accounts' IB confirmed",
				market.people.workers.len(),
			);
			if market.debug {
				let waiting: Vec<_> = market
					.people
					.workers
					.iter()
					.filter(|w| !w.confirmed && w.strategy == Strategy::Honest)
					.collect();
				eprintln!("    {} honest unconfirmed", waiting.len());
				for w in waiting.iter().take(3) {
					let node = pallet_node_registry::Nodes::<Runtime>::get(&w.account);
					eprintln!(
						"    {:?}: claimed {:?}, confirmed {:?}, challenge {:?}, status {:?}, bond {:?}",
						w.account,
						node.as_ref().map(|n| n.claimed_ib),
						node.as_ref().map(|n| n.confirmed_ib),
						node.as_ref().map(|n| n.challenge),
						node.as_ref().map(|n| n.status),
						pallet_compute_staking::Bonds::<Runtime>::get(&w.account).map(|b| b.active),
					);
				}
				let weight = frame_system::Pallet::<Runtime>::block_weight();
				eprintln!(
					"    block weight {weight:?}, refused {} failed {}, verification {:?}",
					market.counts.refused, market.counts.failed, market.counts.verification
				);
				for (call, (count, weight)) in std::mem::take(&mut market.calls) {
					eprintln!("    {call}: {count} sent, {:.2} s", weight as f64 / 1e12);
				}
			}
		}
		if onboarded_at.is_none() && now > onboarding_limit {
			let waiting = market
				.people
				.workers
				.iter()
				.filter(|w| !w.confirmed && w.strategy == Strategy::Honest)
				.count();
			bail!("block {now}: {waiting} honest workers still unconfirmed; onboarding is stuck");
		}
		for (epoch, ibme, emission_per_ibm) in settled {
			let issuance = Balances::total_issuance();
			let expected = genesis_issuance as i128 + market.issuance_moved;
			if issuance as i128 != expected {
				bail!(
					"epoch {epoch}: total issuance {issuance} ≠ genesis {genesis_issuance} + \
					 minted − burned = {expected}; {:?}",
					market.tally
				);
			}
			// Warm-up: the epochs until every worker is onboarded are not measured; the first
			// settlement after that starts the books (wealth, costs, fakes' risk) afresh.
			let Some(first) = first_epoch else {
				market.counts = EpochCounts::default();
				if onboarded_at.is_some() {
					first_epoch = Some(epoch + 1);
					wealth_at_start = wealth(&market);
					for machine in &mut market.people.machines {
						machine.spent = 0.0;
						machine.fake_slashed = 0.0;
						machine.fake_expected_slash = 0.0;
					}
					for validator in &mut market.people.validators {
						validator.spent = 0.0;
					}
				}
				continue;
			};
			let record = EpochRecord {
				network: Network {
					epoch,
					block: now,
					issuance: cndr(issuance),
					minted: cndr(market.minted),
					burned: cndr(market.burned_total),
					ibme,
					emission_per_ibm: cndr(emission_per_ibm),
					counts: std::mem::take(&mut market.counts),
				},
				players: players(&market, &wealth_at_start),
				standings: BTreeMap::new(),
			};
			let mut record = record;
			record.standings = sum_up(&record.players);
			progress(&record);
			epochs.push(record);
			if epoch + 1 >= first + market.scenario.epochs {
				let outcome = Outcome {
					scenario: market.scenario,
					epochs,
					blocks: now,
					seconds: 0.0,
					onboarded_at,
					warmup_epochs: first,
					sampling_rate: market.stage_decisions.1 as f64
						/ market.stage_decisions.0.max(1) as f64,
					log: market.log.take().unwrap_or_default(),
					fees_paid: market.fees_paid,
				};
				return Ok(outcome);
			}
		}
		now += 1;
		chain::start_block(now);
	}
}

/// Each validator bonds, validates, is seated in the session (the stub of an election), bonds
/// its verifier bond and registers its Verifier node; then heartbeats.
fn seat_validators(market: &mut Market) -> anyhow::Result<()> {
	if let Some(reference) = market.scenario.gemm_ref_units_per_ib_minute {
		let mut workload =
			pallet_jobs::Workloads::<Runtime>::get(0).context("the GEMM workload 0")?;
		workload.ref_units_per_ib_minute = reference;
		workload.max_work_units = reference.saturating_mul(10);
		let call = RuntimeCall::Jobs(pallet_jobs::Call::update_workload { id: 0, workload });
		if let Some(log) = &mut market.log {
			log.push(Logged::Root(1, call.clone()));
		}
		call.dispatch(RuntimeOrigin::root())
			.map_err(|e| anyhow::anyhow!("recalibrating the GEMM workload: {:?}", e.error))?;
		market.gemm_ref = reference;
	}
	let verifier_bond = <Runtime as pallet_node_registry::Config>::VerifierBond::get();
	for v in 0..market.people.validators.len() {
		let account = market.people.validators[v].account.clone();
		let who = Who::Validator(v);
		let calls = [
			RuntimeCall::Staking(pallet_staking::Call::bond {
				value: 1_000 * CNDR,
				payee: pallet_staking::RewardDestination::Stash,
			}),
			RuntimeCall::Staking(pallet_staking::Call::validate { prefs: Default::default() }),
		];
		for call in calls {
			market.send(who, call).map_err(|e| anyhow::anyhow!("validator {v}: {e:?}"))?;
		}
		pallet_session::Validators::<Runtime>::append(account.clone());
		if let Some(log) = &mut market.log {
			log.push(Logged::Seated(1, account.clone()));
		}
		market
			.send(
				who,
				// Twice the minimum, so one slash does not stop it serving.
				RuntimeCall::ComputeStaking(pallet_compute_staking::Call::bond {
					amount: 2 * verifier_bond,
				}),
			)
			.map_err(|e| anyhow::anyhow!("validator {v}'s verifier bond: {e:?}"))?;
		market
			.send(
				who,
				register_call(NodeRole::Verifier { stash: account.clone() }, CNDR, ib(0.000_1)),
			)
			.map_err(|e| anyhow::anyhow!("validator {v}'s Verifier node: {e:?}"))?;
		let interval = market.heartbeat_interval;
		market.at(1 + interval, Action::Heartbeat(who));
	}
	Ok(())
}

/// What each actor owns now: its balance, held funds included, and rewards owed to it.
fn wealth(market: &Market) -> HashMap<AccountId, f64> {
	// Submitters' wealth is not a strategy's.
	market
		.index
		.iter()
		.filter(|(_, who)| !matches!(who, Who::Submitter(_)))
		.map(|(account, _)| account.clone())
		.map(|account| {
			let owed = market.owed.get(&account).copied().unwrap_or(0);
			let value = cndr(Balances::total_balance(&account) + owed);
			(account, value)
		})
		.collect()
}

/// Every machine's and validator's standing now.
fn players(market: &Market, start: &HashMap<AccountId, f64>) -> Vec<Player> {
	let now = wealth(market);
	let gain = |account: &AccountId| now[account] - start[account];
	let mut players = Vec::new();
	for machine in &market.people.machines {
		let mut standing = Standing {
			players: 1,
			ib: market.scenario.hardware[machine.hardware].ib,
			costs: machine.spent,
			profit: -machine.spent,
			..Default::default()
		};
		// The slashes its fakes took, replaced by what each risked at its sampling rate
		// (colluding workers, whose catches hang on their accomplice's seat, keep theirs).
		standing.expected_profit = standing.profit;
		if machine.strategy != Strategy::Colluding {
			standing.expected_profit += machine.fake_slashed - machine.fake_expected_slash;
		}
		for &a in &machine.accounts {
			let account = &market.people.workers[a].account;
			standing.expected_profit += gain(account);
			standing.profit += gain(account);
			standing.stake += cndr(ComputeStaking::active_bond(account));
		}
		if machine.strategy == Strategy::Flood {
			let owner = machine.accounts[0];
			for node in 0..market.scenario.play.flood_nodes {
				let node = gain(&market.account(Who::Flood(owner, node)));
				standing.profit += node;
				standing.expected_profit += node;
			}
		}
		players.push(Player {
			strategy: machine.strategy,
			hardware: Some(machine.hardware),
			standing,
		});
	}
	for validator in &market.people.validators {
		let staked = pallet_staking::Ledger::<Runtime>::get(&validator.account)
			.map_or(0, |ledger| ledger.active);
		let standing = Standing {
			players: 1,
			ib: 0.0,
			stake: cndr(staked + ComputeStaking::active_bond(&validator.account)),
			profit: gain(&validator.account) - validator.spent,
			expected_profit: gain(&validator.account) - validator.spent,
			costs: validator.spent,
		};
		players.push(Player { strategy: validator.strategy, hardware: None, standing });
	}
	players
}

/// Each strategy's players added up.
pub fn sum_up(players: &[Player]) -> BTreeMap<Strategy, Standing> {
	let mut standings: BTreeMap<Strategy, Standing> = BTreeMap::new();
	for player in players {
		let standing = standings.entry(player.strategy).or_default();
		standing.players += player.standing.players;
		standing.ib += player.standing.ib;
		standing.stake += player.standing.stake;
		standing.profit += player.standing.profit;
		standing.expected_profit += player.standing.expected_profit;
		standing.costs += player.standing.costs;
	}
	standings
}
