//! Routing pools: [`WorkerPool::AllWorkers`] and [`WorkerPool::Hosts`] of each model hold
//! the workers the stake has stored as eligible, so registered but unbonded or unconfirmed
//! nodes are never drawn. The stake notes every flip through [`EligibilityObserver`]
//! ([`PoolMoves`]); the call that caused it moves the worker at once and pays for it (a bond,
//! an unbond, a pause, a heartbeat back online, …), and flips made in block hooks (a slash, a
//! verdict confirming an IB, a parameter sweep) are applied in `on_idle` with the block's spare
//! weight, so a hook that slashes many workers never pays for their pool moves. Until then a
//! worker that stopped being eligible may still be drawn, and routing, which checks each
//! drawn worker live, passes over it.
//!
//! A pool is a dense array `0‥size` of seats (removal swaps the last seat in), each with the
//! worker's weight (its IB in µIB), and a Fenwick tree over the positions ([`PoolTree`]). The
//! jobs pallet draws a worker with probability weight / total in `⌈log₂ size⌉` tree reads
//! ([`WorkerDirectory::draw`]); joining reads at most as many entries and writes one, leaving
//! and reweighing update the entries on one path. At 100,000 workers that is 17 entries.

use alloc::vec::Vec;
use frame_support::{
	dispatch::{DispatchResultWithPostInfo, WithPostDispatchInfo},
	traits::Get,
	weights::Weight,
	BoundedVec,
};
use sp_runtime::DispatchError;

use crate::{
	pallet::*, ComputeStake, EligibilityObserver, ModelId, NodeRecord, NodeRole, NodeStatus,
	PoolSeat, WeightInfo, WorkerDirectory, WorkerInfo, WorkerPool,
};

/// Most noted pool moves `on_idle` makes in one block.
pub const MAX_POOL_MOVES_PER_BLOCK: u32 = 16;

/// The lowest set bit of `i`: entry `i` of a Fenwick tree covers that many positions.
fn lowbit(i: u32) -> u32 {
	i & i.wrapping_neg()
}

impl<T: Config> Pallet<T> {
	/// A worker's weight in draws: its IB in force, in µIB (at least 1).
	pub(crate) fn draw_weight_of(node: &NodeRecord<T>) -> u128 {
		(Self::ib_in_force(node).micro() as u128).max(1)
	}

	/// Changes the weight at position `index` of `pool`'s tree of `size` entries from `old` to
	/// `new`: the entries on the path up from `index + 1`.
	fn retree(pool: WorkerPool, index: u32, size: u32, old: u128, new: u128) {
		let (delta, add) = if new > old { (new - old, true) } else { (old - new, false) };
		let mut i = index.saturating_add(1);
		while delta != 0 && i <= size {
			PoolTree::<T>::mutate(pool, i, |sum| {
				*sum = if add { sum.saturating_add(delta) } else { sum.saturating_sub(delta) }
			});
			i = match i.checked_add(lowbit(i)) {
				Some(next) => next,
				None => break,
			};
		}
	}

	/// Index of the seat whose weight range holds `target` (< the pool's total): the largest
	/// position `p` with `prefix(p) ≤ target`.
	fn tree_find(pool: WorkerPool, size: u32, mut target: u128) -> u32 {
		let mut position = 0u32;
		let mut step = if size == 0 { 0 } else { 1u32 << (31 - size.leading_zeros()) };
		while step > 0 {
			let next = position.saturating_add(step);
			if next <= size {
				let sum = PoolTree::<T>::get(pool, next);
				if sum <= target {
					position = next;
					target = target.saturating_sub(sum);
				}
			}
			step >>= 1;
		}
		position
	}

	/// Puts `who` into `pool` with `weight`, or sets its weight if it is there.
	fn join_pool(pool: WorkerPool, who: &T::AccountId, weight: u128) {
		if PoolIndex::<T>::contains_key(pool, who) {
			Self::set_pool_weight(pool, who, weight);
			return;
		}
		let size = PoolSize::<T>::get(pool);
		let Some(entry) = size.checked_add(1) else { return };
		// Entry `size + 1` covers positions `size + 1 − lowbit ‥ size`: the new weight and the
		// entries below it that cover the rest.
		let mut sum = weight;
		let stop = entry - lowbit(entry);
		let mut i = entry - 1;
		while i > stop {
			sum = sum.saturating_add(PoolTree::<T>::get(pool, i));
			i -= lowbit(i);
		}
		PoolTree::<T>::insert(pool, entry, sum);
		PoolMembers::<T>::insert(pool, size, PoolSeat { who: who.clone(), weight });
		PoolIndex::<T>::insert(pool, who, size);
		PoolSize::<T>::insert(pool, entry);
		PoolWeight::<T>::mutate(pool, |total| *total = total.saturating_add(weight));
	}

	fn set_pool_weight(pool: WorkerPool, who: &T::AccountId, weight: u128) {
		let Some(index) = PoolIndex::<T>::get(pool, who) else { return };
		let Some(mut seat) = PoolMembers::<T>::get(pool, index) else { return };
		if seat.weight == weight {
			return;
		}
		Self::retree(pool, index, PoolSize::<T>::get(pool), seat.weight, weight);
		PoolWeight::<T>::mutate(pool, |total| {
			*total = total.saturating_sub(seat.weight).saturating_add(weight)
		});
		seat.weight = weight;
		PoolMembers::<T>::insert(pool, index, seat);
	}

	fn leave_pool(pool: WorkerPool, who: &T::AccountId) {
		let Some(index) = PoolIndex::<T>::take(pool, who) else { return };
		let size = PoolSize::<T>::get(pool);
		let last = size.saturating_sub(1);
		let leaving = PoolMembers::<T>::take(pool, index).map(|seat| seat.weight).unwrap_or(0);
		if index != last {
			// The last seat moves into the freed position: that position's weight changes by
			// the difference; the last entry goes (no entry below it covers the last position).
			if let Some(moved) = PoolMembers::<T>::take(pool, last) {
				Self::retree(pool, index, size, leaving, moved.weight);
				PoolIndex::<T>::insert(pool, &moved.who, index);
				PoolMembers::<T>::insert(pool, index, moved);
			}
		}
		PoolTree::<T>::remove(pool, size);
		if last == 0 {
			PoolSize::<T>::remove(pool);
			PoolWeight::<T>::remove(pool);
		} else {
			PoolSize::<T>::insert(pool, last);
			PoolWeight::<T>::mutate(pool, |total| *total = total.saturating_sub(leaving));
		}
	}

	/// Puts an eligible worker into [`WorkerPool::AllWorkers`] and the pools of its models.
	fn join_pools(who: &T::AccountId, node: &NodeRecord<T>) {
		let weight = Self::draw_weight_of(node);
		Self::join_pool(WorkerPool::AllWorkers, who, weight);
		for model in node.hosted_models.iter() {
			Self::join_pool(WorkerPool::Hosts(*model), who, weight);
		}
	}

	/// Takes a worker out of every pool.
	pub(crate) fn leave_pools(who: &T::AccountId, models: &[ModelId]) {
		Self::leave_pool(WorkerPool::AllWorkers, who);
		for model in models {
			Self::leave_pool(WorkerPool::Hosts(*model), who);
		}
	}

	/// Whether `who` is in the routing pools (an eligible worker).
	pub fn in_pools(who: &T::AccountId) -> bool {
		PoolIndex::<T>::contains_key(WorkerPool::AllWorkers, who)
	}

	/// Notes that a pooled worker's IB changed, so its weight follows (with its next move).
	pub(crate) fn note_reweigh(who: &T::AccountId) {
		if Self::in_pools(who) {
			PoolMoves::<T>::insert(who, ());
		}
	}

	/// Brings `who`'s pool membership in line with the stake's stored eligibility now: an
	/// eligible worker is in `AllWorkers` and the pools of its models at its IB, anyone else in
	/// none. Returns the weight of the pools it joined, left or reweighed.
	fn sync_pools(who: &T::AccountId) -> Weight {
		PoolMoves::<T>::remove(who);
		let pools = match Nodes::<T>::get(who) {
			Some(node) if node.role == NodeRole::Worker && T::Stake::stored_eligibility(who) => {
				Self::join_pools(who, &node);
				node.hosted_models.len()
			}
			Some(node) => {
				Self::leave_pools(who, &node.hosted_models);
				node.hosted_models.len()
			}
			None => {
				Self::leave_pool(WorkerPool::AllWorkers, who);
				0
			}
		};
		T::WeightInfo::pools_changed((pools as u32).saturating_add(1))
	}

	/// What a call of `base` weight that may move its caller through the pools is charged:
	/// `base` and the move it made when it succeeds, `base` alone when it fails (its changes,
	/// the move's too, are rolled back).
	pub(crate) fn with_pool_move(
		base: Weight,
		result: Result<Weight, DispatchError>,
	) -> DispatchResultWithPostInfo {
		match result {
			Ok(moved) => Ok(Some(base.saturating_add(moved)).into()),
			Err(error) => Err(error.with_weight(base)),
		}
	}

	/// The most one pool move costs: a worker with every model it may host.
	pub fn max_pool_move_weight() -> Weight {
		T::WeightInfo::pools_changed(T::MaxHostedModels::get().saturating_add(1))
	}

	/// Makes `who`'s noted pool move now, if one is noted; returns its weight (zero when none
	/// was noted): a worker moves through its own pools only, so a call that charged for
	/// [`Self::max_pool_move_weight`] refunds the rest.
	pub(crate) fn catch_up(who: &T::AccountId) -> Weight {
		if PoolMoves::<T>::contains_key(who) {
			Self::sync_pools(who)
		} else {
			Weight::zero()
		}
	}

	/// Makes noted pool moves while `remaining` weight allows the dearest one, at most
	/// [`MAX_POOL_MOVES_PER_BLOCK`]; returns the weight used.
	pub(crate) fn apply_pool_moves(remaining: Weight) -> Weight {
		let most = Self::max_pool_move_weight();
		let mut used = T::DbWeight::get().reads(1);
		if remaining.any_lt(used) {
			return Weight::zero();
		}
		let due: Vec<T::AccountId> =
			PoolMoves::<T>::iter_keys().take(MAX_POOL_MOVES_PER_BLOCK as usize).collect();
		for who in &due {
			if remaining.any_lt(used.saturating_add(most)) {
				break;
			}
			used.saturating_accrue(Self::sync_pools(who));
		}
		used
	}

	/// Moves a pooled worker between model pools after its hosted models changed.
	pub(crate) fn rehost(who: &T::AccountId, node: &NodeRecord<T>, old: &[ModelId]) {
		if !Self::in_pools(who) {
			return;
		}
		let weight = Self::draw_weight_of(node);
		for model in old.iter().filter(|m| !node.hosted_models.contains(m)) {
			Self::leave_pool(WorkerPool::Hosts(*model), who);
		}
		for model in node.hosted_models.iter().filter(|m| !old.contains(m)) {
			Self::join_pool(WorkerPool::Hosts(*model), who, weight);
		}
	}

	/// Whether every model of `models` is in the model registry.
	pub(crate) fn models_exist<S: Get<u32>>(models: &BoundedVec<ModelId, S>) -> bool {
		use frame_support::traits::Contains;
		models.iter().all(T::Models::contains)
	}

	/// Pool invariants: seats and indices mirror each other; sizes, totals and every tree entry
	/// match the seats' weights; a worker is in `AllWorkers` exactly when the stake has it stored
	/// as eligible, then in the pool of each model it hosts and no other, weighing its IB.
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub(crate) fn pools_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::ensure;
		let mut seated = 0u64;
		for (pool, size) in PoolSize::<T>::iter() {
			let mut seats = Vec::with_capacity(size as usize);
			for index in 0..size {
				let seat = PoolMembers::<T>::get(pool, index).ok_or("a pool has a gap")?;
				ensure!(PoolIndex::<T>::get(pool, &seat.who) == Some(index), "pool index mismatch");
				let node = Nodes::<T>::get(&seat.who).ok_or("pool member is not registered")?;
				ensure!(node.role == NodeRole::Worker, "pool member is not a worker");
				ensure!(
					seat.weight == Self::draw_weight_of(&node)
						|| PoolMoves::<T>::contains_key(&seat.who),
					"seat weight is not the IB, and no move is noted"
				);
				if let WorkerPool::Hosts(model) = pool {
					ensure!(node.hosted_models.contains(&model), "pool of a model not hosted");
				}
				seats.push(seat.weight);
			}
			let total = seats.iter().fold(0u128, |sum, w| sum.saturating_add(*w));
			ensure!(PoolWeight::<T>::get(pool) == total, "pool total differs from its seats");
			for entry in 1..=size {
				let from = (entry - lowbit(entry)) as usize;
				let covered =
					seats[from..entry as usize].iter().fold(0u128, |sum, w| sum.saturating_add(*w));
				ensure!(PoolTree::<T>::get(pool, entry) == covered, "tree entry differs");
			}
			seated += size as u64;
		}
		ensure!(PoolIndex::<T>::iter().count() as u64 == seated, "indices without seats");
		let entries = PoolTree::<T>::iter_keys().count() as u64;
		ensure!(entries == seated, "tree entries beyond a pool's size");
		ensure!(
			PoolWeight::<T>::iter_keys().all(|pool| PoolSize::<T>::contains_key(pool)),
			"a total for an empty pool"
		);
		for who in PoolMoves::<T>::iter_keys() {
			ensure!(Nodes::<T>::contains_key(&who), "a move noted for an unregistered account");
		}
		for (who, node) in Nodes::<T>::iter() {
			if PoolMoves::<T>::contains_key(&who) {
				continue;
			}
			let pooled = Self::in_pools(&who);
			let eligible = node.role == NodeRole::Worker && T::Stake::stored_eligibility(&who);
			ensure!(pooled == eligible, "pooled differs from the stake's stored eligibility");
			for model in node.hosted_models.iter() {
				ensure!(
					PoolIndex::<T>::contains_key(WorkerPool::Hosts(*model), &who) == pooled,
					"a pooled worker missing from a model pool"
				);
			}
		}
		Ok(())
	}
}

impl<T: Config> EligibilityObserver<T::AccountId> for Pallet<T> {
	fn eligibility_changed(who: &T::AccountId, _eligible: bool) {
		// The move follows the stored eligibility when it is made, so only the fact is noted.
		if Nodes::<T>::contains_key(who) {
			PoolMoves::<T>::insert(who, ());
		}
	}

	fn eligibility_changed_weight() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}

	fn catch_up(who: &T::AccountId) -> Weight {
		Self::catch_up(who)
	}

	fn catch_up_weight() -> Weight {
		Self::max_pool_move_weight()
	}
}

impl<T: Config> WorkerDirectory<T::AccountId, crate::BalanceOf<T>> for Pallet<T> {
	fn pool_size(pool: WorkerPool) -> u32 {
		PoolSize::<T>::get(pool)
	}

	fn pool_member(pool: WorkerPool, index: u32) -> Option<T::AccountId> {
		PoolMembers::<T>::get(pool, index).map(|seat| seat.who)
	}

	fn draw(pool: WorkerPool, random: u128) -> Option<T::AccountId> {
		let total = PoolWeight::<T>::get(pool);
		if total == 0 {
			return None;
		}
		let size = PoolSize::<T>::get(pool);
		let position = Self::tree_find(pool, size, random % total);
		PoolMembers::<T>::get(pool, position).map(|seat| seat.who)
	}

	fn worker(who: &T::AccountId) -> Option<WorkerInfo<crate::BalanceOf<T>>> {
		let node = Nodes::<T>::get(who)?;
		// A worker that let a spot check pass unanswered takes no new stage (and is weighed as
		// unreliable) until the check is expired and its IB revoked.
		let takes_work = node.role == NodeRole::Worker
			&& node.status == NodeStatus::Active
			&& !Self::spot_check_overdue(&node);
		takes_work.then(|| WorkerInfo {
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
