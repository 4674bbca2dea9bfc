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
fn invalid_params_are_refused_and_change_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		let over = PoolShares {
			work: Perbill::from_percent(60),
			availability: Perbill::from_percent(20),
			verifiers: Perbill::from_percent(20),
			managers: Perbill::from_parts(1),
		};
		for params in [
			BmwParams { epoch_length: 0, ..test_params() },
			BmwParams { pools: over, ..test_params() },
			BmwParams { ibme_target: Perbill::zero(), ..test_params() },
			BmwParams { ibme_target: Perbill::one(), ..test_params() },
			BmwParams { memory_bonus_full_mib: 0, ..test_params() },
		] {
			assert_noop!(
				Bmw::set_params(RuntimeOrigin::root(), params),
				Error::<Test>::InvalidParams
			);
		}
		// Exactly 100 % is fine.
		let full = PoolShares { managers: Perbill::zero(), ..over };
		assert_ok!(Bmw::set_params(
			RuntimeOrigin::root(),
			BmwParams { pools: full, ..test_params() }
		));
	});
}

#[test]
fn the_defaults_follow_the_documented_derivation() {
	ExtBuilder::default().build_and_execute(|| {
		let defaults = Bmw::default_params();
		assert_eq!(defaults.epoch_length, 43_200, "72 h of 6 s blocks");
		// Of the 46.25 % of supply for node rewards: workers' 37.5, four fifths for work
		// (64.86 %) and one fifth for availability (16.22 %); verifiers' 7.5 (16.22 %);
		// managers' 1.25 (2.70 %). Rounded down, they leave 2 parts in 10⁹.
		let pools = defaults.pools;
		assert_eq!(pools.work, Perbill::from_parts(648_648_648));
		assert_eq!(pools.availability, Perbill::from_parts(162_162_162));
		assert_eq!(pools.verifiers, Perbill::from_parts(162_162_162));
		assert_eq!(pools.managers, Perbill::from_parts(27_027_027));
		assert!(pools.is_valid());
		// The base emission halves in about 243 epochs.
		let half = crate::emission::emission_per_ibm(1_000_000, defaults.emission_decay, 243);
		assert!((499_000..=501_000).contains(&half), "{half}");
	});
}
