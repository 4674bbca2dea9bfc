// polkadot.js flow: a governance parameter change, and what it does to the market. On dev chains
// governance is Root through sudo (Alice); every Cinder pallet has a `setParams` call for it.
//   node governance.mjs [ws://127.0.0.1:9944]
// Needs a bonded worker: Eve, as scripts/js/worker_stake.mjs leaves her (bonded at exactly S(n)),
// who sends a heartbeat first so that she is active and eligible. Then:
//   - Bob, a signed account, cannot change the stake parameters (BadOrigin);
//   - Root's E = 0 is refused (computeStaking.InvalidParams) and nothing changes;
//   - Root doubles E (minutes per epoch in S(n) = 2·E·IB·P): ParamsSet, S(n) doubles through the
//     runtime API, and the eligibility sweep makes Eve ineligible (BondBelowMinimum) with an
//     EligibilityChanged event a few blocks later;
//   - Root restores E: Eve is eligible again.
import { check, connect, heartbeat, nextEvent, run, send } from './lib.mjs';

async function main() {
  const { api, keyring } = await connect();
  const alice = keyring.addFromUri('//Alice', { name: 'Alice' });
  const bob = keyring.addFromUri('//Bob', { name: 'Bob' });
  const eve = keyring.addFromUri('//Eve', { name: 'Eve' });

  const before = await api.query.computeStaking.params();
  const rule = before.rule.toJSON();
  // Eve's heartbeat first: a worker silent for `offline_after` intervals is not active.
  await heartbeat(api, eve);
  const status = await api.call.computeStakingApi.stakeStatus(eve.address);
  check(status.ineligibleBecause.isNone, `Eve, her heartbeat sent, is bonded (${status.active} planck) and ${status.ineligibleBecause.isNone ? 'eligible' : `not eligible: ${status.ineligibleBecause}`} before the change; S(n) ${status.minimumStake} planck with k = ${rule.multiplier}, E = ${rule.epochMinutes}`);

  // A signed account is not governance.
  const refused = await send(api, api.tx.computeStaking.setParams({ ...before.toJSON(), rule: { ...rule, epochMinutes: 1 } }), bob)
    .then(() => 'accepted', (error) => error.message);
  check(/BadOrigin/.test(refused), `Bob's computeStaking.setParams refused: ${refused}`);

  // Root, with a parameter out of bounds: refused, nothing changes.
  const invalid = { ...before.toJSON(), rule: { ...rule, epochMinutes: 0 } };
  const sudid = (await send(api, api.tx.sudo.sudo(api.tx.computeStaking.setParams(invalid)), alice))
    .find((e) => api.events.sudo.Sudid.is(e));
  const error = sudid.data.sudoResult.isErr && sudid.data.sudoResult.asErr.isModule
    ? api.registry.findMetaError(sudid.data.sudoResult.asErr.asModule) : undefined;
  check(error?.name === 'InvalidParams', `Root's E = 0 refused: ${error?.section}.${error?.name} (${error?.docs.join(' ')})`);
  check((await api.query.computeStaking.params()).eq(before), 'stake parameters unchanged');

  // Root doubles E: S(n) doubles, and the sweep finds Eve's bond short.
  const doubled = { ...before.toJSON(), rule: { ...rule, epochMinutes: rule.epochMinutes * 2 } };
  const setEvents = await send(api, api.tx.sudo.sudo(api.tx.computeStaking.setParams(doubled)), alice);
  const set = setEvents.find((e) => api.events.computeStaking.ParamsSet.is(e));
  check(set && set.data.params.rule.epochMinutes.toNumber() === rule.epochMinutes * 2, `Root: computeStaking.ParamsSet with E = ${set?.data.params.rule.epochMinutes}`);
  const minimum = (await api.call.computeStakingApi.minimumStake(eve.address)).toBigInt();
  check(minimum === 2n * status.minimumStake.toBigInt(), `S(n) for Eve doubled: ${status.minimumStake} → ${minimum} planck`);
  const isEve = (eligible) => (e) => api.events.computeStaking.EligibilityChanged.is(e) && e.data.who.toString() === eve.address && e.data.eligible.isTrue === eligible;
  const dropped = setEvents.find(isEve(false)) ?? (await nextEvent(api, isEve(false), 60_000)).event;
  const reason = (await api.call.computeStakingApi.stakeStatus(eve.address)).ineligibleBecause;
  check(dropped && reason.isSome && reason.unwrap().isBondBelowMinimum, `the eligibility sweep: Eve ineligible (${reason.toString()}), EligibilityChanged { eligible: false }`);

  // Root restores E: Eve is eligible again.
  const restoreEvents = await send(api, api.tx.sudo.sudo(api.tx.computeStaking.setParams(before)), alice);
  const back = restoreEvents.find(isEve(true)) ?? (await nextEvent(api, isEve(true), 60_000)).event;
  const after = await api.call.computeStakingApi.stakeStatus(eve.address);
  check(back && after.ineligibleBecause.isNone && (await api.query.computeStaking.params()).eq(before),
    `Root restored E = ${rule.epochMinutes}: Eve eligible again, S(n) ${after.minimumStake} planck`);

  await api.disconnect();
}

run(main);
