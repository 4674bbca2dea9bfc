//! `update_*`: hardware, endpoint, price, models, availability.

use frame_support::{assert_noop, assert_ok, BoundedVec};

use super::*;
use crate::{Error, Event, Nodes};

#[test]
fn updates_need_a_registered_node() {
	ExtBuilder::default().build_and_execute(|| {
		let who = RuntimeOrigin::signed(1);
		assert_noop!(
			NodeRegistry::update_hardware(who.clone(), hardware()),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			NodeRegistry::update_endpoint(who.clone(), endpoint("http://x")),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			NodeRegistry::update_price(who.clone(), 5).map_err(|e| e.error),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			NodeRegistry::update_models(who.clone(), BoundedVec::new()),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			NodeRegistry::update_availability(who, Availability::default()),
			Error::<Test>::NotRegistered
		);
	});
}

#[test]
fn hardware_endpoint_models_and_availability_are_replaced() {
	ExtBuilder::default().build_and_execute(|| {
		register_worker(1);
		events();
		let mut new_hardware = hardware();
		new_hardware.vram_mib = 81_920;
		assert_ok!(NodeRegistry::update_hardware(RuntimeOrigin::signed(1), new_hardware.clone()));
		assert_noop!(
			NodeRegistry::update_endpoint(RuntimeOrigin::signed(1), endpoint("gopher://x")),
			Error::<Test>::BadEndpoint
		);
		assert_ok!(NodeRegistry::update_endpoint(
			RuntimeOrigin::signed(1),
			endpoint("https://n1.example")
		));
		assert_ok!(NodeRegistry::update_models(
			RuntimeOrigin::signed(1),
			BoundedVec::truncate_from(vec![1, 2, 3])
		));
		let availability = Availability { background_jobs: false, committed_memory_mib: 0 };
		assert_ok!(NodeRegistry::update_availability(RuntimeOrigin::signed(1), availability));
		let node = Nodes::<Test>::get(1).unwrap();
		assert_eq!(node.hardware, new_hardware);
		assert_eq!(node.endpoint.to_vec(), b"https://n1.example".to_vec());
		assert_eq!(node.hosted_models.to_vec(), vec![1, 2, 3]);
		assert_eq!(node.availability, availability);
		assert_eq!(
			events(),
			vec![
				Event::HardwareUpdated { who: 1 },
				Event::EndpointUpdated { who: 1 },
				Event::ModelsUpdated { who: 1, models: 3 },
				Event::AvailabilityUpdated { who: 1, availability },
			]
		);
	});
}

#[test]
fn a_price_raise_needs_a_bond_covering_the_new_s_n() {
	ExtBuilder::default().build_and_execute(|| {
		confirmed_worker(1);
		assert_noop!(
			NodeRegistry::update_price(RuntimeOrigin::signed(1), 0).map_err(|e| e.error),
			Error::<Test>::ZeroPrice
		);
		assert_noop!(
			NodeRegistry::update_price(RuntimeOrigin::signed(1), PRICE + 1).map_err(|e| e.error),
			pallet_compute_staking::Error::<Test>::BondBelowMinimumStake
		);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(1), 2 * S_HALF_IB));
		assert_ok!(NodeRegistry::update_price(RuntimeOrigin::signed(1), 2 * PRICE));
		assert_eq!(Nodes::<Test>::get(1).unwrap().price_per_ibm, 2 * PRICE);
		// Lowering never needs more bond.
		assert_ok!(NodeRegistry::update_price(RuntimeOrigin::signed(1), 1));
	});
}
