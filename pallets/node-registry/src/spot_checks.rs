//! Spot checks: the chain challenges eligible workers again at random, for the IB in force, so
//! capacity confirmed once must still be there (and one machine cannot keep confirmed IB for
//! many accounts it does not serve).
//!
//! Each block draws `eligible workers / spot_check_every` members of the all-workers pool
//! uniformly (the fraction drawn at random; at most `MaxSpotChecksPerBlock`), with the parent
//! block's randomness ([`Config::SpotRandomness`]): the draw is not known before the block
//! before it is built, too late for a worker to leave the pool. A drawn worker gets a challenge
//! for its confirmed IB, sized and timed like a claim's. Until the verifiers confirm the answer
//! it keeps its IB and its jobs but earns no availability reward; a wrong, late or missing
//! answer revokes the IB (`IbRevoked`), so the worker leaves the pools until a new claim is
//! confirmed.
//!
//! Nothing the worker does puts a spot check off:
//! - an unanswered claim gives way to it (`IbRejected` with `Superseded`, the claim deposit
//!   returned), and no new claim replaces it (`SpotCheckPending`);
//! - behind a claim whose answer is under check it is left due (no availability meanwhile) and
//!   issued if that claim fails; a confirmed claim proved the IB now in force;
//! - once its deadline passes unanswered the worker takes no new stage, and its next heartbeat,
//!   pause, resume or `mark_offline`, or anyone's `expire_challenge`, revokes the IB;
//! - an answer the verifiers cannot take now (their queue is full) keeps the check open
//!   (`SpotAnswerDeferred`), so congestion never costs an honest worker its IB.
//!
//! A spot check carries no claim deposit (the chain asked).

use codec::Encode;
use frame_support::{pallet_prelude::*, traits::Randomness};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::SaturatedConversion;

use crate::{
	pallet::*, ChallengeFailure, NodeRecord, NodeRole, NodeStatus, WeightInfo, WorkerPool,
};

impl<T: Config> Pallet<T> {
	/// Issues this block's spot checks; returns their weight.
	pub(crate) fn spot_check(now: BlockNumberFor<T>) -> Weight {
		let mut weight = T::WeightInfo::spot_check_base();
		let size = PoolSize::<T>::get(WorkerPool::AllWorkers);
		if size == 0 {
			return weight;
		}
		let every = Self::params().spot_check_every.saturated_into::<u128>().max(1);
		let (random, _) = T::SpotRandomness::random(b"cinder/spot-check");
		let seed = sp_io::hashing::blake2_256(&(random, now).encode());
		let draw = |index: u32| -> u128 {
			let hash = sp_io::hashing::blake2_256(&(seed, index).encode());
			u128::from_le_bytes(hash[..16].try_into().unwrap_or([0; 16]))
		};
		let size = size as u128;
		let extra = draw(u32::MAX) % every < size % every;
		let count = (size / every)
			.saturating_add(extra as u128)
			.min(T::MaxSpotChecksPerBlock::get() as u128) as u32;
		for index in 0..count {
			let position = (draw(index) % size) as u32;
			weight.saturating_accrue(T::WeightInfo::spot_check());
			if let Some(seat) = PoolMembers::<T>::get(WorkerPool::AllWorkers, position) {
				Self::issue_spot_check(&seat.who);
			}
		}
		weight
	}

	/// Challenges `who` for its IB in force, if it is an active, timely worker with a confirmed
	/// IB (a pool may still hold a worker whose change is not applied yet). An unanswered
	/// claim gives way to the spot check (`Superseded`, its deposit returned), so a standing
	/// claim cannot shield the IB in force; behind a claim whose answer is under check the spot
	/// check is left due, issued if that claim fails.
	fn issue_spot_check(who: &T::AccountId) {
		let Some(mut node) = Nodes::<T>::get(who) else { return };
		let Some(confirmed) = node.confirmed_ib else { return };
		if node.role != NodeRole::Worker
			|| node.status != NodeStatus::Active
			|| Self::is_overdue(&node)
			|| Self::spot_check_pending(&node)
		{
			return;
		}
		match node.challenge {
			Some(claim) if claim.answer.is_some() => node.spot_due = true,
			pending => {
				if let Some(claim) = pending {
					Self::drop_claim(who, claim.claimed_ib, ChallengeFailure::Superseded);
				}
				node.challenge = Some(Self::new_challenge(who, confirmed.ib, true));
			}
		}
		Nodes::<T>::insert(who, node);
	}

	/// Issues the spot check left due behind a claim that just failed, on `node` (not stored).
	pub(crate) fn issue_due_spot_check(who: &T::AccountId, node: &mut NodeRecord<T>) {
		if !core::mem::take(&mut node.spot_due) {
			return;
		}
		if let Some(confirmed) = node.confirmed_ib {
			node.challenge = Some(Self::new_challenge(who, confirmed.ib, true));
		}
	}

	/// Ends `who`'s spot check on its record `node` (not stored) for `reason`: the IB is
	/// revoked, unless no verifier could check an answer given on time.
	pub(crate) fn end_spot_check(
		who: &T::AccountId,
		node: &mut NodeRecord<T>,
		reason: ChallengeFailure,
	) {
		let Some(challenge) = node.challenge.take() else { return };
		if reason == ChallengeFailure::Unverifiable {
			Self::deposit_event(Event::SpotCheckUnverified {
				who: who.clone(),
				challenge: challenge.id,
			});
			return;
		}
		node.confirmed_ib = None;
		Self::deposit_event(Event::IbRevoked {
			who: who.clone(),
			ib: challenge.claimed_ib,
			reason,
		});
	}

	/// Whether `node` has a spot check pending, or due behind a claim under check: no
	/// availability reward meanwhile.
	pub(crate) fn spot_check_pending(node: &NodeRecord<T>) -> bool {
		node.spot_due || node.challenge.is_some_and(|c| c.spot)
	}

	/// Whether `node`'s spot check passed its deadline unanswered: the worker gets no new
	/// stage until it is expired (by its next heartbeat, pause, resume, `mark_offline` or
	/// anyone's `expire_challenge`) and its IB revoked.
	pub(crate) fn spot_check_overdue(node: &NodeRecord<T>) -> bool {
		let now = frame_system::Pallet::<T>::block_number();
		node.challenge.is_some_and(|c| c.spot && c.answer.is_none() && now > c.deadline)
	}

	/// Ends `who`'s spot check on `node` (not stored) if its deadline passed unanswered.
	pub(crate) fn expire_spot_check(who: &T::AccountId, node: &mut NodeRecord<T>) {
		if Self::spot_check_overdue(node) {
			Self::end_spot_check(who, node, ChallengeFailure::Missing);
		}
	}
}
