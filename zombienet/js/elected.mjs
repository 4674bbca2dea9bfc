// The validators were elected by pallet-staking and author and finalize together: the four
// genesis validators (zombienet bonds each node's `//<Name>//stash`) are staking validators, each has an exposure in the active era (what the
// election gives), they are the session's validators, and BABE's and GRANDPA's authorities.
//
//   node elected.mjs <ws>
import { accounts, check, CNDR, connect, network, run } from './network.mjs';

const NAMES = ['Alice', 'Bob', 'Charlie', 'Dave'];

async function main() {
  network();
  const { api, keyring } = await connect();
  const who = accounts(keyring);
  const expected = NAMES.map((n) => who.pair(n).address).sort();
  const sorted = (list) => list.map((a) => a.toString()).sort();

  const candidates = sorted((await api.query.staking.validators.keys()).map((k) => k.args[0]));
  check(JSON.stringify(candidates) === JSON.stringify(expected), `staking.validators: ${candidates.map(who.name).join(', ')}`);
  const era = (await api.query.staking.activeEra()).unwrap().index.toNumber();
  const exposures = await Promise.all(expected.map((v) => api.query.staking.erasStakersOverview(era, v)));
  check(exposures.every((e) => e.isSome && e.unwrap().total.toBigInt() > 0n),
    `active era ${era}: each validator elected with an exposure (${exposures.map((e) => `${e.unwrap().total.toBigInt() / CNDR} CNDR`).join(', ')})`);
  const session = sorted(await api.query.session.validators());
  check(JSON.stringify(session) === JSON.stringify(expected), `session.validators: ${session.map(who.name).join(', ')}`);
  const babe = (await api.query.babe.authorities()).length;
  const grandpa = (await api.query.grandpa.authorities()).length;
  check(babe === 4 && grandpa === 4, `BABE authorities: ${babe}, GRANDPA authorities: ${grandpa}`);
  await api.disconnect();
}

run(async () => {
  await main();
  process.exit(0);
});
