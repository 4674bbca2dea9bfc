//! BMW as wired into the runtime: a settled job's fee is burned and split, the worker's
//! heartbeat counts for availability, the 40-block dev epoch ends and settles its pools, the
//! worker's reward is minted into the pot as the runtime API foretold and its first claim pays
//! the immediate share; issuance moves by exactly minted − burned.

use frame_support::assert_ok;
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;

use super::{deliver_gemm, new_test_ext, run_to, submit_gemm_job};
use crate::{Balances, Bmw, NodeRegistry, Runtime, RuntimeOrigin, System, Verification, CNDR};
use cinder_primitives::RewardEpochs;

#[test]
fn a_settled_job_burns_its_fee_and_the_epoch_mints_its_workers_rewards() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let eve = Sr25519Keyring::Eve.to_account_id();
		let ferdie = Sr25519Keyring::Ferdie.to_account_id();
		assert_ok!(crate::dev_nodes::lavapipe_worker(&eve, CNDR, vec![0], CNDR));
		// A 4096³ GEMM: 1.7·10⁻⁶ IBM, so its reward is more than dust.
		assert_ok!(submit_gemm_job(&ferdie, 4096));
		assert_ok!(deliver_gemm(&eve, 0, 4096, [7; 32]));
		let issuance = Balances::total_issuance();
		run_to(System::block_number() + Verification::params().challenge_window);
		// The job settled: her reliability then weighed its work credit.
		let reliability = <NodeRegistry as cinder_primitives::WorkerDirectory<_, _>>::worker(&eve)
			.unwrap()
			.reliability;
		// Eve's heartbeat counts one interval online at her confirmed IB.
		let node = pallet_node_registry::Nodes::<Runtime>::get(&eve).unwrap();
		let interval = NodeRegistry::params().heartbeat_interval;
		run_to(node.last_heartbeat + interval);
		assert_ok!(NodeRegistry::heartbeat(RuntimeOrigin::signed(eve.clone())));
		let totals = pallet_bmw::EpochTotals::<Runtime>::get(0);
		let params = Bmw::params();
		// Her availability: her confirmed IB for the interval, at the availability rate,
		// within the yield on her bond that the registry reported.
		let ib = node.confirmed_ib.unwrap().ib;
		let online =
			pallet_bmw::contributions::online_ibm(ib, interval, crate::MILLI_SECS_PER_BLOCK);
		let points = pallet_bmw::contributions::availability_points(
			online,
			node.availability.committed_memory_mib,
			params.memory_bonus,
			params.memory_bonus_full_mib,
		);
		let per_ibm =
			(params.pools.availability * params.ibme_target).mul_floor(totals.emission_per_ibm);
		let bond =
			<crate::ComputeStaking as cinder_primitives::ComputeStake<_, _>>::active_bond(&eve);
		let (availability, uncapped) = pallet_bmw::contributions::availability_credit(
			points,
			per_ibm,
			bond,
			params.availability_max_yield,
			interval,
			params.epoch_length,
		);
		assert!(availability > 0);
		assert_eq!(availability, uncapped, "a bond of S(n) backs all of it");
		assert_eq!(totals.credited.availability, availability);
		assert_eq!(totals.apparent_ibm, online);
		assert_eq!(totals.accounts, 1);
		assert!(totals.burned > 0);
		assert_eq!(
			Bmw::ibme(0),
			Some(sp_runtime::Perbill::from_rational(totals.backed_ibm, online))
		);
		let estimate = Bmw::reward_breakdown(&eve, 0);

		// The 40-block epoch ends and settles.
		let end = Bmw::epoch_ends_at();
		assert_eq!(end, 40);
		run_to(end);
		assert_eq!(Bmw::current(), 1);
		let settlement = pallet_bmw::Settlements::<Runtime>::get(0).expect("settled");
		assert_eq!(pallet_bmw::NextToSettle::<Runtime>::get(), 1);
		let per_ibm = pallet_bmw::emission::emission_per_ibm(
			params.base_emission_per_ibm,
			params.emission_decay,
			0,
		);
		// Her job's credits, from it alone.
		let credits = pallet_bmw::emission::job_credits(
			totals.ibm,
			per_ibm,
			totals.burned,
			params.max_mint_per_burn,
			&params.pools,
			|emission| Bmw::work_points(emission, 100, reliability, params.reliability_bonus),
		);
		assert_eq!(totals.emission, credits.emission);
		// Priced at 1 CNDR an IBM, the job burns 80 % of its emission at `E_p` = 1 CNDR: its
		// burn backs that share of its IBM, which is what the IBME counts as paid.
		assert_eq!(totals.backed_ibm, credits.backed_ibm);
		assert!(totals.backed_ibm.abs_diff(totals.ibm * 4 / 5) <= 1, "its fee rounds up");
		assert_eq!(settlement.emission, credits.work + credits.verifiers + availability);
		// Eve alone worked and was online: her work and availability credits; nobody
		// verified, so the verifier share is withheld.
		let reward = credits.work + availability;
		assert_eq!(settlement.minted, reward);
		assert_eq!(settlement.withheld, credits.verifiers);
		assert_eq!(estimate.total, reward, "the running estimate was right");
		assert_eq!(Balances::total_issuance(), issuance - totals.burned + reward);

		// The first claim pays the immediate share.
		let before = Balances::free_balance(&eve);
		assert_ok!(Bmw::claim(RuntimeOrigin::signed(eve.clone()), 0));
		assert_eq!(
			Balances::free_balance(&eve),
			before + params.vest_immediately.mul_floor(reward)
		);
		Bmw::do_try_state().unwrap();
	});
}
