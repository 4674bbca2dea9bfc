// What polkadot.js Apps shows for Cinder's pallets: every call, event, error, storage item and
// constant of the node registry, compute staking, jobs, verification and bmw pallets, decoded
// from the node's metadata, must carry doc comments (Apps prints them beside each item). Fails
// naming every item without docs.
import { connect, check, run } from './lib.mjs';

const PALLETS = ['NodeRegistry', 'ComputeStaking', 'Jobs', 'Verification', 'Bmw'];

run(async () => {
  const { api } = await connect();
  const metadata = api.runtimeMetadata.asLatest;
  const missing = [];
  let items = 0;
  const need = (where, docs) => {
    items += 1;
    if (docs.length === 0 || docs.every((line) => line.toString().trim() === '')) missing.push(where);
  };
  // The variants of a call, event or error enum, each with its docs.
  const variants = (pallet, kind, type) => {
    if (type.isNone) {
      missing.push(`${pallet}: no ${kind} type`);
      return;
    }
    const def = api.registry.lookup.getSiType(type.unwrap().type).def;
    for (const variant of def.asVariant.variants) need(`${pallet}.${kind}.${variant.name}`, variant.docs);
  };
  for (const name of PALLETS) {
    const pallet = metadata.pallets.find((p) => p.name.toString() === name);
    check(pallet, `${name} is in the metadata`);
    variants(name, 'call', pallet.calls);
    variants(name, 'event', pallet.events);
    variants(name, 'error', pallet.errors);
    if (pallet.storage.isSome) {
      for (const entry of pallet.storage.unwrap().items) need(`${name}.storage.${entry.name}`, entry.docs);
    }
    for (const constant of pallet.constants) need(`${name}.constant.${constant.name}`, constant.docs);
  }
  check(missing.length === 0, `${items} calls, events, errors, storage items and constants of ${PALLETS.join(', ')} carry docs${missing.length ? `; without docs: ${missing.join(', ')}` : ''}`);
  await api.disconnect();
});
