//! Timed benchmark challenges: issuing, answering, expiring, and the verifiers' word on an
//! answer.

use cinder_primitives::Ib;
use codec::Encode;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{InspectHold, MutateHold},
		Randomness,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedFrom, Zero},
	SaturatedConversion,
};

use crate::{
	pallet::*, weights::WeightInfo, BenchmarkOutcomes, BenchmarkProofs, Challenge,
	ChallengeFailure, ChallengeId, ComputeStake, ConfirmedIb, HoldReason, NodeRecord, ProofCheck,
	ProofPlan, RegistryParams,
};

/// Claims' answers that may wait for room in the verifiers' queue ([`AnswersWaiting`]): about
/// a hundred blocks of benchmark checks at three a block.
pub const MAX_ANSWERS_WAITING: u32 = 256;

/// Waiting answers handed to the verifiers in one block, at most.
pub const MAX_HANDOVERS_PER_BLOCK: u32 = 8;

impl<T: Config> Pallet<T> {
	/// Work units that take `ib` about `challenge_seconds` (at least 1).
	pub fn challenge_size(ib: Ib) -> u64 {
		let params = Self::params();
		let units = (params.work_units_per_ib_minute as u128)
			.saturating_mul(ib.micro() as u128)
			.saturating_mul(params.challenge_seconds as u128)
			/ (60 * Ib::RESOLUTION as u128);
		units.clamp(1, u64::MAX as u128) as u64
	}

	/// Blocks a node has to answer a challenge under `params`: `challenge_seconds` of compute
	/// with `answer_tolerance_percent` more, in blocks (rounded up), plus
	/// `answer_latency_blocks`. An answer included later is `Late`: the claimed IB was not met.
	pub fn answer_blocks(params: &RegistryParams<BlockNumberFor<T>>) -> BlockNumberFor<T> {
		let millis = (params.challenge_seconds as u128)
			.saturating_mul(1_000)
			.saturating_mul(100u128.saturating_add(params.answer_tolerance_percent as u128))
			/ 100;
		let blocks = millis.div_ceil(T::MillisecsPerBlock::get().max(1) as u128);
		BlockNumberFor::<T>::unique_saturated_from(blocks)
			.saturating_add(params.answer_latency_blocks)
	}

	/// Puts a challenge for `claimed_ib` on `who`'s record `node` (replacing a pending one) and
	/// holds the claim deposit (kept from a replaced one); the caller stores the record.
	pub(crate) fn issue_challenge(
		who: &T::AccountId,
		node: &mut NodeRecord<T>,
		claimed_ib: Ib,
	) -> DispatchResult {
		let reason = HoldReason::ClaimDeposit.into();
		let held = T::Currency::balance_on_hold(&reason, who);
		let deposit = T::ClaimDeposit::get();
		if held < deposit {
			T::Currency::hold(&reason, who, deposit.saturating_sub(held))
				.map_err(|_| Error::<T>::CannotAffordClaimDeposit)?;
		}
		node.challenge = Some(Self::new_challenge(who, claimed_ib, false));
		Ok(())
	}

	/// A fresh challenge for `claimed_ib` on `who` (a `spot` check or a claim's), announced
	/// with `ChallengeIssued`.
	pub(crate) fn new_challenge(
		who: &T::AccountId,
		claimed_ib: Ib,
		spot: bool,
	) -> Challenge<BlockNumberFor<T>> {
		let nonce = ChallengeNonce::<T>::mutate(|n| {
			*n = n.saturating_add(1);
			*n
		});
		let (random, _) = T::Randomness::random(b"cinder/ib-challenge");
		let seed = sp_io::hashing::blake2_256(&(random, who, nonce).encode());
		let now = frame_system::Pallet::<T>::block_number();
		let challenge = Challenge {
			id: nonce,
			claimed_ib,
			seed,
			work_units: Self::challenge_size(claimed_ib),
			issued_at: now,
			deadline: now.saturating_add(Self::answer_blocks(&Self::params())),
			answer: None,
			spot,
		};
		Self::deposit_event(Event::ChallengeIssued {
			who: who.clone(),
			challenge: nonce,
			claimed_ib,
			seed,
			work_units: challenge.work_units,
			deadline: challenge.deadline,
		});
		challenge
	}

	/// Returns `who`'s claim deposit: its claim was decided other than by a wrong answer.
	pub(crate) fn release_claim_deposit(who: &T::AccountId) {
		let _ = T::Currency::release_all(
			&HoldReason::ClaimDeposit.into(),
			who,
			frame_support::traits::tokens::Precision::BestEffort,
		);
	}

	/// Drops `who`'s pending challenge for `claimed_ib`, stores the record, says why (see
	/// [`Self::drop_claim`]). A failed spot check revokes the IB in force instead (an
	/// unverifiable one keeps it).
	fn reject(
		who: &T::AccountId,
		mut node: NodeRecord<T>,
		claimed_ib: Ib,
		reason: ChallengeFailure,
	) {
		if node.challenge.is_some_and(|c| c.spot) {
			Self::end_spot_check(who, &mut node, reason);
			Nodes::<T>::insert(who, node);
			T::Stake::profile_changed(who);
			return;
		}
		node.challenge = None;
		// A spot check drawn while this claim's answer was under check comes now.
		Self::issue_due_spot_check(who, &mut node);
		Nodes::<T>::insert(who, node);
		Self::drop_claim(who, claimed_ib, reason);
	}

	/// Ends `who`'s claim of `claimed_ib` for `reason` (its record already stored): a wrong
	/// answer forfeits the claim deposit to the penalty pool, any other end returns it.
	pub(crate) fn drop_claim(who: &T::AccountId, claimed_ib: Ib, reason: ChallengeFailure) {
		if reason == ChallengeFailure::WrongResult {
			use frame_support::traits::tokens::{Fortitude, Precision, Restriction};
			let deposit = HoldReason::ClaimDeposit.into();
			let held = T::Currency::balance_on_hold(&deposit, who);
			let amount = T::Currency::transfer_on_hold(
				&deposit,
				who,
				&T::PenaltyPool::get(),
				held,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)
			.unwrap_or_else(|error| {
				frame_support::defensive!("a claim deposit could not be forfeited", error);
				Zero::zero()
			});
			Self::deposit_event(Event::ClaimDepositForfeited { who: who.clone(), amount });
		} else {
			Self::release_claim_deposit(who);
		}
		Self::deposit_event(Event::IbRejected { who: who.clone(), claimed_ib, reason });
	}

	/// Returns the weight of the pool move it made (zero if none).
	pub(crate) fn do_submit_benchmark(
		who: T::AccountId,
		result: [u8; 32],
	) -> Result<Weight, DispatchError> {
		let mut node = Self::node(&who)?;
		let mut challenge = node.challenge.ok_or(Error::<T>::NoChallenge)?;
		ensure!(challenge.answer.is_none(), Error::<T>::AnswerUnderCheck);
		let now = frame_system::Pallet::<T>::block_number();
		if now > challenge.deadline {
			Self::reject(&who, node, challenge.claimed_ib, ChallengeFailure::Late);
			// A late spot answer revoked the IB: the worker leaves the pools now.
			return Ok(Self::catch_up(&who));
		}
		// Claims' answers go to the verifiers in the order they came: behind any waiting.
		let queue_first = !challenge.spot && AnswersWaiting::<T>::decode_len().unwrap_or(0) > 0;
		let submitted = if queue_first {
			Err(cinder_primitives::VerifierBusy)
		} else {
			T::BenchmarkProofs::answer_submitted(&who, challenge.id, result, challenge.spot)
		};
		let plan = match submitted {
			Ok(plan) => plan,
			// A spot check's answer the verifiers cannot take now keeps the check open
			// (its deadline at least `answer_latency_blocks` away) for the answer to come
			// again: the chain's congestion never costs a worker its IB.
			Err(_) if challenge.spot => {
				let until = now.saturating_add(Self::params().answer_latency_blocks);
				challenge.deadline = challenge.deadline.max(until);
				node.challenge = Some(challenge);
				Nodes::<T>::insert(&who, node);
				Self::deposit_event(Event::SpotAnswerDeferred {
					who: who.clone(),
					challenge: challenge.id,
					deadline: challenge.deadline,
				});
				return Ok(Weight::zero());
			}
			// A claim's answer given on time waits for room, kept in the challenge as given:
			// the worker need not send it again, and gains no time by the wait.
			Err(_) => {
				AnswersWaiting::<T>::try_append(&who).map_err(|_| Error::<T>::VerifierBusy)?;
				Self::answered(&who, node, challenge, result, now);
				return Ok(Weight::zero());
			}
		};
		match plan {
			ProofPlan::Decided(check) => {
				Self::conclude(&who, node, challenge, check);
				return Ok(Self::catch_up(&who));
			}
			ProofPlan::Pending => Self::answered(&who, node, challenge, result, now),
		}
		Ok(Weight::zero())
	}

	/// Keeps `result` as the answer to `who`'s `challenge` (so no other is taken while it is
	/// checked) and says so.
	fn answered(
		who: &T::AccountId,
		mut node: NodeRecord<T>,
		mut challenge: Challenge<BlockNumberFor<T>>,
		result: [u8; 32],
		now: BlockNumberFor<T>,
	) {
		challenge.answer = Some(result);
		node.challenge = Some(challenge);
		Nodes::<T>::insert(who, node);
		Self::deposit_event(Event::ChallengeAnswered {
			who: who.clone(),
			challenge: challenge.id,
			blocks: now.saturating_sub(challenge.issued_at),
		});
	}

	/// Hands the verifiers the claims' answers waiting for room ([`AnswersWaiting`]), oldest
	/// first, at most [`MAX_HANDOVERS_PER_BLOCK`], until the verifiers refuse one (it keeps
	/// its place). A waiting answer whose challenge is gone (never, as a node with an answer
	/// under check can neither claim again nor deregister) is dropped.
	pub(crate) fn hand_over_answers() -> Weight {
		let mut weight = T::DbWeight::get().reads(1);
		let waiting = AnswersWaiting::<T>::get();
		// The first `left` entries leave the list.
		let mut left = 0;
		for who in waiting.iter().take(MAX_HANDOVERS_PER_BLOCK as usize) {
			weight.saturating_accrue(T::WeightInfo::hand_over_answer());
			let node = Nodes::<T>::get(who);
			let pending = node.as_ref().and_then(|n| n.challenge).and_then(|challenge| {
				challenge.answer.filter(|_| !challenge.spot).map(|answer| (challenge, answer))
			});
			let (Some(node), Some((challenge, answer))) = (node, pending) else {
				frame_support::defensive!("a waiting answer without its challenge");
				left += 1;
				continue;
			};
			match T::BenchmarkProofs::answer_submitted(who, challenge.id, answer, false) {
				Err(_) => break,
				Ok(ProofPlan::Pending) => {}
				// Its pool move, if any, is made with spare weight (`on_idle`).
				Ok(ProofPlan::Decided(check)) => Self::conclude(who, node, challenge, check),
			}
			left += 1;
		}
		// Written only when some left (a full verifiers' queue leaves the list as it is).
		if left > 0 {
			let rest = waiting.into_inner().split_off(left);
			AnswersWaiting::<T>::put(BoundedVec::truncate_from(rest));
			weight.saturating_accrue(T::DbWeight::get().writes(1));
		}
		weight
	}

	/// Confirms or rejects the claim of `challenge` (pending on `who`'s record `node`) by the
	/// outcome of checking its answer, and stores the record.
	fn conclude(
		who: &T::AccountId,
		mut node: NodeRecord<T>,
		challenge: Challenge<BlockNumberFor<T>>,
		check: ProofCheck,
	) {
		let independently_checked = match check {
			ProofCheck::Verified => true,
			ProofCheck::AcceptedUnchecked => false,
			ProofCheck::Wrong => {
				Self::reject(who, node, challenge.claimed_ib, ChallengeFailure::WrongResult);
				return;
			}
			ProofCheck::Unverifiable => {
				Self::reject(who, node, challenge.claimed_ib, ChallengeFailure::Unverifiable);
				return;
			}
		};
		let ib = challenge.claimed_ib;
		let reweigh = node.confirmed_ib.is_none_or(|c| c.ib != ib);
		node.challenge = None;
		// The confirmed answer proved the IB now in force: a spot check left due is met.
		node.spot_due = false;
		node.confirmed_ib = Some(ConfirmedIb { ib, independently_checked });
		Nodes::<T>::insert(who, node);
		Self::release_claim_deposit(who);
		Self::deposit_event(Event::IbConfirmed { who: who.clone(), ib, independently_checked });
		T::Stake::profile_changed(who);
		// A worker that stays eligible draws jobs by its new IB.
		if reweigh {
			Self::note_reweigh(who);
		}
	}

	/// Returns the weight of the pool move it made.
	pub(crate) fn do_expire_challenge(who: T::AccountId) -> Result<Weight, DispatchError> {
		let node = Self::node(&who)?;
		let challenge = node.challenge.ok_or(Error::<T>::NoChallenge)?;
		ensure!(challenge.answer.is_none(), Error::<T>::AnswerUnderCheck);
		ensure!(
			frame_system::Pallet::<T>::block_number() > challenge.deadline,
			Error::<T>::ChallengeNotExpired
		);
		Self::reject(&who, node, challenge.claimed_ib, ChallengeFailure::Missing);
		Ok(Self::catch_up(&who))
	}

	/// Blocks left to answer `who`'s challenge, if one is pending.
	pub fn challenge_blocks_left(who: &T::AccountId) -> Option<u64> {
		let challenge = Nodes::<T>::get(who)?.challenge?;
		let now = frame_system::Pallet::<T>::block_number();
		Some(challenge.deadline.saturating_sub(now).saturated_into())
	}
}

impl<T: Config> BenchmarkOutcomes<T::AccountId> for Pallet<T> {
	fn benchmark_checked(who: &T::AccountId, challenge: ChallengeId, check: ProofCheck) {
		let Some(node) = Nodes::<T>::get(who) else { return };
		let Some(pending) = node.challenge else { return };
		if pending.id != challenge || pending.answer.is_none() {
			return;
		}
		Self::conclude(who, node, pending, check);
	}

	fn benchmark_checked_weight() -> Weight {
		// As a timely answer decided at once: the record and the stake's eligibility; the pool
		// move it notes (one item) is made with spare weight.
		T::WeightInfo::submit_benchmark().saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
}
