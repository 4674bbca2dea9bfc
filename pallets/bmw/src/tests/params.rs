//! Parameters: only the admin sets them, and never invalid ones.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

use super::*;
use crate::{Error, Event, Params};

#[test]
fn the_admin_sets_valid_params() {
	ExtBuilder::default().build_and_execute(|| {
		let params = BmwParams { burn_share: Perbill::from_percent(90), ..test_params() };
		assert_noop!(Bmw::set_params(RuntimeOrigin::signed(7), params), DispatchError::BadOrigin);
		assert_ok!(Bmw::set_params(RuntimeOrigin::root(), params));
		assert_eq!(Params::<Test>::get(), Some(params));
		assert_eq!(events(), vec![Event::ParamsSet { params }]);
	});
}

#[test]
fn a_zero_epoch_length_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let params = BmwParams { epoch_length: 0, ..test_params() };
		assert_noop!(Bmw::set_params(RuntimeOrigin::root(), params), Error::<Test>::InvalidParams);
	});
}

#[test]
fn the_defaults_follow_the_documented_derivation() {
	ExtBuilder::default().build_and_execute(|| {
		let defaults = Bmw::default_params();
		assert_eq!(defaults.epoch_length, 43_200, "72 h of 6 s blocks");
		// Workers' 37.5 of 46.25 points of node-reward supply, four fifths for work: 64.86 %.
		assert_eq!(defaults.work_share, Perbill::from_parts(648_648_648));
		// The base emission halves in about 243 epochs.
		let half = crate::emission::emission_per_ibm(1_000_000, defaults.emission_decay, 243);
		assert!((499_000..=501_000).contains(&half), "{half}");
	});
}
