// The demo load and live view of scripts/dev.sh. Waits until the dev network's workers are
// eligible, submits one job of every workload and class through polkadot.js (as Charlie): a
// GEMM, an MLP batch and a render tile (Standard), a background GEMM, and a two-stage MLP
// pipeline (over two workers when there are two). Then prints, block by block, what happens:
// assigned, receipt, sampled, verified, settled, burned, minted, and at each reward epoch's
// settlement the breakdown by account.
//
//   node scripts/js/demo.mjs ws://127.0.0.1:9944 [--workers Ferdie,Eve] [--until-settled]
//                            [--timeout-blocks 200]
//
// --until-settled: exits 0 once a reward epoch settles paying a worker a non-zero reward (what
// the test of scripts/dev.sh waits for), 1 if none has after --timeout-blocks (default 200);
// without it, runs until Ctrl-C.
import { CNDR, cndr, connect, flag, run, send, waitEligible } from './lib.mjs';

const untilSettled = process.argv.slice(3).includes('--until-settled');
const workerNames = flag('--workers', 'Ferdie').split(',').filter(Boolean);
const timeoutBlocks = Number(flag('--timeout-blocks', '200'));

run(async () => {
  const { api, keyring } = await connect();
  const names = new Map();
  const account = (name) => {
    const pair = keyring.addFromUri(`//${name}`, { name });
    names.set(pair.address, name);
    return pair;
  };
  for (const name of ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']) account(name);
  const who = (address) => names.get(address.toString()) ?? address.toString().slice(0, 8);
  const charlie = account('Charlie');
  const workers = workerNames.map(account);
  const since = (await api.rpc.chain.getHeader()).number.toNumber();
  const say = (block, text) => console.log(`#${String(block).padStart(4)}  ${text}`);

  // The workers first: registered, benchmarked, bonded and confirmed by cinder-worker.
  say(since, `waiting for ${workerNames.join(', ')} to be eligible (cinder-worker register benchmarks, bonds S(n) and answers the challenge)`);
  await waitEligible(api, workers, 360);
  const eligibleAt = (await api.rpc.chain.getHeader()).number.toNumber();
  say(eligibleAt, `${workerNames.join(', ')} eligible: submitting the demo jobs as Charlie`);

  const seed = (byte) => ({ Seed: '0x' + byte.toString(16).padStart(2, '0').repeat(32) });
  const render = { RenderTile: { width: 64, height: 48, maxIterations: 200, centerRe: -(1 << 15), centerIm: 0, step: 1 << 10 } };
  const jobs = [
    ['GEMM 96×80×64', 0, { Int8Gemm: { m: 96, n: 80, k: 64 } }, 'Standard'],
    ['MLP, demo model, batch 8', 1, { Int8Mlp: { model: 0, batch: 8 } }, 'Standard'],
    ['render tile 64×48', 2, render, 'Standard'],
    ['background GEMM 64×64×64', 0, { Int8Gemm: { m: 64, n: 64, k: 64 } }, 'Background'],
    ['MLP pipeline, 2 stages', 1, { Int8Mlp: { model: 0, batch: 8 } }, { Pipeline: { stages: 2 } }],
  ];
  let nonce = (await api.rpc.system.accountNextIndex(charlie.address)).toNumber();
  const submitted = await Promise.all(jobs.map(([, workload, spec, cls], i) =>
    send(api, api.tx.jobs.submitJob(workload, spec, seed(0x30 + i), 2n * CNDR, cls, null, 'Queue'), charlie, { nonce: nonce++ })
      .then((events) => events.find((e) => api.events.jobs.JobSubmitted.is(e)))
      .catch((error) => ({ error }))));
  const labels = new Map();
  submitted.forEach((event, i) => {
    if (event?.error || !event) {
      say(eligibleAt, `job "${jobs[i][0]}" refused: ${event?.error?.message ?? 'no JobSubmitted event'}`);
    } else {
      labels.set(event.data.job.toNumber(), jobs[i][0]);
    }
  });
  const label = (job) => `job ${job} (${labels.get(job.toNumber()) ?? 'not a demo job'})`;
  const subject = (s) => (s.isStage ? `${label(s.asStage.job)} stage ${s.asStage.stage}` : `benchmark challenge ${s.asBenchmark.challenge}`);

  let done = false;
  const lastBlock = eligibleAt + timeoutBlocks;
  const unsubscribe = await api.rpc.chain.subscribeFinalizedHeads(async (header) => {
    const block = header.number.toNumber();
    const events = (await api.query.system.events.at(header.hash)).map(({ event }) => event);
    for (const e of events) {
      const d = e.data;
      if (api.events.jobs.JobSubmitted.is(e)) say(block, `submitted  ${label(d.job)}: ${d.workUnits} work units, ${cndr(d.escrow)} in escrow`);
      else if (api.events.jobs.JobQueued.is(e)) say(block, `queued     ${label(d.job)} until #${d.until}`);
      else if (api.events.jobs.StageAssigned.is(e)) say(block, `assigned   ${label(d.job)} stage ${d.stage} to ${who(d.worker)} at ${cndr(d.pricePerIbm)}/IBM`);
      else if (api.events.jobs.ReceiptAccepted.is(e)) say(block, `receipt    ${label(d.job)} stage ${d.stage} from ${who(d.worker)}, root ${d.outputRoot.toHex().slice(0, 18)}…`);
      else if (api.events.verification.Sampled.is(e)) say(block, `sampled    ${subject(d.subject)} of ${who(d.worker)}, committee ${d.committee.map(who).join(', ')}`);
      else if (api.events.verification.VerdictRevealed.is(e)) say(block, `verdict    ${subject(d.subject)}: ${who(d.verifier)} ${d.agrees.isTrue ? 'agrees' : 'DISAGREES'}`);
      else if (api.events.verification.Accepted.is(e)) say(block, `verified   ${subject(d.subject)} of ${who(d.worker)} (${d.reason})`);
      else if (api.events.verification.Rejected.is(e)) say(block, `REJECTED   ${subject(d.subject)} of ${who(d.worker)}: ${cndr(d.slashed)} slashed`);
      else if (api.events.jobs.StageSettled.is(e)) say(block, `settled    ${label(d.job)} stage ${d.stage}: ${who(d.worker)} did ${d.ibm} pIBM (10⁻¹² IB-minutes) for a ${cndr(d.fee)} fee`);
      else if (api.events.jobs.JobCompleted.is(e)) say(block, `completed  ${label(d.job)}, ${cndr(d.refund)} refunded`);
      else if (api.events.jobs.JobFailed.is(e)) say(block, `FAILED     ${label(d.job)}: ${d.reason}`);
      else if (api.events.bmw.FeeBurned.is(e)) say(block, `burned     ${cndr(d.burned)} of ${label(d.job)}'s fee (${cndr(d.toFoundation)} to the foundation), epoch ${d.epoch}`);
      else if (api.events.bmw.EpochEnded.is(e)) say(block, `epoch ${d.epoch} ended: its rewards are minted next block`);
      else if (api.events.bmw.EpochSettled.is(e)) {
        const rewards = events.filter((r) => api.events.bmw.Rewarded.is(r) && r.data.epoch.eq(d.epoch));
        say(block, `minted     epoch ${d.epoch} settled: emission ${cndr(d.emission)}, minted ${cndr(d.minted)}, withheld ${cndr(d.withheld)}`);
        console.log(`        pools: work ${cndr(d.pools.work)}, availability ${cndr(d.pools.availability)}, verifiers ${cndr(d.pools.verifiers)}, managers ${cndr(d.pools.managers)}`);
        for (const r of rewards) {
          const p = r.data.earned;
          console.log(`        ${who(r.data.who).padEnd(8)} work ${cndr(p.work)}, availability ${cndr(p.availability)}, verifier ${cndr(p.verifiers)}, manager ${cndr(p.managers)}`);
        }
        const paid = rewards.filter((r) => workers.some((w) => w.address === r.data.who.toString()) && r.data.earned.work.toBigInt() + r.data.earned.availability.toBigInt() > 0n);
        if (untilSettled && paid.length > 0) {
          say(block, `epoch settled with a reward for ${paid.map((r) => who(r.data.who)).join(', ')}`);
          done = true;
        }
      }
    }
    if (done) {
      unsubscribe();
      await api.disconnect();
      process.exit(0);
    }
    if (untilSettled && block > lastBlock) {
      console.error(`FAIL: no epoch settled with a worker's reward by #${lastBlock}`);
      process.exit(1);
    }
  });
});
