// polkadot.js test of Burn-Mint-Work against a running Cinder dev node (after jobs.mjs, whose
// worker Dave hosts the demo model 0):
//   node bmw.mjs [ws://127.0.0.1:9944]
// With at least 25 blocks of the 40-block reward epoch left, Dave sends a heartbeat: one interval
// online at his confirmed IB earns him availability credit and counts, as far as his bond backs
// it, towards the apparent IBM (the IBME's denominator). Charlie submits an MLP job of batch
// 8192, routed to Dave. When it settles, 80 % of its fee is burned and 20 % paid to the
// foundation: the foundation's balance and the total issuance move by exactly that; the job's
// emission is min(IBM × E_p, burned), and Dave's work credit from it at most the work share of
// that cap. The running estimate of BmwApi.rewardBreakdown is read. When the epoch ends it
// settles: its emission is the epoch's credits, and Dave is paid exactly his own work and
// availability credits, minted into the pot (nobody else's activity changes them); minted +
// withheld = emission; the issuance grows by exactly what was minted. The breakdown then reads
// as settled, with a reason for each empty pool, and Dave's first claim pays the immediate 25 %
// of his reward.
import { CNDR, check, connect, feesBurned, heartbeat, nextEvent, run, send } from './lib.mjs';

/** Parts per billion of a Perbill; pico-IBM per IBM and per micro-IB. */
const BILLION = 1_000_000_000n;
const PICO = 1_000_000_000_000n;
const PICO_PER_MICRO = 1_000_000n;

const min = (a, b) => (a < b ? a : b);
const POOLS = ['work', 'availability', 'verifiers', 'managers'];
const total = (pools) => POOLS.reduce((sum, name) => sum + pools[name].toBigInt(), 0n);
const perbill = (share, amount) => (amount * share.toBigInt()) / BILLION;

async function main() {
  const { api, keyring } = await connect();
  const charlie = keyring.addFromUri('//Charlie', { name: 'Charlie' });
  const dave = keyring.addFromUri('//Dave', { name: 'Dave' });
  const foundation = api.consts.bmw.foundation.toString();
  const balanceOf = async (who, at) => (await (at ? api.query.system.account.at(at, who) : api.query.system.account(who))).data.free.toBigInt();
  const issuanceAt = async (hash) => (await api.query.balances.totalIssuance.at(hash)).toBigInt();
  const params = (await api.query.bmw.params()).unwrap();

  // Room in the epoch for a heartbeat (≤ 10 blocks away) and the job (a few blocks).
  const blocksLeft = (await api.query.bmw.epochEnd()).toNumber() - (await api.rpc.chain.getHeader()).number.toNumber();
  if (blocksLeft < 25) await nextEvent(api, (e) => api.events.bmw.EpochEnded.is(e), 400_000);
  const epoch = (await api.query.bmw.currentEpoch()).toNumber();

  // Dave's heartbeat: one interval online for availability.
  const node = (await api.query.nodeRegistry.nodes(dave.address)).unwrap();
  const ib = node.confirmedIb.unwrap().ib.toBigInt();
  const interval = (await api.query.nodeRegistry.params()).unwrap().heartbeatInterval.toBigInt();
  const before = await api.query.bmw.epochTotals(epoch);
  await heartbeat(api, dave);
  const after = await api.query.bmw.epochTotals(epoch);
  const online = (ib * PICO_PER_MICRO * interval * api.consts.bmw.millisecsPerBlock.toBigInt()) / 60_000n;
  const apparent = after.apparentIbm.toBigInt() - before.apparentIbm.toBigInt();
  check(apparent === online, `Dave's heartbeat counts ${interval} blocks online at ${ib} µIB: ${online} pico-IBM of apparent IBM, all of it backed by his bond`);
  const credit = after.credited.availability.toBigInt() - before.credited.availability.toBigInt();
  // The availability share of E_p at the target IBME (the two Perbills multiplied first, as the
  // runtime does); Dave committed no memory, so no memory bonus.
  const rate = (params.pools.availability.toBigInt() * params.ibmeTarget.toBigInt()) / BILLION;
  const availabilityPerIbm = (rate * after.emissionPerIbm.toBigInt()) / BILLION;
  check(node.availability.committedMemoryMib.toNumber() === 0 && credit === (online * availabilityPerIbm) / PICO, `and earns him ${credit} planck of availability credit: IB × minutes at ${availabilityPerIbm} planck an IBM`);

  // Charlie: an MLP job of batch 8192 on model 0, which only Dave hosts.
  const batch = 8192;
  const submitted = await send(api, api.tx.jobs.submitJob(1, { Int8Mlp: { model: 0, batch } }, { Seed: '0x' + '07'.repeat(32) }, 2n * CNDR, 'Standard', null, 'Fail'), charlie);
  const job = submitted.find((e) => api.events.jobs.JobSubmitted.is(e)).data.job.toNumber();
  const assigned = submitted.find((e) => api.events.jobs.StageAssigned.is(e));
  check(assigned && assigned.data.worker.toString() === dave.address, `job ${job} (MLP, batch ${batch}) routed to Dave`);
  const outputLen = batch * 10;
  await send(api, api.tx.jobs.submitReceipts([{ job, stage: 0, outputRoot: '0x' + 'cd'.repeat(32), outputLen, tileCount: Math.ceil(outputLen / 16384), elapsedMs: 50 }]), dave);

  // Settlement: the fee is burned and split; the job adds to the emission.
  const { event: burnedEvent, events: settledEvents, hash, parentHash } = await nextEvent(api, (e) => api.events.bmw.FeeBurned.is(e) && e.data.job.toNumber() === job, 120_000);
  check(burnedEvent.data.epoch.toNumber() === epoch, `the job settled in reward epoch ${epoch}`);
  const fee = (await api.call.jobsApi.job(job)).unwrap().stages[0].state.asSettled.fee.toBigInt();
  const burned = burnedEvent.data.burned.toBigInt();
  const toFoundation = burnedEvent.data.toFoundation.toBigInt();
  check(burned === perbill(params.burnShare, fee) && toFoundation === fee - burned, `bmw.FeeBurned: fee ${fee} planck → ${burned} burned (80 %), ${toFoundation} to the foundation`);
  check(await balanceOf(foundation, hash) - await balanceOf(foundation, parentHash) === toFoundation, `the foundation's balance grew by ${toFoundation} planck`);
  const issuanceDrop = await issuanceAt(parentHash) - await issuanceAt(hash);
  check(issuanceDrop === burned + feesBurned(api, settledEvents), `total issuance fell by exactly the burn (+ that block's transaction fees): ${issuanceDrop} planck`);
  const [was, is] = [await api.query.bmw.epochTotals.at(parentHash, epoch), await api.query.bmw.epochTotals.at(hash, epoch)];
  const perIbm = is.emissionPerIbm.toBigInt();
  const ibm = burnedEvent.data.ibm.toBigInt();
  const jobEmission = min((ibm * perIbm) / PICO, perbill(params.maxMintPerBurn, burned));
  check(is.emission.toBigInt() - was.emission.toBigInt() === jobEmission, `the job adds ${jobEmission} planck to the emission: min(${ibm} pico-IBM × E_p ${perIbm}, its burn)`);
  const [daveWas, daveIs] = [await api.query.bmw.contributions.at(parentHash, epoch, dave.address), await api.query.bmw.contributions.at(hash, epoch, dave.address)];
  const workCredit = daveIs.unwrap().work.toBigInt() - (daveWas.isSome ? daveWas.unwrap().work.toBigInt() : 0n);
  const workCap = perbill(params.pools.work, perbill(params.maxMintPerBurn, burned));
  check(workCredit >= perbill(params.pools.work, jobEmission) && workCredit <= workCap, `Dave's work credit from it: ${workCredit} planck, the work share of its emission with his reliability bonus, within the work share of its cap (${workCap})`);

  const estimate = await api.call.bmwApi.rewardBreakdown(dave.address, epoch);
  check(estimate.status.isRunning && estimate.work.amount.toBigInt() > 0n && estimate.availability.amount.toBigInt() > 0n, `BmwApi.rewardBreakdown, running: Dave ${estimate.total} planck so far (work ${estimate.work.amount}, availability ${estimate.availability.amount})`);
  const ibme = await api.call.bmwApi.ibme(epoch);
  check(ibme.isSome, `BmwApi.ibme: reward epoch ${epoch} at ${ibme.unwrap().toNumber() / 1e7} % so far`);

  // The epoch ends and settles (one block pays everyone).
  const { event: settledEvent, events: mintEvents, hash: mintHash, parentHash: mintParent } = await nextEvent(api, (e) => api.events.bmw.EpochSettled.is(e) && e.data.epoch.toNumber() === epoch, 400_000);
  const totals = await api.query.bmw.epochTotals.at(mintParent, epoch);
  const mine = (await api.query.bmw.contributions.at(mintParent, epoch, dave.address)).unwrap();
  const emission = settledEvent.data.emission.toBigInt();
  check(emission === total(totals.credited), `bmw.EpochSettled: emission ${emission} planck, what the epoch's contributions were credited`);
  const pools = settledEvent.data.pools;
  for (const name of POOLS) {
    check(pools[name].toBigInt() === totals.credited[name].toBigInt(), `${name} pool ${pools[name]} planck = its credits (the allocation covers them all)`);
  }
  const minted = settledEvent.data.minted.toBigInt();
  const withheld = settledEvent.data.withheld.toBigInt();
  check(minted + withheld === emission, `minted ${minted} + withheld ${withheld} = the emission exactly`);
  const rewards = mintEvents.filter((e) => api.events.bmw.Rewarded.is(e) && e.data.epoch.toNumber() === epoch);
  const sum = rewards.reduce((all, e) => all + total(e.data.earned), 0n);
  check(sum === minted, `the ${rewards.length} bmw.Rewarded events add up to what was minted`);
  const work = mine.work.toBigInt();
  const availability = mine.availability.toBigInt();
  const rewarded = rewards.find((e) => e.data.who.toString() === dave.address);
  check(rewarded && rewarded.data.earned.work.toBigInt() === work && rewarded.data.earned.availability.toBigInt() === availability, `bmw.Rewarded: Dave is paid exactly his own credits, ${work} planck for work and ${availability} for availability`);
  const finalIbme = settledEvent.data.ibme.unwrap();
  check(finalIbme.eq((await api.call.bmwApi.ibme(epoch)).unwrap()) && finalIbme.toBigInt() <= BILLION, `the epoch's IBME, paid IBM ${totals.backedIbm} / apparent IBM ${totals.apparentIbm} (as burns and bonds back them): ${finalIbme.toNumber() / 1e7} %, as BmwApi.ibme says`);
  const issuanceRise = await issuanceAt(mintHash) - await issuanceAt(mintParent);
  check(issuanceRise === minted - feesBurned(api, mintEvents), `total issuance rose by exactly the ${minted} planck minted (− that block's transaction fees)`);

  const reward = work + availability;
  const settled = await api.call.bmwApi.rewardBreakdown(dave.address, epoch);
  check(settled.status.isSettled && settled.total.toBigInt() === reward, `BmwApi.rewardBreakdown, settled: ${settled.total} planck`);
  const why = (pool) => (pool.amount.toBigInt() === 0n && pool.zeroBecause.isSome ? pool.zeroBecause.unwrap().type : 'paid');
  check(why(settled.verification) === 'NoVerifications' && why(settled.management) === 'NoManagedJobs', `empty pools say why: verification ${why(settled.verification)}, management ${why(settled.management)}`);

  // Dave claims: 25 % at once, the rest over 60 epochs.
  const balance = await balanceOf(dave.address);
  const claimEvents = await send(api, api.tx.bmw.claim(epoch), dave);
  const claimed = claimEvents.find((e) => api.events.bmw.RewardClaimed.is(e));
  const immediate = perbill(params.vestImmediately, reward);
  check(claimed && claimed.data.amount.toBigInt() === immediate, `bmw.RewardClaimed: ${claimed?.data.amount} planck now (25 %), ${claimed?.data.left} to vest`);
  const after2 = await balanceOf(dave.address);
  check(after2 - balance === immediate - feesBurned(api, claimEvents), `Dave's balance grew by the claim less its transaction fee`);

  await api.disconnect();
}

run(main);
