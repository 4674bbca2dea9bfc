//! The invariants `try_state` checks.

use alloc::collections::btree_map::BTreeMap;
use frame_support::{ensure, traits::Get};
use sp_runtime::traits::{Saturating, Zero};

use crate::{pallet::*, BalanceOf, Coverage, Credits, Round, Subject, Vote};

impl<T: Config> Pallet<T> {
	/// Invariants: the parameters are valid; the entropy holds no block after this one; the intake
	/// queue's count matches its pages and each page is in inclusion order, the benchmark queue holds
	/// only benchmark answers, in inclusion order; every open check has a
	/// committee of distinct members none of whom was dismissed from it, was redrawn at most
	/// `MaxRedraws` times, decided nothing yet, ends its commit phase no later than its deadline, a
	/// trap (showing a root other than the claim's) only in the sampling committee and baited votes
	/// only there, a benchmark answer's check (and only it) covers a sample in every round, a
	/// dispute comes after a first round, and each is booked at its deadline, benchmark rounds
	/// within their share of any block's deadlines; every epoch's credits
	/// are the sum of its verifiers' credits (at least, for the one being expired); epochs expire
	/// in order, once closed, and nothing of an expired one is kept; the pool
	/// owes exactly the closed epochs' unpaid shares, and holds at least that.
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		ensure!(Self::params_are_valid(&Self::params()), "stored verification params are invalid");
		if let Some(entropy) = Entropy::<T>::get() {
			ensure!(
				entropy.newest <= frame_system::Pallet::<T>::block_number(),
				"entropy from a block not built yet"
			);
		}

		let queue = Intake::<T>::get();
		ensure!(queue.pages() <= T::MaxIntakePages::get(), "intake uses too many pages");
		let mut waiting = 0u32;
		let mut page = queue.head;
		let mut last = None;
		loop {
			let entries = IntakePages::<T>::get(page);
			let from = if page == queue.head { queue.next as usize } else { 0 };
			for entry in entries.iter().skip(from) {
				ensure!(last.is_none_or(|at| at <= entry.included_at), "intake out of order");
				last = Some(entry.included_at);
				waiting.saturating_inc();
			}
			if page == queue.tail {
				break;
			}
			page = page.wrapping_add(1);
		}
		ensure!(waiting == queue.queued, "intake count differs from its pages");
		let mut last = None;
		for entry in BenchmarkIntake::<T>::get() {
			ensure!(
				matches!(entry.subject, crate::Subject::Benchmark { .. }),
				"a receipt in the benchmark queue"
			);
			ensure!(last.is_none_or(|at| at <= entry.included_at), "benchmark queue out of order");
			last = Some(entry.included_at);
		}

		for (subject, check) in Checks::<T>::iter() {
			for (i, member) in check.members.iter().enumerate() {
				ensure!(
					check.members.iter().skip(i + 1).all(|other| other.who != member.who),
					"committee member drawn twice"
				);
			}
			ensure!(!check.members.is_empty(), "a round without a committee");
			ensure!(
				check.members.iter().chain(check.earlier.iter()).all(|m| m.who != check.worker),
				"a claim's worker seated on its own check"
			);
			ensure!(
				check.members.iter().all(|m| !check.dismissed.contains(&m.who)),
				"a dismissed verifier seated again"
			);
			ensure!(
				check.redraws as u32 <= T::MaxRedraws::get(),
				"a check redrawn more than MaxRedraws times"
			);
			// A dispute may hold a majority before its last reveal (it ends then, or at its
			// deadline); a round every seat revealed in waits for its deadline only when it
			// decides nothing (its dispute or redraw is drawn then).
			ensure!(
				!(check.members.iter().all(|m| m.vote.is_revealed())
					&& Self::majority(&check).is_some()),
				"a round every seat revealed in and decided is still open"
			);
			ensure!(
				check.commits_until <= check.deadline,
				"a round's commit phase ends after its deadline"
			);
			// Benchmark answers are spot-checked in every round; receipts by their workload.
			ensure!(
				matches!(subject, Subject::Benchmark { .. })
					== (check.coverage == Coverage::Sample),
				"a check's coverage is not its claim's"
			);
			if let Some(bait) = check.bait {
				ensure!(check.round == Round::Committee, "a trap past the sampling committee");
				ensure!(bait != check.output_root, "a trap showing the claimed root");
			} else {
				ensure!(
					check.members.iter().all(|m| m.vote != Vote::Baited),
					"a baited vote outside a trap round"
				);
			}
			match check.round {
				Round::Committee => {
					ensure!(check.earlier.is_empty(), "a first round with earlier votes")
				}
				Round::Dispute { .. } => {
					ensure!(!check.earlier.is_empty(), "a dispute without a first round")
				}
			}
			ensure!(
				CheckDeadlines::<T>::get(check.deadline).contains(&subject),
				"open check missing from its deadline block"
			);
		}
		let share = Self::benchmark_deadlines() as usize;
		ensure!(
			CheckDeadlines::<T>::iter_values().all(|due| {
				due.iter().filter(|s| matches!(s, Subject::Benchmark { .. })).count() <= share
			}),
			"benchmark rounds hold more than their share of a block's deadlines"
		);

		let mut sums: BTreeMap<u32, Credits> = BTreeMap::new();
		for (epoch, _, credits) in VerifierCredits::<T>::iter() {
			let sum = sums.entry(epoch).or_default();
			sum.matched.saturating_accrue(credits.matched);
			sum.disputes.saturating_accrue(credits.disputes);
		}
		let open = CreditEpoch::<T>::get();
		let kept = NextToExpire::<T>::get();
		ensure!(kept <= open, "an epoch's shares expired before it closed");
		ensure!(
			sums.keys().all(|epoch| *epoch >= kept)
				&& Payouts::<T>::iter_keys().all(|epoch| epoch >= kept)
				&& EpochCredits::<T>::iter_keys().all(|epoch| epoch >= kept),
			"a record of an expired epoch is kept"
		);
		for (epoch, sum) in sums {
			let recorded = match Payouts::<T>::get(epoch) {
				Some(payout) => payout.unclaimed,
				None => {
					ensure!(epoch == open, "credits of an epoch closed without a payout");
					EpochCredits::<T>::get(epoch)
				}
			};
			// An epoch being expired has lost some of its verifiers' credits already.
			let expiring = epoch == kept && Self::share_expired(epoch);
			ensure!(
				sum == recorded
					|| (expiring
						&& sum.matched <= recorded.matched
						&& sum.disputes <= recorded.disputes),
				"epoch credits differ from the verifiers' credits"
			);
		}

		let mut owed = BalanceOf::<T>::zero();
		for (_, payout) in Payouts::<T>::iter() {
			ensure!(payout.unpaid <= payout.pot, "an epoch paid more than its pot");
			ensure!(
				payout.verifier_pot.saturating_add(payout.disputer_pot) == payout.pot,
				"an epoch's pots do not add up"
			);
			if payout.unclaimed.is_empty() {
				ensure!(payout.unpaid.is_zero(), "fully claimed epoch still owes");
			}
			owed.saturating_accrue(payout.unpaid);
		}
		ensure!(owed == Reserved::<T>::get(), "reserved differs from the epochs' unpaid shares");
		use frame_support::traits::fungible::Inspect;
		ensure!(
			T::Currency::balance(&T::PenaltyPool::get()) >= owed,
			"the penalty pool holds less than it owes"
		);
		Ok(())
	}
}
