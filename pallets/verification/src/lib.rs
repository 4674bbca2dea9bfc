//! # Verification pallet
//!
//! Validators check workers' proof-of-work receipts by redundant sampling: randomness from a
//! block after a receipt's inclusion (BABE's VRF output) decides whether it is sampled, a
//! committee of verifiers drawn from those that *serve* (Verifier nodes of active validators,
//! on time with their heartbeats; never the claim's own node) recompute or check it
//! (Freivalds' test for GEMM, Merkle tile sampling for the outputs whose workload declares
//! it), and their verdicts accept it or open a dispute that a larger
//! committee decides by a majority of its seats. Unsampled receipts are accepted when the
//! challenge window ends.
//!
//! **Verification fails closed.** A sampled claim is accepted only when verifiers who did the
//! work say so. Silence never accepts: a seat left unanswered at its deadline is redrawn, a
//! dispute without a majority is redrawn, and a claim no serving verifier decides ends
//! `Unverifiable` ([`UnverifiableReason`]): a receipt is not paid (its job fails and the escrow
//! goes back to the submitter), a benchmark answer does not confirm the IB, and nobody is
//! slashed. The one exception is `accept_without_verifiers`, a parameter for development
//! chains that run with no verifier at all: it accepts a sampled claim unchecked only while no
//! verifier serves, never one whose committee stayed silent; every preset but `development`
//! keeps it off.
//!
//! Answers to the node registry's benchmark challenges go the same way, as claims of their own
//! ([`Subject::Benchmark`]), except that they are always sampled: a committee checks the
//! seeded workload (each member recomputes parts of it it draws itself, proved against the
//! answer), and its word comes back to the registry ([`BenchmarkOutcomes`]) and
//! confirms the claimed IB as independently checked, rejects it (no slash: the node may not be
//! bonded yet), or leaves it unconfirmed when unverifiable.
//!
//! ## How a receipt is decided
//! 1. **Intake** ([`intake`]): the jobs pallet hands over each recorded receipt
//!    ([`ReceiptVerifier`]). Its sampling rate is fixed then, from the worker's reliability and
//!    the job's fee against the worker's bond ([`sampling::sampling_rate`]), and it joins a
//!    paged queue in inclusion order (`IntakePages`, at most `MaxIntakePages` pages; a full
//!    queue refuses the receipt, which the worker may send again). Benchmark answers wait in a
//!    queue of their own (`BenchmarkIntake`, at most `MaxBenchmarkIntake`), so a flood of
//!    answers never makes a receipt refused.
//! 2. **Decision** (`on_initialize`, at most `MaxDecisionsPerBlock` a block): when a receipt's
//!    challenge window has ended, the randomness of every block so far mixed into one value
//!    ([`entropy`]: BABE's VRF outputs in the runtime, the `challenge_window − 1` blocks after
//!    the receipt's inclusion among them, so nobody knew it when the receipt was included and
//!    no author chose it) decides whether it is sampled. Unsampled, it is accepted. Sampled, a committee of `committee_size` verifiers
//!    (all that serve, when fewer do) is drawn without repetition ([`committee`]) from the
//!    [`VerifierDirectory`]'s serving set, in O(committee size): entries that stopped serving
//!    since the set was last brought up to date are passed over, never seated. With nobody to
//!    draw, the receipt is unverifiable.
//! 3. **Verdicts, committed then revealed** ([`checks`]): each member first commits to its
//!    verdict (`commit_verdict`, a hash of the verdict, its account and a secret salt:
//!    [`verdict_commitment`]) within `verdict_window` blocks, then reveals it
//!    (`reveal_verdict`) once every seat has committed, before the deadline `reveal_window`
//!    blocks after the commit phase. No verdict of a round is visible before every commitment
//!    is in, so no member can copy another's. A round ends at the reveal that decides it or
//!    at its deadline, which a last reveal that decides nothing brings forward to
//!    `DRAW_DELAY` (3) blocks later, so that what is drawn next comes from randomness the
//!    last revealer could not know when it chose its block: every seat agrees → accepted; a
//!    disagreement in the sampling round → dispute: `dispute_committee_size` verifiers are
//!    drawn (an odd number, so a full dispute cannot
//!    tie) and a majority of the seats decides. At a round's deadline, seats in default (no
//!    commitment; or no reveal, once every seat had committed) are faulted and given to
//!    serving verifiers not dismissed from this check before (`Redrawn`); the other members
//!    keep their sealed commitments, which open only when the newcomers have committed too,
//!    and their revealed verdicts, which stay binding. A newcomer sees a verdict before
//!    committing only when a seat withheld its reveal, which cost that seat a fault. After
//!    `max_redraws` redraws, when not every such seat can be filled, or when every seat of a
//!    dispute revealed without a majority, the claim is unverifiable. A verdict is always a
//!    root ([`Verdict`]): the verifier's own, or the worker's once it checked the worker's
//!    output (Freivalds' test, or tile sampling: rows drawn by the member itself, fetched with
//!    their Merkle proofs and recomputed); never a bare yes. A dispute recomputes the whole
//!    output, so no claim is rejected on a sample alone.
//!    **Traps**: a sampled claim's sampling committee is a trap with probability
//!    `trap_rate`, drawn with the same randomness: it is shown a wrong root (the bait, a hash
//!    of the claim's root and that randomness) in place of the worker's, through its redraws.
//!    A member that reveals the bait agreed without computing: when its round ends it is
//!    faulted (`TrapSprung`, [`VerifierFault::Baited`]) and its seat redrawn; every other
//!    verdict is taken against the worker's real root, so the trap checks the claim as any
//!    round does. A dispute is shown the worker's root.
//! 4. **Outcome**: a worker proven wrong loses `fault_slash` of its bond to the penalty pool, is
//!    jailed for `jail_epochs`, forfeits its unpaid rewards of the epoch, and its stage goes to
//!    another worker at no charge to the submitter. A verifier on the losing side, without
//!    a revealed verdict at the deadline, or that revealed a trap's bait gets no credit, loses `verifier_fault_slash` of its
//!    verifier bond (held in compute staking by its node's account) to the penalty pool, and
//!    is reported through [`VerifierOffences`] against the validator stash recorded when it
//!    was seated (the runtime reports it to pallet-offences, so pallet-staking may slash and
//!    disable the validator). Verdicts that match the outcome earn credits. An unverifiable
//!    claim earns nobody credit. Two exceptions, both for members that honestly check part
//!    of a claim. Refuting a benchmark answer that is then cleared is no fault (and earns
//!    nothing), because verifiers refute an answer whose parts its node does not serve them,
//!    and the node chooses whom it serves. Agreeing with a claim proven wrong is no fault (and
//!    earns nothing) when the member's check covered a sample of it ([`Coverage`]: every
//!    round of a benchmark answer's check, and the sampling committee of a stage whose
//!    workload declares tile sampling): an honest member misses a fake confined to parts it
//!    did not draw, and faulting it would let a worker fake a little to have honest verifiers
//!    slashed. A dispute member of a stage recomputes the whole output, so its agreement with
//!    a receipt proven wrong is a fault.
//!
//! ## Verifiers answer for their seats
//! A committee records each member's stash when it draws it, and a fault is answered by the
//! member's own verifier bond, per fault: pallet-staking applies only the largest slash of an
//! era, and a chain's genesis validators may be invulnerable, so the offence report alone
//! would let faults stop adding up. A verifier that deregisters, unbonds or whose stash leaves
//! the validator set while holding a seat is still faulted: its bond stays slashable while it
//! unbonds (compute staking's `unbonding_epochs` reward epochs: two 3-day epochs by default,
//! against a check's [longest path](Pallet::longest_check_path) of 418 blocks at the defaults in Cinder's runtime;
//! the runtime checks every genesis preset's delay against it), and the stash recorded at the
//! draw is still reported.
//! 5. **Penalty pool** ([`penalty_pool`]): when a reward epoch ends, the pool's balance is
//!    split: `disputer_share` pro rata to confirmed disputes, the rest pro rata to matched
//!    verdicts; each verifier claims its share (`claim_penalty_share`), and the claims add up to
//!    the pot exactly. A share not claimed within `HistoryDepth` epochs expires: its epoch's
//!    records are removed with blocks' spare weight (`on_idle`), and what it still owed goes
//!    back to the pool for the next pot, so the records kept grow with the verifiers of the
//!    last `HistoryDepth` epochs, not with the chain's age.
//!
//! ## Default parameters, and why
//!
//! | parameter | default |
//! |---|---|
//! | `base_sampling_rate` (reliability 0) | 2.5 % |
//! | `floor_sampling_rate` (reliability 100 %) | 1 % |
//! | `sampling_margin` over the break-even rate | 2 |
//! | `committee_size` / `dispute_committee_size` | 2 / 5 |
//! | `challenge_window` / `verdict_window` (commit) / `reveal_window` | 10 / 30 / 10 blocks (1 / 3 / 1 min) |
//! | `fault_slash` / `jail_epochs` | 10 % of the bond / 2 reward epochs |
//! | `verifier_fault_slash` (each fault, every time) | 10 % of the verifier bond |
//! | `disputer_share` of the penalty pool payout | 10 % |
//! | `max_redraws` of a check's silent seats | 2 (each a fresh `verdict_window`) |
//! | `trap_rate` of sampling rounds | 5 % |
//! | `accept_without_verifiers` | off (on in the `development` preset only) |
//!
//! Notation (DESIGN §6): a receipt is sampled at rate `q` and checked by `k` verifiers; a check
//! catches a faked job with probability `d` (re-execution and tile sampling of a job faked
//! whole: 1; a two-round Freivalds test: at least 3/4); the worker asks `P` per IBM and the
//! stake's collateral floor is `P_f` (0.1 CNDR per IBM in Cinder's presets: the lowest honest
//! cost of an IBM); its bond is `B ≥ S(n) = 2 · E · IB · max(P, P_f)` with `E = 4320`, so a
//! proven fault costs it `fault_slash · B ≥ 864 · IB · max(P, P_f)` — 864 minutes of its
//! full-capacity billing, or of its honest cost when it prices below the floor.
//!
//! **A worker faking any fraction of its jobs loses money in expectation, at any price it
//! sets.** Faking a stage saves at most its value `V`: its fee `F` (IBM × `P`) when the worker
//! prices above cost, else its cost, at most IBM × `P_f`; so `V = IBM · max(P, P_f) ≥ F`
//! ([`cinder_primitives::ReceiptSubmitted::value`]). A caught fake costs `fault_slash · B` and
//! the job's reward; the reward is not the fee (the fee is burned and paid to the foundation;
//! the worker earns emission credits, possibly far less), so only the slash is counted. Faking
//! gains at most `V − q · d · fault_slash · B`, and every receipt is sampled at
//! `q ≥ sampling_margin · V / (d · fault_slash · B)` ([`sampling::sampling_rate`]), which makes
//! that gain at most `−V`: each faked job loses money in expectation, so faking a fraction `f`
//! of `n` jobs loses about `f · n · V̄` for every `f > 0` — before the forfeited rewards, the
//! jail and the lost epoch rewards, which only add to the loss. That rate is at most 100 %
//! exactly when `sampling_margin · V ≤ d · fault_slash · B` ([`sampling::can_deter`]), and
//! routing gives a stage only to a worker whose bond meets it (the jobs pallet's
//! `JobTooLargeForEveryBond` otherwise): a stage may be worth up to `d · fault_slash · B / 2`,
//! 432 minutes of the worker's full capacity at a bond of S(n) with certain detection, 324
//! under a two-round Freivalds test, whatever price it asks; larger stages need a larger bond.
//! Without the floor a worker priced at 1 planck bonded 8,640 planck per IB and, checked on
//! every receipt, still saved the cost of each faked job for a few planck of risk. The
//! reliability rate alone gives this for jobs up to about 3.2 minutes of the worker's full
//! capacity (`V ≤ q_floor · d · 864 · IB · max(P, P_f) / 2`); longer jobs are sampled in
//! proportion to their value, up to every receipt. `tests/economics.rs` checks each statement
//! with these defaults, at prices from 1 planck to 100 times the floor. What it does not cover:
//! one bond backs all of a worker's stages in flight (`slots_per_worker`, 4 by default), each
//! checked against the whole bond, and each slash takes `fault_slash` of what is left.
//!
//! **Verifier compute stays ≤ 5 % of worker compute.** It is `q · k · r`, with `r` the check's
//! cost relative to the job. At the reliability rate, `q ≤ 2.5 %` and `k = 2` give at most
//! 5 % even for a full re-execution (`r = 1`), and 2 % for reliable workers at the floor. The
//! checks cost less: measured (`worker/benches/verifier_share.rs`, CPU twin), a GEMM's
//! Freivalds test with the fetched output hashed against its root is `r` = 0.32–0.61 for
//! n = 1024–256 (the hashing, O(n²) like the test, dominates; both fall as 1/n against the
//! n³ product), tile sampling of 32 rows of a 256-row MLP or render output `r` = 0.42–0.46,
//! falling as 32 over the rows; so a new worker's receipts cost its verifiers 1.6–3.1 % of its
//! compute, and a benchmark answer (16 of its parts recomputed by each member) 0.0027–0.0094 %
//! of its challenge. An output of no more rows than the sample is recomputed whole (`r` ≈ 1),
//! as is every output in a dispute. A job longer than ~3.2 minutes of its worker's capacity is
//! sampled more, but then its check is a smaller fraction of it; `tests/economics.rs`
//! computes `q · k · r` for such jobs.
//!
//! **Collusion.** A forged result passes a committee of 2 with a corrupt share `β` of verifiers
//! only if both are corrupt: `β²` (1 % at β = 10 %); a dispute is decided by 3 of its 5 seats.
//! Silent verifiers cannot lower that bar: a silent seat is redrawn, never counted as
//! agreement, so a claim passes only with `k` agreeing verdicts (or a majority of a dispute).
//! Nor can a member lean on another's work: verdicts are committed before any is revealed,
//! so each committed verdict is its own (or a guess).
//!
//! **A verifier that agrees with what it is shown is caught.** One that reveals the root it
//! is shown without computing is caught on each check with probability `trap_rate`
//! (τ = 5 %), and each catch costs it `verifier_fault_slash` of its verifier bond and the
//! check's credit: over `n` checks it is caught with probability `1 − (1 − τ)ⁿ` — more than
//! half within 14 checks, 90 % within 45, 99 % within 90 — and expects to lose
//! `τ · verifier_fault_slash` of its bond per check (0.5 % of 100 CNDR: 0.5 CNDR), while an
//! honest verifier is never caught (the bait is a 256-bit hash, never the real root). What a
//! trap does not catch: the claimed root is public (the jobs pallet records each receipt's),
//! so a verifier that compares what it is shown with the receipt on chain can tell a trap,
//! and one that reveals the worker's root without computing, trusting the worker, passes
//! every trap. Such a verifier is caught only when the worker is wrong: then any member that
//! computed reveals another root, the dispute rejects the claim, and the one that trusted the
//! worker is faulted for its wrong verdict — except where its check covers a sample
//! ([`Coverage`]), where agreeing with a wrong claim is an honest miss too: there it only
//! loses the check's credit. So where verifiers trust workers, a committee catches what its
//! computing members catch: with a share `λ` of trusting verifiers, a committee of `k` lets a
//! fake faked whole through with `λᵏ`, as a corrupt share does (Collusion, above). Closing it
//! needs the sample to be provable: rows drawn from the revealed salt, and a dispute that
//! shows one of a member's own rows wrong faults it. `tests/traps.rs` checks the catch on every trap
//! and none otherwise, and `tests/economics.rs` these numbers.
//!
//! **Randomness no single party controls** ([`entropy`]). Every draw (sampled or not, the
//! committee, the trap and its bait) is seeded by the VRF outputs of every block so far,
//! mixed into one value, so a claim's draws depend on the `challenge_window − 1` blocks after
//! its inclusion: nobody knows them when the claim is made unless it authors every one of
//! those blocks. The residual bias: the author of the last block before a decision may
//! withhold it and take the next author's draw instead, once per slot it holds, at the cost
//! of its block reward; a worker colluding with it could time its receipts to be decided
//! right after that author's slots and have them sampled at `q²` instead of `q`. Draws that
//! follow a round (disputes, redraws) are made in the block hook, never inside a member's
//! reveal, so no member picks the next committee by the block it reveals in. Not closed yet:
//! the author of the block before a draw orders that block's transactions, so verifiers of
//! its own that pause or resume there change the serving set the draw reads.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
pub mod checks;
pub mod committee;
pub mod entropy;
pub mod intake;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod invariants;
mod params;
pub mod penalty_pool;
pub mod runtime_api;
pub mod sampling;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use cinder_primitives::{
	BenchmarkOutcomes, BenchmarkProofs, ChallengeId, ComputeStake, JobId, JobSettlement,
	ProofCheck, ReceiptVerifier, ReliabilityEvents, RewardEpochIndex, RewardEpochs, RewardForfeits,
	StageIndex, VerifierDirectory, VerifierRewards, WorkerDirectory,
};
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use frame_support::weights::Weight;

/// Balance type of the currency the penalty pool pays in.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

/// A check as stored.
pub type CheckOf<T> = Check<
	<T as frame_system::Config>::AccountId,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::MaxCommitteeSize,
	MaxDismissedOf<T>,
>;

/// Most members one check can dismiss: a full committee at every redraw and at the dispute.
pub struct MaxDismissedOf<T>(core::marker::PhantomData<T>);
impl<T: Config> frame_support::traits::Get<u32> for MaxDismissedOf<T> {
	fn get() -> u32 {
		T::MaxCommitteeSize::get().saturating_mul(T::MaxRedraws::get().saturating_add(1))
	}
}

/// A receipt in the intake queue as stored.
pub type IntakeEntryOf<T> = IntakeEntry<
	<T as frame_system::Config>::AccountId,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;

/// Where verifier faults go besides the verifier bond: the runtime reports them to
/// pallet-offences against the verifier's validator stash, so pallet-staking slashes and
/// chills it.
pub trait VerifierOffences<AccountId> {
	/// The verifier seated for validator `stash` committed `fault` while checking `subject`.
	fn report(stash: &AccountId, fault: VerifierFault, subject: Subject);
	/// The most one [`Self::report`] costs; the pallet's weights add it once per committee
	/// member that could be reported.
	fn report_weight() -> Weight;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate},
			Randomness,
		},
	};
	use frame_system::pallet_prelude::{BlockNumberFor, *};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency the penalty pool pays verifiers in.
		type Currency: Inspect<Self::AccountId> + Mutate<Self::AccountId>;

		/// Settles or rejects receipts (the jobs pallet).
		type Jobs: JobSettlement<Error = DispatchError>;

		/// Where the word on benchmark answers goes: it confirms or rejects the claimed IB
		/// (the node registry).
		type Benchmarks: BenchmarkOutcomes<Self::AccountId>;

		/// Workers' reliability, which sets their sampling rate (the node registry).
		type Workers: WorkerDirectory<Self::AccountId, BalanceOf<Self>>;

		/// Workers' bonds: what a fault costs them, slashes and jails (compute-staking).
		type Stake: ComputeStake<Self::AccountId, BalanceOf<Self>, Error = DispatchError>;

		/// Where verification results feed the workers' reliability (the node registry).
		type Reliability: ReliabilityEvents<Self::AccountId>;

		/// Takes a faulty worker's unpaid rewards of the epoch (the BMW pallet).
		type Forfeits: RewardForfeits<Self::AccountId>;

		/// The verifier pool of the epoch's emission (bmw), told of verdicts that matched the
		/// outcome.
		type Rewards: VerifierRewards<Self::AccountId>;

		/// The verifiers committees are drawn from: the serving Verifier nodes of active
		/// validators.
		type Verifiers: VerifierDirectory<Self::AccountId>;

		/// Where verifier faults are reported.
		type Offences: VerifierOffences<Self::AccountId>;

		/// Randomness of the newest block (BABE's VRF output of the parent block), with that
		/// block's number: each block's is mixed into [`Entropy`], which seeds every draw.
		type Randomness: Randomness<Option<Self::Hash>, BlockNumberFor<Self>>;

		/// The reward epoch (credits and penalty-pool payouts are per epoch).
		type Epochs: RewardEpochs;

		/// The account slashed funds are paid into (the same as compute-staking's).
		#[pallet::constant]
		type PenaltyPool: Get<Self::AccountId>;

		/// Who sets the parameters (root or governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Largest committee (of `committee_size` and `dispute_committee_size`).
		#[pallet::constant]
		type MaxCommitteeSize: Get<u32>;

		/// Most times the silent seats of one check may be redrawn (`max_redraws` is at most
		/// this).
		#[pallet::constant]
		type MaxRedraws: Get<u32>;

		/// Receipts per page of the intake queue.
		#[pallet::constant]
		type IntakePageSize: Get<u32>;

		/// Pages of the intake queue; when all are full, receipts are refused until the queue
		/// drains.
		#[pallet::constant]
		type MaxIntakePages: Get<u32>;

		/// Benchmark answers waiting for their check, at most: a queue of their own, so no
		/// number of answers can fill the receipts' intake; a full one refuses answers (the
		/// node may answer again before its challenge's deadline).
		#[pallet::constant]
		type MaxBenchmarkIntake: Get<u32>;

		/// Sampling decisions taken at most per block: receipts first, then benchmark answers
		/// with what receipts left of it.
		#[pallet::constant]
		type MaxDecisionsPerBlock: Get<u32>;

		/// Checks whose verdict deadline may fall in one block; benchmark answers' rounds take
		/// at most half of them (rounded up), the rest are kept for receipts.
		#[pallet::constant]
		type MaxChecksPerBlock: Get<u32>;

		/// Reward epochs a closed epoch's penalty-pool shares can be claimed: epoch `p`'s until
		/// epoch `p + HistoryDepth` ends; then what they still owe goes back to the pool (the
		/// BMW pallet's rewards are kept as long).
		#[pallet::constant]
		type HistoryDepth: Get<u32>;

		/// Weights of the calls and the block hook.
		type WeightInfo: WeightInfo;

		/// Sets up the verifier directory, bonds and randomness for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<Self::AccountId>;
	}

	/// The randomness of every block so far, mixed into one value: the seed of every draw
	/// (see [`crate::entropy`]); `None` before the first block with randomness.
	#[pallet::storage]
	pub type Entropy<T: Config> = StorageValue<_, MixedEntropy<BlockNumberFor<T>>, OptionQuery>;

	/// The parameters; unset means [`Pallet::default_params`].
	#[pallet::storage]
	pub type Params<T: Config> =
		StorageValue<_, VerificationParams<BlockNumberFor<T>>, OptionQuery>;

	/// Where the intake queue stands.
	#[pallet::storage]
	pub type Intake<T: Config> = StorageValue<_, IntakeQueue, ValueQuery>;

	/// The intake queue's pages: claims waiting for their sampling decision.
	#[pallet::storage]
	pub type IntakePages<T: Config> = StorageMap<
		_,
		Twox64Concat,
		u32,
		BoundedVec<IntakeEntryOf<T>, T::IntakePageSize>,
		ValueQuery,
	>;

	/// Benchmark answers waiting for their check, in inclusion order (their own queue: they
	/// never take a receipt's place in the intake, nor a decision a receipt was due).
	#[pallet::storage]
	pub type BenchmarkIntake<T: Config> =
		StorageValue<_, BoundedVec<IntakeEntryOf<T>, T::MaxBenchmarkIntake>, ValueQuery>;

	/// Sampled claims under check, by subject.
	#[pallet::storage]
	pub type Checks<T: Config> = StorageMap<_, Twox64Concat, Subject, CheckOf<T>, OptionQuery>;

	/// The checks whose verdict deadline is a block (entries of checks decided earlier, or
	/// given a later deadline by a dispute, are skipped when the block comes).
	#[pallet::storage]
	pub type CheckDeadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<Subject, T::MaxChecksPerBlock>,
		ValueQuery,
	>;

	/// The reward epoch credits are counted in; when the epoch clock passes it, it closes.
	#[pallet::storage]
	pub type CreditEpoch<T: Config> = StorageValue<_, RewardEpochIndex, ValueQuery>;

	/// Each verifier's credits per reward epoch (removed when claimed).
	#[pallet::storage]
	pub type VerifierCredits<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		RewardEpochIndex,
		Blake2_128Concat,
		T::AccountId,
		Credits,
		ValueQuery,
	>;

	/// All verifiers' credits per reward epoch.
	#[pallet::storage]
	pub type EpochCredits<T: Config> =
		StorageMap<_, Twox64Concat, RewardEpochIndex, Credits, ValueQuery>;

	/// The penalty pool's payout of each closed epoch that had credits.
	#[pallet::storage]
	pub type Payouts<T: Config> =
		StorageMap<_, Twox64Concat, RewardEpochIndex, EpochPayout<BalanceOf<T>>, OptionQuery>;

	/// The oldest epoch whose credits and payout are kept (every earlier one has expired).
	#[pallet::storage]
	pub type NextToExpire<T: Config> = StorageValue<_, RewardEpochIndex, ValueQuery>;

	/// What the penalty pool owes to closed epochs' unclaimed shares (not part of the next
	/// pot).
	#[pallet::storage]
	pub type Reserved<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Initial parameters; `None` uses [`Pallet::default_params`].
		pub params: Option<VerificationParams<BlockNumberFor<T>>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let params = self.params.unwrap_or_else(Pallet::<T>::default_params);
			assert!(Pallet::<T>::params_are_valid(&params), "invalid verification params");
			Params::<T>::put(params);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The parameters were set.
		ParamsSet { params: VerificationParams<BlockNumberFor<T>> },
		/// `worker`'s claim on `subject` was sampled: `committee` must commit verdicts before
		/// block `commits_until` and reveal them before block `deadline`.
		Sampled {
			subject: Subject,
			worker: T::AccountId,
			committee: BoundedVec<T::AccountId, T::MaxCommitteeSize>,
			commits_until: BlockNumberFor<T>,
			deadline: BlockNumberFor<T>,
		},
		/// `verifier` committed to a verdict on `subject` (hidden until it reveals it).
		VerdictCommitted { subject: Subject, verifier: T::AccountId },
		/// `verifier` revealed its verdict on `subject`: the claim is right (`agrees`) or wrong
		/// (`false` too for a trap's bait).
		VerdictRevealed { subject: Subject, verifier: T::AccountId, agrees: bool },
		/// The claim on `subject` is disputed by `disputer`: `committee` commits before block
		/// `commits_until`, reveals before block `deadline`, and a majority of its seats decides.
		Disputed {
			subject: Subject,
			disputer: Option<T::AccountId>,
			committee: BoundedVec<T::AccountId, T::MaxCommitteeSize>,
			commits_until: BlockNumberFor<T>,
			deadline: BlockNumberFor<T>,
		},
		/// The seats of `dismissed` (in default: no commitment, or no reveal once reveals were
		/// open) on `subject`'s check were given to other serving verifiers: `committee` (the
		/// whole committee now; the other members keep their sealed commitments and revealed
		/// verdicts) commits before block `commits_until` and reveals before block `deadline`.
		/// This was redraw number `redraw`.
		Redrawn {
			subject: Subject,
			dismissed: BoundedVec<T::AccountId, T::MaxCommitteeSize>,
			committee: BoundedVec<T::AccountId, T::MaxCommitteeSize>,
			commits_until: BlockNumberFor<T>,
			deadline: BlockNumberFor<T>,
			redraw: u8,
		},
		/// A round of `subject`'s sampling committee ended, and it was a trap: the committee
		/// was shown `bait`, a wrong root, in place of the worker's. The members in `caught`
		/// revealed it, having agreed without computing: each is faulted and loses its seat.
		/// The others' verdicts count on the worker's real claim.
		TrapSprung {
			subject: Subject,
			bait: [u8; 32],
			caught: BoundedVec<T::AccountId, T::MaxCommitteeSize>,
		},
		/// `worker`'s claim on `subject` was accepted, for `reason`: a receipt settles, a
		/// benchmark answer confirms the claimed IB.
		Accepted { subject: Subject, worker: T::AccountId, reason: AcceptReason },
		/// No serving verifier's word decided `worker`'s claim on `subject`, for `reason`: a
		/// receipt is not paid and its job fails with the escrow refunded, a benchmark answer
		/// does not confirm the IB; nobody is slashed.
		Unverifiable { subject: Subject, worker: T::AccountId, reason: UnverifiableReason },
		/// `worker`'s claim on `subject` was proven wrong. For a receipt, `slashed` went to
		/// the penalty pool, the worker is jailed until reward epoch `jailed_until`, and the
		/// stage goes to another worker at no charge to the submitter; a wrong benchmark answer
		/// rejects the claimed IB (nothing slashed, no jail).
		Rejected {
			subject: Subject,
			worker: T::AccountId,
			slashed: BalanceOf<T>,
			jailed_until: Option<RewardEpochIndex>,
		},
		/// `verifier`, seated for validator `stash`, committed `fault` on `subject`: no credit,
		/// `slashed` of its verifier bond went to the penalty pool, and the stash was reported
		/// as an offence.
		VerifierFaulted {
			subject: Subject,
			verifier: T::AccountId,
			stash: T::AccountId,
			fault: VerifierFault,
			slashed: BalanceOf<T>,
		},
		/// Reward epoch `epoch` closed: the penalty pool pays `pot` for its `credits`.
		EpochClosed { epoch: RewardEpochIndex, pot: BalanceOf<T>, credits: Credits },
		/// `verifier` was paid `amount` from the penalty pool for epoch `epoch`.
		PenaltySharePaid { epoch: RewardEpochIndex, verifier: T::AccountId, amount: BalanceOf<T> },
		/// The shares of `epoch` nobody claimed within `HistoryDepth` epochs expired: `returned`
		/// goes back to the penalty pool, for the next epoch's pot.
		PayoutExpired { epoch: RewardEpochIndex, returned: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Parameters out of range: the floor rate above the base rate, a margin under 2 or a
		/// zero fault slash (faking would not lose money), a
		/// committee empty or above `MaxCommitteeSize`, a dispute committee not larger than the
		/// committee or of an even size (a full dispute could tie), a challenge window under 2
		/// blocks, a zero verdict or reveal window, or `max_redraws` above `MaxRedraws`.
		InvalidParams,
		/// No check is open for this subject: it was not sampled, or is decided.
		NotUnderCheck,
		/// The sender is not on the committee of this check's current round.
		NotInCommittee,
		/// The reveal deadline of this round has passed.
		VerdictTooLate,
		/// The sender already committed in this round (or revealed).
		AlreadyVoted,
		/// The commit phase of this round is over: a member that did not commit cannot answer
		/// this round.
		CommitsClosed,
		/// Reveals open once every seat of the round has committed: reveal then.
		RevealsNotOpen,
		/// The sender has no commitment to reveal in this round: commit first.
		NotCommitted,
		/// The verdict and salt do not hash to the sender's commitment
		/// (`verdict_commitment(subject, sender, verdict, salt)`).
		RevealMismatch,
		/// Too many checks already end in the blocks a dispute could end in; try again in a
		/// few blocks.
		ChecksFull,
		/// The epoch has not closed yet, or had no credits.
		EpochNotClosed,
		/// The verifier has no unclaimed credit in this epoch.
		NothingToClaim,
		/// The epoch's shares expired: they can be claimed for `HistoryDepth` epochs only.
		ShareExpired,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Mixes the newest block's randomness into [`Entropy`], closes the reward epoch when
		/// it ends, decides checks whose deadline is this block, then takes sampling decisions
		/// for receipts whose challenge window ended, and then for benchmark answers, within the
		/// block's decisions the receipts left.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let mut weight = Self::mix_entropy();
			weight.saturating_accrue(Self::roll_epoch());
			weight.saturating_accrue(Self::expire_checks(now));
			let (receipts, decided) = Self::decide_receipts(now);
			weight.saturating_accrue(receipts);
			let budget = T::MaxDecisionsPerBlock::get().saturating_sub(decided);
			weight.saturating_accrue(Self::decide_benchmarks(now, budget));
			weight
		}

		/// Expires penalty-pool shares older than `HistoryDepth` epochs with the block's spare
		/// weight.
		fn on_idle(_now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::expire_payout(remaining)
		}

		fn integrity_test() {
			assert!(
				Pallet::<T>::params_are_valid(&Pallet::<T>::default_params()),
				"the default verification params are valid for this runtime"
			);
			assert!(T::IntakePageSize::get() > 0 && T::MaxIntakePages::get() > 0);
			assert!(T::MaxBenchmarkIntake::get() > 0, "benchmark answers need a queue");
			assert!(
				T::MaxChecksPerBlock::get() >= 2,
				"a block's deadlines are shared between receipts and benchmark answers"
			);
			assert!(T::HistoryDepth::get() > 0, "a closed epoch's shares need time to be claimed");
			assert!(T::MaxRedraws::get() <= u8::MAX as u32, "redraws are counted in a u8");
			assert!(
				T::MaxChecksPerBlock::get().saturating_mul(checks::DEADLINE_SPILL)
					>= T::MaxDecisionsPerBlock::get(),
				"a block's sampling decisions fit in the deadline buckets they may spill into"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Set the verification parameters.
		///
		/// - `origin`: `AdminOrigin`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(
			origin: OriginFor<T>,
			params: VerificationParams<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(Self::params_are_valid(&params), Error::<T>::InvalidParams);
			Params::<T>::put(params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}

		/// Commit to a verdict on a sampled claim, as a member of its committee, without
		/// showing it: no member can copy another's verdict, since every commitment of a round
		/// is in before any verdict is revealed.
		///
		/// - `origin`: a verifier on the committee of the check's current round, not yet
		///   committed in it.
		/// - `subject`: a job's stage (the receipt), or a benchmark challenge (the answer).
		/// - `commitment`: [`verdict_commitment`]`(subject, origin, verdict, salt)` with a
		///   32-byte salt drawn at random and kept until the reveal.
		///
		/// Taken before the round's `commits_until` block, while some seat has not committed.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::commit_verdict(T::MaxCommitteeSize::get()))]
		pub fn commit_verdict(
			origin: OriginFor<T>,
			subject: Subject,
			commitment: [u8; 32],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_commit_verdict(who, subject, commitment)
		}

		/// Reveal the verdict behind the sender's commitment.
		///
		/// - `origin`: a committee member that committed in the current round.
		/// - `subject`: the check.
		/// - `verdict`: the root of the output the verifier holds for the claim.
		/// - `salt`: the salt of the commitment.
		///
		/// Taken once every seat has committed, before the round's deadline. A reveal that
		/// decides the round ends it: every seat agreeing accepts the claim, a dispute's
		/// majority of seats accepts or rejects it (a worker's receipt: slashed and jailed; a
		/// benchmark answer: the IB claim rejected). A last reveal that decides nothing (a
		/// disagreement in the sampling committee, a trap's bait) brings the round's deadline
		/// forward to `DRAW_DELAY` blocks later, where the dispute or the redraw is drawn.
		#[pallet::call_index(4)]
		#[pallet::weight(Pallet::<T>::reveal_verdict_weight())]
		pub fn reveal_verdict(
			origin: OriginFor<T>,
			subject: Subject,
			verdict: Verdict,
			salt: [u8; 32],
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			// Only the reveal that decides its round pays for the decision; any other, and a
			// refused one, at most for booking the round's next step.
			let undecided = T::WeightInfo::reveal_verdict_undecided(T::MaxCommitteeSize::get());
			match Self::do_reveal_verdict(who, subject, verdict, salt) {
				Ok(true) => Ok(().into()),
				Ok(false) => Ok(Some(undecided).into()),
				Err(error) => Err(frame_support::dispatch::WithPostDispatchInfo::with_weight(
					error, undecided,
				)),
			}
		}

		/// Pay `verifier` its share of the penalty pool for a closed reward epoch.
		///
		/// - `origin`: any signed account (the payout goes to `verifier`).
		/// - `epoch`: a closed epoch with credits, at most `HistoryDepth` epochs old.
		/// - `verifier`: a verifier with unclaimed credits in it.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::claim_penalty_share())]
		pub fn claim_penalty_share(
			origin: OriginFor<T>,
			epoch: RewardEpochIndex,
			verifier: T::AccountId,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_claim(epoch, verifier)
		}
	}
}
