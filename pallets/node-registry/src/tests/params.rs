//! `set_params`.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, Perbill};

use super::*;
use crate::{Error, Event, Params};

#[test]
fn only_the_admin_sets_valid_params() {
	ExtBuilder::default().build_and_execute(|| {
		let mut params = NodeRegistry::params();
		params.heartbeat_interval = 20;
		assert_noop!(
			NodeRegistry::set_params(RuntimeOrigin::signed(1), params),
			DispatchError::BadOrigin
		);
		let mut bad = params;
		bad.heartbeat_interval = 0;
		assert_noop!(
			NodeRegistry::set_params(RuntimeOrigin::root(), bad),
			Error::<Test>::InvalidParams
		);
		let mut bad = params;
		bad.reliability.uptime_weight = Perbill::from_percent(50); // weights sum to 110 %
		assert_noop!(
			NodeRegistry::set_params(RuntimeOrigin::root(), bad),
			Error::<Test>::InvalidParams
		);
		let mut bad = params;
		bad.max_ib = Ib::ZERO;
		assert_noop!(
			NodeRegistry::set_params(RuntimeOrigin::root(), bad),
			Error::<Test>::InvalidParams
		);
		// An answer included in the block of its challenge had no time to compute.
		let mut bad = params;
		bad.answer_latency_blocks = 0;
		assert_noop!(
			NodeRegistry::set_params(RuntimeOrigin::root(), bad),
			Error::<Test>::InvalidParams
		);

		assert_ok!(NodeRegistry::set_params(RuntimeOrigin::root(), params));
		assert_eq!(Params::<Test>::get(), Some(params));
		assert_eq!(events(), vec![Event::ParamsSet { params }]);
		// The new interval applies.
		register_worker(1);
		run_to(11);
		assert_noop!(
			NodeRegistry::heartbeat(RuntimeOrigin::signed(1)).map_err(|e| e.error),
			Error::<Test>::HeartbeatTooEarly
		);
	});
}
