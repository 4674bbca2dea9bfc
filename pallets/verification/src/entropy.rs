//! Randomness no single party controls: every block's randomness (BABE's VRF output, in the
//! runtime) is hashed into one running value, [`Entropy`], and every draw of the pallet (whether
//! a claim is sampled, who sits on its committee, whether its committee is a trap, the bait)
//! takes its seed from that value.
//!
//! A claim is decided `challenge_window` blocks after its inclusion, so its seed mixes the VRF
//! outputs of the `challenge_window − 1` blocks after it (9 at the defaults), most of them by
//! different authors. A BABE author can compute its own slots' VRF outputs ahead (they depend
//! only on the epoch's randomness and the slot), but nobody can compute another author's. So:
//! - **Nobody knows a claim's draws when the claim is made**, unless it authors every block
//!   from the inclusion to the decision: with single-block randomness, the author of the one
//!   block that decides would have known an epoch ahead, and could have timed faked receipts
//!   to go unsampled.
//! - **No author chooses them.** A VRF output cannot be chosen, only withheld: the author of
//!   the last block mixed before a decision sees the seed before anyone else and may withhold
//!   its block, so that the next slot's author builds on the parent and another seed comes
//!   out. That is the residual bias: it chooses between two seeds, at the cost of its block
//!   reward, and an author of the last `k` slots among `k + 1` or more. An outcome of
//!   probability `p` (a claim sampled, a seat on a committee) becomes at most
//!   `1 − (1 − p)^(k+1)`, and at least `p^(k+1)`. A worker colluding with an author (whose
//!   slots are known an epoch ahead) can time its receipts' inclusion so that they are
//!   decided right after that author's slot, and have them sampled at `q²` instead of `q`
//!   (0.06 % instead of 2.5 %), for a block reward per withheld block. Removing it takes a
//!   beacon without a last mover (a threshold signature of the validators, or a VDF), which
//!   BABE does not give.
//! - **Draws that follow a round** (a dispute committee, replacements for seats in default)
//!   are made in the block hook, at the round's deadline or `DRAW_DELAY` blocks after its
//!   last reveal, never inside a member's reveal: a member cannot pick the committee that
//!   follows by the block it reveals in (unless the round's own deadline comes sooner). A
//!   sampled claim that finds no room for its check is sampled in a later block: whether it
//!   is sampled is never drawn twice.
//! - **What else a draw reads**: the serving set as it stands when the hook runs. The author
//!   of the block before a draw knows the seed and orders that block's transactions, so with
//!   verifiers of its own that pause or resume there it picks among more than two committees.
//!   Freezing the set a draw reads before its seed is known (a snapshot per session) closes
//!   that; it is not done yet.
//!
//! Other pallets take this entropy as their randomness ([`Randomness`] is implemented for the
//! pallet): the node registry's benchmark challenge seeds come from it, so a node learns its
//! challenge's workload only once the block before its claim is built (the author of that
//! block a block earlier), not an epoch ahead as an author knows its own slot's VRF output.
//! That head start, a block or two, is small beside the challenge's answer window.
//!
//! The runtime's BABE runs primary and secondary VRF slots, so every block carries a VRF
//! output.

use codec::Encode;
use frame_support::{pallet_prelude::*, traits::Randomness};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Hash, Zero};

use crate::{pallet::*, MixedEntropy, WeightInfo};

/// The subject the randomness is asked for.
pub const RANDOMNESS_SUBJECT: &[u8] = b"cinder/verification";

impl<T: Config> Pallet<T> {
	/// Hashes the newest block randomness into [`Entropy`], once per block it comes from; a
	/// block without randomness (none yet, or none given) mixes nothing.
	pub fn mix_entropy() -> Weight {
		let (random, known_at) = T::Randomness::random(RANDOMNESS_SUBJECT);
		if let Some(random) = random {
			let entropy = Entropy::<T>::get();
			if entropy.as_ref().is_none_or(|e| known_at > e.newest) {
				let last = entropy.map(|e| e.value).unwrap_or_default();
				let value = sp_io::hashing::blake2_256(&(last, random, known_at).encode());
				Entropy::<T>::put(MixedEntropy { value, newest: known_at });
			}
		}
		T::WeightInfo::mix_entropy()
	}

	/// The seed of the pallet's draws: the randomness of every block so far mixed into one
	/// value, with the newest block it holds; `None` before any randomness exists.
	pub(crate) fn seed() -> Option<([u8; 32], BlockNumberFor<T>)> {
		Entropy::<T>::get().map(|entropy| (entropy.value, entropy.newest))
	}
}

/// The entropy as randomness for other pallets (the node registry's challenge seeds): the hash
/// of `subject` and the entropy, with the newest block mixed into it; `None` before any
/// randomness exists. What it gives is known to everyone once that block is built, and to its
/// author a block earlier; it is not known an epoch ahead to any author, as a single block's
/// VRF output is to the author of that block.
impl<T: Config> Randomness<Option<T::Hash>, BlockNumberFor<T>> for Pallet<T> {
	fn random(subject: &[u8]) -> (Option<T::Hash>, BlockNumberFor<T>) {
		match Entropy::<T>::get() {
			Some(entropy) => {
				let hash = T::Hashing::hash_of(&(b"cinder/entropy", subject, entropy.value));
				(Some(hash), entropy.newest)
			}
			None => (None, Zero::zero()),
		}
	}
}
