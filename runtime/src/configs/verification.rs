//! Verification of receipts by committees of validators, and the offences of verifiers.
//!
//! A verifier on the losing side of a check, without a revealed verdict at its deadline, or that
//! revealed a trap's bait (the wrong root a trap round shows), loses part of its verifier bond (compute staking, per fault) and is reported to pallet-offences
//! against the validator stash its Verifier node was bound to when it was seated; the
//! offence is handled by pallet-staking like any other: the stash and its nominators are
//! slashed by the offence's fraction of their exposure (after `SlashDeferDuration`, so
//! governance can cancel a wrong slash), and the validator may be disabled for the era.

use alloc::{vec, vec::Vec};
use frame_support::{parameter_types, traits::ConstU32, weights::Weight};
use frame_system::EnsureRoot;
use pallet_session::historical::IdentificationTuple;
use pallet_verification::{Subject, VerifierFault, VerifierOffences};
use sp_runtime::{traits::Convert, Perbill};
use sp_staking::{
	offence::{Kind, Offence, ReportOffence},
	SessionIndex,
};

use crate::{
	configs::RewardEpochClock, AccountId, Balances, ComputeStaking, Jobs, NodeRegistry, Offences,
	PenaltyPool, Runtime,
};

parameter_types! {
	/// Share of its exposure a validator loses for a verdict against the final outcome of a
	/// check: 1 %. Kernels are integer-exact, so a wrong verdict is a lie or a broken verifier.
	pub const WrongVerdictSlash: Perbill = Perbill::from_percent(1);
	/// Share lost for each check left unanswered past its deadline, or whose trap's bait the
	/// verifier revealed: 0.01 %, so a hundred missed checks cost what one wrong verdict does.
	pub const SilenceSlash: Perbill = Perbill::from_parts(100_000);
}

/// A verifier's fault on one check, as pallet-offences sees it.
pub struct VerifierOffence {
	/// The faulty verifier's validator stash, with its identification in the session.
	pub offender: IdentificationTuple<Runtime>,
	/// What it did.
	pub fault: VerifierFault,
	/// What was checked.
	pub subject: Subject,
	/// The session the fault was reported in.
	pub session_index: SessionIndex,
	/// Validators in that session.
	pub validator_set_count: u32,
}

impl Offence<IdentificationTuple<Runtime>> for VerifierOffence {
	const ID: Kind = *b"cinder:verifier:";
	/// One slot per check and kind of fault: the same fault on the same check is reported
	/// once, faults on different checks are separate offences.
	type Slot = (Subject, VerifierFault);

	fn offenders(&self) -> Vec<IdentificationTuple<Runtime>> {
		vec![self.offender.clone()]
	}

	fn session_index(&self) -> SessionIndex {
		self.session_index
	}

	fn validator_set_count(&self) -> u32 {
		self.validator_set_count
	}

	fn slot(&self) -> Self::Slot {
		(self.subject, self.fault)
	}

	fn slash_fraction(&self, _offenders_count: u32) -> Perbill {
		match self.fault {
			VerifierFault::WrongVerdict => WrongVerdictSlash::get(),
			// A member that committed to a trap's bait can still withhold its reveal and be
			// faulted as silent instead: revealing it costs no more, or it never would.
			VerifierFault::Silent | VerifierFault::Baited => SilenceSlash::get(),
		}
	}
}

/// Reports verifier faults to pallet-offences against the validator stash the committee
/// recorded when it seated the verifier, whether or not the node is still registered. What a
/// fault always costs is the verifier bond (the verification pallet slashes it per fault);
/// this report adds pallet-staking's answer, which an era's largest slash, a stash no longer
/// exposed or an invulnerable validator may limit.
pub struct StakingOffences;
impl VerifierOffences<AccountId> for StakingOffences {
	fn report(stash: &AccountId, fault: VerifierFault, subject: Subject) {
		let identification =
			<Runtime as pallet_session::historical::Config>::FullIdentificationOf::convert(
				stash.clone(),
			);
		let Some(identification) = identification else {
			log::warn!(
				target: "runtime::verification",
				"stash {stash:?} is not validating, {fault:?} on {subject:?} not reported"
			);
			return;
		};
		let offence = VerifierOffence {
			offender: (stash.clone(), identification),
			fault,
			subject,
			session_index: pallet_session::CurrentIndex::<Runtime>::get(),
			validator_set_count: pallet_session::Validators::<Runtime>::decode_len().unwrap_or(0)
				as u32,
		};
		if let Err(error) = Offences::report_offence(Vec::new(), offence) {
			log::warn!(target: "runtime::verification", "offence of {stash:?} on {subject:?}: {error:?}");
		}
	}

	/// Reading the identification and the session (3 reads), the offence's bookkeeping in
	/// pallet-offences (3 reads, 3 writes) and pallet-staking's `on_offence` for one offender
	/// (era, exposure, slashing spans, the unapplied slash and disabling: about 12 reads and
	/// 6 writes), plus the computation.
	fn report_weight() -> Weight {
		<Runtime as frame_system::Config>::DbWeight::get()
			.reads_writes(18, 9)
			.saturating_add(Weight::from_parts(50_000_000, 8_000))
	}
}

impl pallet_verification::Config for Runtime {
	type Currency = Balances;
	type Jobs = Jobs;
	type Benchmarks = NodeRegistry;
	type Workers = NodeRegistry;
	type Stake = ComputeStaking;
	type Reliability = NodeRegistry;
	// A worker proven wrong forfeits its rewards of the epoch.
	type Forfeits = crate::Bmw;
	// Verdicts that matched the outcome earn from the epoch's verifier pool.
	type Rewards = crate::Bmw;
	type Verifiers = NodeRegistry;
	type Offences = StakingOffences;
	// BABE's VRF output of the parent block, mixed each block into the pallet's entropy, which
	// seeds every draw.
	type Randomness = pallet_babe::ParentBlockRandomness<Runtime>;
	type Epochs = RewardEpochClock;
	type PenaltyPool = PenaltyPool;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MaxCommitteeSize = ConstU32<9>;
	// Silent seats of one check are redrawn at most 4 times (the default allows 2).
	type MaxRedraws = ConstU32<4>;
	type IntakePageSize = ConstU32<256>;
	// 16,384 receipts waiting for their sampling decision: 137 blocks of decisions.
	type MaxIntakePages = ConstU32<64>;
	// Benchmark answers waiting for their check, in a queue of their own: 96 answers, each a
	// committee recomputing 16 parts of a 90 s challenge; a full queue refuses answers, never
	// receipts. Claims' answers take at most 48; the other 48 hold the spot checks' answers,
	// at most 40 at once (4 spot checks a block, each answer queued for the 10-block
	// challenge window).
	type MaxBenchmarkIntake = ConstU32<96>;
	// Sized so the hook at its worst stays within a quarter of a block (tests/config.rs): a
	// decision costs up to a draw that passes over stale verifiers plus a settlement, a voided
	// job or a reassignment routed through the pool's tree (~3.2 ms), a check at its deadline
	// with nine seats redrawn past the most dismissed members, or decided against its worker with every member's verifier bond slashed, its
	// stash reported and credited, up to ~25 ms. At the default rates (≤ 2.5 %) 100 decisions
	// open about 3 checks a block; more wait for a free deadline slot (a block's decisions
	// spill over at most 17 blocks of 6 deadlines).
	type MaxDecisionsPerBlock = ConstU32<100>;
	type MaxChecksPerBlock = ConstU32<6>;
	type HistoryDepth = ConstU32<{ super::compute::REWARD_HISTORY_DEPTH }>;
	type WeightInfo = pallet_verification::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = VerificationBenchmarkHelper;
}

/// Benchmark setup for verification: verifiers are registered Verifier nodes of bonded,
/// elected validators; the worker bonds through compute staking.
#[cfg(feature = "runtime-benchmarks")]
pub struct VerificationBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_verification::benchmarking::BenchmarkHelper<AccountId> for VerificationBenchmarkHelper {
	fn set_verifiers(verifiers: &[AccountId]) {
		use pallet_node_registry::{benchmarking::BenchmarkHelper, NodeRole};
		pallet_session::Validators::<Runtime>::kill();
		for who in verifiers {
			super::RegistryBenchmarkHelper::make_validator(who);
			crate::dev_nodes::register_lavapipe(
				who,
				NodeRole::Verifier { stash: who.clone() },
				1,
				Vec::new(),
			)
			.expect("a validator registers its Verifier node");
		}
	}

	fn bond_worker(worker: &AccountId) {
		<super::RegistryBenchmarkHelper as pallet_node_registry::benchmarking::BenchmarkHelper<
			AccountId,
		>>::bond_plenty(worker);
	}

	fn prepare_randomness() {
		// BABE's parent-block randomness: the VRF output the last block put into storage.
		pallet_babe::AuthorVrfRandomness::<Runtime>::put(Some([7; 32]));
	}
	fn set_epoch(epoch: cinder_primitives::RewardEpochIndex) {
		pallet_bmw::CurrentEpoch::<Runtime>::put(epoch);
	}
}
