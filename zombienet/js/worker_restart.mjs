// A worker killed and restarted loses no receipt: the user submits batches of jobs; as soon as
// one is assigned to --worker (Eve), her process is killed (SIGKILL) and, --down seconds later,
// started again with the same data dir. Checks: the killed worker's stage is settled by her (her
// receipt reached the chain after the restart, no deadline missed, no reassignment), and every
// job completes. (Should her receipt have left before the kill landed, the next batch tries
// again.)
//
//   node worker_restart.mjs <ws> [--worker Eve] [--jobs 4] [--down 6] [--batches 4]
import { killOperator, restartOperator } from './operators.mjs';
import { accounts, bestNumber, check, checkAllCompleted, connect, flag, network, run, runBatches, say } from './network.mjs';

const name = flag('--worker', 'Eve');
const perBatch = Number(flag('--jobs', 4));
const downSecs = Number(flag('--down', 6));
const maxBatches = Number(flag('--batches', 4));

async function main() {
  network();
  const { api, keyring } = await connect();
  const who = accounts(keyring);
  const worker = who.pair(name).address;
  let killed; // { job, stage }
  let restarted;
  let restartedAt; // the best block when she was started again
  const seen = { receipt: undefined, settledBy: undefined, missed: false, reassigned: false, reorged: false };

  const about = `; ${name} is killed as soon as one is hers`;
  const { states } = await runBatches(api, who.pair('User'), { perBatch, maxBatches, salt: 200, about }, (block, e, job) => {
    const d = e.data;
    const ours = killed && job === killed.job && d.stage?.toNumber() === killed.stage;
    if (api.events.jobs.StageAssigned.is(e)) {
      say(block, `assigned   job ${job} stage ${d.stage} to ${who.name(d.worker)}`);
      if (!killed && d.worker.toString() === worker) {
        killed = { job, stage: d.stage.toNumber() };
        killOperator(name);
        say(block, `killed     ${name} with job ${job} in hand; restarting in ${downSecs} s`);
        restarted = new Promise((resolve) => setTimeout(resolve, downSecs * 1000)).then(async () => {
          restartOperator(name);
          restartedAt = await bestNumber(api);
        });
      } else if (ours) {
        // A stage goes to another worker only after a missed deadline. Without one, the block
        // that gave it to her was reorganised away (the batch landed in another block, with
        // other randomness), and she never held it on the chain that stays.
        if (seen.missed) seen.reassigned = true;
        else seen.reorged = true;
      }
    } else if (api.events.jobs.ReceiptAccepted.is(e)) {
      say(block, `receipt    job ${job} from ${who.name(d.worker)}`);
      if (ours && d.worker.toString() === worker) seen.receipt = block;
    } else if (api.events.jobs.DeadlineMissed.is(e)) {
      say(block, `MISSED     job ${job}: ${who.name(d.worker)}`);
      if (ours) seen.missed = true;
    } else if (api.events.jobs.StageSettled.is(e)) {
      say(block, `settled    job ${job} stage ${d.stage} by ${who.name(d.worker)}`);
      if (ours) seen.settledBy = d.worker.toString();
    }
  }, async () => {
    await restarted;
    if (killed && seen.reorged) {
      say('', `           the block that gave job ${killed.job} to ${name} was reorganised away; once more`);
      killed = undefined;
      restartedAt = undefined;
      Object.assign(seen, { receipt: undefined, settledBy: undefined, reorged: false });
      return false;
    }
    if (killed && seen.receipt !== undefined && (restartedAt === undefined || seen.receipt <= restartedAt)) {
      // Her receipt was on its way before the kill: nothing was in hand. Again, with the next.
      say(seen.receipt, `           ${name}'s receipt for job ${killed.job} was sent before the kill; once more`);
      killed = undefined;
      restartedAt = undefined;
      seen.receipt = undefined;
    }
    return killed !== undefined;
  });

  check(killed !== undefined, `${name} was assigned job ${killed?.job} and killed with it in hand`);
  check(seen.receipt > restartedAt && !seen.missed && !seen.reassigned,
    `job ${killed.job}: ${name}'s receipt reached the chain at #${seen.receipt}, after her restart at #${restartedAt} (no deadline missed, no reassignment)`);
  check(seen.settledBy === worker, `job ${killed.job}: settled by ${name}`);
  checkAllCompleted(states);
  await api.disconnect();
}

run(async () => {
  await main();
  process.exit(0);
});
