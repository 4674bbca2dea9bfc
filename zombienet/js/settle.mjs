// Jobs flow to settlement, and the cheater is caught: the user submits batches of jobs (a GEMM,
// an MLP batch and a render tile in turn) until Mallory, the worker started with `--lie`, has
// taken one. Every receipt is sampled (the network's parameters), so a verifier checks each.
// Checks, from the chain's events:
//   - every job completes (none fails), each stage settled by an honest worker after its
//     receipt was sampled and accepted, and each job's result, fetched as a user would
//     (scripts/js/job_result.mjs), is what its receipt committed to;
//   - Mallory's receipt is rejected: a verifier disputes it, the dispute committee's majority
//     rejects it, her bond shrinks by exactly the slash, she is jailed (ineligible), and her stage
//     goes to an honest worker, which settles it.
// Prints every event as it happens and, at the end, jobs settled per block.
//
//   node settle.mjs <ws> [--jobs 6] [--batches 5]
import { fetchResult } from '../../scripts/js/job_result.mjs';
import { accounts, check, checkAllCompleted, connect, flag, network, run, runBatches, say } from './network.mjs';

const perBatch = Number(flag('--jobs', 6));
const maxBatches = Number(flag('--batches', 5));

async function main() {
  network();
  const { api, keyring } = await connect();
  const who = accounts(keyring);
  const mallory = who.pair('Mallory').address;
  const bondBefore = (await api.call.computeStakingApi.stakeStatus(mallory)).active.toBigInt();

  const jobs = new Map(); // job → { assigned: [names], settledBy: [names] }
  const record = (job) => jobs.get(job) ?? jobs.set(job, { assigned: [], settledBy: [] }).get(job);
  const sampled = new Set(); // `job/worker` of each sampled stage
  const malloryRejections = [];
  const { states, first, last } = await runBatches(api, who.pair('User'), { perBatch, maxBatches, salt: 0 }, (block, e, job) => {
    const d = e.data;
    if (api.events.jobs.StageAssigned.is(e)) {
      record(job).assigned.push(who.name(d.worker));
      say(block, `assigned   job ${job} stage ${d.stage} to ${who.name(d.worker)}`);
    } else if (api.events.jobs.ReceiptAccepted.is(e)) say(block, `receipt    job ${job} from ${who.name(d.worker)}`);
    else if (api.events.verification.Sampled.is(e)) {
      sampled.add(`${job}/${d.worker}`);
      say(block, `sampled    job ${job} of ${who.name(d.worker)}, committee ${d.committee.map(who.name).join(', ')}`);
    } else if (api.events.verification.VerdictRevealed.is(e)) {
      say(block, `verdict    job ${job}: ${who.name(d.verifier)} ${d.agrees.isTrue ? 'agrees' : 'DISAGREES'}`);
    } else if (api.events.verification.Disputed.is(e)) {
      say(block, `disputed   job ${job}, committee ${d.committee.map(who.name).join(', ')}`);
    } else if (api.events.verification.Rejected.is(e)) {
      say(block, `REJECTED   job ${job} of ${who.name(d.worker)}: ${d.slashed} planck slashed, jailed until epoch ${d.jailedUntil}`);
      if (d.worker.toString() === mallory) malloryRejections.push({ slashed: d.slashed.toBigInt(), jailed: d.jailedUntil.isSome });
    } else if (api.events.jobs.StageSettled.is(e)) {
      record(job).settledBy.push(who.name(d.worker));
      say(block, `settled    job ${job} stage ${d.stage} by ${who.name(d.worker)}: ${d.fee} planck`);
    }
  }, (batch, lastBlock) => {
    if (malloryRejections.length > 0) return true;
    say(lastBlock, `batch ${batch} done; Mallory has not taken a job yet`);
    return false;
  });

  checkAllCompleted(states);
  const all = [...states.keys()].map((id) => [id, record(id)]);
  const honest = all.every(([, j]) => j.settledBy.length > 0 && j.settledBy.every((w) => w === 'Eve' || w === 'Ferdie'));
  check(honest, 'every stage settled by an honest worker (Eve or Ferdie), none by Mallory');
  const unsampled = all.filter(([id, j]) => !j.settledBy.some((w) => sampled.has(`${id}/${who.pair(w).address}`)));
  check(unsampled.length === 0, `every settled receipt was sampled and checked by a verifier first${unsampled.length ? `; not: ${unsampled.map(([id]) => id)}` : ''}`);

  check(malloryRejections.length > 0, `Mallory took a job within ${maxBatches} batches and was caught`);
  const took = all.filter(([, j]) => j.assigned.includes('Mallory'));
  check(took.every(([, j]) => j.assigned.length >= 2), `Mallory's stages (jobs ${took.map(([id]) => id).join(', ')}) went to another worker after her rejection`);
  const status = await api.call.computeStakingApi.stakeStatus(mallory);
  const slashed = malloryRejections.reduce((sum, r) => sum + r.slashed, 0n);
  check(slashed > 0n && bondBefore - status.active.toBigInt() === slashed, `Mallory's bond ${bondBefore} → ${status.active} planck: exactly the ${slashed} planck slashed`);
  check(malloryRejections.every((r) => r.jailed) && status.ineligibleBecause.isSome && status.ineligibleBecause.unwrap().isJailed,
    `Mallory jailed and ineligible (${status.ineligibleBecause.toString()})`);

  // The user's side: each result fetched from the worker that settled it, checked against the
  // receipt's root.
  const results = await Promise.all(all.map(([id]) => fetchResult(api, id)));
  const bytes = results.reduce((sum, r) => sum + r.bytes.length, 0);
  check(results.every((r, i) => who.name(r.worker) === all[i][1].settledBy.at(-1)),
    `every job's result (${bytes} bytes in all) fetched from the data server of the worker that settled it, its length and Merkle root the receipt's`);

  const blocks = last - first + 1;
  console.log(`measured: ${all.length} jobs settled in ${blocks} blocks (#${first}–#${last}), ${(all.length / blocks).toFixed(2)} jobs per block, every receipt sampled`);
  await api.disconnect();
}

run(async () => {
  await main();
  process.exit(0);
});
