//! `set_params`: admin only, every bound checked, state untouched on refusal.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, Perbill};

use super::*;
use crate::{Error, Event, VerificationParams};

fn defaults() -> VerificationParams<u64> {
	Verification::default_params()
}

#[test]
fn genesis_stores_the_defaults() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(crate::Params::<Test>::get(), Some(defaults()));
	});
}

#[test]
fn the_admin_sets_valid_params() {
	ExtBuilder::default().build_and_execute(|| {
		let params = VerificationParams { committee_size: 3, ..defaults() };
		assert_ok!(Verification::set_params(RuntimeOrigin::root(), params));
		assert_eq!(Verification::params(), params);
		assert_eq!(events(), vec![Event::ParamsSet { params }]);
	});
}

#[test]
fn only_the_admin_sets_params() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Verification::set_params(RuntimeOrigin::signed(1), defaults()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn params_out_of_range_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let d = defaults();
		let invalid = [
			VerificationParams { floor_sampling_rate: Perbill::from_percent(5), ..d },
			VerificationParams { floor_sampling_rate: Perbill::zero(), ..d },
			VerificationParams { sampling_margin: 0, ..d },
			// A margin of 1 only breaks even, and no slash deters nothing.
			VerificationParams { sampling_margin: 1, ..d },
			VerificationParams { fault_slash: Perbill::zero(), ..d },
			VerificationParams { committee_size: 0, ..d },
			VerificationParams { dispute_committee_size: d.committee_size, ..d },
			VerificationParams { dispute_committee_size: MAX_COMMITTEE as u8 + 1, ..d },
			VerificationParams { challenge_window: 0, ..d },
			VerificationParams { challenge_window: 1, ..d },
			VerificationParams { verdict_window: 0, ..d },
			// An even dispute committee could tie with every seat answered.
			VerificationParams { dispute_committee_size: 4, ..d },
			VerificationParams { max_redraws: MAX_REDRAWS as u8 + 1, ..d },
		];
		for params in invalid {
			assert_noop!(
				Verification::set_params(RuntimeOrigin::root(), params),
				Error::<Test>::InvalidParams
			);
		}
	});
}
