// polkadot.js flow: nominate a validator with pallet-staking.
//   node nominate.mjs [ws://127.0.0.1:9944] [--stash //Bob//stash] [--validator //Alice]
// The stash bonds 1,000 CNDR (rewards restaked) and nominates the validator; checks:
//   - staking.Bonded, the ledger holds the bond, and the bond is locked in the stash's balance;
//   - an empty nomination is refused (staking.EmptyTargets);
//   - staking.nominators lists the validator as the stash's target from this era on, and the
//     stash is in the voter list (bags-list) that the next election reads;
//   - staking.chill ends the nomination; the bond stays until `unbond`.
import { CNDR, check, connect, flag, run, send } from './lib.mjs';


async function main() {
  const { api, keyring } = await connect();
  const stash = keyring.addFromUri(flag('--stash', '//Bob//stash'), { name: 'nominator' });
  const validator = keyring.addFromUri(flag('--validator', '//Alice'), { name: 'validator' });
  check((await api.query.staking.validators.keys()).some((k) => k.args[0].toString() === validator.address),
    `${validator.address} is a validator candidate`);

  const amount = 1_000n * CNDR;
  if ((await api.query.staking.bonded(stash.address)).isNone) {
    const bonded = (await send(api, api.tx.staking.bond(amount, 'Staked'), stash)).find((e) => api.events.staking.Bonded.is(e));
    check(bonded && bonded.data.amount.toBigInt() === amount, `staking.Bonded: ${stash.address} bonded ${amount / CNDR} CNDR, rewards restaked`);
  }
  const ledger = (await api.query.staking.ledger(stash.address)).unwrap();
  check(ledger.active.toBigInt() >= amount, `staking.ledger: ${ledger.active.toBigInt() / CNDR} CNDR active`);
  const frozen = (await api.query.balances.locks(stash.address)).concat(await api.query.balances.freezes(stash.address))
    .some((l) => l.amount.toBigInt() >= amount);
  const holds = (await api.query.balances.holds(stash.address)).some((h) => h.amount.toBigInt() >= amount);
  check(frozen || holds, 'the bond is locked in the stash\'s balance');

  const empty = await send(api, api.tx.staking.nominate([]), stash).then(() => 'accepted', (error) => error.message);
  check(/EmptyTargets/.test(empty), `an empty nomination is refused: ${empty}`);

  await send(api, api.tx.staking.nominate([validator.address]), stash);
  const nominations = (await api.query.staking.nominators(stash.address)).unwrap();
  const era = (await api.query.staking.currentEra()).unwrap().toNumber();
  check(nominations.targets.length === 1 && nominations.targets[0].toString() === validator.address,
    `staking.nominators: targets [${nominations.targets.map(String)}], submitted in era ${nominations.submittedIn} (current ${era}); it counts from the next election`);
  const voter = await api.query.voterList.listNodes(stash.address);
  check(voter.isSome, `the nominator is in the voter list (the bag up to ${voter.isSome ? voter.unwrap().bagUpper.toBigInt() / CNDR : '-'} CNDR)`);

  const chilled = (await send(api, api.tx.staking.chill(), stash)).find((e) => api.events.staking.Chilled.is(e));
  check(chilled && (await api.query.staking.nominators(stash.address)).isNone, 'staking.chill: Chilled, no nomination left; the bond stays until unbond');

  await api.disconnect();
}

run(main);
