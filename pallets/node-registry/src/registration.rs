//! Registering, updating, pausing and leaving; parameters; the [`NodeProfiles`] view the stake
//! reads; invariants.

use frame_support::{pallet_prelude::*, traits::fungible::MutateHold, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Zero, Perbill};

use crate::{
	pallet::*, Availability, BalanceOf, ComputeStake, EpochUptime, HardwareProfile, Ib,
	JobsInFlight, ModelId, NodeProfile, NodeProfiles, NodeRecord, NodeRole, NodeStatus,
	RegistryParams, Reliability, ReliabilityParams, RewardEpochs, ValidatorControllers,
};

impl<T: Config> Pallet<T> {
	/// Parameters used when genesis sets none: heartbeats every 10 blocks (1 min), offline after
	/// 3 missed, a 90-second challenge answered within 25 % more time plus 2 blocks (21 blocks
	/// of 6 s: a node computing at 80 % of its claimed IB answers in time, one at 75 % does
	/// not), a spot check of each eligible worker about once a day, IB up to 10,000.
	pub fn default_params() -> RegistryParams<BlockNumberFor<T>> {
		RegistryParams {
			heartbeat_interval: 10u32.into(),
			offline_after: 3,
			challenge_seconds: 90,
			answer_tolerance_percent: 25,
			answer_latency_blocks: 2u32.into(),
			// A day: 90 s of a worker's compute a day, 0.1 %.
			spot_check_every: 14_400u32.into(),
			// About an RTX4090 pair's int8 MAC rate (≈ 6.6e14 MAC/s) for one minute.
			work_units_per_ib_minute: 40_000_000_000_000_000,
			max_ib: Ib::from_micro(10_000 * Ib::RESOLUTION),
			reliability: ReliabilityParams::default(),
		}
	}

	/// The parameters in force.
	pub fn params() -> RegistryParams<BlockNumberFor<T>> {
		Params::<T>::get().unwrap_or_else(Self::default_params)
	}

	pub(crate) fn params_are_valid(params: &RegistryParams<BlockNumberFor<T>>) -> bool {
		let r = &params.reliability;
		let weights = r.uptime_weight.deconstruct() as u64
			+ r.delivery_weight.deconstruct() as u64
			+ r.verification_weight.deconstruct() as u64;
		!params.heartbeat_interval.is_zero()
			&& params.offline_after > 0
			&& params.challenge_seconds > 0
			&& !params.answer_latency_blocks.is_zero()
			&& !params.spot_check_every.is_zero()
			&& params.work_units_per_ib_minute > 0
			&& !params.max_ib.is_zero()
			&& weights == Perbill::one().deconstruct() as u64
	}

	pub(crate) fn endpoint_is_valid(endpoint: &[u8]) -> bool {
		let rest = endpoint.strip_prefix(b"https://").or_else(|| endpoint.strip_prefix(b"http://"));
		matches!(rest, Some(host) if !host.is_empty() && !host.contains(&b' '))
	}

	pub(crate) fn ensure_ib_in_range(ib: Ib) -> DispatchResult {
		ensure!(!ib.is_zero() && ib <= Self::params().max_ib, Error::<T>::IbOutOfRange);
		Ok(())
	}

	/// `who`'s record, or `NotRegistered`.
	pub(crate) fn node(who: &T::AccountId) -> Result<NodeRecord<T>, DispatchError> {
		Ok(Nodes::<T>::get(who).ok_or(Error::<T>::NotRegistered)?)
	}

	/// Applies `change` to `who`'s record, or fails with `NotRegistered`.
	pub(crate) fn mutate_node(
		who: &T::AccountId,
		change: impl FnOnce(&mut NodeRecord<T>),
	) -> DispatchResult {
		Nodes::<T>::try_mutate(who, |node| {
			let node = node.as_mut().ok_or(Error::<T>::NotRegistered)?;
			change(node);
			Ok(())
		})
	}

	/// The IB S(n) is computed from: the confirmed one, else the claim.
	pub(crate) fn ib_in_force(node: &NodeRecord<T>) -> Ib {
		node.confirmed_ib.map(|c| c.ib).unwrap_or(node.claimed_ib)
	}

	#[allow(clippy::too_many_arguments)]
	pub(crate) fn do_register(
		who: T::AccountId,
		role: NodeRole<T::AccountId>,
		hardware: HardwareProfile<T::MaxTextLen>,
		endpoint: BoundedVec<u8, T::MaxEndpointLen>,
		price_per_ibm: BalanceOf<T>,
		claimed_ib: Ib,
		hosted_models: BoundedVec<ModelId, T::MaxHostedModels>,
		availability: Availability,
	) -> DispatchResult {
		ensure!(!Nodes::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
		ensure!(NodeCount::<T>::get() < T::MaxNodes::get(), Error::<T>::TooManyNodes);
		if let NodeRole::Verifier { stash } = &role {
			ensure!(
				T::Validators::controls_validator(&who, stash),
				Error::<T>::NotValidatorController
			);
			ensure!(T::Validators::is_active_validator(stash), Error::<T>::NotActiveValidator);
			ensure!(
				T::Stake::active_bond(&who) >= T::VerifierBond::get(),
				Error::<T>::VerifierBondTooLow
			);
		}
		ensure!(!price_per_ibm.is_zero(), Error::<T>::ZeroPrice);
		Self::ensure_ib_in_range(claimed_ib)?;
		ensure!(Self::endpoint_is_valid(&endpoint), Error::<T>::BadEndpoint);
		ensure!(Self::models_exist(&hosted_models), Error::<T>::UnknownModel);
		let deposit = T::NodeDeposit::get();
		T::Currency::hold(&HoldReason::NodeDeposit.into(), &who, deposit)
			.map_err(|_| Error::<T>::CannotAffordDeposit)?;

		let now = frame_system::Pallet::<T>::block_number();
		let probation = Self::params().reliability.probation;
		let mut node = NodeRecord::<T> {
			role: role.clone(),
			hardware,
			endpoint,
			price_per_ibm,
			claimed_ib,
			confirmed_ib: None,
			challenge: None,
			spot_due: false,
			hosted_models,
			availability,
			status: NodeStatus::Active,
			last_heartbeat: now,
			uptime: EpochUptime { epoch: T::Epochs::current(), heartbeats: 0 },
			previous_uptime: EpochUptime::default(),
			reliability: Reliability {
				uptime: probation,
				delivery: probation,
				verification: probation,
				score: probation,
			},
		};
		Self::deposit_event(Event::Registered { who: who.clone(), role, claimed_ib, deposit });
		Self::issue_challenge(&who, &mut node, claimed_ib)?;
		if matches!(node.role, NodeRole::Verifier { .. }) {
			Verifiers::<T>::try_append(&who).map_err(|_| Error::<T>::TooManyVerifiers)?;
		}
		Nodes::<T>::insert(&who, &node);
		NodeCount::<T>::mutate(|count| *count = count.saturating_add(1));
		Self::refresh_serving(&who, &node);
		T::Stake::profile_changed(&who);
		Ok(())
	}

	/// Returns the weight of the pool move it made.
	pub(crate) fn do_update_price(
		who: T::AccountId,
		price_per_ibm: BalanceOf<T>,
	) -> Result<Weight, DispatchError> {
		ensure!(!price_per_ibm.is_zero(), Error::<T>::ZeroPrice);
		let mut node = Self::node(&who)?;
		if price_per_ibm > node.price_per_ibm {
			T::Stake::ensure_covers(&who, Self::ib_in_force(&node), price_per_ibm)?;
		}
		node.price_per_ibm = price_per_ibm;
		Nodes::<T>::insert(&who, node);
		Self::deposit_event(Event::PriceUpdated { who: who.clone(), price_per_ibm });
		T::Stake::profile_changed(&who);
		Ok(Self::catch_up(&who))
	}

	pub(crate) fn do_update_models(
		who: T::AccountId,
		hosted_models: BoundedVec<ModelId, T::MaxHostedModels>,
	) -> DispatchResult {
		ensure!(Self::models_exist(&hosted_models), Error::<T>::UnknownModel);
		// A move noted earlier is made first, so the models move only once.
		Self::catch_up(&who);
		let mut node = Self::node(&who)?;
		let old = core::mem::replace(&mut node.hosted_models, hosted_models);
		Self::rehost(&who, &node, &old);
		let models = node.hosted_models.len() as u32;
		Nodes::<T>::insert(&who, node);
		Self::deposit_event(Event::ModelsUpdated { who, models });
		Ok(())
	}

	pub(crate) fn do_claim_ib(who: T::AccountId, claimed_ib: Ib) -> DispatchResult {
		Self::ensure_ib_in_range(claimed_ib)?;
		let mut node = Self::node(&who)?;
		Self::ensure_no_answer_under_check(&node)?;
		ensure!(!Self::spot_check_pending(&node), Error::<T>::SpotCheckPending);
		if claimed_ib > Self::ib_in_force(&node) {
			T::Stake::ensure_covers(&who, claimed_ib, node.price_per_ibm)?;
		}
		node.claimed_ib = claimed_ib;
		Self::issue_challenge(&who, &mut node, claimed_ib)?;
		Nodes::<T>::insert(&who, node);
		Ok(())
	}

	/// Returns the weight of the pool move it made.
	pub(crate) fn do_pause(who: T::AccountId) -> Result<Weight, DispatchError> {
		let mut node = Self::node(&who)?;
		ensure!(node.status != NodeStatus::Paused, Error::<T>::AlreadyPaused);
		// A missed spot check is not carried through a pause.
		Self::expire_spot_check(&who, &mut node);
		node.status = NodeStatus::Paused;
		Nodes::<T>::insert(&who, &node);
		Self::refresh_serving(&who, &node);
		Self::deposit_event(Event::Paused { who: who.clone() });
		T::Stake::profile_changed(&who);
		Ok(Self::catch_up(&who))
	}

	/// Returns the weight of the pool move it made.
	pub(crate) fn do_resume(who: T::AccountId) -> Result<Weight, DispatchError> {
		let mut node = Self::node(&who)?;
		ensure!(node.status == NodeStatus::Paused, Error::<T>::NotPaused);
		// Resuming counts as a heartbeat: the node is back and on time, and a spot check it
		// let pass unanswered revokes its IB now.
		Self::expire_spot_check(&who, &mut node);
		node.status = NodeStatus::Active;
		node.last_heartbeat = frame_system::Pallet::<T>::block_number();
		Nodes::<T>::insert(&who, &node);
		Self::refresh_serving(&who, &node);
		Self::deposit_event(Event::Resumed { who: who.clone() });
		T::Stake::profile_changed(&who);
		Ok(Self::catch_up(&who))
	}

	/// Verifiers recompute an answer under check from the challenge in the node's record:
	/// replacing the challenge or leaving would take their workload away (and fault them for
	/// a verdict they could not give).
	fn ensure_no_answer_under_check(node: &NodeRecord<T>) -> DispatchResult {
		let under_check = node.challenge.as_ref().is_some_and(|c| c.answer.is_some());
		ensure!(!under_check, Error::<T>::AnswerUnderCheck);
		Ok(())
	}

	pub(crate) fn do_deregister(who: T::AccountId) -> DispatchResult {
		let node = Self::node(&who)?;
		Self::ensure_no_answer_under_check(&node)?;
		ensure!(T::Jobs::jobs_in_flight(&who) == 0, Error::<T>::JobsInFlight);
		ensure!(T::Stake::active_bond(&who).is_zero(), Error::<T>::StillBonded);
		Self::leave_pools(&who, &node.hosted_models);
		if matches!(node.role, NodeRole::Verifier { .. }) {
			Verifiers::<T>::mutate(|verifiers| Self::remove_from(verifiers, &who));
			ServingVerifiers::<T>::mutate(|serving| Self::remove_from(serving, &who));
		}
		Nodes::<T>::remove(&who);
		NodeCount::<T>::mutate(|count| *count = count.saturating_sub(1));
		let deposit = T::Currency::release_all(
			&HoldReason::NodeDeposit.into(),
			&who,
			frame_support::traits::tokens::Precision::BestEffort,
		)
		.unwrap_or_else(|error| {
			frame_support::defensive!("a node deposit could not be released", error);
			Zero::zero()
		});
		// A challenge still unanswered (an answered one blocks deregistering) ends with it.
		Self::release_claim_deposit(&who);
		Self::deposit_event(Event::Deregistered { who: who.clone(), deposit });
		T::Stake::profile_changed(&who);
		// Out of every pool already; nothing is left to move.
		PoolMoves::<T>::remove(&who);
		Ok(())
	}

	/// Invariants: the node count matches the records; every node holds its deposit; every
	/// pending claim challenge was issued for the current claim and holds a claim deposit, every
	/// spot check is of the IB in force and holds none, and no claim deposit is held without a
	/// claim; a spot check is left due only behind a claim under check; reliability scores are
	/// the weighted sums of their components.
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::traits::fungible::InspectHold;
		let waiting = AnswersWaiting::<T>::get();
		for (i, who) in waiting.iter().enumerate() {
			ensure!(!waiting[..i].contains(who), "an answer waits twice");
			let kept = Nodes::<T>::get(who)
				.and_then(|node| node.challenge)
				.is_some_and(|challenge| !challenge.spot && challenge.answer.is_some());
			ensure!(kept, "a waiting answer's claim has no answer kept");
		}
		let reliability = Self::params().reliability;
		let mut count = 0u32;
		for (who, node) in Nodes::<T>::iter() {
			count += 1;
			ensure!(
				!T::Currency::balance_on_hold(&HoldReason::NodeDeposit.into(), &who).is_zero(),
				"a registered node holds no deposit"
			);
			let claim_deposit =
				T::Currency::balance_on_hold(&HoldReason::ClaimDeposit.into(), &who);
			match node.challenge {
				Some(challenge) if challenge.spot => {
					ensure!(
						node.confirmed_ib.is_some_and(|c| c.ib == challenge.claimed_ib),
						"a spot check not of the IB in force"
					);
					ensure!(claim_deposit.is_zero(), "a claim deposit held for a spot check");
				}
				Some(challenge) => {
					ensure!(
						challenge.claimed_ib == node.claimed_ib,
						"challenge is for another claim"
					);
					ensure!(
						T::ClaimDeposit::get().is_zero() || !claim_deposit.is_zero(),
						"a pending challenge without its claim deposit"
					);
				}
				None => ensure!(
					claim_deposit.is_zero(),
					"a claim deposit held without a pending challenge"
				),
			}
			if let Some(challenge) = node.challenge {
				ensure!(challenge.deadline > challenge.issued_at, "challenge without a window");
			}
			ensure!(
				!node.spot_due || node.challenge.is_some_and(|c| !c.spot && c.answer.is_some()),
				"a spot check due without a claim under check"
			);
			let expected = Self::score(&node.reliability, &reliability);
			ensure!(node.reliability.score == expected, "score differs from its components");
		}
		ensure!(count == NodeCount::<T>::get(), "NodeCount differs from the records");
		Self::pools_try_state()?;
		Self::verifiers_try_state()
	}
}

impl<T: Config> NodeProfiles<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn profile(who: &T::AccountId) -> Option<NodeProfile<BalanceOf<T>>> {
		let node = Nodes::<T>::get(who)?;
		Some(NodeProfile {
			ib: Self::ib_in_force(&node),
			ib_confirmed: node.confirmed_ib.is_some(),
			price_per_ibm: node.price_per_ibm,
			active: node.status == NodeStatus::Active && !Self::is_overdue(&node),
		})
	}
}
