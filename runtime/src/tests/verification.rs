//! Verification as wired into the runtime: Alice's validator runs a Verifier node and every
//! receipt is sampled. A worker's benchmark answer is recomputed by Alice and its IB confirmed
//! as independently checked. A wrong receipt is disputed and its worker slashed by exactly
//! `fault_slash` of its bond into the penalty pool, jailed, and the job fails at no charge when
//! no other worker can take it; a verifier that stays silent is reported to pallet-offences and
//! pallet-staking records the slash of its validator, and with nobody to take its seat the
//! claim is unverifiable: not paid, not confirmed, nobody slashed. The silent-verifier and
//! fake-verifier attacks fail.

use codec::Encode;
use frame_support::assert_ok;
use pallet_jobs::{JobFailure, JobStatus};
use pallet_node_registry::NodeRole;
use pallet_verification::{AcceptReason, Credits, Subject, UnverifiableReason, Verdict};
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;
use sp_runtime::Perbill;

use super::{deliver_gemm, new_test_ext, run_to, submit_gemm_job};
use crate::{
	configs::SilenceSlash, AccountId, Balances, ComputeStaking, Jobs, NodeRegistry, PenaltyPool,
	Runtime, RuntimeEvent, RuntimeOrigin, System, Verification, CNDR,
};
use cinder_primitives::ComputeStake;

fn alice() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}
fn eve() -> AccountId {
	Sr25519Keyring::Eve.to_account_id()
}
fn ferdie() -> AccountId {
	Sr25519Keyring::Ferdie.to_account_id()
}

fn events() -> Vec<RuntimeEvent> {
	System::events().into_iter().map(|record| record.event).collect()
}

/// The receipt under check.
const JOB_0: Subject = Subject::Stage { job: 0, stage: 0 };

/// Alice, the committee of one, commits to `verdict` on `subject` and reveals it.
fn alice_says(subject: Subject, verdict: Verdict) {
	let salt = [5; 32];
	let commitment = pallet_verification::verdict_commitment(&subject, &alice(), &verdict, &salt);
	assert_ok!(Verification::commit_verdict(RuntimeOrigin::signed(alice()), subject, commitment));
	assert_ok!(Verification::reveal_verdict(
		RuntimeOrigin::signed(alice()),
		subject,
		verdict,
		salt
	));
}

/// Alice verifies for her validator; every receipt is sampled by a committee of one; Eve is a
/// bonded lavapipe worker whose benchmark answer Alice recomputes and confirms; Ferdie's GEMM
/// job 0 is routed to Eve, who claims `output_root`; then the challenge window runs out and
/// the check opens.
fn sampled_receipt(output_root: [u8; 32]) {
	let mut params = Verification::params();
	params.base_sampling_rate = Perbill::one();
	params.floor_sampling_rate = Perbill::one();
	params.committee_size = 1;
	params.dispute_committee_size = 3;
	assert_ok!(Verification::set_params(RuntimeOrigin::root(), params));
	assert_ok!(crate::dev_nodes::lavapipe_verifier(&alice(), &alice(), CNDR));
	assert_ok!(crate::dev_nodes::answered_lavapipe_worker(&eve(), CNDR, vec![0], CNDR));
	let challenge = pallet_node_registry::Nodes::<Runtime>::get(eve()).unwrap().challenge.unwrap();
	let answer = Subject::Benchmark { challenge: challenge.id };
	run_to(System::block_number() + params.challenge_window);
	assert!(events().iter().any(|e| matches!(
		e,
		RuntimeEvent::Verification(pallet_verification::Event::Sampled { subject, .. })
			if *subject == answer
	)));
	alice_says(answer, Verdict::Commitment(crate::dev_nodes::LAVAPIPE_ANSWER));
	assert!(events().contains(&RuntimeEvent::NodeRegistry(
		pallet_node_registry::Event::IbConfirmed {
			who: eve(),
			ib: crate::dev_nodes::LAVAPIPE_IB,
			independently_checked: true
		}
	)));
	// The verdict noted Eve's move into the pools; the block's spare weight makes it.
	run_to(System::block_number() + 1);
	assert_ok!(submit_gemm_job(&ferdie(), 64));
	assert_ok!(deliver_gemm(&eve(), 0, 64, output_root));
	run_to(System::block_number() + params.challenge_window);
	let sampled = events().into_iter().any(|e| {
		matches!(e, RuntimeEvent::Verification(pallet_verification::Event::Sampled {
			subject: JOB_0, ref committee, ..
		}) if committee.to_vec() == vec![alice()])
	});
	assert!(sampled, "job 0 sampled with Alice on the committee");
}

#[test]
fn a_wrong_receipt_is_disputed_and_the_worker_slashed_by_exactly_fault_slash() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let ferdie_before = Balances::free_balance(ferdie());
		sampled_receipt([7; 32]);
		let bond = ComputeStaking::active_bond(&eve());
		let pool = Balances::free_balance(PenaltyPool::get());
		let slash = Verification::params().fault_slash.mul_floor(bond);
		assert!(slash > 0);

		// Alice recomputes and finds another root: a dispute, drawn a few blocks after her
		// reveal, whose committee is Alice again (the only verifier); her second verdict is
		// the majority.
		let verdict = Verdict::Commitment([8; 32]);
		alice_says(JOB_0, verdict);
		run_to(System::block_number() + pallet_verification::checks::DRAW_DELAY);
		assert!(events().iter().any(|e| matches!(
			e,
			RuntimeEvent::Verification(pallet_verification::Event::Disputed { subject: JOB_0, .. })
		)));
		alice_says(JOB_0, verdict);

		assert_eq!(ComputeStaking::active_bond(&eve()), bond - slash);
		assert_eq!(Balances::free_balance(PenaltyPool::get()), pool + slash);
		assert!(events().contains(&RuntimeEvent::Verification(
			pallet_verification::Event::Rejected {
				subject: JOB_0,
				worker: eve(),
				slashed: slash,
				jailed_until: Some(Verification::params().jail_epochs),
			}
		)));
		assert!(ComputeStaking::jailed_until(&eve()).is_some());
		// Eve was the only worker: the job fails and Ferdie pays nothing.
		let job = pallet_jobs::Jobs::<Runtime>::get(0).unwrap();
		assert_eq!(job.status, JobStatus::Failed(JobFailure::NoWorkerForReassignment));
		assert_eq!(Balances::free_balance(ferdie()) + job.deposit, ferdie_before);
		// Alice's verdicts matched the outcome: Eve's benchmark answer, then both rounds of
		// the dispute she raised and won.
		assert_eq!(
			pallet_verification::VerifierCredits::<Runtime>::get(0, alice()),
			Credits { matched: 3, disputes: 1 }
		);
		Verification::do_try_state().unwrap();
		Jobs::do_try_state().unwrap();
		ComputeStaking::do_try_state().unwrap();
	});
}

#[test]
fn a_right_receipt_the_committee_agrees_with_settles() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		sampled_receipt([7; 32]);
		alice_says(JOB_0, Verdict::Commitment([7; 32]));
		assert!(events().contains(&RuntimeEvent::Verification(
			pallet_verification::Event::Accepted {
				subject: JOB_0,
				worker: eve(),
				reason: AcceptReason::CommitteeAgreed,
			}
		)));
		let job = pallet_jobs::Jobs::<Runtime>::get(0).unwrap();
		assert_eq!(job.status, JobStatus::Completed);
		Verification::do_try_state().unwrap();
	});
}

#[test]
fn a_silent_verifier_is_reported_and_its_silence_voids_the_claim_without_paying_it() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		// Genesis validators are invulnerable in the presets; this one is not.
		pallet_staking::Invulnerables::<Runtime>::kill();
		let ferdie_before = Balances::free_balance(ferdie());
		sampled_receipt([7; 32]);
		let bond = ComputeStaking::active_bond(&eve());
		let params = Verification::params();
		run_to(System::block_number() + params.verdict_window + params.reveal_window);

		let offence = RuntimeEvent::Offences(pallet_offences::Event::Offence {
			kind: *b"cinder:verifier:",
			slot: (JOB_0, 1u8).encode(),
		});
		assert!(events().contains(&offence), "Alice's silence on job 0 reported");
		assert!(events().iter().any(|e| matches!(
			e,
			RuntimeEvent::Staking(pallet_staking::Event::SlashReported { validator, fraction, .. })
				if *validator == alice() && *fraction == SilenceSlash::get()
		)));
		// Nobody else serves to take her seat: the receipt is unverifiable, on the
		// development chain too. Eve is not paid nor slashed, Ferdie pays nothing.
		assert!(events().contains(&RuntimeEvent::Verification(
			pallet_verification::Event::Unverifiable {
				subject: JOB_0,
				worker: eve(),
				reason: UnverifiableReason::Silent,
			}
		)));
		let job = pallet_jobs::Jobs::<Runtime>::get(0).unwrap();
		assert_eq!(job.status, JobStatus::Failed(JobFailure::Unverifiable));
		assert_eq!(Balances::free_balance(ferdie()) + job.deposit, ferdie_before);
		assert_eq!(ComputeStaking::active_bond(&eve()), bond);
		assert!(ComputeStaking::jailed_until(&eve()).is_none());
		Verification::do_try_state().unwrap();
		Jobs::do_try_state().unwrap();
	});
}

/// The silent-verifier attack on a benchmark claim: Alice registers a Verifier node and
/// never answers; a worker priced at 1 planck claims 100 IB (bonding S(n) at the collateral
/// floor: 86,400 CNDR) and answers with garbage. The claim is never confirmed.
#[test]
fn a_silent_verifier_cannot_confirm_a_garbage_benchmark_answer() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_ok!(crate::dev_nodes::lavapipe_verifier(&alice(), &alice(), CNDR));
		let max_ib = cinder_primitives::Ib::from_micro(100 * cinder_primitives::Ib::RESOLUTION);
		assert_ok!(crate::dev_nodes::register_lavapipe(&eve(), NodeRole::Worker, 1, vec![]));
		let floor_bond = ComputeStaking::minimum_stake_for(max_ib, 1);
		assert_eq!(floor_bond, 86_400 * CNDR);
		assert_ok!(ComputeStaking::bond(RuntimeOrigin::signed(eve()), CNDR));
		assert!(
			NodeRegistry::claim_ib(RuntimeOrigin::signed(eve()), max_ib).is_err(),
			"a bond of its own price's S(n) no longer backs the claim"
		);
		assert_ok!(ComputeStaking::bond_extra(RuntimeOrigin::signed(eve()), floor_bond - CNDR));
		assert_ok!(NodeRegistry::claim_ib(RuntimeOrigin::signed(eve()), max_ib));
		assert_ok!(NodeRegistry::submit_benchmark(RuntimeOrigin::signed(eve()), [0xba; 32]));
		let params = Verification::params();
		let horizon = params.challenge_window
			+ (params.verdict_window + params.reveal_window) * (params.max_redraws as u32 + 2);
		run_to(System::block_number() + horizon);
		let node = pallet_node_registry::Nodes::<Runtime>::get(eve()).unwrap();
		assert_eq!(node.confirmed_ib, None, "no IB confirmed");
		assert!(!events().iter().any(|e| matches!(
			e,
			RuntimeEvent::NodeRegistry(pallet_node_registry::Event::IbConfirmed { .. })
		)));
		assert!(events().contains(&RuntimeEvent::NodeRegistry(
			pallet_node_registry::Event::IbRejected {
				who: eve(),
				claimed_ib: max_ib,
				reason: pallet_node_registry::ChallengeFailure::Unverifiable,
			}
		)));
		Verification::do_try_state().unwrap();
		NodeRegistry::do_try_state().unwrap();
	});
}

/// The fake-verifier crowd: 24 accounts bond 1 CNDR, `validate` and bond the verifier bond
/// (100 CNDR each: the crowd costs 2,400 CNDR, slashable per fault). Unelected, they cannot
/// register Verifier nodes; elected (put in the session's validator set), registered, and
/// then chilled, they are passed over by every draw and dropped at the next session change.
/// With every receipt sampled and no real verifier, no receipt is accepted.
#[test]
fn a_crowd_of_chilled_verifiers_never_sits_and_no_wrong_receipt_passes() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		use frame_support::traits::fungible::Mutate;
		// Eve is a worker confirmed before any verifier (the development chain's exception).
		assert_ok!(crate::dev_nodes::lavapipe_worker(&eve(), CNDR, vec![0], CNDR));
		let mut params = Verification::params();
		params.base_sampling_rate = Perbill::one();
		params.floor_sampling_rate = Perbill::one();
		params.accept_without_verifiers = false;
		assert_ok!(Verification::set_params(RuntimeOrigin::root(), params));

		let crowd: Vec<AccountId> =
			(0..24u8).map(|i| AccountId::from(sp_io::hashing::blake2_256(&[b'c', i]))).collect();
		for who in &crowd {
			assert_ok!(Balances::mint_into(who, 200 * CNDR));
			let origin = RuntimeOrigin::signed(who.clone());
			assert_ok!(crate::Staking::bond(
				origin.clone(),
				CNDR,
				pallet_staking::RewardDestination::Stash
			));
			assert_ok!(crate::Staking::validate(origin.clone(), Default::default()));
			assert_ok!(ComputeStaking::bond(origin, crate::configs::VerifierBond::get()));
			assert_eq!(
				crate::dev_nodes::register_lavapipe(
					who,
					NodeRole::Verifier { stash: who.clone() },
					CNDR,
					vec![]
				),
				Err(pallet_node_registry::Error::<Runtime>::NotActiveValidator.into()),
				"a fresh candidate is not elected"
			);
		}
		// Suppose the crowd got elected, registered its nodes, then chilled.
		for who in &crowd {
			pallet_session::Validators::<Runtime>::append(who.clone());
			assert_ok!(crate::dev_nodes::register_lavapipe(
				who,
				NodeRole::Verifier { stash: who.clone() },
				CNDR,
				vec![]
			));
			assert_ok!(crate::Staking::chill(RuntimeOrigin::signed(who.clone())));
		}
		assert_eq!(pallet_node_registry::ServingVerifiers::<Runtime>::decode_len(), Some(24));
		System::reset_events();

		for job in 0..4 {
			assert_ok!(submit_gemm_job(&ferdie(), 64));
			assert_ok!(deliver_gemm(&eve(), job, 64, [job as u8 + 100; 32]));
		}
		run_to(System::block_number() + params.challenge_window + 1);
		let verification: Vec<_> = events()
			.into_iter()
			.filter_map(|e| match e {
				RuntimeEvent::Verification(e) => Some(e),
				_ => None,
			})
			.collect();
		assert!(
			!verification.iter().any(|e| matches!(
				e,
				pallet_verification::Event::Accepted { .. }
					| pallet_verification::Event::Sampled { .. }
			)),
			"no receipt accepted, no chilled verifier seated: {verification:?}"
		);
		for job in 0..4 {
			assert!(verification.contains(&pallet_verification::Event::Unverifiable {
				subject: Subject::Stage { job, stage: 0 },
				worker: eve(),
				reason: UnverifiableReason::NoVerifiers,
			}));
		}
		// The next session drops the crowd from the serving set.
		pallet_session::CurrentIndex::<Runtime>::mutate(|index| *index += 1);
		run_to(System::block_number() + 1);
		assert_eq!(pallet_node_registry::ServingVerifiers::<Runtime>::decode_len(), Some(0));
		Verification::do_try_state().unwrap();
		NodeRegistry::do_try_state().unwrap();
		Jobs::do_try_state().unwrap();
	});
}

/// The registry's challenge seeds come from the verification pallet's entropy (every block's
/// VRF output mixed), not from the parent block's VRF output alone, which that block's author
/// knows an epoch ahead and could precompute a challenge for.
#[test]
fn challenge_seeds_come_from_the_verification_entropy() {
	use frame_support::traits::Randomness;
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to(System::block_number() + 3);
		assert!(pallet_verification::Entropy::<Runtime>::get().is_some());
		assert_ok!(crate::dev_nodes::register_lavapipe(&eve(), NodeRole::Worker, 1, vec![]));
		let challenge = pallet_node_registry::Nodes::<Runtime>::get(eve())
			.and_then(|node| node.challenge)
			.expect("a challenge is issued at registration");
		let subject = &b"cinder/ib-challenge"[..];
		let (entropy, _) = <Verification as Randomness<_, _>>::random(subject);
		let expected = sp_io::hashing::blake2_256(&(entropy, eve(), challenge.id).encode());
		assert_eq!(challenge.seed, expected);
		let (parent_vrf, _) = pallet_babe::ParentBlockRandomness::<Runtime>::random(subject);
		let from_one_block =
			sp_io::hashing::blake2_256(&(parent_vrf, eve(), challenge.id).encode());
		assert_ne!(challenge.seed, from_one_block);
	});
}
