// polkadot.js test of Burn-Mint-Work against a running Cinder dev node (after jobs.mjs, whose
// worker Dave hosts the demo model 0):
//   node bmw.mjs [ws://127.0.0.1:9944]
// Charlie submits an MLP job of batch 8192, routed to Dave. When it settles, 80 % of its fee is
// burned and 20 % paid to the foundation: the foundation's balance and the total issuance move by
// exactly that. When the 40-block reward epoch ends, it settles: the emission is the epoch's
// verified IBM times E_p, the work pool its work share, Dave's reward his pro-rata share (at most
// his mint cap), minted into the pot: the issuance grows by exactly that. Dave's first claim pays
// the immediate 25 % of it.
import { CNDR, check, connect, feesBurned, nextEvent, run, send } from './lib.mjs';

/** Parts per billion of a Perbill; pico-IBM per IBM. */
const BILLION = 1_000_000_000n;
const PICO = 1_000_000_000_000n;

async function main() {
  const { api, keyring } = await connect();
  const charlie = keyring.addFromUri('//Charlie', { name: 'Charlie' });
  const dave = keyring.addFromUri('//Dave', { name: 'Dave' });
  const foundation = api.consts.bmw.foundation.toString();
  const balanceOf = async (who, at) => (await (at ? api.query.system.account.at(at, who) : api.query.system.account(who))).data.free.toBigInt();
  const issuanceAt = async (hash) => (await api.query.balances.totalIssuance.at(hash)).toBigInt();
  const params = (await api.query.bmw.params()).unwrap();

  // Charlie: an MLP job of batch 8192 on model 0, which only Dave hosts.
  const batch = 8192;
  const submitted = await send(api, api.tx.jobs.submitJob(1, { Int8Mlp: { model: 0, batch } }, { Seed: '0x' + '07'.repeat(32) }, 2n * CNDR, 'Standard', null, 'Fail'), charlie);
  const job = submitted.find((e) => api.events.jobs.JobSubmitted.is(e)).data.job.toNumber();
  const assigned = submitted.find((e) => api.events.jobs.StageAssigned.is(e));
  check(assigned && assigned.data.worker.toString() === dave.address, `job ${job} (MLP, batch ${batch}) routed to Dave`);
  const outputLen = batch * 10;
  await send(api, api.tx.jobs.submitReceipts([{ job, stage: 0, outputRoot: '0x' + 'cd'.repeat(32), outputLen, tileCount: Math.ceil(outputLen / 16384), elapsedMs: 50 }]), dave);

  // Settlement: the fee is burned and split.
  const { event: burnedEvent, events: settledEvents, hash, parentHash } = await nextEvent(api, (e) => api.events.bmw.FeeBurned.is(e) && e.data.job.toNumber() === job, 120_000);
  const fee = (await api.call.jobsApi.job(job)).unwrap().stages[0].state.asSettled.fee.toBigInt();
  const burned = burnedEvent.data.burned.toBigInt();
  const toFoundation = burnedEvent.data.toFoundation.toBigInt();
  check(burned === (fee * params.burnShare.toBigInt()) / BILLION && toFoundation === fee - burned, `bmw.FeeBurned: fee ${fee} planck → ${burned} burned (80 %), ${toFoundation} to the foundation`);
  check(await balanceOf(foundation, hash) - await balanceOf(foundation, parentHash) === toFoundation, `the foundation's balance grew by ${toFoundation} planck`);
  const issuanceDrop = await issuanceAt(parentHash) - await issuanceAt(hash);
  check(issuanceDrop === burned + feesBurned(api, settledEvents), `total issuance fell by exactly the burn (+ that block's transaction fees): ${issuanceDrop} planck`);

  // The epoch's work, as it stands (no other job settles in it).
  const epoch = burnedEvent.data.epoch.toNumber();
  const totals = await api.query.bmw.epochTotals(epoch);
  const work = (await api.query.bmw.workerEpochs(epoch, dave.address)).unwrap();
  check(work.ibm.toBigInt() > 0n, `Dave's work in reward epoch ${epoch}: ${work.ibm} pico-IBM, ${work.points} points, mint cap ${work.mintCap} planck`);

  // The epoch ends and settles.
  const { event: settledEvent, events: mintEvents, hash: mintHash, parentHash: mintParent } = await nextEvent(api, (e) => api.events.bmw.EpochSettled.is(e) && e.data.epoch.toNumber() === epoch, 400_000);
  const perIbm = settledEvent.data.emissionPerIbm.toBigInt();
  const emission = settledEvent.data.emission.toBigInt();
  check(emission === (totals.ibm.toBigInt() * perIbm) / PICO, `bmw.EpochSettled: emission ${emission} planck = W_p ${totals.ibm} pico-IBM × E_p ${perIbm} planck per IBM`);
  const settlement = (await api.query.bmw.settlements(epoch)).unwrap();
  const pool = settlement.workPool.toBigInt();
  check(pool === (emission * params.workShare.toBigInt()) / BILLION, `work pool ${pool} planck = work share × emission`);
  const share = (pool * work.points.toBigInt()) / totals.points.toBigInt();
  const expected = share < work.mintCap.toBigInt() ? share : work.mintCap.toBigInt();
  const rewarded = mintEvents.find((e) => api.events.bmw.WorkRewarded.is(e) && e.data.worker.toString() === dave.address);
  check(rewarded && rewarded.data.reward.toBigInt() === expected, `bmw.WorkRewarded: Dave ${rewarded?.data.reward} planck = min(pro-rata share ${share}, mint cap ${work.mintCap})`);
  const minted = settledEvent.data.minted.toBigInt();
  const issuanceRise = await issuanceAt(mintHash) - await issuanceAt(mintParent);
  check(issuanceRise === minted - feesBurned(api, mintEvents), `total issuance rose by exactly the ${minted} planck minted (− that block's transaction fees)`);

  // Dave claims: 25 % at once, the rest over 60 epochs.
  const before = await balanceOf(dave.address);
  const claimEvents = await send(api, api.tx.bmw.claim(epoch), dave);
  const claimed = claimEvents.find((e) => api.events.bmw.RewardClaimed.is(e));
  const immediate = (expected * params.vestImmediately.toBigInt()) / BILLION;
  check(claimed && claimed.data.amount.toBigInt() === immediate, `bmw.RewardClaimed: ${claimed?.data.amount} planck now (25 %), ${claimed?.data.left} to vest`);
  const after = await balanceOf(dave.address);
  check(after - before === immediate - feesBurned(api, claimEvents), `Dave's balance grew by the claim less its transaction fee`);

  await api.disconnect();
}

run(main);
