// What the zombienet flows share: the network zombienet started (its nodes' RPC endpoints and
// its directory, passed by zombienet/flow.js in $CINDER_NETWORK), the accounts of the test,
// job batches submitted by the user, and a log of the chain's events, block by block.
import { CNDR, check, connect, connectTo, finalizedNumber, flag, poll, run, send, waitEligible } from '../../scripts/js/lib.mjs';

export { CNDR, check, connect, connectTo, finalizedNumber, flag, poll, run, send, waitEligible };

/** `{ dir, nodes: { alice: 'ws://…', … } }`: what zombienet started. */
export function network() {
  const raw = process.env.CINDER_NETWORK;
  if (!raw) throw new Error('CINDER_NETWORK is not set: run this flow through zombienet/flow.js (scripts/zombienet.sh)');
  return JSON.parse(raw);
}

/** The test's accounts: the four validators' stashes (zombienet bonds `//Alice//stash` for
 * node alice, …, as stash and controller), each also the account of its Verifier node; two
 * honest workers, Eve and Ferdie; Mallory (`//Ferdie//stash`), a worker that lies about its
 * outputs; and the user who submits jobs (`//Eve//stash`). */
export const ACCOUNTS = {
  Alice: '//Alice//stash',
  Bob: '//Bob//stash',
  Charlie: '//Charlie//stash',
  Dave: '//Dave//stash',
  Eve: '//Eve',
  Ferdie: '//Ferdie',
  Mallory: '//Ferdie//stash',
  User: '//Eve//stash',
};

/** Adds every test account to `keyring`; returns `{ pair(name), name(address) }`. */
export function accounts(keyring) {
  const pairs = new Map();
  const names = new Map();
  for (const [name, uri] of Object.entries(ACCOUNTS)) {
    const pair = keyring.addFromUri(uri, { name });
    pairs.set(name, pair);
    names.set(pair.address, name);
  }
  return {
    pair: (name) => pairs.get(name),
    name: (address) => names.get(address.toString()) ?? address.toString().slice(0, 8),
  };
}

/** The jobs a batch cycles through: a job of every workload. */
const SPECS = [
  ['GEMM 64×48×40', 0, { Int8Gemm: { m: 64, n: 48, k: 40 } }],
  ['MLP batch 4', 1, { Int8Mlp: { model: 0, batch: 4 } }],
  ['render tile 32×32', 2, { RenderTile: { width: 32, height: 32, maxIterations: 100, centerRe: -(1 << 15), centerIm: 0, step: 1 << 11 } }],
];

/** The best block's number. */
export const bestNumber = async (api) => (await api.rpc.chain.getHeader()).number.toNumber();

/** Submits `count` Standard jobs as `user` (a job of every workload in turn, distinct seeds
 * from `salt`), queued when no worker is free; their ids, in order. */
export async function submitBatch(api, user, count, salt) {
  let nonce = (await api.rpc.system.accountNextIndex(user.address)).toNumber();
  const events = await Promise.all(Array.from({ length: count }, (_, i) => {
    const [, workload, spec] = SPECS[i % SPECS.length];
    const seed = { Seed: '0x' + ((salt * 16 + i) % 256).toString(16).padStart(2, '0').repeat(32) };
    return send(api, api.tx.jobs.submitJob(workload, spec, seed, 2n * CNDR, 'Standard', null, 'Queue'), user, { nonce: nonce++ });
  }));
  return events.map((list) => {
    const submitted = list.find((e) => api.events.jobs.JobSubmitted.is(e));
    if (!submitted) throw new Error('a job was not submitted (no JobSubmitted event)');
    return submitted.data.job.toNumber();
  });
}

/** The job an event's `data` is about: its `job`, or its verification subject's (`undefined`
 * for a benchmark answer or an event of no job). */
export function eventJob(data) {
  if (data.subject) return data.subject.isStage ? data.subject.asStage.job.toNumber() : undefined;
  return data.job?.toNumber();
}

/** Submits batches of `perBatch` jobs as `user` (seeds from `salt`), each watched until all its
 * jobs completed or failed, until `enough(batch, lastBlock)` says so or `maxBatches` were sent. Every event
 * of these jobs but their end goes to `onEvent(block, event, job)` as it happens. Returns each
 * job's state (`completed`, `failed (reason)`) and the first and last block of the run. */
export async function runBatches(api, user, { perBatch, maxBatches, salt, about = '' }, onEvent, enough) {
  const states = new Map();
  let first;
  let last;
  for (let batch = 1; batch <= maxBatches; batch++) {
    const from = await bestNumber(api);
    first ??= from;
    const ids = await submitBatch(api, user, perBatch, salt + batch);
    ids.forEach((id) => states.set(id, 'open'));
    say(from, `batch ${batch}: jobs ${ids.join(', ')} submitted${about}`);
    await watch(api, `batch ${batch} settling`, 420, (block, events) => {
      for (const e of events) {
        const job = eventJob(e.data);
        if (!states.has(job)) continue;
        if (api.events.jobs.JobCompleted.is(e) || api.events.jobs.JobFailed.is(e)) {
          states.set(job, api.events.jobs.JobCompleted.is(e) ? 'completed' : `failed (${e.data.reason})`);
          last = block;
        } else {
          onEvent(block, e, job);
        }
      }
      return [...states.values()].every((state) => state !== 'open');
    }, from);
    if (await enough(batch, last)) break;
  }
  return { states, first, last };
}

/** Checks that every job of `states` (from `runBatches`) completed, naming any that did not. */
export function checkAllCompleted(states, context = '') {
  const failed = [...states.entries()].filter(([, state]) => state !== 'completed');
  check(failed.length === 0, `all ${states.size} jobs completed${context}${failed.length ? `; not: ${failed.map(([id, state]) => `${id} ${state}`).join(', ')}` : ''}`);
}

/** Calls `onEvents(block, events)` for every best block from `from` on (each block once, in
 * order; default: the next one), until `onEvents` returns true or `timeoutSecs` pass; rejects on
 * timeout with `what`. */
export function watch(api, what, timeoutSecs, onEvents, from = undefined) {
  return new Promise((resolve, reject) => {
    let last = from === undefined ? undefined : from - 1;
    let done = false;
    let unsubscribe;
    let queue = Promise.resolve();
    const finish = (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe?.();
      error ? reject(error) : resolve();
    };
    const timer = setTimeout(() => finish(new Error(`${what}: not within ${timeoutSecs} s`)), timeoutSecs * 1000);
    api.rpc.chain.subscribeNewHeads((header) => {
      queue = queue.then(async () => {
        const number = header.number.toNumber();
        const from = last === undefined ? number : last + 1;
        for (let block = from; block <= number && !done; block++) {
          const hash = await api.rpc.chain.getBlockHash(block);
          const events = (await api.query.system.events.at(hash)).map(({ event }) => event);
          last = block;
          if (await onEvents(block, events)) finish();
        }
      }).catch(finish);
    }).then((u) => { unsubscribe = u; if (done) u(); }).catch(finish);
  });
}

/** One line about a block's event, prefixed with the block number. */
export function say(block, text) {
  console.log(`#${String(block).padStart(4)}  ${text}`);
}
