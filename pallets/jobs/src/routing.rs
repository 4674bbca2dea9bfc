//! On-chain routing: a weighted random draw among the workers that can take a stage, and the
//! deadline a worker gets for it.
//!
//! The draw scans a window of at most `MaxRouteScan` members of the job's pool, starting at a
//! random position, and keeps one candidate by weighted reservoir sampling: the i-th acceptable
//! worker replaces the current choice with probability wᵢ / Σⱼ≤ᵢ wⱼ, so within the window each is
//! chosen with probability wᵢ / Σ w. The weight is (reliability in ‰ + 1) × IB in µIB: reliable
//! and large nodes get more work, new ones still get some.

use alloc::vec::Vec;
use cinder_primitives::work_millis;
use frame_support::{pallet_prelude::*, traits::Randomness};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedFrom},
	Perbill,
};

use crate::{
	pallet::*, BalanceOf, ComputeStake, JobClass, JobId, JobsParams, StageIndex, WorkerDirectory,
	WorkerPool, Workload,
};

/// A worker chosen for a stage.
pub(crate) struct Route<T: Config> {
	pub worker: T::AccountId,
	/// The price the stage pays per IBM (the worker's, scaled for the class).
	pub price_per_ibm: BalanceOf<T>,
	/// Blocks the worker gets once the stage starts.
	pub blocks: BlockNumberFor<T>,
}

/// What routing needs to know about the stage.
pub(crate) struct StageRequest<'a, T: Config> {
	pub job: JobId,
	pub stage: StageIndex,
	pub pool: WorkerPool,
	pub workload: &'a Workload,
	pub work_units: u64,
	pub class: JobClass,
	pub max_price_per_ibm: BalanceOf<T>,
	/// Block the stage would start at (for the requested deadline).
	pub starts_at: BlockNumberFor<T>,
	pub requested_deadline: Option<BlockNumberFor<T>>,
	/// Workers that may not take it (missed it before, or hold another stage of the job).
	pub excluded: &'a [T::AccountId],
}

impl<T: Config> Pallet<T> {
	/// The price a class pays at a worker's price: Background pays `background_price_percent`
	/// of it (at least 1 planck).
	pub(crate) fn class_price(
		price: BalanceOf<T>,
		class: JobClass,
		params: &JobsParams<BlockNumberFor<T>>,
	) -> BalanceOf<T> {
		match class {
			JobClass::Background => {
				let share = Perbill::from_percent(params.background_price_percent);
				(share * price).max(1u32.into())
			}
			_ => price,
		}
	}

	/// Blocks a worker of capacity `ib` gets for `work_units`: the time its IB needs × the
	/// slack (× the background factor), in blocks, plus `min_deadline_blocks`.
	pub(crate) fn stage_blocks(
		workload: &Workload,
		work_units: u64,
		ib: cinder_primitives::Ib,
		class: JobClass,
		params: &JobsParams<BlockNumberFor<T>>,
	) -> Option<BlockNumberFor<T>> {
		let mut millis = work_millis(work_units, workload.ref_units_per_ib_minute, ib)?;
		millis = millis.saturating_mul(params.deadline_slack_percent as u128) / 100;
		if class == JobClass::Background {
			millis = millis.saturating_mul(params.background_deadline_percent as u128) / 100;
		}
		let blocks = millis.div_ceil(T::MillisecsPerBlock::get().max(1) as u128);
		Some(
			BlockNumberFor::<T>::unique_saturated_from(blocks)
				.saturating_add(params.min_deadline_blocks),
		)
	}

	/// Slots `who` uses now.
	pub(crate) fn load(who: &T::AccountId) -> u32 {
		Assignments::<T>::decode_len(who).unwrap_or(0) as u32
	}

	/// A random seed for routing stage `stage` of `job` (BABE randomness of the parent block,
	/// mixed with the job, stage and attempt).
	fn route_seed(job: JobId, stage: StageIndex, attempt: u32) -> [u8; 32] {
		let (random, _) = T::Randomness::random(b"cinder/jobs/route");
		sp_io::hashing::blake2_256(&(random, job, stage, attempt).encode())
	}

	fn draw(seed: &[u8; 32], index: u32) -> u128 {
		let hash = sp_io::hashing::blake2_256(&(seed, index).encode());
		u128::from_le_bytes(hash[..16].try_into().unwrap_or([0; 16]))
	}

	/// Draws a worker for a stage; `Err` says why none could take it.
	pub(crate) fn route(
		request: &StageRequest<T>,
		attempt: u32,
		params: &JobsParams<BlockNumberFor<T>>,
	) -> Result<Route<T>, Error<T>> {
		let size = T::Workers::pool_size(request.pool);
		if size == 0 {
			return Err(Error::<T>::NoEligibleWorker);
		}
		let seed = Self::route_seed(request.job, request.stage, attempt);
		let start = (Self::draw(&seed, u32::MAX) % size as u128) as u32;
		let slots = params.slots_per_worker.min(T::MaxJobsPerWorker::get());

		let mut any_eligible = false;
		let mut total_weight = 0u128;
		let mut chosen: Option<Route<T>> = None;
		for offset in 0..size.min(T::MaxRouteScan::get()) {
			let index = (start as u64 + offset as u64) % size as u64;
			let Some(worker) = T::Workers::pool_member(request.pool, index as u32) else {
				continue;
			};
			if request.excluded.contains(&worker) {
				continue;
			}
			let Some(info) = T::Workers::worker(&worker) else { continue };
			if !T::Stake::is_eligible(&worker) {
				continue;
			}
			let load = Self::load(&worker);
			if load >= slots {
				continue;
			}
			if request.class == JobClass::Background && (!info.background_jobs || load > 0) {
				continue;
			}
			let Some(blocks) = Self::stage_blocks(
				request.workload,
				request.work_units,
				info.ib,
				request.class,
				params,
			) else {
				continue;
			};
			if let Some(deadline) = request.requested_deadline {
				if request.starts_at.saturating_add(blocks) > deadline {
					continue;
				}
			}
			any_eligible = true;
			let price_per_ibm = Self::class_price(info.price_per_ibm, request.class, params);
			if price_per_ibm > request.max_price_per_ibm {
				continue;
			}
			let reliability = (info.reliability.deconstruct() / 1_000_000) as u128;
			let weight = (reliability + 1).saturating_mul(info.ib.micro().max(1) as u128);
			total_weight = total_weight.saturating_add(weight);
			if Self::draw(&seed, offset) % total_weight < weight {
				chosen = Some(Route { worker, price_per_ibm, blocks });
			}
		}
		match chosen {
			Some(route) => Ok(route),
			None if any_eligible => Err(Error::<T>::PriceBelowEveryWorker),
			None => Err(Error::<T>::NoEligibleWorker),
		}
	}

	/// Routes every stage of a job to distinct workers; stage i is expected to start when stage
	/// i−1's time is up. Nothing is written.
	pub(crate) fn route_all(
		requests: &[StageRequest<T>],
		now: BlockNumberFor<T>,
		params: &JobsParams<BlockNumberFor<T>>,
	) -> Result<Vec<Route<T>>, Error<T>> {
		let mut routes: Vec<Route<T>> = Vec::with_capacity(requests.len());
		let mut taken: Vec<T::AccountId> = Vec::with_capacity(requests.len());
		let mut starts_at = now;
		for request in requests {
			let request = StageRequest::<T> { starts_at, excluded: &taken, ..*request };
			let route = Self::route(&request, 0, params)?;
			starts_at = starts_at.saturating_add(route.blocks);
			taken.push(route.worker.clone());
			routes.push(route);
		}
		Ok(routes)
	}
}

impl<'a, T: Config> Clone for StageRequest<'a, T> {
	fn clone(&self) -> Self {
		*self
	}
}
impl<'a, T: Config> Copy for StageRequest<'a, T> {}
