// One validator is down (the DSL paused its node, so its Verifier node hangs too): finality goes
// on, and a check drawn for the down validator's verifier is not lost. The user submits batches
// of jobs until a receipt is sampled with the down verifier as its whole committee (committees
// of one in this network: each draw picks it with probability 1/4). Checks:
//   - at the check's deadline the verifier is reported silent (VerifierFaulted … Silent) and its
//     seat is redrawn (Redrawn: the down verifier dismissed, a running verifier seated), whose
//     verdict decides it; the job completes;
//   - every job of the batches completes;
//   - the finalized head on this node advanced by at least --finalized blocks meanwhile.
//
//   node silent_verifier.mjs <ws> --down Dave [--jobs 4] [--batches 8] [--finalized 5]
import { accounts, check, checkAllCompleted, connect, finalizedNumber, flag, network, run, runBatches, say } from './network.mjs';

const down = flag('--down', 'Dave');
const perBatch = Number(flag('--jobs', 4));
const maxBatches = Number(flag('--batches', 8));
const finalizedAdvance = Number(flag('--finalized', 5));

async function main() {
  network();
  const { api, keyring } = await connect();
  const who = accounts(keyring);
  const silent = who.pair(down).address;
  const finalizedBefore = await finalizedNumber(api);

  let target; // the job whose check was drawn to the down verifier alone
  const seen = { faulted: false, redrawn: undefined, decided: undefined };
  const { states } = await runBatches(api, who.pair('User'), { perBatch, maxBatches, salt: 100, about: ` while ${down} is down` }, (block, e, job) => {
    const d = e.data;
    if (api.events.verification.Sampled.is(e)) {
      const committee = d.committee.map((m) => m.toString());
      say(block, `sampled    job ${job}, committee ${committee.map(who.name).join(', ')}`);
      if (!target && committee.length === 1 && committee[0] === silent) {
        target = job;
        say(block, `           job ${job}'s check waits on ${down}'s verifier, which is down`);
      }
    } else if (api.events.verification.VerifierFaulted.is(e)) {
      say(block, `faulted    ${who.name(d.verifier)} on job ${job}: ${d.fault}`);
      if (job === target && d.verifier.toString() === silent && d.fault.isSilent) seen.faulted = true;
    } else if (api.events.verification.Redrawn.is(e)) {
      say(block, `redrawn    job ${job}: ${d.dismissed.map(who.name).join(', ')} dismissed, committee ${d.committee.map(who.name).join(', ')} (redraw ${d.redraw})`);
      if (job === target && d.dismissed.some((m) => m.toString() === silent)) seen.redrawn = d.committee.map((m) => m.toString());
    } else if (api.events.verification.Disputed.is(e)) {
      say(block, `disputed   job ${job}: committee ${d.committee.map(who.name).join(', ')}, raised by ${who.name(d.disputer.unwrap())}`);
    } else if (api.events.verification.VerdictRevealed.is(e)) {
      say(block, `verdict    job ${job}: ${who.name(d.verifier)} ${d.agrees.isTrue ? 'agrees' : 'DISAGREES'}`);
    } else if (api.events.verification.Accepted.is(e)) {
      say(block, `verified   job ${job} (${d.reason})`);
      if (job === target) seen.decided = d.reason.toString();
    }
  }, () => target !== undefined);

  check(target !== undefined, `a receipt was sampled with ${down}'s verifier alone within ${maxBatches} batches (job ${target})`);
  check(seen.faulted, `job ${target}: ${down}'s verifier reported silent at the deadline`);
  check(seen.redrawn && seen.redrawn.every((m) => m !== silent),
    `job ${target}: its seat went to a new committee (${(seen.redrawn ?? []).map(who.name).join(', ')}) with a running verifier`);
  check(seen.decided !== undefined, `job ${target}: decided by the new committee (${seen.decided})`);
  checkAllCompleted(states, ` with ${down} down`);
  const finalizedAfter = await finalizedNumber(api);
  check(finalizedAfter - finalizedBefore >= finalizedAdvance, `finality went on without ${down}: finalized #${finalizedBefore} → #${finalizedAfter}`);
  await api.disconnect();
}

run(async () => {
  await main();
  process.exit(0);
});
