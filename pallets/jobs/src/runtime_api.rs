//! Runtime API of the jobs pallet: a job's status, assignments, receipts and settlement; a
//! worker's assignments; what a spec would cost.

use alloc::vec::Vec;
use codec::Codec;

use crate::{Ibm, JobId, JobSpec, StageIndex, WorkloadId};

sp_api::decl_runtime_apis! {
	/// Reads a job market without submitting anything.
	pub trait JobsApi<AccountId, Job>
	where
		AccountId: Codec,
		Job: Codec,
	{
		/// The job: its status, every stage's worker, deadline, receipt and settled fee.
		fn job(id: JobId) -> Option<Job>;
		/// The stages `worker` holds (running, waiting or verifying).
		fn assignments(worker: AccountId) -> Vec<(JobId, StageIndex)>;
		/// Work units and IBM of `spec` on `workload`, or `None` if the spec is not valid there.
		fn quote(workload: WorkloadId, spec: JobSpec) -> Option<(u64, Ibm)>;
	}
}

impl<T: crate::Config> crate::Pallet<T> {
	/// Work units and IBM of `spec` on `workload` (for [`JobsApi::quote`]).
	pub fn quote(workload: WorkloadId, spec: JobSpec) -> Option<(u64, Ibm)> {
		let workload = crate::Workloads::<T>::get(workload)?;
		let shape = Self::shape(&workload, &spec).ok()?;
		let ibm = Ibm::from_work(shape.work_units, workload.ref_units_per_ib_minute)?;
		Some((shape.work_units, ibm))
	}

	/// The stages `worker` holds (for [`JobsApi::assignments`]).
	pub fn assignments_of(worker: &T::AccountId) -> Vec<(JobId, StageIndex)> {
		crate::Assignments::<T>::get(worker).iter().map(|a| (a.job, a.stage)).collect()
	}

	/// A job as users see it (for [`JobsApi::job`]): the stored record with each delivered
	/// receipt, kept in its worker's assignments until the stage settles, shown on its stage
	/// as `Verifying`.
	pub fn job(id: JobId) -> Option<crate::Job<T>> {
		let mut job = crate::Jobs::<T>::get(id)?;
		for (index, stage) in job.stages.iter_mut().enumerate() {
			let (Some(worker), crate::StageState::Running { .. }) = (&stage.worker, stage.state)
			else {
				continue;
			};
			let delivered = crate::Assignments::<T>::get(worker)
				.iter()
				.find(|a| a.is(id, index as StageIndex))
				.and_then(|a| a.delivered);
			if let Some(delivery) = delivered {
				stage.receipt = Some(delivery.receipt);
				stage.state = crate::StageState::Verifying { accept_at: delivery.accept_at };
			}
		}
		Some(job)
	}
}
