// polkadot.js flow: an operator's status, read the way polkadot.js Apps reads it (storage and
// the runtime APIs): the node's registration, its bond against S(n) and whether it may take jobs
// (and why not), the stages it holds, its rewards by epoch and, for a Verifier node, the checks
// it owes. `cinder-worker status` prints the same from the worker's side.
//   node operator_status.mjs [ws://127.0.0.1:9944] [--account //Eve] [--expect eligible|unregistered]
// --expect makes it a test: `eligible` checks a registered, confirmed, active worker bonded at
// least S(n) that the runtime calls eligible; `unregistered` checks an account with no node that
// the runtime calls ineligible because it is not registered.
import { check, cndr, connect, flag, run } from './lib.mjs';

const expect = flag('--expect', undefined);

async function main() {
  const { api, keyring } = await connect();
  const uri = flag('--account', '//Eve');
  const who = keyring.addFromUri(uri).address;
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  console.log(`${uri} (${who}) at block #${best}`);

  const record = await api.query.nodeRegistry.nodes(who);
  const node = record.isSome ? record.unwrap() : undefined;
  if (node) {
    const ib = node.confirmedIb.isSome ? `${node.confirmedIb.unwrap().ib} µIB confirmed` : `${node.claimedIb} µIB claimed, not confirmed`;
    console.log(`node: ${node.role.type}, ${node.status.type}; ${ib}; ${cndr(node.pricePerIbm)} per IBM`);
    console.log(`  endpoint ${node.endpoint.toUtf8()}, models [${node.hostedModels.join(', ')}], last heartbeat #${node.lastHeartbeat}`);
  } else {
    console.log('node: none registered (cinder-worker register)');
  }

  const stake = await api.call.computeStakingApi.stakeStatus(who);
  const reason = stake.ineligibleBecause.isSome ? stake.ineligibleBecause.unwrap().type : undefined;
  console.log(`stake: ${cndr(stake.active)} bonded, S(n) ${cndr(stake.minimumStake)}, ${stake.unbonding.length} unbonding; ${reason ? `not eligible: ${reason}` : 'eligible for jobs and rewards'}`);

  const assignments = await api.call.jobsApi.assignments(who);
  console.log(`jobs: ${assignments.length} stage(s) assigned${assignments.map(([job, stage]) => ` job ${job}/${stage}`).join(',')}`);

  const epoch = stake.currentEpoch.toNumber();
  for (const e of [epoch, epoch - 1].filter((e) => e >= 0)) {
    const r = await api.call.bmwApi.rewardBreakdown(who, e);
    console.log(`epoch ${e} (${r.status.type}): total ${cndr(r.total)} (work ${cndr(r.work.amount)}, availability ${cndr(r.availability.amount)}), claimable ${cndr(r.claimable)}${r.forfeited.isTrue ? ', FORFEITED' : ''}`);
  }
  if (node?.role.isVerifier) {
    const pending = await api.call.verificationApi.pendingChecks(who);
    console.log(`checks owed: ${pending.length}`);
  }

  if (expect === 'eligible') {
    check(node && node.role.isWorker && node.status.isActive && node.confirmedIb.isSome, 'registered worker, active, IB confirmed');
    check(stake.active.toBigInt() >= stake.minimumStake.toBigInt() && !reason, 'bonded at least S(n) and eligible');
  } else if (expect === 'unregistered') {
    check(!node && reason === 'NotRegistered', `no node registered, and the runtime says why it is not eligible: ${reason}`);
  } else if (expect !== undefined) {
    throw new Error(`--expect takes eligible or unregistered, not ${expect}`);
  }
  await api.disconnect();
}

run(main);
