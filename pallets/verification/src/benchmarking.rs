//! Benchmarks of every call and of each step of the block hook at its worst case; run as
//! tests with `cargo test -p pallet-verification --features runtime-benchmarks`.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{Get, Hooks},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::{traits::One, Perbill, Saturating};

use crate::*;

/// What the benchmarks need from the runtime around the pallet.
pub trait BenchmarkHelper<AccountId> {
	/// Makes `verifiers` the verifier directory, in this order, each serving and holding the
	/// verifier bond (so a fault's slash moves real funds).
	fn set_verifiers(verifiers: &[AccountId]);
	/// Funds and bonds `worker`, so a slash moves real funds.
	fn bond_worker(worker: &AccountId);
	/// Makes block randomness available from the current block on.
	fn prepare_randomness();
	/// Moves the reward-epoch clock to `epoch`.
	fn set_epoch(epoch: RewardEpochIndex);
}

/// The receipt the benchmarks check (a receipt's rejection costs more than a benchmark
/// answer's: slash, jail, reassignment).
const JOB: Subject = Subject::Stage { job: 7, stage: 0 };

fn verifiers<T: Config>(count: u32) -> Vec<T::AccountId> {
	let list: Vec<T::AccountId> = (0..count).map(|i| account("verifier", i, 0)).collect();
	T::BenchmarkHelper::set_verifiers(&list);
	list
}

fn members<T: Config>(
	list: &[T::AccountId],
	vote: impl Fn(usize) -> Vote,
) -> BoundedVec<Member<T::AccountId>, T::MaxCommitteeSize> {
	let members: Vec<_> = list
		.iter()
		.enumerate()
		.map(|(i, who)| Member { who: who.clone(), stash: who.clone(), vote: vote(i) })
		.collect();
	BoundedVec::truncate_from(members)
}

/// Moves to a block well past genesis with randomness mixed into the entropy, and returns it.
fn start<T: Config>() -> BlockNumberFor<T> {
	let now: BlockNumberFor<T> = 100u32.into();
	frame_system::Pallet::<T>::set_block_number(now);
	T::BenchmarkHelper::prepare_randomness();
	Pallet::<T>::mix_entropy();
	now
}

/// A worker with a bond.
fn worker<T: Config>() -> T::AccountId {
	let worker: T::AccountId = account("worker", 0, 0);
	T::BenchmarkHelper::bond_worker(&worker);
	worker
}

/// The salt of the benchmarks' commitments.
const SALT: [u8; 32] = [7; 32];
/// The verdict the benchmarks' commitments hide: against the worker.
const AGAINST: Verdict = Verdict::Commitment([0xee; 32]);

/// `who`'s commitment to [`AGAINST`] on `JOB`.
fn committed<T: Config>(who: &T::AccountId) -> Vote {
	Vote::Committed(verdict_commitment(&JOB, who, &AGAINST, &SALT))
}

/// A dispute over `JOB` with `c` members in each round: the earlier round agreed except the
/// disputer, dispute member `i` voted `vote(i, who)`; reveals open now, the deadline is
/// `deadline`.
fn dispute<T: Config>(
	c: u32,
	vote: impl Fn(usize, &T::AccountId) -> Vote,
	deadline: BlockNumberFor<T>,
) -> Vec<T::AccountId> {
	let list = verifiers::<T>(2 * c);
	let (earlier, current) = list.split_at(c as usize);
	let check = CheckOf::<T> {
		worker: worker::<T>(),
		output_root: [1; 32],
		coverage: Coverage::Whole,
		bait: None,
		round: Round::Dispute { disputer: Some(earlier[0].clone()) },
		members: members::<T>(current, |i| vote(i, &current[i])),
		earlier: members::<T>(earlier, |i| if i == 0 { Vote::Disagree } else { Vote::Agree }),
		commits_until: frame_system::Pallet::<T>::block_number(),
		deadline,
		dismissed: BoundedVec::new(),
		redraws: 0,
	};
	Checks::<T>::insert(JOB, check);
	CheckDeadlines::<T>::try_append(deadline, JOB).expect("an empty block has room");
	current.to_vec()
}

/// Parameters with committees of `c` (and disputes of `c + 1`).
fn committees_of<T: Config>(c: u32) {
	let params = VerificationParams {
		committee_size: c as u8,
		dispute_committee_size: (c + 1) as u8,
		..Pallet::<T>::default_params()
	};
	Params::<T>::put(params);
}

/// Queues `n` receipts sampled at `rate`, included early enough to be due now.
fn queue<T: Config>(n: u32, rate: Perbill) {
	let worker = worker::<T>();
	for job in 0..n {
		Pallet::<T>::enqueue(IntakeEntry {
			subject: Subject::Stage { job: job as JobId, stage: 0 },
			worker: worker.clone(),
			output_root: [1; 32],
			rate,
			coverage: Coverage::Whole,
			included_at: One::one(),
		})
		.expect("room for a block's decisions");
	}
}

/// `n` verifiers' credits of epoch 0, closed and left unclaimed, then the clock moved to the
/// first epoch that expires them.
fn expiring_credits<T: Config>(n: u32) {
	start::<T>();
	let list = verifiers::<T>(n.max(1));
	for who in list.iter().take(n as usize) {
		Pallet::<T>::credit(who, 1, 1);
	}
	Pallet::<T>::close_epoch(0);
	let expiring = T::HistoryDepth::get().saturating_add(1);
	T::BenchmarkHelper::set_epoch(expiring);
	CreditEpoch::<T>::put(expiring);
}

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

	/// A commitment, the first of a committee of `c`.
	#[benchmark]
	fn commit_verdict(c: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let now = start::<T>();
		let list = verifiers::<T>(c);
		let check = CheckOf::<T> {
			worker: worker::<T>(),
			output_root: [1; 32],
			coverage: Coverage::Whole,
			bait: None,
			round: Round::Committee,
			members: members::<T>(&list, |_| Vote::Silent),
			earlier: BoundedVec::new(),
			commits_until: now.saturating_add(10u32.into()),
			deadline: now.saturating_add(20u32.into()),
			dismissed: BoundedVec::new(),
			redraws: 0,
		};
		Checks::<T>::insert(JOB, check);
		let last = list[(c - 1) as usize].clone();
		let commitment = verdict_commitment(&JOB, &last, &AGAINST, &SALT);

		#[extrinsic_call]
		_(RawOrigin::Signed(last), JOB, commitment);

		let check = Checks::<T>::get(JOB).expect("open");
		assert_eq!(check.members[(c - 1) as usize].vote, Vote::Committed(commitment));
	}

	/// The last reveal of a dispute, making a majority against the worker: slash, jail,
	/// forfeit, reassignment, and credits or faults for two full committees (the members
	/// that agreed with the worker faulted).
	#[benchmark]
	fn reveal_verdict_reject(c: Linear<3, { T::MaxCommitteeSize::get() }>) {
		let now = start::<T>();
		let deadline = now.saturating_add(10u32.into());
		let against = (c / 2) as usize;
		let vote = |i: usize, who: &T::AccountId| match i {
			i if i < against => Vote::Disagree,
			i if i == against => committed::<T>(who),
			_ => Vote::Agree,
		};
		let current = dispute::<T>(c, vote, deadline);
		let last = current[against].clone();

		#[extrinsic_call]
		reveal_verdict(RawOrigin::Signed(last), JOB, AGAINST, SALT);

		assert!(Checks::<T>::get(JOB).is_none());
	}

	/// The last reveal of a sampling round of `c` seats that disagrees: its dispute is booked
	/// `DRAW_DELAY` blocks on, past every full block but the last it may use.
	#[benchmark]
	fn reveal_verdict_undecided(c: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let now = start::<T>();
		let list = verifiers::<T>(c);
		let check = CheckOf::<T> {
			worker: worker::<T>(),
			output_root: [1; 32],
			coverage: Coverage::Whole,
			bait: None,
			round: Round::Committee,
			members: members::<T>(&list, |i| {
				if i == 0 {
					committed::<T>(&list[0])
				} else {
					Vote::Agree
				}
			}),
			earlier: BoundedVec::new(),
			commits_until: now,
			deadline: now.saturating_add(40u32.into()),
			dismissed: BoundedVec::new(),
			redraws: 0,
		};
		Checks::<T>::insert(JOB, check);
		let from = now.saturating_add(checks::DRAW_DELAY.into());
		for offset in 0..checks::DRAW_DELAY - 1 {
			for job in 0..T::MaxChecksPerBlock::get() {
				let filler = Subject::Stage { job: 1_000 + job as JobId, stage: 0 };
				CheckDeadlines::<T>::try_append(from.saturating_add(offset.into()), filler)
					.expect("room for a full block");
			}
		}

		#[extrinsic_call]
		reveal_verdict(RawOrigin::Signed(list[0].clone()), JOB, AGAINST, SALT);

		let check = Checks::<T>::get(JOB).expect("awaiting its dispute");
		let last = from.saturating_add((checks::DRAW_DELAY - 1).into());
		assert_eq!((check.round, check.deadline), (Round::Committee, last));
	}

	/// The newest block's randomness hashed into the entropy.
	#[benchmark]
	fn mix_entropy() {
		let now = start::<T>();
		let before = Entropy::<T>::get().expect("mixed at the start");
		frame_system::Pallet::<T>::set_block_number(now.saturating_add(One::one()));
		T::BenchmarkHelper::prepare_randomness();

		#[block]
		{
			Pallet::<T>::mix_entropy();
		}

		let after = Entropy::<T>::get().expect("mixed");
		assert!(after.newest > before.newest);
		assert_ne!(after.value, before.value);
	}

	#[benchmark]
	fn claim_penalty_share() {
		let list = verifiers::<T>(2);
		for who in &list {
			Pallet::<T>::credit(who, 1, 1);
		}
		let pool = T::PenaltyPool::get();
		let amount: BalanceOf<T> = 1_000_000u32.into();
		let pot = amount.saturating_add(
			<T::Currency as frame_support::traits::fungible::Inspect<_>>::minimum_balance(),
		);
		frame_support::assert_ok!(
			<T::Currency as frame_support::traits::fungible::Mutate<_>>::mint_into(&pool, pot)
		);
		T::BenchmarkHelper::set_verifiers(&list);
		let epoch = CreditEpoch::<T>::get();
		Pallet::<T>::close_epoch(epoch);
		CreditEpoch::<T>::put(epoch.saturating_add(1));

		#[extrinsic_call]
		_(RawOrigin::Signed(list[1].clone()), epoch, list[0].clone());

		assert!(VerifierCredits::<T>::get(epoch, &list[0]).is_empty());
	}

	/// The intake step with a receipt not yet due.
	#[benchmark]
	fn decide_receipts_base() {
		let now = start::<T>();
		queue::<T>(1, Perbill::one());
		IntakePages::<T>::mutate(Intake::<T>::get().head, |page| {
			if let Some(entry) = page.get_mut(0) {
				entry.included_at = now;
			}
		});

		#[block]
		{
			Pallet::<T>::decide_receipts(now);
		}

		assert_eq!(Intake::<T>::get().queued, 1);
	}

	#[benchmark]
	fn decide_unsampled() {
		let now = start::<T>();
		queue::<T>(1, Perbill::zero());

		#[block]
		{
			Pallet::<T>::decide_receipts(now);
		}

		assert_eq!(Intake::<T>::get().queued, 0);
	}

	#[benchmark]
	fn decide_sampled(c: Linear<1, { T::MaxCommitteeSize::get() - 1 }>) {
		let now = start::<T>();
		committees_of::<T>(c);
		verifiers::<T>(T::MaxCommitteeSize::get());
		queue::<T>(1, Perbill::one());

		#[block]
		{
			Pallet::<T>::decide_receipts(now);
		}

		assert_eq!(
			Checks::<T>::get(Subject::Stage { job: 0, stage: 0 }).expect("sampled").members.len()
				as u32,
			c
		);
	}

	#[benchmark]
	fn expire_checks_base() {
		let now = start::<T>();

		#[block]
		{
			Pallet::<T>::expire_checks(now);
		}
	}

	/// A dispute of `c` seats at its deadline with one verdict given: the `c − 1` silent
	/// seats are reported and redrawn at the last redraw allowed, passing over the most
	/// dismissed members.
	#[benchmark]
	fn expire_check(c: Linear<3, { T::MaxCommitteeSize::get() }>) {
		let now = start::<T>();
		let max_redraws = T::MaxRedraws::get();
		Params::<T>::put(VerificationParams {
			max_redraws: max_redraws as u8,
			..Pallet::<T>::default_params()
		});
		let current =
			dispute::<T>(c, |i, _| if i == 0 { Vote::Disagree } else { Vote::Silent }, now);
		let dismissed_count = T::MaxCommitteeSize::get().saturating_mul(max_redraws);
		let dismissed: Vec<T::AccountId> =
			(0..dismissed_count).map(|i| account("dismissed", i, 0)).collect();
		let fresh: Vec<T::AccountId> = (0..c - 1).map(|i| account("fresh", i, 0)).collect();
		let serving: Vec<T::AccountId> =
			current.iter().chain(&dismissed).chain(&fresh).cloned().collect();
		T::BenchmarkHelper::set_verifiers(&serving);
		Checks::<T>::mutate(JOB, |check| {
			let check = check.as_mut().expect("the dispute is open");
			check.dismissed = BoundedVec::truncate_from(dismissed.clone());
			check.redraws = (max_redraws - 1) as u8;
		});

		#[block]
		{
			Pallet::<T>::expire_checks(now);
		}

		let check = Checks::<T>::get(JOB).expect("redrawn, still open");
		assert_eq!(check.redraws as u32, max_redraws);
	}

	#[benchmark]
	fn close_epoch() {
		start::<T>();
		let list = verifiers::<T>(1);
		Pallet::<T>::credit(&list[0], 1, 1);
		let epoch = CreditEpoch::<T>::get();
		T::BenchmarkHelper::set_verifiers(&list);

		#[block]
		{
			Pallet::<T>::close_epoch(epoch);
		}

		assert!(Payouts::<T>::get(epoch).is_some());
	}

	/// An expiry step that finds no credit left: the payout released, the records removed.
	#[benchmark]
	fn expire_payout_base() {
		expiring_credits::<T>(0);

		#[block]
		{
			Pallet::<T>::expire_payout(Weight::MAX);
		}

		assert_eq!(NextToExpire::<T>::get(), 1);
	}

	/// A block's worth of verifiers' credits removed (the weight is per credit).
	#[benchmark]
	fn expire_credit() {
		expiring_credits::<T>(penalty_pool::CREDITS_EXPIRED_PER_BLOCK);

		#[block]
		{
			Pallet::<T>::expire_payout(Weight::MAX);
		}

		assert_eq!(VerifierCredits::<T>::iter_prefix(0).count(), 0);
	}

	/// The whole hook at its worst: a full block of sampling decisions at the largest
	/// committee and a full block of disputes decided against their workers.
	#[benchmark]
	fn on_initialize_worst_case() {
		let now = start::<T>();
		let largest = T::MaxCommitteeSize::get();
		committees_of::<T>(largest - 1);
		verifiers::<T>(largest);
		queue::<T>(T::MaxDecisionsPerBlock::get(), Perbill::one());
		let worker = worker::<T>();
		let list = verifiers::<T>(largest);
		for job in 0..T::MaxChecksPerBlock::get() {
			let key = Subject::Stage { job: 1_000 + job as JobId, stage: 0 };
			let check = CheckOf::<T> {
				worker: worker.clone(),
				output_root: [1; 32],
				coverage: Coverage::Whole,
				bait: None,
				round: Round::Dispute { disputer: Some(list[0].clone()) },
				// A majority revealed against the worker (kept through a redraw), the
				// newcomers' seats silent: decided against it, the silent seats faulted.
				members: members::<T>(&list, |i| {
					if i <= (largest / 2) as usize {
						Vote::Disagree
					} else {
						Vote::Silent
					}
				}),
				earlier: members::<T>(&list[..(largest - 1) as usize], |_| Vote::Agree),
				commits_until: now,
				deadline: now,
				dismissed: BoundedVec::new(),
				redraws: 0,
			};
			Checks::<T>::insert(key, check);
			CheckDeadlines::<T>::try_append(now, key).expect("MaxChecksPerBlock fit");
		}

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert_eq!(Intake::<T>::get().queued, 0);
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::tests::ExtBuilder::default().build(),
		crate::tests::Test
	);
}
