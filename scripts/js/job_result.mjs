// polkadot.js flow: fetch a job's result and check it against the chain. The chain holds no
// output, only each stage's receipt: the output's Merkle root and length, and the worker. The
// last stage's worker serves the output at `<its registered endpoint>/blobs/<root>`; the bytes
// count only if their length and their Merkle root (merkle.mjs, with the job's tile size) are
// the receipt's.
//   node job_result.mjs [ws] --job N [--out FILE]
// Exits non-zero, saying why, when the job has not completed, the worker does not serve the
// output, or the bytes are not what the receipt committed to.
import fs from 'node:fs';

import { check, connect, flag, run } from './lib.mjs';
import { tilesRoot } from './merkle.mjs';

/** The output of completed `job`, checked against its last stage's receipt:
 * `{ bytes, root, worker, url }`; throws saying what is wrong. */
export async function fetchResult(api, job) {
  const record = await api.call.jobsApi.job(job);
  if (record.isNone) throw new Error(`no job ${job}`);
  const { status, stages, tileBytes } = record.unwrap();
  if (!status.isCompleted) throw new Error(`job ${job} is ${status.type}, not completed: no result yet`);
  const last = stages[stages.length - 1];
  const receipt = last.receipt.unwrap();
  const worker = last.worker.unwrap().toString();
  const node = (await api.query.nodeRegistry.nodes(worker)).unwrap();
  const root = receipt.outputRoot.toHex();
  const url = `${node.endpoint.toUtf8().replace(/\/$/, '')}/blobs/${root.slice(2)}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length !== receipt.outputLen.toNumber()) throw new Error(`${url}: ${bytes.length} bytes, the receipt says ${receipt.outputLen}`);
  const computed = tilesRoot(bytes, tileBytes.toNumber());
  if (computed !== root) throw new Error(`${url}: Merkle root ${computed}, the receipt commits to ${root}`);
  return { bytes, root, worker, url };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run(async () => {
    const job = Number(flag('--job', NaN));
    if (!Number.isInteger(job)) throw new Error('--job N: the job whose result to fetch');
    const { api } = await connect();
    const { bytes, root, url } = await fetchResult(api, job);
    check(true, `job ${job}: ${bytes.length} bytes from ${url}, Merkle root ${root} as in the receipt`);
    const out = flag('--out', undefined);
    if (out) fs.writeFileSync(out, bytes);
    await api.disconnect();
  });
}
