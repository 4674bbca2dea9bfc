//! Records of the verification pallet.

use cinder_primitives::{ChallengeId, JobId, StageIndex};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::Get, BoundedVec};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// The verification parameters, set by the admin origin. The defaults and the arithmetic behind
/// them are in the crate documentation.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct VerificationParams<BlockNumber> {
	/// Sampling rate of a worker with no reliability (new or unreliable): the highest rate the
	/// reliability rule gives.
	pub base_sampling_rate: Perbill,
	/// Sampling rate of a fully reliable worker: the lowest rate any receipt is sampled at.
	pub floor_sampling_rate: Perbill,
	/// A receipt is sampled at least this many times the rate at which faking its job breaks
	/// even (its fee against the slash a proven fault costs), so large jobs are checked more.
	pub sampling_margin: u8,
	/// Verifiers drawn for a sampled receipt; all must agree with the worker.
	pub committee_size: u8,
	/// Verifiers drawn when a committee disagrees (a dispute); the majority decides.
	pub dispute_committee_size: u8,
	/// Blocks after a receipt's inclusion until, unsampled, it is accepted.
	pub challenge_window: BlockNumber,
	/// Blocks a committee has to commit its verdicts (the commit phase of a round).
	pub verdict_window: BlockNumber,
	/// Blocks after the commit phase to reveal them (reveals open earlier, as soon as every
	/// seat has committed).
	pub reveal_window: BlockNumber,
	/// Share of its bond a worker proven wrong loses.
	pub fault_slash: Perbill,
	/// Share of its verifier bond (compute staking) a verifier loses for each fault on a check:
	/// a verdict against the outcome, or silence past the deadline. Every fault is slashed,
	/// so they add up (unlike pallet-staking, which applies the largest slash of an era).
	pub verifier_fault_slash: Perbill,
	/// Share of sampled claims whose sampling committee is a trap: it is shown a wrong root
	/// (the worker's, altered) in place of the worker's, and a member that reveals it, having
	/// agreed without computing, is faulted and its seat redrawn. The other verdicts count on
	/// the worker's real claim, so an honest verifier never notices. A verifier that reveals
	/// the root it is shown without computing is caught on each check with this probability.
	pub trap_rate: Perbill,
	/// Reward epochs a worker proven wrong stays jailed (takes no jobs).
	pub jail_epochs: u32,
	/// Share of the penalty pool's epoch payout that goes to whoever raised a confirmed
	/// dispute; the rest goes to the verifiers that matched the final outcome.
	pub disputer_share: Perbill,
	/// Times a check's seats in default (no commitment, or no reveal once reveals were open)
	/// are redrawn, each redraw with a fresh commit phase, before the claim ends unverifiable
	/// (at most the runtime's `MaxRedraws`).
	pub max_redraws: u8,
	/// **Development chains only.** Accept a sampled claim unchecked when no verifier serves
	/// at all (`Accepted { reason: NoVerifiers }`; a benchmark answer then confirms the IB as
	/// not independently checked), so a dev chain without a verifier still settles jobs.
	/// Every other chain keeps it `false`: there a claim no serving verifier checked is never
	/// paid nor confirmed (`Unverifiable`). It never accepts a claim whose committee stayed
	/// silent.
	pub accept_without_verifiers: bool,
}

/// The randomness of every block so far, mixed into one value (see [`crate::entropy`]).
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct MixedEntropy<BlockNumber> {
	/// blake2-256 of (the previous value, a block's randomness, that block's number), for
	/// every block with randomness since the chain began.
	pub value: [u8; 32],
	/// The newest block whose randomness is in `value`.
	pub newest: BlockNumber,
}

/// What a check is about: a claimed output commitment to be recomputed.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
)]
pub enum Subject {
	/// A worker's receipt for stage `stage` of job `job` (the jobs pallet).
	Stage { job: JobId, stage: StageIndex },
	/// A node's answer to benchmark challenge `challenge` (the node registry holds its seed
	/// and size); always checked.
	Benchmark { challenge: ChallengeId },
}

/// A check awaiting one verifier's verdict, as the runtime API gives it.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct PendingCheck<AccountId, BlockNumber> {
	/// What is checked: recompute it (a job's stage, or a benchmark challenge's workload).
	pub subject: Subject,
	/// Who claims it.
	pub worker: AccountId,
	/// The claimed output commitment (in a trap round, a wrong one: see
	/// [`VerificationParams::trap_rate`]).
	pub output_root: [u8; 32],
	/// What the chain waits for from this verifier: its commitment, or its reveal.
	pub awaiting: Awaiting,
	/// Whether the round is the dispute: a member commits once in the sampling round and
	/// once in the dispute (each commitment kept, sealed, through the round's redraws).
	pub dispute: bool,
	/// Commitments are taken before this block.
	pub commits_until: BlockNumber,
	/// The reveal must come before this block.
	pub deadline: BlockNumber,
}

/// What a committee member owes a check's round.
#[derive(Encode, Decode, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Awaiting {
	/// Its commitment to a verdict ([`verdict_commitment`]), before the commit phase ends.
	Commit,
	/// The verdict and salt behind its commitment; `open` once reveals are taken (every seat
	/// has committed).
	Reveal { open: bool },
}

/// Domain of a verdict commitment.
pub const VERDICT_DOMAIN: [u8; 14] = *b"cinder/verdict";

/// What a member commits to before revealing `verdict` on `subject`: blake2-256 of the SCALE
/// encoding of (`VERDICT_DOMAIN`, `subject`, `verifier`, `verdict`, `salt`). The verifier's
/// account is inside, so a member that copies another's commitment cannot reveal it; the salt
/// (32 random bytes, kept secret until the reveal) hides a verdict that has few possible
/// values.
pub fn verdict_commitment<AccountId: Encode>(
	subject: &Subject,
	verifier: &AccountId,
	verdict: &Verdict,
	salt: &[u8; 32],
) -> [u8; 32] {
	sp_io::hashing::blake2_256(&(VERDICT_DOMAIN, subject, verifier, verdict, salt).encode())
}

/// A claim waiting in the intake queue for its sampling decision: a receipt, or an answer to
/// a benchmark challenge.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct IntakeEntry<AccountId, BlockNumber> {
	/// What is claimed.
	pub subject: Subject,
	/// The worker (or node) that claims it.
	pub worker: AccountId,
	/// The claimed output commitment.
	pub output_root: [u8; 32],
	/// Its sampling rate, fixed at inclusion: from the worker's reliability and the job's
	/// fee for a receipt, 100 % for a benchmark answer.
	pub rate: Perbill,
	/// How much of the claim each round's check covers.
	pub coverage: Coverage,
	/// The block the claim was included in.
	pub included_at: BlockNumber,
}

/// How much of a claim a committee member's check covers, which decides whether agreeing with
/// a claim proven wrong is a fault: an honest member whose check covers a sample can miss a
/// fake confined to the rest, so its agreement earns nothing but costs nothing (or a worker
/// could fake a little to have honest verifiers slashed).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum Coverage {
	/// Every round checks the whole claim (a re-execution; a Freivalds test, which a
	/// verifier runs with enough random vectors to miss a wrong product with at most 2⁻³²):
	/// agreeing with a claim proven wrong is a fault.
	Whole,
	/// The sampling committee checks a sample of the output (tile sampling), a dispute all of
	/// it: only a dispute member's agreement with a claim proven wrong is a fault.
	SampleThenWhole,
	/// Every round checks a sample (a benchmark answer: a few of its parts, drawn by each
	/// member): no agreement with a claim proven wrong is a fault.
	Sample,
}

impl Coverage {
	/// Whether a member of the sampling committee (`sampling`) or of the dispute checks all
	/// of the claim.
	pub fn whole_in(self, sampling: bool) -> bool {
		match self {
			Coverage::Whole => true,
			Coverage::SampleThenWhole => !sampling,
			Coverage::Sample => false,
		}
	}
}

/// Where the intake queue stands: receipts are appended to page `tail` and decided from
/// position `next` of page `head`, in inclusion order.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct IntakeQueue {
	/// The page decisions are read from.
	pub head: u32,
	/// The position in `head` of the next receipt to decide.
	pub next: u32,
	/// The page receipts are appended to.
	pub tail: u32,
	/// Receipts waiting for a decision.
	pub queued: u32,
}

impl IntakeQueue {
	/// Pages in use, `head..=tail`.
	pub fn pages(&self) -> u32 {
		self.tail.wrapping_sub(self.head).saturating_add(1)
	}
}

/// What a verifier found: the Merkle root of the output it holds for the claim, recomputed or
/// checked (a GEMM output put to Freivalds' test is the worker's, under the worker's root). A
/// verdict is a root, never a bare yes: agreeing with a claim takes knowing its root, and the
/// chain's traps ([`VerificationParams::trap_rate`]) show a wrong one.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum Verdict {
	/// The Merkle root of the verifier's output; agrees when it equals the claim's.
	Commitment([u8; 32]),
}

impl Verdict {
	/// Whether this verdict agrees with a claim committing to `output_root`.
	pub fn agrees_with(&self, output_root: &[u8; 32]) -> bool {
		match self {
			Verdict::Commitment(root) => root == output_root,
		}
	}
}

/// A committee member's vote so far.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum Vote {
	/// Nothing yet.
	Silent,
	/// Committed to a verdict ([`verdict_commitment`]), not revealed yet.
	Committed([u8; 32]),
	/// Revealed: the claim is right.
	Agree,
	/// Revealed: the claim is wrong.
	Disagree,
	/// Revealed, in a trap round, the wrong root the committee was shown: it agreed without
	/// computing. Faulted when the round ends, and its seat counts as in default.
	Baited,
}

impl Vote {
	/// Whether the verdict is revealed.
	pub fn is_revealed(&self) -> bool {
		matches!(self, Vote::Agree | Vote::Disagree | Vote::Baited)
	}
}

/// A member of a committee and its vote.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct Member<AccountId> {
	/// The verifier: the account that signs its verdicts and holds its verifier bond.
	pub who: AccountId,
	/// The validator stash it verified for when it was seated: its offences are reported
	/// against this stash, even if the node has left the registry or the stash the validator
	/// set since.
	pub stash: AccountId,
	/// Its vote.
	pub vote: Vote,
}

/// Which committee is deciding a check.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub enum Round<AccountId> {
	/// The sampling committee: every member must agree with the worker.
	Committee,
	/// The dispute committee, drawn after the sampling committee revealed a disagreement
	/// (raised by `disputer`, the first member that disagreed): the majority of its seats
	/// decides.
	Dispute { disputer: Option<AccountId> },
}

/// A sampled claim under check.
#[derive(
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
	frame_support::CloneNoBound,
	frame_support::PartialEqNoBound,
	frame_support::EqNoBound,
	frame_support::DebugNoBound,
)]
#[scale_info(skip_type_params(MaxCommittee, MaxDismissed))]
pub struct Check<
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxCommittee: Get<u32>,
	MaxDismissed: Get<u32>,
> {
	/// The worker whose receipt it is.
	pub worker: AccountId,
	/// The receipt's output commitment.
	pub output_root: [u8; 32],
	/// How much of the claim each round's check covers.
	pub coverage: Coverage,
	/// In a trap: the wrong root the sampling committee is shown in place of `output_root`,
	/// through its redraws (a member revealing it is faulted); cleared at a dispute, which is
	/// shown `output_root`.
	pub bait: Option<[u8; 32]>,
	/// The round in progress.
	pub round: Round<AccountId>,
	/// The committee of the round in progress.
	pub members: BoundedVec<Member<AccountId>, MaxCommittee>,
	/// The sampling committee's votes, once a dispute replaced it.
	pub earlier: BoundedVec<Member<AccountId>, MaxCommittee>,
	/// Commitments are taken before this block; reveals once every seat has committed.
	pub commits_until: BlockNumber,
	/// Reveals are taken before this block; at its start the round is decided, or its seats
	/// in default (no commitment, or no reveal once reveals were open) are redrawn.
	pub deadline: BlockNumber,
	/// Members dismissed from their seats for default (no commitment, or no reveal once
	/// reveals were open): never drawn again for this check.
	pub dismissed: BoundedVec<AccountId, MaxDismissed>,
	/// Times seats of this check were redrawn.
	pub redraws: u8,
}

/// Why a receipt was accepted.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum AcceptReason {
	/// Not sampled: accepted when its challenge window ended.
	NotSampled,
	/// Sampled while no verifier served, on a development chain that accepts such claims
	/// unchecked (`accept_without_verifiers`); never on any other chain.
	NoVerifiers,
	/// Every seat of the sampling committee agreed.
	CommitteeAgreed,
	/// A majority of the dispute committee's seats found it right.
	DisputeCleared,
}

/// Why no verifier's word decided a claim: it is not paid (a receipt's job fails with its
/// escrow refunded) nor confirmed (a benchmark answer), and nobody is slashed for it.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum UnverifiableReason {
	/// No verifier served when a committee was to be drawn.
	NoVerifiers,
	/// Seats stayed in default (silent, or revealing a trap's bait) through `max_redraws`
	/// redraws, or no serving verifier was left to take them.
	Silent,
	/// Every seat of a dispute answered and no side has a majority of them.
	NoMajority,
	/// Every block a new deadline could be booked in was full.
	ChecksFull,
}

/// A verifier's fault, reported as an offence.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
)]
pub enum VerifierFault {
	/// Its verdict was on the losing side (except a refutation of a benchmark answer that is
	/// then cleared: whether the node served its parts to a verifier is the node's choice).
	WrongVerdict,
	/// It revealed no verdict before the deadline (committed or not).
	Silent,
	/// In a trap round, it revealed the wrong root the chain showed it: it agreed without
	/// computing.
	Baited,
}

/// A verifier's credits in a reward epoch.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
)]
pub struct Credits {
	/// Verdicts that matched the final outcome.
	pub matched: u32,
	/// Disputes it raised that proved the worker wrong.
	pub disputes: u32,
}

impl Credits {
	/// No credit at all.
	pub fn is_empty(&self) -> bool {
		self.matched == 0 && self.disputes == 0
	}
}

/// The penalty pool's payout for a closed reward epoch.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct EpochPayout<Balance> {
	/// What the pool held for this epoch when it closed (less what earlier epochs still owe).
	pub pot: Balance,
	/// The part paid pro rata to matched verdicts.
	pub verifier_pot: Balance,
	/// The part paid pro rata to confirmed disputes (`disputer_share`; none without disputes).
	pub disputer_pot: Balance,
	/// The epoch's credits when it closed.
	pub credits: Credits,
	/// The credits not claimed yet.
	pub unclaimed: Credits,
	/// What is still owed; the last claim takes all of it, rounding included, so the claims
	/// add up to `pot` exactly.
	pub unpaid: Balance,
}
