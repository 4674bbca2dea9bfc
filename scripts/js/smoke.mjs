// polkadot.js smoke test against a running Cinder node:
//   node smoke.mjs [ws://127.0.0.1:9944]
// Reads the runtime version, transfers from Alice to Bob and waits for finalization, checks both
// balances to the unit (amount and the fee the chain reported), and lists staking.validators.
// Exits non-zero with a message on the first failed check.
import { CNDR, check, connect, run } from './lib.mjs';

async function main() {
  const { api, keyring } = await connect();

  const version = api.runtimeVersion;
  check(version.specName.toString() === 'cinder', `runtime spec name is "cinder" (got ${version.specName}, spec_version ${version.specVersion})`);
  check(api.registry.chainDecimals[0] === 12 && api.registry.chainTokens[0] === 'CNDR', 'chain properties: CNDR with 12 decimals');

  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');

  const before = {
    alice: (await api.query.system.account(alice.address)).data.free.toBigInt(),
    bob: (await api.query.system.account(bob.address)).data.free.toBigInt(),
  };
  const amount = 12n * CNDR + 345n;

  const { blockHash, fee } = await new Promise((resolve, reject) => {
    let fee = null;
    api.tx.balances
      .transferKeepAlive(bob.address, amount)
      .signAndSend(alice, ({ status, events, dispatchError }) => {
        if (dispatchError) {
          const detail = dispatchError.isModule ? JSON.stringify(api.registry.findMetaError(dispatchError.asModule)) : dispatchError.toString();
          reject(new Error(`transfer failed: ${detail}`));
          return;
        }
        for (const { event } of events) {
          if (api.events.transactionPayment.TransactionFeePaid.is(event)) fee = event.data[1].toBigInt() + event.data[2].toBigInt();
        }
        if (status.isFinalized) resolve({ blockHash: status.asFinalized, fee });
      })
      .catch(reject);
  });
  check(fee !== null && fee > 0n, `transfer finalized in block ${blockHash.toHex()} with fee ${fee}`);

  const at = await api.at(blockHash);
  const after = {
    alice: (await at.query.system.account(alice.address)).data.free.toBigInt(),
    bob: (await at.query.system.account(bob.address)).data.free.toBigInt(),
  };
  check(after.bob - before.bob === amount, `Bob received exactly ${amount} (delta ${after.bob - before.bob})`);
  check(before.alice - after.alice === amount + fee, `Alice paid amount + fee (delta ${before.alice - after.alice})`);

  const validators = (await api.query.staking.validators.keys()).map((key) => key.args[0].toString());
  check(validators.includes(alice.address), `staking.validators lists Alice (${validators.length} validator(s))`);
  const sessionValidators = (await api.query.session.validators()).map((v) => v.toString());
  check(sessionValidators.includes(alice.address), 'Alice is in the active session validator set');

  await api.disconnect();
}

run(main);
