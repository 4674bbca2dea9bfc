// polkadot.js test of the jobs market against a running Cinder dev node:
//   node jobs.mjs [ws://127.0.0.1:9944]
// Dave registers a worker hosting the genesis demo model (id 0), answers its benchmark
// challenge and bonds S(n) read through the runtime API. Charlie submits an int8 MLP job on that
// model with a maximum price: the escrow is held and the job is routed to Dave (the only host).
// Dave submits the receipt in a batch; the JobsApi runtime API shows the stage verifying, and
// when verification accepts it (no verifier is registered yet, so at the end of its challenge
// window, sampled or not) the job settles: the fee (IBM × Dave's price) goes to the fee
// collector and the rest of the escrow back to Charlie.
import { CNDR, check, connect, nextEvent, registerAndConfirm, run, send } from './lib.mjs';

/** Work units per IB-minute of the genesis int8 workloads. */
const INT8_MACS_PER_IB_MINUTE = 40_000_000_000_000_000n;

async function main() {
  const { api, keyring } = await connect();
  const dave = keyring.addFromUri('//Dave', { name: 'Dave' });
  const charlie = keyring.addFromUri('//Charlie', { name: 'Charlie' });

  const model = (await api.query.jobs.models(0)).unwrap();
  check(model.layers.length === 4, `genesis demo model 0: ${model.layers.length} layers, ${model.sizeBytes} bytes`);

  // Dave: a worker hosting model 0, confirmed and bonded at S(n).
  await registerAndConfirm(api, dave, { models: [0], url: 'http://127.0.0.1:8081', backgroundJobs: false });
  const minimum = (await api.call.computeStakingApi.minimumStake(dave.address)).toBigInt();
  await send(api, api.tx.computeStaking.bond(minimum), dave);
  check((await api.call.computeStakingApi.stakeStatus(dave.address)).ineligibleBecause.isNone, `Dave hosts model 0 and bonded S(n) = ${minimum} planck: eligible`);

  // Charlie: an MLP job on model 0, batch 1, from a seed, at most 2 CNDR per IBM.
  const spec = { Int8Mlp: { model: 0, batch: 1 } };
  const [workUnits, ibm] = (await api.call.jobsApi.quote(1, spec)).unwrap();
  const expectedWork = model.layers.reduce((sum, l) => sum + l.inputs.toBigInt() * l.outputs.toBigInt(), 0n);
  check(workUnits.toBigInt() === expectedWork, `JobsApi.quote: ${workUnits} work units (Σ inputs·outputs), ${ibm} pIBM`);
  const maxPrice = 2n * CNDR;
  const escrow = (workUnits.toBigInt() * maxPrice + INT8_MACS_PER_IB_MINUTE - 1n) / INT8_MACS_PER_IB_MINUTE;
  const submitted = await send(api, api.tx.jobs.submitJob(1, spec, { Seed: '0x' + '05'.repeat(32) }, maxPrice, 'Standard', null, 'Fail'), charlie);
  const jobSubmitted = submitted.find((e) => api.events.jobs.JobSubmitted.is(e));
  const assignedEvent = submitted.find((e) => api.events.jobs.StageAssigned.is(e));
  check(jobSubmitted && jobSubmitted.data.escrow.toBigInt() === escrow, `JobSubmitted: job ${jobSubmitted?.data.job}, escrow ${jobSubmitted?.data.escrow} planck = ⌈IBM × max price⌉`);
  const job = jobSubmitted.data.job.toNumber();
  check(assignedEvent && assignedEvent.data.worker.toString() === dave.address, `StageAssigned: job ${job} routed to Dave, due by #${assignedEvent?.data.deadline.unwrap()}`);
  const assignments = await api.call.jobsApi.assignments(dave.address);
  check(assignments.some(([id]) => id.toNumber() === job), `JobsApi.assignments(Dave) lists job ${job}`);

  // Dave: the receipt, in a batch.
  const outputLen = model.layers[model.layers.length - 1].outputs.toNumber(); // batch 1 × 10 i8
  const receiptEvents = await send(api, api.tx.jobs.submitReceipts([
    { job, stage: 0, outputRoot: '0x' + 'ab'.repeat(32), outputLen, tileCount: 1, elapsedMs: 5 },
  ]), dave);
  const accepted = receiptEvents.find((e) => api.events.jobs.ReceiptAccepted.is(e));
  check(accepted && accepted.data.acceptAt.isNone, 'ReceiptAccepted: recorded, verification decides when it is accepted');
  const verifying = (await api.call.jobsApi.job(job)).unwrap();
  check(verifying.stages[0].state.isVerifying && verifying.stages[0].receipt.isSome, 'JobsApi.job: stage 0 verifying, receipt recorded');

  // Verification accepts it when its challenge window ends, and the job settles in that block.
  const { event: completed, events } = await nextEvent(api, (e) => api.events.jobs.JobCompleted.is(e) && e.data.job.toNumber() === job, 120_000);
  const verified = events.find((e) => api.events.verification.Accepted.is(e) && e.data.subject.isStage && e.data.subject.asStage.job.toNumber() === job);
  check(verified && ['NotSampled', 'NoVerifiers'].includes(verified.data.reason.type), `verification.Accepted: job ${job}, ${verified?.data.reason.type} (no verifier registered)`);
  const done = (await api.call.jobsApi.job(job)).unwrap();
  const fee = done.stages[0].state.asSettled.fee.toBigInt();
  const expectedFee = (workUnits.toBigInt() * CNDR + INT8_MACS_PER_IB_MINUTE - 1n) / INT8_MACS_PER_IB_MINUTE;
  check(done.status.isCompleted && fee === expectedFee, `job ${job} completed: fee ${fee} planck = ⌈IBM × Dave's price⌉`);
  check(completed.data.refund.toBigInt() === escrow - fee, `JobCompleted: refund ${completed.data.refund} planck = escrow − fee`);

  await api.disconnect();
}

run(main);
