//! Records of the verification pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
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
	/// Blocks a committee has to submit its verdicts.
	pub verdict_window: BlockNumber,
	/// Share of its bond a worker proven wrong loses.
	pub fault_slash: Perbill,
	/// Reward epochs a worker proven wrong stays jailed (takes no jobs).
	pub jail_epochs: u32,
	/// Share of the penalty pool's epoch payout that goes to whoever raised a confirmed
	/// dispute; the rest goes to the verifiers that matched the final outcome.
	pub disputer_share: Perbill,
}
