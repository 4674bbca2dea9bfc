//! Spot checks: the chain challenges eligible workers again at random, for the IB in force, so
//! capacity confirmed once must still be there (and one machine cannot keep confirmed IB for
//! many accounts it does not serve).
//!
//! Each block draws `eligible workers / spot_check_every` members of the all-workers pool
//! uniformly (the fraction drawn at random; at most `MaxSpotChecksPerBlock`), with randomness
//! the worker cannot steer: no call of its own decides when it is checked. A drawn worker with
//! no challenge pending gets one for its confirmed IB, sized and timed like a claim's. Until the
//! verifiers confirm the answer it keeps its IB and its jobs but earns no availability reward; a
//! wrong, late or missing answer revokes the IB (`IbRevoked`), so the worker leaves the pools
//! until a new claim is confirmed. A spot check carries no claim deposit (the chain asked), and
//! a new claim cannot replace it (`SpotCheckPending`).

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
		let (random, _) = T::Randomness::random(b"cinder/spot-check");
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

	/// Challenges `who` for its IB in force, if it is an active worker with a confirmed IB and
	/// no challenge pending (a pool may still hold a worker whose change is not applied yet).
	fn issue_spot_check(who: &T::AccountId) {
		let Some(mut node) = Nodes::<T>::get(who) else { return };
		let Some(confirmed) = node.confirmed_ib else { return };
		if node.role != NodeRole::Worker
			|| node.status != NodeStatus::Active
			|| node.challenge.is_some()
		{
			return;
		}
		node.challenge = Some(Self::new_challenge(who, confirmed.ib, true));
		Nodes::<T>::insert(who, node);
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

	/// Whether `node` has a spot check pending: no availability reward meanwhile.
	pub(crate) fn spot_check_pending(node: &NodeRecord<T>) -> bool {
		node.challenge.is_some_and(|c| c.spot)
	}

	/// Ends `who`'s spot check on `node` (not stored) if its deadline passed unanswered; returns
	/// whether it did.
	pub(crate) fn expire_spot_check(who: &T::AccountId, node: &mut NodeRecord<T>) -> bool {
		let now = frame_system::Pallet::<T>::block_number();
		let overdue =
			node.challenge.is_some_and(|c| c.spot && c.answer.is_none() && now > c.deadline);
		if overdue {
			Self::end_spot_check(who, node, ChallengeFailure::Missing);
		}
		overdue
	}
}
