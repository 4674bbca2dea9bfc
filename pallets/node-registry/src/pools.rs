//! Routing pools: every worker is in [`WorkerPool::AllWorkers`] and in [`WorkerPool::Hosts`] of
//! each model it hosts. A pool is a dense array `0‥size` (removal swaps the last member in), so the
//! jobs pallet can draw from a random window of bounded length without iterating a map.

use frame_support::BoundedVec;

use crate::{pallet::*, ModelId, NodeRole, NodeStatus, WorkerDirectory, WorkerInfo, WorkerPool};

impl<T: Config> Pallet<T> {
	fn join_pool(pool: WorkerPool, who: &T::AccountId) {
		if PoolIndex::<T>::contains_key(pool, who) {
			return;
		}
		let size = PoolSize::<T>::get(pool);
		PoolMembers::<T>::insert(pool, size, who);
		PoolIndex::<T>::insert(pool, who, size);
		PoolSize::<T>::insert(pool, size.saturating_add(1));
	}

	fn leave_pool(pool: WorkerPool, who: &T::AccountId) {
		let Some(index) = PoolIndex::<T>::take(pool, who) else { return };
		let last = PoolSize::<T>::get(pool).saturating_sub(1);
		let moved = PoolMembers::<T>::take(pool, last);
		if index != last {
			if let Some(moved) = moved {
				PoolMembers::<T>::insert(pool, index, &moved);
				PoolIndex::<T>::insert(pool, &moved, index);
			}
		}
		if last == 0 {
			PoolSize::<T>::remove(pool);
		} else {
			PoolSize::<T>::insert(pool, last);
		}
	}

	/// Puts a new worker into its pools (other roles take no jobs).
	pub(crate) fn join_pools(
		who: &T::AccountId,
		role: &NodeRole<T::AccountId>,
		models: &[ModelId],
	) {
		if *role != NodeRole::Worker {
			return;
		}
		Self::join_pool(WorkerPool::AllWorkers, who);
		for model in models {
			Self::join_pool(WorkerPool::Hosts(*model), who);
		}
	}

	/// Takes a leaving node out of every pool.
	pub(crate) fn leave_pools(who: &T::AccountId, models: &[ModelId]) {
		Self::leave_pool(WorkerPool::AllWorkers, who);
		for model in models {
			Self::leave_pool(WorkerPool::Hosts(*model), who);
		}
	}

	/// Moves a worker between model pools after its hosted models changed.
	pub(crate) fn rehost(
		who: &T::AccountId,
		role: &NodeRole<T::AccountId>,
		old: &[ModelId],
		new: &[ModelId],
	) {
		if *role != NodeRole::Worker {
			return;
		}
		for model in old.iter().filter(|m| !new.contains(m)) {
			Self::leave_pool(WorkerPool::Hosts(*model), who);
		}
		for model in new.iter().filter(|m| !old.contains(m)) {
			Self::join_pool(WorkerPool::Hosts(*model), who);
		}
	}

	/// Whether every model of `models` is in the model registry.
	pub(crate) fn models_exist<S: frame_support::traits::Get<u32>>(
		models: &BoundedVec<ModelId, S>,
	) -> bool {
		use frame_support::traits::Contains;
		models.iter().all(T::Models::contains)
	}

	/// Pool invariants: indices and members mirror each other, sizes match, and each worker is
	/// in exactly the pools of its hosted models.
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub(crate) fn pools_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::ensure;
		let mut memberships = 0u64;
		for (pool, who, index) in PoolIndex::<T>::iter() {
			memberships += 1;
			ensure!(index < PoolSize::<T>::get(pool), "pool index out of range");
			ensure!(PoolMembers::<T>::get(pool, index) == Some(who.clone()), "pool index mismatch");
			let node = Nodes::<T>::get(&who).ok_or("pool member is not registered")?;
			ensure!(node.role == NodeRole::Worker, "pool member is not a worker");
			if let WorkerPool::Hosts(model) = pool {
				ensure!(node.hosted_models.contains(&model), "pool of a model not hosted");
			}
		}
		let sizes: u64 = PoolSize::<T>::iter_values().map(u64::from).sum();
		ensure!(sizes == memberships, "pool sizes differ from memberships");
		for (who, node) in Nodes::<T>::iter() {
			if node.role == NodeRole::Worker {
				ensure!(
					PoolIndex::<T>::contains_key(WorkerPool::AllWorkers, &who),
					"worker missing from AllWorkers"
				);
				for model in node.hosted_models.iter() {
					ensure!(
						PoolIndex::<T>::contains_key(WorkerPool::Hosts(*model), &who),
						"worker missing from a model pool"
					);
				}
			}
		}
		Ok(())
	}
}

impl<T: Config> WorkerDirectory<T::AccountId, crate::BalanceOf<T>> for Pallet<T> {
	fn pool_size(pool: WorkerPool) -> u32 {
		PoolSize::<T>::get(pool)
	}

	fn pool_member(pool: WorkerPool, index: u32) -> Option<T::AccountId> {
		PoolMembers::<T>::get(pool, index)
	}

	fn worker(who: &T::AccountId) -> Option<WorkerInfo<crate::BalanceOf<T>>> {
		let node = Nodes::<T>::get(who)?;
		(node.role == NodeRole::Worker && node.status == NodeStatus::Active).then(|| WorkerInfo {
			ib: Self::ib_in_force(&node),
			price_per_ibm: node.price_per_ibm,
			reliability: node.reliability.score,
			background_jobs: node.availability.background_jobs,
		})
	}

	fn is_manager(who: &T::AccountId) -> bool {
		Nodes::<T>::get(who).is_some_and(|node| node.role == NodeRole::Manager)
	}
}
