// The fake-verifier crowd attack, repeated through polkadot.js against a dev node; fails if the
// chain accepts a wrong receipt or seats the crowd:
//   node attack_fake_verifiers.mjs [ws://127.0.0.1:9944]
// Root makes every receipt sampled and turns off the development chain's one exception
// (acceptWithoutVerifiers), as on any real chain. 24 accounts each bond 1 CNDR in staking,
// `validate`, bond the verifier bond (100 CNDR each: the crowd costs 2,400 CNDR, slashable per
// fault), try to register a Verifier node (refused: their stashes are not in the session's
// validator set) and `chill`. Then Charlie submits 4 GEMM jobs and each worker they are routed
// to commits random output roots. No receipt is accepted, no crowd account sits on a
// committee: each one ends `Unverifiable` (no verifier serves, or the one that does stays
// silent), its job fails and Charlie gets the escrow back. Root restores the parameters after.
import { randomBytes } from 'node:crypto';
import { CNDR, bondVerifierBond, check, connect, heartbeat, poll, run, send, setVerificationParams } from './lib.mjs';

const CROWD = 24;
const JOBS = 4;

async function main() {
  const { api, keyring } = await connect();
  const alice = keyring.addFromUri('//Alice', { name: 'Alice' });
  const charlie = keyring.addFromUri('//Charlie', { name: 'Charlie' });
  const devWorkers = ['Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((name) => keyring.addFromUri(`//${name}`, { name }));
  const before = await setVerificationParams(api, alice, {
    baseSamplingRate: 1_000_000_000, floorSamplingRate: 1_000_000_000, verdictWindow: 5, acceptWithoutVerifiers: false,
  });

  // The crowd: funded by Alice in one block, then each bonds, validates, tries to register.
  const crowd = Array.from({ length: CROWD }, (_, i) => keyring.addFromUri(`//Crowd/${i}`, { name: `crowd ${i}` }));
  const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  const verifierBond = api.consts.nodeRegistry.verifierBond.toBigInt();
  await Promise.all(crowd.map((who, i) => send(api, api.tx.balances.transferKeepAlive(who.address, verifierBond + 3n * CNDR), alice, { nonce: nonce + i })));
  const refusals = await Promise.all(crowd.map(async (who) => {
    await send(api, api.tx.staking.bond(CNDR, 'Staked'), who);
    await send(api, api.tx.staking.validate({ commission: 0, blocked: false }), who);
    await bondVerifierBond(api, who);
    try {
      await send(api, api.tx.nodeRegistry.register(
        { Verifier: { stash: who.address } },
        { cpuCores: 1, ramMib: 1024, gpuAdapter: 'none', vramMib: 0, storageGib: 1, region: 'nowhere' },
        'http://127.0.0.1:9', CNDR, 100, [], { backgroundJobs: false, committedMemoryMib: 0 },
      ), who);
      return 'registered';
    } catch (error) {
      return error.message;
    } finally {
      await send(api, api.tx.staking.chill(), who);
    }
  }));
  check(refusals.every((r) => r.startsWith('nodeRegistry.NotActiveValidator')), `all ${CROWD} Verifier registrations refused: ${refusals[0]}`);
  const serving = (await api.query.nodeRegistry.servingVerifiers()).map((v) => v.toString());
  const crowdAddresses = new Set(crowd.map((w) => w.address));
  check(!serving.some((v) => crowdAddresses.has(v)), `no crowd account in the serving set (${serving.length} serving)`);

  // Every verification event from here on, so no decision is missed.
  const outcome = new Map();
  const jobs = [];
  const ofJob = (subject) => (subject.isStage && jobs.includes(subject.asStage.job.toNumber()) ? subject.asStage.job.toNumber() : undefined);
  const unsubscribe = await api.query.system.events((records) => {
    const v = api.events.verification;
    for (const { event: e } of records) {
      if (v.Sampled.is(e) && ofJob(e.data.subject) !== undefined) {
        const seated = e.data.committee.map((m) => m.toString());
        check(!seated.some((m) => crowdAddresses.has(m)), `job ${ofJob(e.data.subject)} sampled, committee without the crowd (${seated.length} seated)`);
      }
      for (const [kind, event] of [['accepted', v.Accepted], ['rejected', v.Rejected], ['unverifiable', v.Unverifiable]]) {
        if (event.is(e) && ofJob(e.data.subject) !== undefined) outcome.set(ofJob(e.data.subject), `${kind} (${e.data.reason ?? 'proven wrong'})`);
      }
    }
  });

  // Eve (an eligible worker of the earlier flows) is on time; each job's worker commits a
  // random root.
  await heartbeat(api, devWorkers.find((w) => w.meta.name === 'Eve'));
  for (let i = 0; i < JOBS; i++) {
    const events = await send(api, api.tx.jobs.submitJob(0, { Int8Gemm: { m: 16, n: 16, k: 16 } }, { Seed: '0x' + randomBytes(32).toString('hex') }, 2n * CNDR, 'Standard', null, 'Fail'), charlie);
    const assigned = events.find((e) => api.events.jobs.StageAssigned.is(e));
    check(assigned, `job routed to ${assigned?.data.worker}`);
    const job = assigned.data.job.toNumber();
    const worker = devWorkers.find((w) => w.address === assigned.data.worker.toString());
    check(worker, `job ${job}: its worker ${assigned.data.worker} is a dev account this flow signs for`);
    const tileBytes = (await api.call.jobsApi.job(job)).unwrap().tileBytes.toNumber();
    const outputLen = 16 * 16 * 4;
    jobs.push(job);
    await send(api, api.tx.jobs.submitReceipts([
      { job, stage: 0, outputRoot: '0x' + randomBytes(32).toString('hex'), outputLen, tileCount: Math.ceil(outputLen / tileBytes), elapsedMs: 5 },
    ]), worker);
  }
  console.log(`jobs ${jobs.join(', ')}: receipts with random output roots submitted`);

  // Every receipt is decided, and none is accepted.
  await poll('every receipt decided', 240, () => outcome.size === jobs.length, () => [...outcome].join(', '));
  unsubscribe();
  for (const job of jobs) {
    check(!outcome.get(job).startsWith('accepted'), `job ${job}: ${outcome.get(job)}, not accepted`);
    const state = (await api.call.jobsApi.job(job)).unwrap();
    check(!state.status.isCompleted, `job ${job}: ${state.status}, not paid`);
  }

  await setVerificationParams(api, alice, before);
  await api.disconnect();
}

run(main);
