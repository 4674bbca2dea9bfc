//! The market: every actor's transactions, block by block, in reaction to the chain's events.
//!
//! Off-chain work is simulated by its cost and its time: a machine computes a stage or a
//! benchmark challenge in the minutes its real IB implies (stages one after another), and
//! commits the right root (a deterministic stand-in, [`true_root`], that verifiers recompute the
//! same way) or, as its strategy says, a made-up one without spending the compute. Everything
//! on-chain goes through the pallets' calls and hooks ([`crate::chain`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use cinder_runtime::{AccountId, Balance, Runtime, RuntimeCall, RuntimeEvent};
use codec::Encode;
use frame_support::BoundedVec;
use pallet_jobs::{JobClass, JobInput, JobSpec, ReceiptEntry, WhenNoWorker};
use pallet_node_registry::{Availability, HardwareProfile, NodeRole};
use pallet_verification::{Subject, Verdict};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sp_io::hashing::blake2_256;

use crate::{
	actors::{cndr, planck, Population, MINUTES_PER_BLOCK},
	chain::{self, Refused},
	scenario::Scenario,
	strategy::Strategy,
};

/// Who sends a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Who {
	/// A worker account (index into the population's workers).
	Worker(usize),
	/// A validator.
	Validator(usize),
	/// A submitter.
	Submitter(usize),
	/// A flooder's extra node: (its owner, its number).
	Flood(usize, u32),
}

/// Something an actor does at a block.
#[derive(Clone, Debug)]
pub enum Action {
	/// Register a worker node, then bond S(n) for it.
	Register(usize),
	/// Send a heartbeat and plan the next one.
	Heartbeat(Who),
	/// Answer a benchmark challenge.
	Answer { who: Who, answer: [u8; 32] },
	/// Deliver a stage's receipt.
	Receipt { worker: usize, entry: ReceiptEntry },
	/// Commit to a verdict.
	Commit { validator: usize, subject: Subject, root: [u8; 32] },
	/// Reveal it (tried each block until the deadline).
	Reveal { validator: usize, subject: Subject, root: [u8; 32], salt: [u8; 32] },
	/// Claim what the epoch's reward has vested.
	Claim { who: Who, epoch: u32 },
	/// Claim a verifier's penalty-pool share of an epoch.
	ClaimPenalty { validator: usize, epoch: u32 },
	/// Claim the real IB after a rejected claim.
	Reclaim(usize),
	/// Top a verifier bond back up to twice the minimum after a slash.
	TopUp(usize),
	/// Register a flooder's unbonded node.
	Flood { owner: usize, node: u32 },
}

/// The stand-in for a stage's output root: what an honest worker commits and a verifier
/// recomputes.
pub fn true_root(job: u64, stage: u8) -> [u8; 32] {
	blake2_256(&(b"cinder-sim/stage", job, stage).encode())
}

/// The stand-in for a benchmark challenge's answer.
pub fn true_answer(seed: &[u8; 32]) -> [u8; 32] {
	blake2_256(&(b"cinder-sim/answer", seed).encode())
}

/// What the simulator did to the chain outside its hooks, in order, when asked to keep it:
/// what a test replays through the pallets directly.
#[derive(Clone, Debug)]
pub enum Logged {
	/// A transaction of `who` applied and dispatched successfully in `block`.
	Signed(u32, AccountId, RuntimeCall),
	/// A Root call (governance) in `block`.
	Root(u32, RuntimeCall),
	/// A validator seated in the session (the stub of an election) in `block`.
	Seated(u32, AccountId),
}

/// Network-wide counts of one reward epoch.
#[derive(Clone, Debug, Default)]
pub struct EpochCounts {
	/// Jobs submitted, and refused at submission (no worker fits).
	pub jobs_submitted: u64,
	/// … refused.
	pub jobs_refused: u64,
	/// Stages settled (paid).
	pub stages_settled: u64,
	/// Their IBM.
	pub ibm_settled: f64,
	/// Fees paid, burned and sent to the foundation, CNDR.
	pub fees: f64,
	/// Burned by BMW, CNDR.
	pub burned: f64,
	/// Faked stages accepted (paid), and faked stages rejected.
	pub fraud_accepted: u64,
	/// … rejected.
	pub fraud_caught: u64,
	/// Stages and challenges voided as unverifiable.
	pub unverifiable: u64,
	/// Deadlines missed.
	pub deadlines_missed: u64,
	/// Stages assigned (first or re-assignments), and of them to flooders' nodes.
	pub stages_assigned: u64,
	/// … to flooders' nodes.
	pub stages_to_flood: u64,
	/// Verifier compute, IBM.
	pub verifier_ibm: f64,
	/// Verifier faults.
	pub verifier_faults: u64,
	/// Transactions refused before dispatch (block full…) or failed.
	pub refused: u64,
	/// … failed in dispatch.
	pub failed: u64,
	/// Bonds slashed, CNDR, by strategy and reason.
	pub slashed: BTreeMap<String, f64>,
	/// Verification events, by kind.
	pub verification: BTreeMap<String, u64>,
}

/// The whole market's state outside the chain.
pub struct Market {
	/// The scenario.
	pub scenario: Scenario,
	/// Everyone.
	pub people: Population,
	/// Draws.
	pub rng: ChaCha8Rng,
	/// Planned actions by block.
	pub plan: BTreeMap<u32, Vec<Action>>,
	/// Account to actor.
	pub index: HashMap<AccountId, Who>,
	/// Challenges' seeds, by challenge id.
	pub challenges: HashMap<u64, [u8; 32]>,
	/// Jobs' IBM, by job id (from the jobs submitted).
	pub job_ibm: HashMap<u64, f64>,
	/// Faked receipts, until decided: (job, stage) → the machine that faked it.
	pub faked: HashMap<(u64, u8), usize>,
	/// Stage receipts decided, and of them sampled: the share of receipts the run sampled.
	pub stage_decisions: (u64, u64),
	/// Commitments made: (subject, dispute round, validator).
	pub committed: HashSet<(SubjectKey, u32, usize)>,
	/// Dispute rounds opened per subject.
	pub rounds: HashMap<SubjectKey, u32>,
	/// Rewards earned and not yet paid, per account.
	pub owed: HashMap<AccountId, Balance>,
	/// This epoch's counts.
	pub counts: EpochCounts,
	/// Issuance changes seen in events: issued − rescinded + minted − burned.
	pub issuance_moved: i128,
	/// Minted by BMW settlements, CNDR planck.
	pub minted: Balance,
	/// Burned, everywhere (fees, expiry, transaction fees), planck.
	pub burned_total: Balance,
	/// Debug tally of transactions sent: by call and outcome, their count and weight used.
	pub calls: BTreeMap<String, (u64, u128)>,
	/// Debug tally of balance events.
	pub tally: BTreeMap<String, Balance>,
	/// Everything done to the chain outside its hooks, if kept.
	pub log: Option<Vec<Logged>>,
	/// Count every verification and balances event (`SIM_DEBUG`).
	pub debug: bool,
	/// Blocks from a reward's settlement to its last vesting: when its remainder is claimed.
	pub vesting_blocks: u32,
	/// The block flooders start registering their nodes.
	pub flood_from: u32,
	/// Transaction fees paid (and burned), planck.
	pub fees_paid: Balance,
	/// The median worker price, per IBM.
	pub median_price: Balance,
	/// Heartbeat interval and GEMM tile bytes, from the chain's parameters.
	pub heartbeat_interval: u32,
	/// Work units one IB does in a minute, for the GEMM workload and for challenges.
	pub gemm_ref: u64,
	/// … for challenges.
	pub challenge_ref: u64,
}

impl Market {
	/// The account of an actor.
	pub fn account(&self, who: Who) -> AccountId {
		match who {
			Who::Worker(i) => self.people.workers[i].account.clone(),
			Who::Validator(i) => self.people.validators[i].account.clone(),
			Who::Submitter(i) => self.people.submitters[i].clone(),
			Who::Flood(owner, node) => {
				crate::actors::account(crate::actors::FLOOD_TAG, owner as u32 * 1_000 + node)
			}
		}
	}

	/// Plans `action` at `block`.
	pub fn at(&mut self, block: u32, action: Action) {
		self.plan.entry(block).or_default().push(action);
	}

	/// Sends `call` from `who`, counting refusals.
	pub fn send(&mut self, who: Who, call: RuntimeCall) -> Result<(), Refused> {
		let account = self.account(who);
		let logged = self.log.is_some().then(|| call.clone());
		// SIM_DEBUG: the call's name and the block's weight before it.
		let tallied = self.debug.then(|| {
			let debug = format!("{call:?}");
			let name: String = debug.split(['{', '(', ' ']).take(3).collect::<Vec<_>>().join("/");
			(name, cinder_runtime::System::block_weight().total().ref_time())
		});
		let result = chain::apply(&account, call);
		if let Some((name, before)) = tallied {
			let outcome = match &result {
				Ok(()) => "ok".to_string(),
				Err(Refused::Invalid(_)) => "refused".to_string(),
				Err(Refused::Failed(e)) => format!("failed {e:?}"),
			};
			let used =
				cinder_runtime::System::block_weight().total().ref_time().saturating_sub(before);
			let entry = self.calls.entry(format!("{name} {outcome}")).or_default();
			entry.0 += 1;
			entry.1 += used as u128;
		}
		if let (Some(log), Some(call), Ok(())) = (&mut self.log, logged, &result) {
			let block = cinder_runtime::System::block_number();
			log.push(Logged::Signed(block, account, call));
		}
		match &result {
			Err(Refused::Invalid(_)) => self.counts.refused += 1,
			Err(Refused::Failed(_)) => self.counts.failed += 1,
			Ok(()) => {}
		}
		result
	}

	/// Runs block `now`'s planned actions and the submitters' demand.
	pub fn act(&mut self, now: u32) {
		let actions = self.plan.remove(&now).unwrap_or_default();
		for action in actions {
			self.perform(now, action);
		}
		self.demand(now);
	}

	fn perform(&mut self, now: u32, action: Action) {
		match action {
			Action::Register(w) => self.register(now, w),
			Action::Heartbeat(who) => self.heartbeat(now, who),
			Action::Answer { who, answer } => {
				let call =
					RuntimeCall::NodeRegistry(pallet_node_registry::Call::submit_benchmark {
						result: answer,
					});
				if let Err(Refused::Failed(error)) = self.send(who, call) {
					// A full benchmark queue: try again next block, until the deadline.
					if format!("{error:?}").contains("VerifierBusy") {
						self.at(now + 1, Action::Answer { who, answer });
					}
				}
			}
			Action::Receipt { worker, entry } => {
				let call = RuntimeCall::Jobs(pallet_jobs::Call::submit_receipts {
					receipts: BoundedVec::truncate_from(vec![entry]),
				});
				let _ = self.send(Who::Worker(worker), call);
			}
			Action::Commit { validator, subject, root } => {
				let account = self.people.validators[validator].account.clone();
				let salt = blake2_256(&(now, validator as u32).encode());
				let verdict = Verdict::Commitment(root);
				let commitment =
					pallet_verification::verdict_commitment(&subject, &account, &verdict, &salt);
				let call = RuntimeCall::Verification(pallet_verification::Call::commit_verdict {
					subject,
					commitment,
				});
				match self.send(Who::Validator(validator), call) {
					Ok(()) => {
						self.at(now + 1, Action::Reveal { validator, subject, root, salt });
					}
					// A full block: next block.
					Err(Refused::Invalid(_)) => {
						self.at(now + 1, Action::Commit { validator, subject, root })
					}
					Err(Refused::Failed(_)) => {}
				}
			}
			Action::Reveal { validator, subject, root, salt } => {
				let call = RuntimeCall::Verification(pallet_verification::Call::reveal_verdict {
					subject,
					verdict: Verdict::Commitment(root),
					salt,
				});
				// Reveals open once every seat committed, which the verifier's node sees on
				// chain: it waits for the others, for as long as its commitment stands (a
				// redraw of silent seats keeps it and moves the deadline), and retries a
				// reveal a full block refused.
				let account = &self.people.validators[validator].account;
				let check = pallet_verification::Checks::<Runtime>::get(subject);
				let sealed = check.as_ref().is_some_and(|check| {
					check.members.iter().any(|m| {
						m.who == *account
							&& matches!(m.vote, pallet_verification::Vote::Committed(_))
					})
				});
				if !sealed {
					return;
				}
				let open = check.is_some_and(|check| {
					check.members.iter().all(|m| m.vote != pallet_verification::Vote::Silent)
				});
				if !open || self.send(Who::Validator(validator), call).is_err() {
					self.at(now + 1, Action::Reveal { validator, subject, root, salt });
				}
			}
			Action::Claim { who, epoch } => {
				let call = RuntimeCall::Bmw(pallet_bmw::Call::claim { epoch });
				let _ = self.send(who, call);
			}
			Action::ClaimPenalty { validator, epoch } => {
				let verifier = self.people.validators[validator].account.clone();
				let call =
					RuntimeCall::Verification(pallet_verification::Call::claim_penalty_share {
						epoch,
						verifier,
					});
				let _ = self.send(Who::Validator(validator), call);
			}
			Action::Reclaim(w) => {
				let worker = &mut self.people.workers[w];
				worker.claimed_ib = worker.ib;
				let claimed_ib = ib(worker.ib);
				let call =
					RuntimeCall::NodeRegistry(pallet_node_registry::Call::claim_ib { claimed_ib });
				let _ = self.send(Who::Worker(w), call);
			}
			Action::TopUp(v) => {
				let account = self.people.validators[v].account.clone();
				let target = 2 * <Runtime as pallet_node_registry::Config>::VerifierBond::get();
				let active = <cinder_runtime::ComputeStaking as cinder_primitives::ComputeStake<
					_,
					_,
				>>::active_bond(&account);
				if active < target {
					let call =
						RuntimeCall::ComputeStaking(pallet_compute_staking::Call::bond_extra {
							amount: target - active,
						});
					let _ = self.send(Who::Validator(v), call);
				}
			}
			Action::Flood { owner, node } => self.flood(now, owner, node),
		}
	}
}

/// A check's subject as a map key.
pub type SubjectKey = (u8, u64, u8);

/// The key of `subject`.
pub fn key(subject: &Subject) -> SubjectKey {
	match *subject {
		Subject::Stage { job, stage } => (0, job, stage),
		Subject::Benchmark { challenge } => (1, challenge, 0),
	}
}

/// `value` IB as the chain stores it.
pub fn ib(value: f64) -> cinder_primitives::Ib {
	cinder_primitives::Ib::from_micro(((value * 1e6).round() as u64).max(1))
}

/// A worker node's registration.
pub fn register_call(
	role: NodeRole<AccountId>,
	price_per_ibm: Balance,
	claimed_ib: cinder_primitives::Ib,
) -> RuntimeCall {
	RuntimeCall::NodeRegistry(pallet_node_registry::Call::register {
		role,
		hardware: HardwareProfile {
			cpu_cores: 16,
			ram_mib: 65_536,
			gpu_adapter: BoundedVec::truncate_from(b"simulated".to_vec()),
			vram_mib: 24_576,
			storage_gib: 500,
			region: BoundedVec::truncate_from(b"sim".to_vec()),
		},
		endpoint: BoundedVec::truncate_from(b"https://worker.sim".to_vec()),
		price_per_ibm,
		claimed_ib,
		hosted_models: BoundedVec::new(),
		availability: Availability::default(),
	})
}

/// A Poisson draw of mean `mean`.
pub fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
	if mean <= 0.0 {
		return 0;
	}
	if mean > 30.0 {
		// Normal approximation for large means.
		let u1: f64 = rng.random::<f64>().max(1e-12);
		let u2: f64 = rng.random();
		let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
		return (mean + z * mean.sqrt()).round().max(0.0) as u32;
	}
	let limit = (-mean).exp();
	let mut product: f64 = rng.random();
	let mut count = 0;
	while product > limit {
		product *= rng.random::<f64>();
		count += 1;
	}
	count
}

impl Market {
	/// Registers worker `w` and bonds what S(n) asks of its claim (5 % over, for rounding);
	/// the challenge that follows is answered when [`Self::on_event`] sees it. A flooder also
	/// registers its unbonded nodes.
	fn register(&mut self, now: u32, w: usize) {
		let worker = &self.people.workers[w];
		let (price, claimed, strategy) = (worker.price, ib(worker.claimed_ib), worker.strategy);
		let call = register_call(NodeRole::Worker, price, claimed);
		if self.send(Who::Worker(w), call).is_err() {
			// A full block: next block.
			self.at(now + 1, Action::Register(w));
			return;
		}
		let stake = pallet_compute_staking::Pallet::<Runtime>::minimum_stake_for(claimed, price);
		let amount = stake + stake / 20;
		let call = RuntimeCall::ComputeStaking(pallet_compute_staking::Call::bond { amount });
		let _ = self.send(Who::Worker(w), call);
		let interval = self.heartbeat_interval;
		self.at(now + interval, Action::Heartbeat(Who::Worker(w)));
		if strategy == Strategy::Flood {
			// After the honest workers' onboarding, one node every four blocks: a burst of
			// registrations beside it starves the benchmark queue that onboarding needs (see
			// the crate docs), which is an attack of its own.
			let from = self.flood_from.max(now + 1);
			for node in 0..self.scenario.play.flood_nodes {
				self.at(from + 4 * node, Action::Flood { owner: w, node });
			}
		}
	}

	/// A flooder's node: registered at the smallest IB and the collateral floor's price, bonded
	/// with `flood_bond` (far above what S(n) asks, so its bond can back a job), its challenge
	/// answered (trivial at that IB) and heartbeats kept, so it sits in the routing pools; it
	/// never does a stage it is given, which then waits for a deadline sized for its IB.
	fn flood(&mut self, now: u32, owner: usize, node: u32) {
		let who = Who::Flood(owner, node);
		let (price, claimed) = (planck(0.1), ib(0.000_001));
		if self.send(who, register_call(NodeRole::Worker, price, claimed)).is_err() {
			self.at(now + 1, Action::Flood { owner, node });
			return;
		}
		let stake = pallet_compute_staking::Pallet::<Runtime>::minimum_stake_for(claimed, price);
		let amount = (stake + stake / 20 + 1).max(planck(self.scenario.play.flood_bond));
		let call = RuntimeCall::ComputeStaking(pallet_compute_staking::Call::bond { amount });
		let _ = self.send(who, call);
		let interval = self.heartbeat_interval;
		self.at(now + interval, Action::Heartbeat(who));
	}

	/// A heartbeat, unless an intermittent worker is (or now goes) offline; plans the next.
	fn heartbeat(&mut self, now: u32, who: Who) {
		let interval = self.heartbeat_interval;
		if let Who::Worker(w) = who {
			let worker = &self.people.workers[w];
			if worker.offline_until > now {
				self.at(worker.offline_until, Action::Heartbeat(who));
				return;
			}
			if worker.strategy == Strategy::Intermittent
				&& self.rng.random::<f64>() < self.scenario.play.offline_chance
			{
				// Offline for four intervals: past `offline_after`, so routing skips it.
				let back = now + 4 * interval;
				self.people.workers[w].offline_until = back;
				self.at(back, Action::Heartbeat(who));
				return;
			}
		}
		let call = RuntimeCall::NodeRegistry(pallet_node_registry::Call::heartbeat {});
		let next = match self.send(who, call) {
			Err(Refused::Invalid(_)) => now + 1,
			_ => now + interval,
		};
		self.at(next, Action::Heartbeat(who));
	}

	/// The submitters' jobs of the block, and the wash traders'.
	fn demand(&mut self, now: u32) {
		let demand = self.scenario.demand.clone();
		let jobs = poisson(&mut self.rng, demand.jobs_per_block);
		for _ in 0..jobs {
			let submitter = self.rng.random_range(0..self.people.submitters.len());
			let size = demand.gemm_sizes[self.rng.random_range(0..demand.gemm_sizes.len())];
			let (low, high) = demand.price_limit;
			let limit = self.median_price as f64 * self.rng.random_range(low..=high);
			self.submit(now, Who::Submitter(submitter), size, limit as Balance);
		}
		let wash: Vec<usize> = self
			.people
			.workers
			.iter()
			.enumerate()
			.filter(|(_, w)| w.strategy == Strategy::WashTrade && w.confirmed)
			.map(|(i, _)| i)
			.collect();
		for w in wash {
			let jobs = poisson(&mut self.rng, self.scenario.play.wash_jobs_per_block);
			for _ in 0..jobs {
				let size = demand.gemm_sizes[self.rng.random_range(0..demand.gemm_sizes.len())];
				let price = self.people.workers[w].price;
				self.submit(now, Who::Worker(w), size, price);
			}
		}
	}

	fn submit(&mut self, now: u32, who: Who, size: u32, max_price_per_ibm: Balance) {
		let seed = blake2_256(&(now, size, self.counts.jobs_submitted).encode());
		let call = RuntimeCall::Jobs(pallet_jobs::Call::submit_job {
			workload: 0,
			spec: JobSpec::Int8Gemm { m: size, n: size, k: size },
			input: JobInput::Seed(seed),
			max_price_per_ibm,
			class: JobClass::Standard,
			deadline: None,
			when_no_worker: WhenNoWorker::Fail,
		});
		self.counts.jobs_submitted += 1;
		if self.send(who, call).is_err() {
			self.counts.jobs_refused += 1;
		}
	}

	/// Charges every machine its block of running costs.
	pub fn run_costs(&mut self, now: u32) {
		for machine in &mut self.people.machines {
			let offline =
				machine.accounts.iter().all(|&a| self.people.workers[a].offline_until > now);
			let per_minute = if offline {
				machine.cost.offline_per_minute
			} else {
				machine.cost.online_per_minute
			};
			machine.spent += per_minute * MINUTES_PER_BLOCK;
		}
	}

	/// Compute on worker `w`'s machine of `ibm` IBM, from `now`: the block it is done.
	fn compute(&mut self, w: usize, now: u32, ibm: f64) -> u32 {
		let worker = &self.people.workers[w];
		let start = now.max(worker.offline_until);
		let machine = &mut self.people.machines[worker.machine];
		let machine_ib = self.scenario.hardware[machine.hardware].ib;
		let blocks = (ibm / machine_ib / MINUTES_PER_BLOCK).ceil() as u32;
		let start = start.max(machine.busy_until);
		machine.busy_until = start + blocks;
		machine.spent += ibm * machine.cost.per_ibm;
		start + blocks.max(1)
	}
}

impl Market {
	/// Reacts to the block's events: challenges answered, stages computed, checks verified,
	/// rewards claimed; and counts what happened.
	pub fn on_events(&mut self, now: u32, events: Vec<RuntimeEvent>) {
		use pallet_balances::Event as B;
		use pallet_bmw::Event as Bmw;
		use pallet_jobs::Event as J;
		use pallet_node_registry::Event as R;
		use pallet_verification::Event as V;
		let debug = self.debug;
		for event in events {
			if debug {
				self.tally_event(&event);
			}
			let shown = (debug
				&& matches!(
					event,
					RuntimeEvent::NodeRegistry(R::IbRejected { .. } | R::IbRevoked { .. })
				))
			.then(|| format!("{event:?}"));
			match event {
				// Every way pallet-balances changes the total issuance.
				RuntimeEvent::Balances(B::Minted { amount, .. })
				| RuntimeEvent::Balances(B::MintedCredit { amount })
				| RuntimeEvent::Balances(B::Issued { amount }) => self.issuance_moved += amount as i128,
				RuntimeEvent::Balances(B::Burned { amount, .. })
				| RuntimeEvent::Balances(B::BurnedHeld { amount, .. })
				| RuntimeEvent::Balances(B::BurnedDebt { amount })
				| RuntimeEvent::Balances(B::Rescinded { amount }) => {
					self.issuance_moved -= amount as i128;
					self.burned_total += amount;
				}
				// Transaction fees: burned (BurnedDebt), counted apart too.
				RuntimeEvent::TransactionPayment(
					pallet_transaction_payment::Event::TransactionFeePaid {
						actual_fee, tip, ..
					},
				) => self.fees_paid += actual_fee + tip,
				RuntimeEvent::NodeRegistry(R::ChallengeIssued {
					who,
					challenge,
					seed,
					work_units,
					deadline,
					..
				}) => {
					self.challenges.insert(challenge, seed);
					match self.index.get(&who).copied() {
						Some(Who::Worker(w)) => self.answer(now, w, &seed, work_units, deadline),
						Some(flood @ Who::Flood(..)) => self
							.at(now + 1, Action::Answer { who: flood, answer: true_answer(&seed) }),
						_ => {}
					}
				}
				RuntimeEvent::NodeRegistry(R::IbConfirmed { who, .. }) => {
					if let Some(Who::Worker(w)) = self.index.get(&who).copied() {
						self.people.workers[w].confirmed = true;
					}
				}
				RuntimeEvent::NodeRegistry(R::IbRejected { who, .. })
				| RuntimeEvent::NodeRegistry(R::IbRevoked { who, .. }) => {
					if let Some(Who::Worker(w)) = self.index.get(&who).copied() {
						if self.debug && self.people.workers[w].strategy == Strategy::Honest {
							eprintln!("    block {now}: honest worker {w} {shown:?}");
						}
						// Caught over-claiming (or late): claim what the machine has.
						self.people.workers[w].confirmed = false;
						self.at(now + 1, Action::Reclaim(w));
					}
				}
				RuntimeEvent::Jobs(J::JobSubmitted { job, work_units, .. }) => {
					self.job_ibm.insert(job, work_units as f64 / self.gemm_ref as f64);
				}
				RuntimeEvent::Jobs(J::StageAssigned {
					job,
					stage,
					worker,
					deadline: Some(_),
					..
				}) => {
					match self.index.get(&worker).copied() {
						Some(Who::Worker(w)) => self.work(now, w, job, stage),
						Some(Who::Flood(..)) => self.counts.stages_to_flood += 1,
						_ => {}
					}
					self.counts.stages_assigned += 1;
				}
				RuntimeEvent::Jobs(J::StageSettled { job, stage, ibm, fee, .. }) => {
					self.counts.stages_settled += 1;
					self.counts.ibm_settled += ibm.pico() as f64 / 1e12;
					self.counts.fees += cndr(fee);
					if self.faked.remove(&(job, stage)).is_some() {
						self.counts.fraud_accepted += 1;
					}
				}
				RuntimeEvent::Jobs(J::DeadlineMissed { .. }) => self.counts.deadlines_missed += 1,
				RuntimeEvent::ComputeStaking(pallet_compute_staking::Event::Slashed {
					who,
					amount,
					reason,
					..
				}) => {
					let strategy = match self.index.get(&who) {
						Some(Who::Worker(w)) => self.people.workers[*w].strategy.name(),
						Some(Who::Validator(v)) => self.people.validators[*v].strategy.name(),
						_ => "other",
					};
					*self.counts.slashed.entry(format!("{strategy}:{reason:?}")).or_default() +=
						cndr(amount);
				}
				RuntimeEvent::Jobs(J::StageUnverifiable { .. }) => self.counts.unverifiable += 1,
				RuntimeEvent::Verification(V::Rejected {
					subject: Subject::Stage { job, stage },
					slashed,
					..
				}) => {
					if let Some(machine) = self.faked.remove(&(job, stage)) {
						self.counts.fraud_caught += 1;
						self.people.machines[machine].fake_slashed += cndr(slashed);
					}
					self.rounds.remove(&key(&Subject::Stage { job, stage }));
				}
				RuntimeEvent::Verification(V::Accepted {
					subject: subject @ Subject::Stage { .. },
					reason: pallet_verification::AcceptReason::NotSampled,
					..
				}) => {
					self.stage_decisions.0 += 1;
					self.rounds.remove(&key(&subject));
				}
				RuntimeEvent::Verification(V::Accepted { subject, .. })
				| RuntimeEvent::Verification(V::Unverifiable { subject, .. })
				| RuntimeEvent::Verification(V::Rejected { subject, .. }) => {
					self.rounds.remove(&key(&subject));
				}
				RuntimeEvent::Verification(V::Sampled { subject, worker, committee, .. }) => {
					if matches!(subject, Subject::Stage { .. }) {
						self.stage_decisions.0 += 1;
						self.stage_decisions.1 += 1;
					}
					self.seat(now, subject, &worker, &committee);
				}
				RuntimeEvent::Verification(V::Redrawn { subject, committee, .. }) => {
					let worker = pallet_verification::Checks::<Runtime>::get(subject)
						.map(|check| check.worker);
					if let Some(worker) = worker {
						self.seat(now, subject, &worker, &committee);
					}
				}
				RuntimeEvent::Verification(V::Disputed { subject, committee, .. }) => {
					*self.rounds.entry(key(&subject)).or_default() += 1;
					let worker = pallet_verification::Checks::<Runtime>::get(subject)
						.map(|check| check.worker);
					if let Some(worker) = worker {
						self.seat(now, subject, &worker, &committee);
					}
				}
				RuntimeEvent::Verification(V::VerifierFaulted { verifier, .. }) => {
					self.counts.verifier_faults += 1;
					// An operator tops its verifier bond up, or its node stops serving.
					if let Some(Who::Validator(v)) = self.index.get(&verifier).copied() {
						self.at(now + 1, Action::TopUp(v));
					}
				}
				RuntimeEvent::Verification(V::EpochClosed { epoch, .. }) => {
					for v in 0..self.people.validators.len() {
						self.at(
							now + 1 + (v as u32 % 10),
							Action::ClaimPenalty { validator: v, epoch },
						);
					}
				}
				RuntimeEvent::Bmw(Bmw::FeeBurned { burned, .. }) => {
					self.counts.burned += cndr(burned)
				}
				RuntimeEvent::Bmw(Bmw::Rewarded { epoch, who, earned, .. }) => {
					*self.owed.entry(who.clone()).or_default() += earned.total();
					if let Some(actor) = self.index.get(&who).copied() {
						// Each claims the share vested at once, spread over the next blocks, and
						// the rest once it has all vested.
						let delay = 1 + self.rng.random_range(0..20);
						self.at(now + delay, Action::Claim { who: actor, epoch });
						let vested = now + self.vesting_blocks + delay;
						self.at(vested, Action::Claim { who: actor, epoch });
					}
				}
				RuntimeEvent::Bmw(Bmw::EpochSettled { minted, .. }) => self.minted += minted,
				RuntimeEvent::Bmw(Bmw::RewardClaimed { who, amount, .. })
				| RuntimeEvent::Bmw(Bmw::RewardExpired { who, amount, .. }) => {
					let owed = self.owed.entry(who).or_default();
					*owed = owed.saturating_sub(amount);
				}
				_ => {}
			}
		}
	}

	/// Debugging counts of the block's verification and balances events (`SIM_DEBUG`).
	fn tally_event(&mut self, event: &RuntimeEvent) {
		use pallet_balances::Event as B;
		if let RuntimeEvent::Verification(ref v) = event {
			let name = format!("{v:?}");
			let mut name = name.split([' ', '(']).next().unwrap_or("").to_string();
			if let pallet_verification::Event::Accepted { reason, subject, .. } = v {
				name = format!("Accepted:{reason:?}:{}", matches!(subject, Subject::Stage { .. }));
			}
			if let pallet_verification::Event::VerifierFaulted {
				verifier, fault, subject, ..
			} = v
			{
				let strategy = match self.index.get(verifier) {
					Some(Who::Validator(i)) => self.people.validators[*i].strategy.name(),
					_ => "other",
				};
				name = format!("Faulted:{strategy}:{fault:?}:{}", key(subject).0);
			}
			if let pallet_verification::Event::Sampled {
				subject: Subject::Stage { job, stage },
				..
			} = v
			{
				if self.faked.contains_key(&(*job, *stage)) {
					name = "Sampled:fake".into();
				}
			}
			*self.counts.verification.entry(name).or_default() += 1;
		}
		if let RuntimeEvent::Balances(ref b) = event {
			let name = format!("{b:?}");
			let name = name.split(' ').next().unwrap_or("").to_string();
			let amount = match b {
				B::Withdraw { amount, .. }
				| B::Deposit { amount, .. }
				| B::Slashed { amount, .. }
				| B::Minted { amount, .. }
				| B::Burned { amount, .. }
				| B::Issued { amount }
				| B::Rescinded { amount }
				| B::Suspended { amount, .. }
				| B::Restored { amount, .. } => *amount,
				_ => 0,
			};
			*self.tally.entry(name).or_default() += amount;
		}
		if let RuntimeEvent::TransactionPayment(
			pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
		) = event
		{
			*self.tally.entry("Fee".into()).or_default() += actual_fee;
		}
	}

	/// Worker `w` answers a challenge of `work_units`: computed in its machine's time, or, if
	/// that misses `deadline`, a made-up answer at once (an over-claimer's bluff).
	fn answer(&mut self, now: u32, w: usize, seed: &[u8; 32], work_units: u64, deadline: u32) {
		let ibm = work_units as f64 / self.challenge_ref as f64;
		let machine = &self.people.machines[self.people.workers[w].machine];
		let machine_ib = self.scenario.hardware[machine.hardware].ib;
		let blocks = (ibm / machine_ib / MINUTES_PER_BLOCK).ceil() as u32;
		let ready = now.max(machine.busy_until) + blocks + 1;
		if ready < deadline {
			let done = self.compute(w, now, ibm);
			self.at(done + 1, Action::Answer { who: Who::Worker(w), answer: true_answer(seed) });
		} else {
			let bluff = blake2_256(&(b"bluff", seed).encode());
			self.at(now + 1, Action::Answer { who: Who::Worker(w), answer: bluff });
		}
	}

	/// Worker `w` does stage `stage` of `job`: computes it (or fakes it, as its strategy
	/// says) and delivers the receipt.
	fn work(&mut self, now: u32, w: usize, job: u64, stage: u8) {
		let Some(record) = pallet_jobs::Jobs::<Runtime>::get(job) else { return };
		let JobSpec::Int8Gemm { m, n, .. } = record.spec else { return };
		let output_len = m as u64 * n as u64 * 4;
		let tile_count = output_len.div_ceil(record.tile_bytes.max(1) as u64) as u32;
		let ibm = self.job_ibm.get(&job).copied().unwrap_or(0.0);
		let strategy = self.people.workers[w].strategy;
		let fake = strategy.fake_share() > 0.0 && self.rng.random::<f64>() < strategy.fake_share();
		let (root, done) = if fake {
			let root = blake2_256(&(b"fake", job, stage).encode());
			let account = &self.people.workers[w].account;
			let bond = <cinder_runtime::ComputeStaking as cinder_primitives::ComputeStake<
				_,
				_,
			>>::active_bond(account);
			// What the fake risks: its bond's `fault_slash`, at the rate the chain samples the
			// receipt at (its reliability, the stage's value against the bond).
			let risk = pallet_verification::Pallet::<Runtime>::params().fault_slash * bond;
			let price = record.stages.first().map_or(0, |s| s.price_per_ibm);
			let floor = pallet_compute_staking::Params::<Runtime>::get().floor_price_per_ibm;
			let value = crate::actors::planck(ibm * cndr(price.max(floor)));
			let detection = pallet_jobs::Workloads::<Runtime>::get(record.workload)
				.map_or(sp_runtime::Perbill::one(), |w| w.verification.detection());
			let rate = pallet_verification::Pallet::<Runtime>::rate_for(account, value, detection);
			let machine = self.people.workers[w].machine;
			// A colluding worker's catches depend on its accomplice's seat: realized only.
			if strategy != Strategy::Colluding {
				self.people.machines[machine].fake_expected_slash += cndr(rate * risk);
			}
			self.faked.insert((job, stage), machine);
			(root, now + 1)
		} else {
			(true_root(job, stage), self.compute(w, now, ibm))
		};
		let entry = ReceiptEntry {
			job,
			stage,
			output_root: root,
			output_len,
			tile_count,
			elapsed_ms: 1_000,
		};
		self.at(done, Action::Receipt { worker: w, entry });
	}

	/// The sim's validators on `committee` commit next block to what their strategy says of
	/// `subject`, claimed by `worker`.
	fn seat(&mut self, now: u32, subject: Subject, worker: &AccountId, committee: &[AccountId]) {
		let round = self.rounds.get(&key(&subject)).copied().unwrap_or(0);
		let Some(check) = pallet_verification::Checks::<Runtime>::get(subject) else { return };
		let truth = match subject {
			Subject::Stage { job, stage } => true_root(job, stage),
			Subject::Benchmark { challenge } => match self.challenges.get(&challenge) {
				Some(seed) => true_answer(seed),
				None => return,
			},
		};
		let ibm = match subject {
			Subject::Stage { job, .. } => self.job_ibm.get(&job).copied().unwrap_or(0.0),
			Subject::Benchmark { challenge } => {
				let _ = challenge;
				// A 90 s challenge at the claimed IB, its parts recomputed.
				1.5 * check_ib(worker)
			}
		};
		for member in committee {
			let Some(Who::Validator(v)) = self.index.get(member).copied() else { continue };
			if !self.committed.insert((key(&subject), round, v)) {
				continue;
			}
			let validator = &self.people.validators[v];
			let colluding =
				validator.accomplice.is_some_and(|a| self.people.workers[a].account == *worker);
			let root = match validator.strategy {
				Strategy::SilentVerifier => continue,
				// Agrees with what the worker claimed, read from the chain's own record.
				Strategy::LazyVerifier => check.output_root,
				Strategy::ColludingVerifier if colluding => check.output_root,
				_ => {
					let cost =
						self.scenario.costs.verify_share * ibm * self.verifier_cost_per_ibm();
					self.people.validators[v].spent += cost;
					self.counts.verifier_ibm += self.scenario.costs.verify_share * ibm;
					truth
				}
			};
			self.at(now + 1, Action::Commit { validator: v, subject, root });
		}
	}

	/// A verifier's cost per IBM it recomputes: a data-centre GPU's (the scenario's last
	/// hardware) at full load.
	fn verifier_cost_per_ibm(&self) -> f64 {
		let hardware = self.scenario.hardware.last().expect("a scenario has hardware");
		crate::actors::MachineCost::of(hardware, &self.scenario).full_per_ibm
	}
}

/// The IB a worker's node claims.
fn check_ib(worker: &AccountId) -> f64 {
	pallet_node_registry::Nodes::<Runtime>::get(worker)
		.map_or(0.0, |node| node.claimed_ib.micro() as f64 / 1e6)
}
