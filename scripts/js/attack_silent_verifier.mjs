// The silent-verifier attack, repeated through polkadot.js against a dev node; fails if the
// chain accepts it:
//   node attack_silent_verifier.mjs [ws://127.0.0.1:9944]
// Alice's Verifier node serves (registered, heartbeat on time) but never gives a verdict. An
// attacker registers a Worker claiming 10 IB at a price of 1 planck (bonding S(n) at the
// collateral floor, 8,640 CNDR) and answers its benchmark challenge with random bytes. Its answer is sampled with Alice as the
// whole committee; at the deadline Alice is reported silent, nobody else serves to take her
// seat, and the claim ends `Unverifiable`: the IB is never confirmed (`IbRejected` with reason
// `Unverifiable`), on a development chain too. Root shortens the verdict window for the run
// and restores the parameters after.
import { randomBytes } from 'node:crypto';
import { CNDR, bondVerifierBond, check, connect, heartbeat, run, send, setVerificationParams, untilEvent } from './lib.mjs';

async function main() {
  const { api, keyring } = await connect();
  const alice = keyring.addFromUri('//Alice', { name: 'Alice' });
  const attacker = keyring.addFromUri('//SilentVerifierAttacker', { name: 'Attacker' });
  const before = await setVerificationParams(api, alice, { verdictWindow: 5 });

  // Alice serves: her verifier bond held, her Verifier node registered (verification.mjs may
  // have done both) and on time.
  await bondVerifierBond(api, alice);
  const node = await api.query.nodeRegistry.nodes(alice.address);
  if (node.isNone) {
    await send(api, api.tx.nodeRegistry.register(
      { Verifier: { stash: alice.address } },
      { cpuCores: 2, ramMib: 24576, gpuAdapter: 'llvmpipe', vramMib: 0, storageGib: 50, region: 'local' },
      'http://127.0.0.1:8090', CNDR, 100, [], { backgroundJobs: false, committedMemoryMib: 0 },
    ), alice);
  } else {
    await heartbeat(api, alice);
  }
  const serving = (await api.query.nodeRegistry.servingVerifiers()).map((v) => v.toString());
  check(serving.includes(alice.address), `Alice's Verifier node serves (${serving.length} serving)`);

  // The attacker: 10 IB at 1 planck per IBM, S(n) bonded (at the collateral floor's price),
  // a random answer.
  await send(api, api.tx.balances.transferKeepAlive(attacker.address, 10_000n * CNDR), alice);
  const maxIb = 10_000_000n;
  await send(api, api.tx.nodeRegistry.register(
    'Worker',
    { cpuCores: 1, ramMib: 1024, gpuAdapter: 'none', vramMib: 0, storageGib: 1, region: 'nowhere' },
    'http://127.0.0.1:9', 1, maxIb, [], { backgroundJobs: false, committedMemoryMib: 0 },
  ), attacker);
  const minimum = (await api.call.computeStakingApi.minimumStake(attacker.address)).toBigInt();
  const minBond = api.consts.computeStaking.minimumBond.toBigInt();
  await send(api, api.tx.computeStaking.bond(minimum > minBond ? minimum : minBond), attacker);
  console.log(`attacker claims ${maxIb / 1_000_000n} IB at 1 planck per IBM: S(n) = ${minimum} planck (the floor's, not 1 planck's)`);
  check(minimum === 8_640n * CNDR, `S(n) at the collateral floor: ${minimum} planck`);
  const answered = (await send(api, api.tx.nodeRegistry.submitBenchmark('0x' + randomBytes(32).toString('hex')), attacker))
    .find((e) => api.events.nodeRegistry.ChallengeAnswered.is(e));
  check(answered, `the attacker answered challenge ${answered?.data.challenge} with random bytes`);
  const challenge = answered.data.challenge.toNumber();
  const ours = (subject) => subject.isBenchmark && subject.asBenchmark.challenge.toNumber() === challenge;

  const { event: sampled } = await untilEvent(api, (e) => api.events.verification.Sampled.is(e) && ours(e.data.subject), 120_000, 'the answer was never sampled');
  const committee = sampled.data.committee.map((v) => v.toString());
  check(committee.length === 1 && committee[0] === alice.address, `the answer is sampled with Alice alone on the committee, verdicts due by #${sampled.data.deadline}`);

  const mine = (e) => (api.events.nodeRegistry.IbConfirmed.is(e) || api.events.nodeRegistry.IbRejected.is(e)) && e.data.who.toString() === attacker.address;
  const { event: word, events } = await untilEvent(api, mine, 180_000, 'no word on the claim');
  check(!api.events.nodeRegistry.IbConfirmed.is(word), `the claim is not confirmed (${word.method})`);
  check(word.data.reason.isUnverifiable, `IbRejected: reason ${word.data.reason}`);
  const faulted = events.find((e) => api.events.verification.VerifierFaulted.is(e) && ours(e.data.subject));
  check(faulted && faulted.data.verifier.toString() === alice.address && faulted.data.fault.isSilent, 'VerifierFaulted: Alice, Silent');
  const fine = api.consts.nodeRegistry.verifierBond.toBigInt() / 10n;
  check(faulted.data.stash.toString() === alice.address && faulted.data.slashed.toBigInt() === fine,
    `her silence cost her verifier bond ${faulted.data.slashed} planck and was reported against her stash`);
  const unverifiable = events.find((e) => api.events.verification.Unverifiable.is(e) && ours(e.data.subject));
  check(unverifiable && unverifiable.data.reason.isSilent, `verification.Unverifiable: ${unverifiable?.data.reason} (no other verifier serves to take her seat)`);
  const record = (await api.query.nodeRegistry.nodes(attacker.address)).unwrap();
  check(record.confirmedIb.isNone, 'the attacker has no confirmed IB');

  await setVerificationParams(api, alice, before);
  await api.disconnect();
}

run(main);
