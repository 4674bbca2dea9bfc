//! Heartbeats, uptime per reward epoch, going offline and coming back.

use frame_support::pallet_prelude::*;
use sp_runtime::{
	traits::{Saturating, Zero},
	SaturatedConversion,
};

use crate::{
	pallet::*, AvailabilityRewards, ComputeStake, EpochUptime, NodeRecord, NodeRole, NodeStatus,
	RewardEpochs, WeightInfo,
};

impl<T: Config> Pallet<T> {
	/// Whether `node` has missed `offline_after` heartbeat intervals by now.
	pub(crate) fn is_overdue(node: &NodeRecord<T>) -> bool {
		let params = Self::params();
		let allowed = params.heartbeat_interval.saturating_mul(params.offline_after.into());
		frame_system::Pallet::<T>::block_number() > node.last_heartbeat.saturating_add(allowed)
	}

	/// A heartbeat's weight: with the availability report, and a pool move if it `moved` one.
	pub(crate) fn heartbeat_weight() -> Weight {
		T::WeightInfo::heartbeat().saturating_add(T::Availability::node_online_weight())
	}

	/// Returns the weight of the pool move the heartbeat made (zero if none).
	pub(crate) fn do_heartbeat(who: T::AccountId) -> Result<Weight, DispatchError> {
		let mut node = Self::node(&who)?;
		let params = Self::params();
		let now = frame_system::Pallet::<T>::block_number();
		let elapsed = now.saturating_sub(node.last_heartbeat);
		ensure!(elapsed >= params.heartbeat_interval, Error::<T>::HeartbeatTooEarly);
		// A spot check left unanswered past its deadline revokes the IB now.
		Self::expire_spot_check(&who, &mut node);

		// Intervals that passed without a heartbeat, then this one on time.
		let intervals: u32 = (elapsed / params.heartbeat_interval).try_into().unwrap_or(u32::MAX);
		let missed = intervals.saturating_sub(1);
		Self::observe_uptime(&mut node, missed);

		let epoch = T::Epochs::current();
		if node.uptime.epoch != epoch {
			if node.uptime.heartbeats > 0 {
				node.previous_uptime = node.uptime;
			}
			node.uptime = EpochUptime { epoch, heartbeats: 0 };
		}
		node.uptime.heartbeats = node.uptime.heartbeats.saturating_add(1);
		node.last_heartbeat = now;
		let was_offline = node.status == NodeStatus::Offline;
		if was_offline {
			node.status = NodeStatus::Active;
		}
		Nodes::<T>::insert(&who, &node);
		if was_offline {
			Self::deposit_event(Event::BackOnline { who: who.clone() });
		}
		Self::refresh_serving(&who, &node);
		T::Stake::profile_changed(&who);
		let moved = Self::catch_up(&who);
		Self::report_online(&who, &node, params.heartbeat_interval);
		Ok(moved)
	}

	/// Reports the interval a heartbeat covers to the availability pool, for a worker node
	/// eligible for work (confirmed, active, bonded to S(n), not jailed) with no spot check
	/// pending: an offline, paused or ineligible node, or one whose IB is being checked again,
	/// earns no availability reward.
	fn report_online(who: &T::AccountId, node: &NodeRecord<T>, interval: crate::BlockNumberFor<T>) {
		let Some(confirmed) = node.confirmed_ib else { return };
		if node.role != NodeRole::Worker
			|| Self::spot_check_pending(node)
			|| !T::Stake::is_eligible(who)
		{
			return;
		}
		let blocks: u32 = interval.try_into().unwrap_or(u32::MAX);
		T::Availability::node_online(
			who,
			confirmed.ib,
			node.availability.committed_memory_mib,
			blocks,
			T::Stake::active_bond(who).saturated_into(),
		);
	}

	/// Returns the weight of the pool move it made.
	pub(crate) fn do_mark_offline(who: T::AccountId) -> Result<Weight, DispatchError> {
		let mut node = Self::node(&who)?;
		ensure!(
			node.status == NodeStatus::Active && Self::is_overdue(&node),
			Error::<T>::NotOverdue
		);
		let last_heartbeat = node.last_heartbeat;
		Self::expire_spot_check(&who, &mut node);
		node.status = NodeStatus::Offline;
		Nodes::<T>::insert(&who, &node);
		Self::refresh_serving(&who, &node);
		Self::deposit_event(Event::WentOffline { who: who.clone(), last_heartbeat });
		T::Stake::profile_changed(&who);
		Ok(Self::catch_up(&who))
	}

	/// Heartbeats `who` sent in reward epoch `epoch` (for availability rewards).
	pub fn heartbeats_in(who: &T::AccountId, epoch: cinder_primitives::RewardEpochIndex) -> u32 {
		Nodes::<T>::get(who)
			.map(|node| {
				[node.uptime, node.previous_uptime]
					.into_iter()
					.find(|u| u.epoch == epoch && !u.heartbeats.is_zero())
					.map(|u| u.heartbeats)
					.unwrap_or(0)
			})
			.unwrap_or(0)
	}
}
