//! Benchmarks of every call; run as tests with
//! `cargo test -p pallet-verification --features runtime-benchmarks`.

use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use sp_runtime::Perbill;

use crate::*;

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_params() {
		let params = VerificationParams {
			floor_sampling_rate: Perbill::from_percent(2),
			..Pallet::<T>::default_params()
		};

		#[extrinsic_call]
		_(RawOrigin::Root, params);

		assert_eq!(Pallet::<T>::params(), params);
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::tests::ExtBuilder::default().build(),
		crate::tests::Test
	);
}
