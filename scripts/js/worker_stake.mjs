// polkadot.js test of the compute market against a running Cinder dev node:
//   node worker_stake.mjs [ws://127.0.0.1:9944]
// Eve registers a worker (0.0001 IB, a lavapipe node), answers its benchmark challenge, reads
// S(n) through the ComputeStakingApi runtime API, bonds exactly S(n) and is eligible. Ferdie does
// the same but bonds one planck short: ineligible, and the runtime API says why.
import { CNDR, check, connect, registerAndConfirm, run, send } from './lib.mjs';

async function main() {
  const { api, keyring } = await connect();
  const eve = keyring.addFromUri('//Eve', { name: 'Eve' });
  const ferdie = keyring.addFromUri('//Ferdie', { name: 'Ferdie' });

  // Eve: exactly S(n).
  await registerAndConfirm(api, eve);
  const minimum = (await api.call.computeStakingApi.minimumStake(eve.address)).toBigInt();
  // S(n) = 2 · 4320 · 0.0001 IB · 1 CNDR per IBM = 0.864 CNDR.
  check(minimum === 864n * CNDR / 1000n, `runtime API minimumStake(Eve) = ${minimum} planck = 2·4320·0.0001 IB·1 CNDR`);
  const bondEvents = await send(api, api.tx.computeStaking.bond(minimum), eve);
  const changed = bondEvents.find((e) => api.events.computeStaking.EligibilityChanged.is(e));
  check(changed && changed.data.eligible.isTrue, 'Eve bonded exactly S(n): EligibilityChanged { eligible: true }');
  const eveStatus = await api.call.computeStakingApi.stakeStatus(eve.address);
  check(eveStatus.ineligibleBecause.isNone && eveStatus.active.toBigInt() === minimum, `stakeStatus(Eve): active ${eveStatus.active}, eligible`);

  // Ferdie: one planck short.
  await registerAndConfirm(api, ferdie);
  await send(api, api.tx.computeStaking.bond(minimum - 1n), ferdie);
  const ferdieStatus = await api.call.computeStakingApi.stakeStatus(ferdie.address);
  const reason = ferdieStatus.ineligibleBecause.isSome ? ferdieStatus.ineligibleBecause.unwrap().toString() : 'none';
  check(reason === 'BondBelowMinimum', `stakeStatus(Ferdie) with S(n) − 1 bonded: ineligible because ${reason}`);

  await api.disconnect();
}

run(main);
