// The output-tile Merkle tree whose root a receipt carries (cinder_primitives::merkle, pinned by
// pallets/primitives/merkle_vectors.json): the output cut into tiles of the workload's
// `tileBytes`, a leaf blake2_256(0x00 ‖ tile), an inner node blake2_256(0x01 ‖ left ‖ right), the
// last node of an odd level promoted, the root of no tiles blake2_256("").
//   node merkle.mjs [ws] [--vectors pallets/primitives/merkle_vectors.json]
// checks this implementation against those vectors.
import fs from 'node:fs';

import { u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';

import { check, flag, run } from './lib.mjs';

const hash = (bytes) => blake2AsU8a(bytes, 256);

/** The root (0x-hex) of `output` (a Uint8Array) cut into tiles of `tileBytes`. */
export function tilesRoot(output, tileBytes) {
  const size = Math.max(1, tileBytes);
  let level = [];
  for (let at = 0; at < output.length; at += size) level.push(hash(u8aConcat([0], output.subarray(at, at + size))));
  if (level.length === 0) return u8aToHex(hash(new Uint8Array()));
  while (level.length > 1) {
    const up = [];
    for (let i = 0; i < level.length; i += 2) up.push(i + 1 < level.length ? hash(u8aConcat([1], level[i], level[i + 1])) : level[i]);
    level = up;
  }
  return u8aToHex(level[0]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run(async () => {
    const path = flag('--vectors', new URL('../../pallets/primitives/merkle_vectors.json', import.meta.url).pathname);
    const { vectors } = JSON.parse(fs.readFileSync(path, 'utf8'));
    const wrong = vectors.filter(({ output_len: len, tile_bytes: tile, root }) => {
      const output = Uint8Array.from({ length: len }, (_, i) => i % 256);
      return tilesRoot(output, tile) !== `0x${root}`;
    });
    check(wrong.length === 0, `merkle.mjs: ${vectors.length - wrong.length} of ${vectors.length} roots equal merkle_vectors.json${wrong.length ? `; wrong: ${JSON.stringify(wrong)}` : ''}`);
  });
}
