//! `set_params`.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

use super::*;
use crate::{Error, Event, JobsParams};

#[test]
fn only_the_admin_sets_valid_params() {
	ExtBuilder::default().build_and_execute(|| {
		let good = Jobs::params();
		assert_noop!(Jobs::set_params(RuntimeOrigin::signed(1), good), DispatchError::BadOrigin);
		let broken = [
			JobsParams { slots_per_worker: 0, ..good },
			JobsParams { slots_per_worker: 17, ..good },
			JobsParams { max_attempts: 0, ..good },
			JobsParams { max_attempts: 5, ..good },
			JobsParams { deadline_slack_percent: 99, ..good },
			JobsParams { background_deadline_percent: 99, ..good },
			JobsParams { background_price_percent: 0, ..good },
			JobsParams { background_price_percent: 101, ..good },
			JobsParams { queue_blocks: 0, ..good },
			JobsParams { max_stage_blocks: good.min_deadline_blocks, ..good },
		];
		for params in broken {
			assert_noop!(
				Jobs::set_params(RuntimeOrigin::root(), params),
				Error::<Test>::InvalidParams
			);
		}
		let changed = JobsParams { slots_per_worker: 8, ..good };
		events();
		assert_ok!(Jobs::set_params(RuntimeOrigin::root(), changed));
		assert_eq!(events(), vec![Event::ParamsSet { params: changed }]);
		assert_eq!(Jobs::params(), changed);
	});
}
