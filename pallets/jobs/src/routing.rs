//! On-chain routing: a weighted random draw among the workers that can take a stage, and the
//! deadline a worker gets for it.
//!
//! The job's pool holds the eligible workers, each weighing its IB (the registry's Fenwick
//! tree: one draw reads `⌈log₂ size⌉ + 1` entries whatever the pool's size). Routing draws up
//! to `MaxRouteDraws` times; a drawn worker that fits the stage (not one the stage may not go
//! to, live eligible, a free slot, the class, the deadline, done within `max_stage_blocks`, the
//! price, and a bond large enough
//! for sampling to make faking the stage lose money: [`ReceiptVerifier::can_deter`]) is taken with
//! probability (reliability in ‰ + 1) / 1001, so among the fitting workers each is chosen with
//! probability proportional to (reliability in ‰ + 1) × IB: reliable and large nodes get more
//! work, new ones still get some. If no draw is taken, the first drawn worker that fit gets the
//! stage (in proportion to IB alone). If none fit (every draw landed on workers that are full,
//! jailed, overdue, excluded, too slow or too dear: a pipeline's large worker holding another
//! stage, say), `MaxRouteDraws` consecutive members from a random position are examined, and
//! the first that fits gets it. Only then does the job wait in the
//! queue (or the call fail), the error saying whether the price, or the workers' bonds, were
//! the reason.

use alloc::vec::Vec;
use cinder_primitives::work_millis;
use frame_support::{pallet_prelude::*, traits::Randomness};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedFrom},
	Perbill,
};

use crate::{
	pallet::*, BalanceOf, ComputeStake, JobClass, JobId, JobsParams, ReceiptVerifier, StageIndex,
	WorkerDirectory, WorkerPool, Workload,
};

/// A worker chosen for a stage.
pub(crate) struct Route<T: Config> {
	pub worker: T::AccountId,
	/// The price the stage pays per IBM (the worker's, scaled for the class).
	pub price_per_ibm: BalanceOf<T>,
	/// Blocks the worker gets once the stage starts.
	pub blocks: BlockNumberFor<T>,
}

/// Why a worker cannot take a stage, nearest miss first: it would but for its price, it would
/// but for its bond (too small to deter faking a stage of this value), or it cannot at all.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Misfit {
	Price,
	Bond,
	Other,
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

	fn draw(seed: &[u8; 32], index: u32, purpose: u8) -> u128 {
		let hash = sp_io::hashing::blake2_256(&(seed, index, purpose).encode());
		u128::from_le_bytes(hash[..16].try_into().unwrap_or([0; 16]))
	}

	/// What `worker` would get for the stage, if it fits it, or why not.
	fn fit(
		request: &StageRequest<T>,
		worker: T::AccountId,
		slots: u32,
		params: &JobsParams<BlockNumberFor<T>>,
	) -> Result<(Route<T>, u128), Misfit> {
		if request.excluded.contains(&worker) {
			return Err(Misfit::Other);
		}
		let info = T::Workers::worker(&worker).ok_or(Misfit::Other)?;
		if !T::Stake::is_eligible(&worker) {
			return Err(Misfit::Other);
		}
		let held = Assignments::<T>::get(&worker);
		let load = held.len() as u32;
		if load >= slots {
			return Err(Misfit::Other);
		}
		if request.class == JobClass::Background && (!info.background_jobs || load > 0) {
			return Err(Misfit::Other);
		}
		let own = Self::stage_blocks(
			request.workload,
			request.work_units,
			info.ib,
			request.class,
			params,
		)
		.ok_or(Misfit::Other)?;
		if own > params.max_stage_blocks {
			return Err(Misfit::Other);
		}
		// It does its stages one after another: this one's clock starts when the receipts it
		// still owes are due, so a worker given several stages at once can deliver each on
		// time at the speed its IB promises.
		let queued = held
			.iter()
			.filter(|slot| slot.delivered.is_none())
			.filter_map(|slot| slot.due)
			.max()
			.map_or(Zero::zero(), |due| due.saturating_sub(request.starts_at));
		let blocks = own.saturating_add(queued);
		if let Some(deadline) = request.requested_deadline {
			if request.starts_at.saturating_add(blocks) > deadline {
				return Err(Misfit::Other);
			}
		}
		let price_per_ibm = Self::class_price(info.price_per_ibm, request.class, params);
		if price_per_ibm > request.max_price_per_ibm {
			return Err(Misfit::Price);
		}
		// Its bond must let sampling make faking the stage lose money (a small bond cannot
		// back a large job, whatever the worker's price).
		let units = request.workload.ref_units_per_ib_minute;
		let value = Self::stage_value(units, request.work_units, price_per_ibm)
			.map_err(|_| Misfit::Other)?;
		let detection = request.workload.verification.detection();
		if !T::Verifier::can_deter(T::Stake::active_bond(&worker), value, detection) {
			return Err(Misfit::Bond);
		}
		let reliability = (info.reliability.deconstruct() / 1_000_000) as u128;
		Ok((Route { worker, price_per_ibm, blocks }, reliability))
	}

	/// Draws a worker for a stage; `Err` says why none could take it.
	pub(crate) fn route(
		request: &StageRequest<T>,
		attempt: u32,
		params: &JobsParams<BlockNumberFor<T>>,
	) -> Result<Route<T>, Error<T>> {
		let seed = Self::route_seed(request.job, request.stage, attempt);
		let slots = params.slots_per_worker.min(T::MaxJobsPerWorker::get());
		let draws = T::MaxRouteDraws::get();
		// The closest any examined worker came: fitting but for its price, or for its bond.
		let mut closest = Misfit::Other;
		let mut first_fit: Option<Route<T>> = None;
		for index in 0..draws {
			let random = Self::draw(&seed, index, 0);
			let Some(worker) = T::Workers::draw(request.pool, random) else { break };
			match Self::fit(request, worker, slots, params) {
				Ok((route, reliability)) => {
					if Self::draw(&seed, index, 1) % 1_001 <= reliability {
						return Ok(route);
					}
					first_fit.get_or_insert(route);
				}
				Err(misfit) => closest = closest.min(misfit),
			}
		}
		if let Some(route) = first_fit {
			return Ok(route);
		}
		// Every draw landed on workers that cannot take the stage now (full, jailed, overdue,
		// too slow or too dear): walk `draws` consecutive members from a random position, so a
		// fitting worker of little weight among them is still found.
		let size = T::Workers::pool_size(request.pool);
		if size > 0 {
			let start = (Self::draw(&seed, draws, 2) % size as u128) as u64;
			for offset in 0..size.min(draws) as u64 {
				let index = ((start + offset) % size as u64) as u32;
				let Some(worker) = T::Workers::pool_member(request.pool, index) else { continue };
				match Self::fit(request, worker, slots, params) {
					Ok((route, _)) => return Ok(route),
					Err(misfit) => closest = closest.min(misfit),
				}
			}
		}
		Err(match closest {
			Misfit::Price => Error::<T>::PriceBelowEveryWorker,
			Misfit::Bond => Error::<T>::JobTooLargeForEveryBond,
			Misfit::Other => Error::<T>::NoEligibleWorker,
		})
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
