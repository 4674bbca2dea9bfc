// polkadot.js test of verification against a running Cinder dev node (after jobs.mjs, whose
// worker Dave hosts the demo model 0):
//   node verification.mjs [ws://127.0.0.1:9944]
// Root makes every receipt sampled by a committee of one. Alice, the dev validator, registers a
// Verifier node bound to her stash. Ferdie claims his IB again: his benchmark answer is always
// checked, Alice recomputes it, and the claim is confirmed as independently checked. Charlie
// submits an MLP job, routed to Dave, who claims a wrong
// output root. When its challenge window ends the receipt is sampled with Alice on the committee;
// her recomputed root differs, which opens a dispute; the dispute committee (Alice again, the only
// verifier) agrees with her, and Dave is proven wrong: his bond shrinks by exactly `fault_slash`
// of it into the penalty pool, he is jailed, and the events name the job. Every verdict is
// committed (a salted hash) and then revealed.
import { CNDR, answerChallenge, bondVerifierBond, check, commitAndReveal, connect, heartbeat, nextEvent, run, send } from './lib.mjs';

/** Parts per billion of a Perbill. */
const BILLION = 1_000_000_000n;

async function main() {
  const { api, keyring } = await connect();
  const alice = keyring.addFromUri('//Alice', { name: 'Alice' });
  const charlie = keyring.addFromUri('//Charlie', { name: 'Charlie' });
  const dave = keyring.addFromUri('//Dave', { name: 'Dave' });
  const ferdie = keyring.addFromUri('//Ferdie', { name: 'Ferdie' });

  // Root: every receipt sampled, committees of one, disputes of three (one while Alice is alone).
  const params = (await api.query.verification.params()).unwrap();
  const everything = {
    ...params.toJSON(),
    baseSamplingRate: BILLION,
    floorSamplingRate: BILLION,
    committeeSize: 1,
    disputeCommitteeSize: 3,
  };
  const sudid = (await send(api, api.tx.sudo.sudo(api.tx.verification.setParams(everything)), alice))
    .find((e) => api.events.sudo.Sudid.is(e));
  check(sudid && sudid.data.sudoResult.isOk, 'sudo verification.setParams: every receipt sampled, committee of 1');

  // Alice: a Verifier node bound to her validator stash, the verifier bond held first.
  const bonded = await bondVerifierBond(api, alice);
  check(bonded === api.consts.nodeRegistry.verifierBond.toBigInt(), `Alice bonds the verifier bond: ${bonded} planck`);
  await send(api, api.tx.nodeRegistry.register(
    { Verifier: { stash: alice.address } },
    { cpuCores: 2, ramMib: 24576, gpuAdapter: 'llvmpipe (LLVM 15.0.6, 256 bits)', vramMib: 0, storageGib: 50, region: 'local' },
    'http://127.0.0.1:8090',
    CNDR,
    100,
    [],
    { backgroundJobs: false, committedMemoryMib: 0 },
  ), alice);
  const verifiers = (await api.query.nodeRegistry.verifiers()).map((v) => v.toString());
  check(verifiers.includes(alice.address), `Alice's Verifier node is in the directory (${verifiers.length} verifier)`);

  // Ferdie (a worker of worker_stake.mjs) claims his IB again; Alice recomputes the answer.
  await send(api, api.tx.nodeRegistry.claimIb(100), ferdie);
  const answer = '0x' + '0a'.repeat(32);
  const challenge = await answerChallenge(api, ferdie, answer);
  const { event: checking } = await nextEvent(api, (e) => api.events.verification.Sampled.is(e) && e.data.subject.isBenchmark && e.data.subject.asBenchmark.challenge.toNumber() === challenge, 120_000);
  check(checking.data.committee.map((v) => v.toString()).join() === alice.address, `verification.Sampled: benchmark challenge ${challenge}, committee [Alice] (answers are always checked)`);
  const confirmed = (await commitAndReveal(api, alice, { Benchmark: { challenge } }, { Commitment: answer }))
    .find((e) => api.events.nodeRegistry.IbConfirmed.is(e));
  check(confirmed && confirmed.data.who.toString() === ferdie.address && confirmed.data.independentlyChecked.isTrue, `Alice's verdict agrees: Ferdie's IB ${confirmed?.data.ib} µIB confirmed, independently checked`);

  // Dave stayed quiet through bmw.mjs's epoch: a heartbeat brings him back online.
  await heartbeat(api, dave);

  // Charlie: an MLP job on model 0, which only Dave hosts.
  const submitted = await send(api, api.tx.jobs.submitJob(1, { Int8Mlp: { model: 0, batch: 1 } }, { Seed: '0x' + '06'.repeat(32) }, 2n * CNDR, 'Standard', null, 'Fail'), charlie);
  const job = submitted.find((e) => api.events.jobs.JobSubmitted.is(e)).data.job.toNumber();
  const assigned = submitted.find((e) => api.events.jobs.StageAssigned.is(e));
  check(assigned && assigned.data.worker.toString() === dave.address, `job ${job} routed to Dave`);

  // Dave: a receipt with a wrong output root.
  const claimed = '0x' + 'ee'.repeat(32);
  await send(api, api.tx.jobs.submitReceipts([{ job, stage: 0, outputRoot: claimed, outputLen: 10, tileCount: 1, elapsedMs: 5 }]), dave);
  const receipt = { Stage: { job, stage: 0 } };
  const isOurs = (subject) => subject.isStage && subject.asStage.job.toNumber() === job;
  const { event: sampled } = await nextEvent(api, (e) => api.events.verification.Sampled.is(e) && isOurs(e.data.subject), 120_000);
  const committee = sampled.data.committee.map((v) => v.toString());
  check(committee.length === 1 && committee[0] === alice.address, `verification.Sampled: job ${job}, committee [Alice], verdicts due by #${sampled.data.deadline}`);
  const pending = (await api.call.verificationApi.pendingChecks(alice.address)).find((c) => isOurs(c.subject));
  check(pending && pending.worker.toString() === dave.address, `VerificationApi.pendingChecks(Alice) lists job ${job}, claimed by Dave`);
  const shown = pending.outputRoot.toHex();

  // Alice recomputes the job and commits to another root: a dispute.
  const recomputed = { Commitment: '0x' + '11'.repeat(32) };
  const revealEvents = await commitAndReveal(api, alice, receipt, recomputed);
  check(!revealEvents.some((e) => api.events.verification.Disputed.is(e)), `no dispute is drawn inside Alice's reveal (the block she reveals in would choose it)`);
  // The dispute is drawn a few blocks later (DRAW_DELAY), with randomness Alice could not know.
  const { event: disputed, events: drawEvents } = await nextEvent(api, (e) => api.events.verification.Disputed.is(e) && isOurs(e.data.subject), 60_000);
  check(disputed.data.disputer.unwrap().toString() === alice.address, `verification.Disputed: job ${job}, raised by Alice, committee of ${disputed.data.committee.length}`);
  // Now and then (trapRate) a sampling committee is a trap: it is shown a wrong root in place
  // of the worker's, and a verifier that reveals it without computing is faulted.
  const trap = drawEvents.find((e) => api.events.verification.TrapSprung.is(e) && isOurs(e.data.subject));
  if (trap) {
    check(shown === trap.data.bait.toHex() && shown !== claimed && trap.data.caught.length === 0, `the round was a trap: Alice was shown ${shown.slice(0, 18)}…, not Dave's root, and computed instead of revealing it`);
  } else {
    check(shown === claimed, `Alice was shown Dave's claimed root`);
  }

  // The dispute committee's majority (Alice) decides against Dave.
  const bondBefore = (await api.call.computeStakingApi.stakeStatus(dave.address)).active.toBigInt();
  const poolBefore = (await api.query.system.account(api.consts.verification.penaltyPool)).data.free.toBigInt();
  const faultSlash = (await api.query.verification.params()).unwrap().faultSlash.toBigInt();
  const expectedSlash = (bondBefore * faultSlash) / BILLION;
  const decided = await commitAndReveal(api, alice, receipt, recomputed);
  const rejected = decided.find((e) => api.events.verification.Rejected.is(e));
  check(rejected && isOurs(rejected.data.subject) && rejected.data.worker.toString() === dave.address, `verification.Rejected names job ${job} and Dave, jailed until epoch ${rejected?.data.jailedUntil.unwrap()}`);
  check(rejected.data.slashed.toBigInt() === expectedSlash, `slashed ${rejected.data.slashed} planck = ⌊fault_slash (${faultSlash} ppb) × bond ${bondBefore}⌋`);
  const status = await api.call.computeStakingApi.stakeStatus(dave.address);
  check(status.active.toBigInt() === bondBefore - expectedSlash, `Dave's bond: ${bondBefore} → ${status.active} planck, exactly the slash less`);
  const poolAfter = (await api.query.system.account(api.consts.verification.penaltyPool)).data.free.toBigInt();
  check(poolAfter - poolBefore === expectedSlash, `the penalty pool received the ${expectedSlash} planck`);
  check(status.ineligibleBecause.isSome && status.ineligibleBecause.unwrap().isJailed, `Dave is ineligible: ${status.ineligibleBecause.unwrap().type}`);
  const forfeited = decided.find((e) => api.events.bmw.RewardsForfeited.is(e));
  check(forfeited && forfeited.data.who.toString() === dave.address, `bmw.RewardsForfeited: Dave's rewards of reward epoch ${forfeited?.data.epoch} are forfeited`);
  const stageRejected = decided.find((e) => api.events.jobs.StageRejected.is(e));
  check(stageRejected && stageRejected.data.job.toNumber() === job, `jobs.StageRejected: job ${job}'s stage taken from Dave; no other host, so the job fails at no charge`);

  await api.disconnect();
}

run(main);
