// What every Cinder polkadot.js script shares: the endpoint, the connection, checks that stop the
// script with a message, signed submissions that resolve with their events, waiting for an event,
// and the worker's first steps (register, answer the benchmark challenge).
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { randomBytes } from 'node:crypto';

/** The node's WebSocket RPC: the first argument, else $CINDER_WS, else the dev default. */
export const endpoint = process.argv[2] ?? process.env.CINDER_WS ?? 'ws://127.0.0.1:9944';
/** The value after `--name` among the arguments after the endpoint, else `fallback`. */
export function flag(name, fallback) {
  const args = process.argv.slice(3);
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
}

/** Planck per CNDR (12 decimals). */
export const CNDR = 10n ** 12n;

/** Connects to `endpoint`; returns the API and an sr25519 keyring. */
export async function connect() {
  await cryptoWaitReady();
  return { api: await connectTo(endpoint), keyring: new Keyring({ type: 'sr25519' }) };
}

/** The API of the node at `url`. */
export function connectTo(url) {
  return ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
}

/** An amount for people: CNDR with three decimals, or planck below a thousandth of a CNDR. */
export function cndr(planck) {
  const value = BigInt(planck.toString());
  if (value < CNDR / 1000n) return `${value} planck`;
  const milli = value / 10n ** 9n;
  return `${milli / 1000n}.${(milli % 1000n).toString().padStart(3, '0')} CNDR`;
}

/** Calls `probe` every 3 s until it returns something truthy, which it resolves with; rejects
 * with `what` (and what `describe`, if given, says of the last state) after `timeoutSecs`. */
export async function poll(what, timeoutSecs, probe, describe = () => '') {
  const until = Date.now() + timeoutSecs * 1000;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutSecs} s${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

/** Waits until every one of `workers` (keyring pairs) is eligible for jobs (registered,
 * confirmed, bonded at least S(n)), up to `timeoutSecs`; the error names those that are not. */
export async function waitEligible(api, workers, timeoutSecs) {
  let waiting = workers;
  await poll(`${workers.map((w) => w.meta.name).join(', ')} eligible`, timeoutSecs, async () => {
    const statuses = await Promise.all(workers.map((w) => api.call.computeStakingApi.stakeStatus(w.address)));
    waiting = workers.filter((_, i) => statuses[i].ineligibleBecause.isSome);
    return waiting.length === 0;
  }, () => `; still waiting for ${waiting.map((w) => w.meta.name).join(', ')}`);
}

/** The number of the node's finalized head. */
export async function finalizedNumber(api) {
  return (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
}

/** Prints `ok: message`, or `FAIL: message` and exits non-zero. */
export function check(condition, message) {
  if (!condition) {
    console.error(`FAIL: ${message}`);
    process.exit(1);
  }
  console.log(`ok: ${message}`);
}

/** Submits `tx` signed by `signer` (with signing `options`, e.g. `{ nonce }`); resolves with
 * the events once it is in a block, rejects with the module error's name and docs. */
export function send(api, tx, signer, options = {}) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, options, ({ status, events, dispatchError }) => {
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

/** Registers `who` as a lavapipe worker (0.0001 IB, 1 CNDR per IBM) hosting `models`, answers
 * its benchmark challenge and waits for verification's word (with no verifier registered, the
 * answer is accepted unchecked when its challenge window ends); checks each step. */
export async function registerAndConfirm(api, who, { models = [], url = 'http://127.0.0.1:8080', backgroundJobs = true } = {}) {
  const events = await send(api, api.tx.nodeRegistry.register(
    'Worker',
    { cpuCores: 2, ramMib: 24576, gpuAdapter: 'llvmpipe (LLVM 15.0.6, 256 bits)', vramMib: 0, storageGib: 50, region: 'local' },
    url,
    CNDR, // price per IBM
    100, // 0.0001 IB in µIB
    models,
    { backgroundJobs, committedMemoryMib: backgroundJobs ? 1024 : 0 },
  ), who);
  const issued = events.find((e) => api.events.nodeRegistry.ChallengeIssued.is(e));
  check(issued && issued.data.who.toString() === who.address, `${who.meta.name}: registered, challenge issued (${issued?.data.workUnits} work units, deadline #${issued?.data.deadline})`);

  await answerChallenge(api, who, '0x' + '09'.repeat(32));
  const { event: confirmed } = await nextEvent(api, (e) => api.events.nodeRegistry.IbConfirmed.is(e) && e.data.who.toString() === who.address, 120_000);
  check(confirmed.data.independentlyChecked.isFalse, `${who.meta.name}: IB ${confirmed.data.ib} µIB confirmed when the challenge window ended, marked not independently checked (no verifier registered)`);
}

/** `who` answers its pending benchmark challenge with `result`; checks that verification took
 * the answer and returns the challenge's number. */
export async function answerChallenge(api, who, result) {
  const answered = (await send(api, api.tx.nodeRegistry.submitBenchmark(result), who))
    .find((e) => api.events.nodeRegistry.ChallengeAnswered.is(e));
  check(answered && answered.data.who.toString() === who.address, `${who.meta.name}: answered challenge ${answered?.data.challenge}; verification checks the answer`);
  return answered.data.challenge.toNumber();
}

/** Resolves with `{ event, events, hash, parentHash }`: the first event that `match` accepts,
 * from the next blocks, every event of its block, and that block's hash and its parent's. */
export function nextEvent(api, match, timeoutMs) {
  return new Promise((resolve, reject) => {
    let unsubscribe;
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      unsubscribe?.();
      reject(new Error(`no matching event within ${timeoutMs} ms`));
    }, timeoutMs);
    api.rpc.chain.subscribeNewHeads(async (header) => {
      const events = (await api.query.system.events.at(header.hash)).map(({ event }) => event);
      const event = events.find(match);
      if (event && !done) {
        done = true;
        clearTimeout(timer);
        unsubscribe?.();
        resolve({ event, events, hash: header.hash, parentHash: header.parentHash });
      }
    }).then((u) => { unsubscribe = u; if (done) u(); }).catch(reject);
  });
}

/** Sends `who`'s heartbeat, waiting out `HeartbeatTooEarly` block by block (one is due every
 * heartbeat interval); its events. */
export async function heartbeat(api, who, maxBlocks = 30) {
  for (let waited = 0; ; waited++) {
    try {
      return await send(api, api.tx.nodeRegistry.heartbeat(), who);
    } catch (error) {
      if (!/HeartbeatTooEarly/.test(error.message) || waited >= maxBlocks) throw error;
      await nextEvent(api, () => true, 30_000);
    }
  }
}

/** `who` commits to `verdict` on `subject` with a random salt, then reveals it, as a committee
 * of one may at once (reveals open when every seat has committed); returns the reveal's
 * events. The commitment is verification's `verdict_commitment`: blake2-256 of the SCALE
 * encoding of ("cinder/verdict", subject, account, verdict, salt). */
export async function commitAndReveal(api, who, subject, verdict) {
  const salt = randomBytes(32);
  const reveal = api.tx.verification.revealVerdict(subject, verdict, salt);
  const [encodedSubject, encodedVerdict] = reveal.method.args;
  const commitment = blake2AsU8a(u8aConcat(stringToU8a('cinder/verdict'), encodedSubject.toU8a(), decodeAddress(who.address), encodedVerdict.toU8a(), salt), 256);
  const committed = await send(api, api.tx.verification.commitVerdict(subject, commitment), who);
  check(committed.some((e) => api.events.verification.VerdictCommitted.is(e)), `${who.meta.name} committed to a verdict (only its hash is on chain)`);
  return send(api, reveal, who);
}

/** Tops `who`'s compute bond up to the chain's verifier bond, which a Verifier node's account
 * holds to register and to serve (each fault on a check takes a share of it); returns what it
 * bonded. */
export async function bondVerifierBond(api, who) {
  const need = api.consts.nodeRegistry.verifierBond.toBigInt();
  const bond = await api.query.computeStaking.bonds(who.address);
  const active = bond.isSome ? bond.unwrap().active.toBigInt() : 0n;
  if (active >= need) return 0n;
  const call = bond.isSome ? api.tx.computeStaking.bondExtra(need - active) : api.tx.computeStaking.bond(need - active);
  await send(api, call, who);
  return need - active;
}

/** Root (`sudo`, signed by `root`) sets the verification parameters to the current ones with
 * `changes` applied (camelCase keys); checks it took and returns the parameters it replaced. */
export async function setVerificationParams(api, root, changes) {
  const before = (await api.query.verification.params()).unwrap().toJSON();
  const events = await send(api, api.tx.sudo.sudo(api.tx.verification.setParams({ ...before, ...changes })), root);
  const sudid = events.find((e) => api.events.sudo.Sudid.is(e));
  check(sudid && sudid.data.sudoResult.isOk, `sudo verification.setParams(${JSON.stringify(changes)})`);
  return before;
}

/** `nextEvent`, whose timeout error says `what` was awaited. */
export async function untilEvent(api, match, timeoutMs, what) {
  try {
    return await nextEvent(api, match, timeoutMs);
  } catch (error) {
    throw new Error(`${what}: ${error.message}`);
  }
}

/** The transaction fees paid in a block's `events`, which this chain burns. */
export function feesBurned(api, events) {
  return events
    .filter((e) => api.events.transactionPayment.TransactionFeePaid.is(e))
    .reduce((sum, e) => sum + e.data.actualFee.toBigInt(), 0n);
}

/** Runs `main`, turning a thrown error into `FAIL: …` and a non-zero exit. */
export function run(main) {
  main().catch((error) => {
    console.error(`FAIL: ${error.message ?? error}`);
    process.exit(1);
  });
}
