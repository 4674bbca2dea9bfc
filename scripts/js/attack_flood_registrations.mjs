// The registration-flood attack, repeated through polkadot.js against a dev node; fails if any
// job is refused or goes anywhere but the one eligible worker:
//   node attack_flood_registrations.mjs [ws://127.0.0.1:9944] [--nodes 500] [--jobs 20]
// Root registers a fresh model, so the flow owns its routing pool. 500 accounts, funded by Alice
// in one block, each register a Worker node hosting it: cheap (1 planck per IBM), claiming
// 10 IB, never confirmed, never bonded. Each holds the node deposit (`nodeRegistry.nodeDeposit`)
// while it stays registered. Then one worker registers, confirms its IB and bonds S(n): the
// model's pool holds it alone. Charlie submits 20 MLP jobs of that model ('Fail' when no
// worker): every one is routed to the eligible worker. (Before routing pools held only eligible
// workers, routing scanned 32 of the 501 registered nodes and refused about 15 jobs in 16.)
// Two flood nodes then deregister and get their deposit back. Root restores the job parameters.
import { randomBytes } from 'node:crypto';
import { CNDR, check, connect, flag, registerAndConfirm, run, send } from './lib.mjs';

const NODES = Number(flag('--nodes', '500'));
const JOBS = Number(flag('--jobs', '20'));

async function main() {
  const { api, keyring } = await connect();
  const alice = keyring.addFromUri('//Alice', { name: 'Alice' });
  const charlie = keyring.addFromUri('//Charlie', { name: 'Charlie' });
  // Fresh accounts each run, so the flow can run again on the same chain.
  const tag = randomBytes(4).toString('hex');
  const worker = keyring.addFromUri(`//Flood/${tag}/eligible`, { name: 'the eligible worker' });

  // A model of its own: its pool starts empty.
  const seed = '0x' + randomBytes(32).toString('hex');
  const registered = await send(api, api.tx.sudo.sudo(api.tx.jobs.registerModel({
    hash: seed, sizeBytes: 64 * 64, layers: [{ inputs: 64, outputs: 64 }], weights: { Seeded: seed },
  })), alice);
  const model = registered.find((e) => api.events.jobs.ModelRegistered.is(e))?.data.model.toNumber();
  check(model !== undefined, `Root registered model ${model}`);

  // Enough slots for every job at one worker (restored at the end, whatever happens).
  const paramsBefore = (await api.query.jobs.params()).unwrap().toJSON();
  await sudo(api, alice, api.tx.jobs.setParams({ ...paramsBefore, slotsPerWorker: Math.max(JOBS, paramsBefore.slotsPerWorker) }), `jobs.setParams(slotsPerWorker: ${JOBS})`);
  try {
    await flood(api, keyring, { alice, charlie, worker }, model, tag);
  } finally {
    await sudo(api, alice, api.tx.jobs.setParams(paramsBefore), 'jobs.setParams restored');
  }
  await api.disconnect();
}

/** Root's `call` through sudo; checks that it dispatched. */
async function sudo(api, alice, call, what) {
  const sudid = (await send(api, api.tx.sudo.sudo(call), alice)).find((e) => api.events.sudo.Sudid.is(e));
  check(sudid && sudid.data.sudoResult.isOk, `sudo ${what}`);
}

/** The flood, the eligible worker and the jobs on `model`; accounts `//Flood/<tag>/…`. */
async function flood(api, keyring, { alice, charlie, worker }, model, tag) {
  const pool = { Hosts: model };

  // The flood: funded by Alice in one block, then every node registered at once.
  const deposit = api.consts.nodeRegistry.nodeDeposit.toBigInt();
  // Each registration's benchmark challenge holds the claim deposit too, until it is decided.
  const claimDeposit = api.consts.nodeRegistry.claimDeposit.toBigInt();
  const flood = Array.from({ length: NODES }, (_, i) => keyring.addFromUri(`//Flood/${tag}/${i}`, { name: `flood ${i}` }));
  const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  await Promise.all(flood.map((who, i) => send(api, api.tx.balances.transferKeepAlive(who.address, deposit + claimDeposit + CNDR), alice, { nonce: nonce + i })));
  await send(api, api.tx.balances.transferKeepAlive(worker.address, 100n * CNDR), alice);
  const countBefore = (await api.query.nodeRegistry.nodeCount()).toNumber();
  const hardware = { cpuCores: 1, ramMib: 1024, gpuAdapter: 'none', vramMib: 0, storageGib: 1, region: 'nowhere' };
  await Promise.all(flood.map((who) => send(api, api.tx.nodeRegistry.register(
    'Worker', hardware, 'http://127.0.0.1:9', 1, 10_000_000, [model], { backgroundJobs: true, committedMemoryMib: 0 },
  ), who)));
  const countAfter = (await api.query.nodeRegistry.nodeCount()).toNumber();
  check(countAfter === countBefore + NODES, `${NODES} flood nodes registered (${countAfter} nodes now)`);
  const held = await api.query.balances.holds(flood[0].address);
  const heldDeposit = held.find((h) => h.id.isNodeRegistry && h.id.asNodeRegistry.isNodeDeposit)?.amount.toBigInt();
  check(heldDeposit === deposit, `each flood node holds the node deposit: ${heldDeposit} planck (${NODES} of them lock ${Number(deposit * BigInt(NODES) / CNDR)} CNDR)`);
  check((await api.query.nodeRegistry.poolSize(pool)).toNumber() === 0, `model ${model}'s routing pool is empty: registered nodes are not eligible`);

  // The one eligible worker. A Verifier node of an earlier flow that serves but never answers
  // would leave its IB unverifiable: paused for the confirmation, as no verifier runs here.
  const aliceNode = await api.query.nodeRegistry.nodes(alice.address);
  const pausedAlice = aliceNode.isSome && aliceNode.unwrap().status.isActive;
  if (pausedAlice) await send(api, api.tx.nodeRegistry.pause(), alice);
  try {
    await registerAndConfirm(api, worker, { models: [model] });
  } finally {
    if (pausedAlice) await send(api, api.tx.nodeRegistry.resume(), alice);
  }
  const minimum = (await api.call.computeStakingApi.minimumStake(worker.address)).toBigInt();
  await send(api, api.tx.computeStaking.bond(minimum), worker);
  check((await api.query.nodeRegistry.poolSize(pool)).toNumber() === 1, `bonded S(n): the worker is alone in model ${model}'s pool of ${NODES + 1} hosts`);

  // Charlie's jobs: none refused, every one to the eligible worker.
  const charlieNonce = (await api.rpc.system.accountNextIndex(charlie.address)).toNumber();
  const submitted = await Promise.all(Array.from({ length: JOBS }, (_, i) => send(api, api.tx.jobs.submitJob(
    1, { Int8Mlp: { model, batch: 1 } }, { Seed: '0x' + i.toString(16).padStart(64, '0') }, 2n * CNDR, 'Standard', null, 'Fail',
  ), charlie, { nonce: charlieNonce + i })));
  const workers = submitted.map((events) => events.find((e) => api.events.jobs.StageAssigned.is(e))?.data.worker.toString());
  const routed = workers.filter((w) => w === worker.address).length;
  check(routed === JOBS, `${routed} of ${JOBS} jobs routed to the eligible worker, none refused`);

  // Leaving returns the deposit.
  for (const who of flood.slice(0, 2)) {
    const events = await send(api, api.tx.nodeRegistry.deregister(), who);
    const left = events.find((e) => api.events.nodeRegistry.Deregistered.is(e));
    check(left && left.data.deposit.toBigInt() === deposit, `${who.meta.name} deregistered: deposit ${left?.data.deposit} returned`);
  }
}

run(main);
