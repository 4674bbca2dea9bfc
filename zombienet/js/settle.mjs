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
import { accounts, bestNumber, check, connect, flag, network, run, say, subjectJob, submitBatch, watch } from './network.mjs';

const perBatch = Number(flag('--jobs', 6));
const maxBatches = Number(flag('--batches', 5));

async function main() {
  network();
  const { api, keyring } = await connect();
  const who = accounts(keyring);
  const user = who.pair('User');
  const mallory = who.pair('Mallory').address;
  const bondBefore = (await api.call.computeStakingApi.stakeStatus(mallory)).active.toBigInt();

  const jobs = new Map();
  const sampled = new Set();
  const malloryRejections = [];
  let firstBlock;
  let lastBlock;

  for (let batch = 1; batch <= maxBatches; batch++) {
    const from = await bestNumber(api);
    firstBlock ??= from;
    const ids = await submitBatch(api, user, perBatch, batch);
    for (const id of ids) jobs.set(id, { assigned: [], settledBy: [], state: 'open' });
    say(0, `batch ${batch}: jobs ${ids.join(', ')} submitted by the user`);
    await watch(api, `batch ${batch} settling`, 420, (block, events) => {
      for (const e of events) {
        const d = e.data;
        const job = d.job ? jobs.get(d.job.toNumber()) : undefined;
        if (api.events.jobs.StageAssigned.is(e) && job) {
          job.assigned.push(who.name(d.worker));
          say(block, `assigned   job ${d.job} stage ${d.stage} to ${who.name(d.worker)}`);
        } else if (api.events.jobs.ReceiptAccepted.is(e) && job) say(block, `receipt    job ${d.job} from ${who.name(d.worker)}`);
        else if (api.events.verification.Sampled.is(e) && jobs.has(subjectJob(d.subject))) {
          sampled.add(`${subjectJob(d.subject)}/${d.subject.asStage.stage}/${d.worker}`);
          say(block, `sampled    job ${subjectJob(d.subject)} of ${who.name(d.worker)}, committee ${d.committee.map(who.name).join(', ')}`);
        } else if (api.events.verification.VerdictSubmitted.is(e) && jobs.has(subjectJob(d.subject))) {
          say(block, `verdict    job ${subjectJob(d.subject)}: ${who.name(d.verifier)} ${d.agrees.isTrue ? 'agrees' : 'DISAGREES'}`);
        } else if (api.events.verification.Disputed.is(e) && jobs.has(subjectJob(d.subject))) {
          say(block, `disputed   job ${subjectJob(d.subject)}, committee ${d.committee.map(who.name).join(', ')}`);
        } else if (api.events.verification.Rejected.is(e) && jobs.has(subjectJob(d.subject))) {
          say(block, `REJECTED   job ${subjectJob(d.subject)} of ${who.name(d.worker)}: ${d.slashed} planck slashed, jailed until epoch ${d.jailedUntil}`);
          if (d.worker.toString() === mallory) malloryRejections.push({ slashed: d.slashed.toBigInt(), jailed: d.jailedUntil.isSome });
        } else if (api.events.jobs.StageSettled.is(e) && job) {
          job.settledBy.push(who.name(d.worker));
          say(block, `settled    job ${d.job} stage ${d.stage} by ${who.name(d.worker)}: ${d.fee} planck`);
        } else if (api.events.jobs.JobCompleted.is(e) && job) {
          job.state = 'completed';
          lastBlock = block;
        } else if (api.events.jobs.JobFailed.is(e) && job) {
          job.state = `failed (${d.reason})`;
          lastBlock = block;
        }
      }
      return ids.every((id) => jobs.get(id).state !== 'open');
    }, from);
    if (malloryRejections.length > 0) break;
    say(lastBlock, `batch ${batch} done; Mallory has not taken a job yet`);
  }

  const all = [...jobs.entries()];
  const failed = all.filter(([, j]) => j.state !== 'completed');
  check(failed.length === 0, `all ${all.length} jobs completed${failed.length ? `; not: ${failed.map(([id, j]) => `${id} ${j.state}`).join(', ')}` : ''}`);
  const honest = all.every(([, j]) => j.settledBy.length > 0 && j.settledBy.every((w) => w === 'Eve' || w === 'Ferdie'));
  check(honest, 'every stage settled by an honest worker (Eve or Ferdie), none by Mallory');
  const unsampled = all.filter(([id, j]) => !j.settledBy.some((w) => [...sampled].some((s) => s.startsWith(`${id}/`) && s.endsWith(who.pair(w).address))));
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

  const blocks = lastBlock - firstBlock + 1;
  console.log(`measured: ${all.length} jobs settled in ${blocks} blocks (#${firstBlock}–#${lastBlock}), ${(all.length / blocks).toFixed(2)} jobs per block, every receipt sampled`);
  await api.disconnect();
}

run(async () => {
  await main();
  process.exit(0);
});
