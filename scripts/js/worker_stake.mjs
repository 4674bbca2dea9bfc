// polkadot.js test of the compute market against a running Cinder dev node:
//   node worker_stake.mjs [ws://127.0.0.1:9944]
// Eve registers a worker (0.0001 IB, a lavapipe node), answers its benchmark challenge, reads
// S(n) through the ComputeStakingApi runtime API, bonds exactly S(n) and is eligible. Ferdie does
// the same but bonds one planck short: ineligible, and the runtime API says why.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const endpoint = process.argv[2] ?? process.env.CINDER_WS ?? 'ws://127.0.0.1:9944';
const CNDR = 10n ** 12n;

function check(condition, message) {
  if (!condition) {
    console.error(`FAIL: ${message}`);
    process.exit(1);
  }
  console.log(`ok: ${message}`);
}

/** Submits `tx` signed by `signer`; resolves with the events once it is in a block. */
function send(api, tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        const detail = dispatchError.isModule
          ? (({ section, name, docs }) => `${section}.${name}: ${docs.join(' ')}`)(api.registry.findMetaError(dispatchError.asModule))
          : dispatchError.toString();
        reject(new Error(detail));
      } else if (status.isInBlock) {
        resolve(events.map(({ event }) => event));
      }
    }).catch(reject);
  });
}

async function registerAndConfirm(api, who) {
  const events = await send(api, api.tx.nodeRegistry.register(
    'Worker',
    { cpuCores: 2, ramMib: 24576, gpuAdapter: 'llvmpipe (LLVM 15.0.6, 256 bits)', vramMib: 0, storageGib: 50, region: 'local' },
    'http://127.0.0.1:8080',
    CNDR, // price per IBM
    100, // 0.0001 IB in µIB
    [],
    { backgroundJobs: true, committedMemoryMib: 1024 },
  ), who);
  const issued = events.find((e) => api.events.nodeRegistry.ChallengeIssued.is(e));
  check(issued && issued.data.who.toString() === who.address, `${who.meta.name}: registered, challenge issued (${issued?.data.workUnits} work units, deadline #${issued?.data.deadline})`);

  const confirmed = (await send(api, api.tx.nodeRegistry.submitBenchmark('0x' + '09'.repeat(32)), who))
    .find((e) => api.events.nodeRegistry.IbConfirmed.is(e));
  check(confirmed && confirmed.data.independentlyChecked.isFalse, `${who.meta.name}: IB ${confirmed?.data.ib} µIB confirmed, marked not independently checked`);
}

async function main() {
  await cryptoWaitReady();
  const api = await ApiPromise.create({ provider: new WsProvider(endpoint), noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519' });
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

main().catch((error) => {
  console.error(`FAIL: ${error.message ?? error}`);
  process.exit(1);
});
