//! The reliability score: three exponentially weighted averages and their weighted sum (see the
//! crate docs for the formula).

use sp_runtime::{traits::Saturating, Perbill};

use crate::{pallet::*, NodeRecord, Reliability, ReliabilityEvents, ReliabilityParams};

impl<T: Config> Pallet<T> {
	/// `c ← α·sample + (1 − α)·c`.
	fn ewma(current: Perbill, sample: bool, alpha: Perbill) -> Perbill {
		let kept = (Perbill::one().saturating_sub(alpha)) * current;
		if sample {
			kept.saturating_add(alpha)
		} else {
			kept
		}
	}

	/// `w_u·uptime + w_d·delivery + w_v·verification`.
	pub(crate) fn score(r: &Reliability, params: &ReliabilityParams) -> Perbill {
		(params.uptime_weight * r.uptime)
			.saturating_add(params.delivery_weight * r.delivery)
			.saturating_add(params.verification_weight * r.verification)
	}

	/// Records `missed` missed heartbeat intervals followed by one met.
	pub(crate) fn observe_uptime(node: &mut NodeRecord<T>, missed: u32) {
		let params = Self::params().reliability;
		let r = &mut node.reliability;
		// Each miss multiplies the component by (1 − α); `missed` of them at once.
		r.uptime =
			Perbill::one().saturating_sub(params.alpha).saturating_pow(missed as usize) * r.uptime;
		r.uptime = Self::ewma(r.uptime, true, params.alpha);
		r.score = Self::score(r, &params);
	}

	fn observe(who: &T::AccountId, update: impl FnOnce(&mut Reliability, Perbill)) {
		let params = Self::params().reliability;
		Nodes::<T>::mutate_extant(who, |node| {
			update(&mut node.reliability, params.alpha);
			node.reliability.score = Self::score(&node.reliability, &params);
		});
	}
}

impl<T: Config> ReliabilityEvents<T::AccountId> for Pallet<T> {
	fn job_delivered(who: &T::AccountId, on_time: bool) {
		Self::observe(who, |r, alpha| r.delivery = Self::ewma(r.delivery, on_time, alpha));
	}

	fn verification_result(who: &T::AccountId, passed: bool) {
		Self::observe(who, |r, alpha| r.verification = Self::ewma(r.verification, passed, alpha));
	}
}
