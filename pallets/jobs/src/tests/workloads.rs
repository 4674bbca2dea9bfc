//! Workload and model registries, work units, pipeline plans, demand.

use frame_support::{assert_noop, assert_ok, BoundedVec};
use sp_runtime::DispatchError;

use super::*;
use crate::{Demand, Error, Event, ModelDemand, Workloads};

#[test]
fn only_the_admin_registers_workloads_and_models() {
	ExtBuilder::default().build_and_execute(|| {
		let gemm = workload(WorkloadKind::Int8Gemm);
		assert_noop!(
			Jobs::register_workload(RuntimeOrigin::signed(1), gemm),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Jobs::register_model(RuntimeOrigin::signed(1), mlp_model()),
			DispatchError::BadOrigin
		);
		events();
		assert_ok!(Jobs::register_workload(RuntimeOrigin::root(), gemm));
		assert_ok!(Jobs::register_model(RuntimeOrigin::root(), mlp_model()));
		assert_eq!(
			events(),
			vec![
				Event::WorkloadRegistered { workload: 3, kind: WorkloadKind::Int8Gemm },
				Event::ModelRegistered { model: 1, hash: [9; 32], layers: 3 },
			]
		);
	});
}

#[test]
fn invalid_workloads_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let base = workload(WorkloadKind::Int8Mlp);
		let broken = [
			Workload { ref_units_per_ib_minute: 0, ..base },
			Workload { tile_bytes: 0, ..base },
			Workload { max_dimension: 0, ..base },
			Workload { max_input_bytes: 4_097, ..base },
			Workload { verification: VerificationMethod::Freivalds { rounds: 2 }, ..base },
			Workload { verification: VerificationMethod::TileSampling { tiles: 0 }, ..base },
		];
		for workload in broken {
			assert_noop!(
				Jobs::register_workload(RuntimeOrigin::root(), workload),
				Error::<Test>::InvalidWorkload
			);
		}
	});
}

#[test]
fn an_update_keeps_the_kind_and_can_disable_the_workload() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		let mlp = workload(WorkloadKind::Int8Mlp);
		assert_noop!(
			Jobs::update_workload(RuntimeOrigin::root(), 9, mlp),
			Error::<Test>::UnknownWorkload
		);
		assert_noop!(
			Jobs::update_workload(RuntimeOrigin::root(), GEMM, mlp),
			Error::<Test>::InvalidWorkload
		);
		let disabled = Workload { enabled: false, ..workload(WorkloadKind::Int8Gemm) };
		assert_ok!(Jobs::update_workload(RuntimeOrigin::root(), GEMM, disabled));
		assert_eq!(Workloads::<Test>::get(GEMM), Some(disabled));
		assert_noop!(submit_gemm(1, 100, PRICE), Error::<Test>::WorkloadDisabled);
	});
}

#[test]
fn invalid_models_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let layers = |shapes: &[(u32, u32)]| {
			BoundedVec::truncate_from(
				shapes.iter().map(|&(inputs, outputs)| LayerShape { inputs, outputs }).collect(),
			)
		};
		let broken = [
			crate::Model { layers: layers(&[]), ..mlp_model() },
			crate::Model { layers: layers(&[(4, 8), (9, 2)]), ..mlp_model() },
			crate::Model { layers: layers(&[(4, 0)]), ..mlp_model() },
			crate::Model { size_bytes: 31, layers: layers(&[(4, 8)]), ..mlp_model() },
		];
		for model in broken {
			assert_noop!(
				Jobs::register_model(RuntimeOrigin::root(), model),
				Error::<Test>::InvalidModel
			);
		}
	});
}

#[test]
fn workers_can_host_a_model_once_it_is_registered() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		let host = || {
			NodeRegistry::update_models(
				RuntimeOrigin::signed(10),
				BoundedVec::truncate_from(vec![1]),
			)
		};
		assert_noop!(host(), pallet_node_registry::Error::<Test>::UnknownModel);
		assert_ok!(Jobs::register_model(RuntimeOrigin::root(), mlp_model()));
		assert_ok!(host());
	});
}

#[test]
fn work_units_follow_the_spec() {
	ExtBuilder::default().build_and_execute(|| {
		let gemm = Jobs::quote(GEMM, JobSpec::Int8Gemm { m: 100, n: 100, k: 100 }).unwrap();
		assert_eq!(gemm, (1_000_000, crate::Ibm::from_pico(crate::Ibm::RESOLUTION)));
		let mlp = Jobs::quote(MLP, JobSpec::Int8Mlp { model: 0, batch: 2 }).unwrap();
		assert_eq!(mlp.0, 2 * (64 * 128 + 128 * 128 + 128 * 10));
		let tile = JobSpec::RenderTile {
			width: 64,
			height: 64,
			max_iterations: 100,
			center_re: 0,
			center_im: 0,
			step: 1,
		};
		assert_eq!(Jobs::quote(RENDER, tile).unwrap().0, 64 * 64 * 100);
		assert_eq!(Jobs::quote(GEMM, tile), None, "spec of another kind");
		assert_eq!(Jobs::quote(7, tile), None, "unknown workload");
	});
}

#[test]
fn pipelines_split_layers_into_stages_of_similar_work() {
	ExtBuilder::default().build_and_execute(|| {
		let mlp = Workloads::<Test>::get(MLP).unwrap();
		let shape = Jobs::shape(&mlp, &JobSpec::Int8Mlp { model: 0, batch: 1 }).unwrap();
		let split = |stages| {
			Jobs::plan_stages(&shape, JobClass::Pipeline { stages })
				.unwrap()
				.iter()
				.map(|p| (p.first_layer, p.layers, p.work_units, p.output_len))
				.collect::<Vec<_>>()
		};
		assert_eq!(split(2), vec![(0, 2, 8_192 + 16_384, 128), (2, 1, 1_280, 10)]);
		assert_eq!(split(3), vec![(0, 1, 8_192, 128), (1, 1, 16_384, 128), (2, 1, 1_280, 10)]);
	});
}

#[test]
fn demand_is_counted_per_model_and_reward_epoch() {
	ExtBuilder::default().build_and_execute(|| {
		worker(10);
		let mlp = || {
			Jobs::submit_job(
				RuntimeOrigin::signed(1),
				MLP,
				JobSpec::Int8Mlp { model: 0, batch: 1 },
				JobInput::Seed([0; 32]),
				PRICE,
				JobClass::Standard,
				None,
				WhenNoWorker::Queue,
			)
		};
		assert_ok!(mlp());
		assert_ok!(mlp());
		assert_eq!(
			Demand::<Test>::get(0),
			ModelDemand { epoch: 0, jobs: 2, previous_epoch_jobs: 0 }
		);
		set_epoch(1);
		assert_ok!(mlp());
		assert_eq!(
			Demand::<Test>::get(0),
			ModelDemand { epoch: 1, jobs: 1, previous_epoch_jobs: 2 }
		);
		set_epoch(5);
		assert_ok!(mlp());
		assert_eq!(
			Demand::<Test>::get(0),
			ModelDemand { epoch: 5, jobs: 1, previous_epoch_jobs: 0 }
		);
	});
}
