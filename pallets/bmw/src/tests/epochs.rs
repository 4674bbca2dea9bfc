//! The reward-epoch clock.

use frame_support::assert_ok;

use super::*;
use crate::{Event, RewardEpochs};

#[test]
fn an_epoch_ends_every_epoch_length_blocks() {
	ExtBuilder::default().build_and_execute(|| {
		run_to(EPOCH - 1);
		assert_eq!(Bmw::current(), 0);
		events();
		run_to(EPOCH);
		assert_eq!(Bmw::current(), 1);
		assert_eq!(Bmw::epoch_ends_at(), 2 * EPOCH);
		assert!(events().contains(&Event::EpochEnded { epoch: 0, at: EPOCH, ibme: None }));
		run_to(2 * EPOCH);
		assert_eq!(Bmw::current(), 2);
	});
}

#[test]
fn a_new_epoch_length_applies_from_the_next_epoch() {
	ExtBuilder::default().build_and_execute(|| {
		let params = BmwParams { epoch_length: 3, ..test_params() };
		assert_ok!(Bmw::set_params(RuntimeOrigin::root(), params));
		assert_eq!(Bmw::epoch_ends_at(), EPOCH, "the epoch in progress keeps its end");
		run_to(EPOCH);
		assert_eq!(Bmw::epoch_ends_at(), EPOCH + 3);
		run_to(EPOCH + 3);
		assert_eq!(Bmw::current(), 2);
	});
}
