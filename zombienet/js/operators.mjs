// The operators of the zombienet test: each validator's Verifier node and the three workers, run
// by `cinder-worker` ($CINDER_WORKER) against the nodes zombienet started. Their processes
// outlive this script (zombienet runs each DSL line apart); their pids, command lines and logs
// are kept in <network dir>/cinder-operators.json so later lines can kill and restart them; their
// logs are <network dir>/operator-<name>.log (and operator-<name>-register.log).
//
//   node operators.mjs <ws> start          # register and start all; wait until workers are eligible
//   node operators.mjs <ws> kill NAME      # SIGKILL one (Eve, Dave's verifier "Dave", …)
//   node operators.mjs <ws> restart NAME   # start it again as before (same data dir)
//   node operators.mjs <ws> stop           # SIGTERM all
//
// Verifiers: Alice, Bob, Charlie and Dave, each on its own validator's node. Workers: Eve on
// Bob's node, Ferdie on Charlie's, Mallory (lies about every output, `run --lie`) on Alice's.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { ACCOUNTS, accounts, check, connect, network, say, waitEligible } from './network.mjs';

const VERIFIERS = [['Alice', 'alice'], ['Bob', 'bob'], ['Charlie', 'charlie'], ['Dave', 'dave']];
const WORKERS = [['Eve', 'bob', []], ['Ferdie', 'charlie', []], ['Mallory', 'alice', ['--lie']]];

const worker = process.env.CINDER_WORKER;
// Errors as one message with its causes (zombienet's environment asks for Rust backtraces).
const env = { ...process.env, RUST_BACKTRACE: '0', RUST_LIB_BACKTRACE: '0' };
const { dir, nodes } = network();
const stateFile = path.join(dir, 'cinder-operators.json');
const readState = () => (fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {});
const writeState = (state) => fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));

/** A TCP port nobody listens on now. */
const freePort = () => new Promise((resolve, reject) => {
  const server = net.createServer();
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
  server.on('error', reject);
});

/** Runs `cinder-worker args` to its end, output to `log`; rejects with the log's tail. */
function runToEnd(args, log) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(log, 'a');
    const child = spawn(worker, args, { stdio: ['ignore', out, out], env });
    child.on('error', reject);
    child.on('exit', (code) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`cinder-worker ${args.join(' ')} exited ${code}:\n${fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n')}`));
    });
  });
}

/** Starts `cinder-worker args` in the background (it outlives this script), output to `log`. */
function startDetached(args, log) {
  const out = fs.openSync(log, 'a');
  const child = spawn(worker, args, { stdio: ['ignore', out, out], detached: true, env });
  child.unref();
  fs.closeSync(out);
  return child.pid;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startAll() {
  if (!worker) throw new Error('CINDER_WORKER is not set: the cinder-worker binary to run');
  const state = {};
  const start = (name, url, args) => {
    const log = path.join(dir, `operator-${name.toLowerCase()}.log`);
    const full = ['--url', url, ...args];
    state[name] = { pid: startDetached(full, log), args: full, log };
    writeState(state);
  };
  // Verifiers first, each running as soon as it is registered, so every later benchmark answer
  // meets a running committee.
  await Promise.all(VERIFIERS.map(async ([name, node]) => {
    const url = nodes[node];
    // `verify` serves the answer's parts from the data dir `register` kept them in, at the
    // endpoint registered: the other verifiers spot-check them.
    const port = await freePort();
    const data = path.join(dir, `${name.toLowerCase()}-data`);
    await runToEnd(['--url', url, 'register', '--role', 'verifier', '--suri', ACCOUNTS[name], '--ib-micro', '1',
      '--endpoint', `http://127.0.0.1:${port}`, '--data-dir', data],
      path.join(dir, `operator-${name.toLowerCase()}-register.log`));
    start(name, url, ['verify', '--suri', ACCOUNTS[name], '--listen', `127.0.0.1:${port}`, '--data-dir', data]);
    say(0, `${name}'s Verifier node registered and verifying on ${node}'s node`);
  }));
  // Workers: benchmark, register with the measured IB, bond S(n), answer the challenge; run.
  await Promise.all(WORKERS.map(async ([name, node, extra]) => {
    const url = nodes[node];
    const port = await freePort();
    await runToEnd(['--url', url, 'register', '--suri', ACCOUNTS[name], '--price', '0.5', '--endpoint', `http://127.0.0.1:${port}`,
      '--data-dir', path.join(dir, `${name.toLowerCase()}-data`), '--background-jobs', '--committed-memory-mib', '1024'],
      path.join(dir, `operator-${name.toLowerCase()}-register.log`));
    start(name, url, ['run', '--suri', ACCOUNTS[name], '--listen', `127.0.0.1:${port}`,
      '--data-dir', path.join(dir, `${name.toLowerCase()}-data`), ...extra]);
    say(0, `${name} registered and running on ${node}'s node${extra.length ? ` (${extra.join(' ')})` : ''}`);
  }));

  const { api, keyring } = await connect();
  const who = accounts(keyring);
  await waitEligible(api, WORKERS.map(([name]) => who.pair(name)), 180);
  const verifiers = (await api.query.nodeRegistry.verifiers()).map((v) => who.name(v));
  check(VERIFIERS.every(([name]) => verifiers.includes(name)), `verifier directory: ${verifiers.join(', ')}`);
  const down = Object.entries(state).filter(([, s]) => !alive(s.pid)).map(([name]) => name);
  check(down.length === 0, `all ${Object.keys(state).length} operator processes running; workers ${WORKERS.map(([n]) => n).join(', ')} eligible`);
  await api.disconnect();
}

function kill(name, signal = 'SIGKILL') {
  const state = readState();
  const entry = state[name];
  if (!entry) throw new Error(`no operator named ${name} (known: ${Object.keys(state).join(', ')})`);
  if (alive(entry.pid)) process.kill(entry.pid, signal);
  console.log(`${name} (pid ${entry.pid}) sent ${signal}`);
}

function restart(name) {
  const state = readState();
  const entry = state[name];
  if (!entry) throw new Error(`no operator named ${name}`);
  if (alive(entry.pid)) throw new Error(`${name} (pid ${entry.pid}) is still running`);
  entry.pid = startDetached(entry.args, entry.log);
  writeState(state);
  console.log(`${name} restarted (pid ${entry.pid})`);
}

/** Kills operator `name` with SIGKILL (for flows that import this module). */
export const killOperator = (name) => kill(name);
/** Starts operator `name` again with its command line (for flows that import this module). */
export const restartOperator = (name) => restart(name);

const [command, name] = process.argv.slice(3);
if (import.meta.url === `file://${process.argv[1]}`) {
  const actions = {
    start: startAll,
    kill: async () => kill(name),
    restart: async () => restart(name),
    stop: async () => { for (const n of Object.keys(readState())) kill(n, 'SIGTERM'); },
  };
  if (!actions[command]) {
    console.error('usage: operators.mjs <ws> start | kill NAME | restart NAME | stop');
    process.exit(2);
  }
  actions[command]().then(() => process.exit(0), (error) => {
    console.error(`FAIL: ${error.message ?? error}`);
    process.exit(1);
  });
}
