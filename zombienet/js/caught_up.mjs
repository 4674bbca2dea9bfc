// A restarted validator catches up: run against its node, it checks that the node imports and
// finalizes up to where the rest of the network (--peer's node) had finalized when this began,
// and that its Verifier node is back (a heartbeat recorded after the restart).
//
//   node caught_up.mjs <restarted node's ws> --peer alice --verifier Dave
import { accounts, bestNumber, check, connect, connectTo, finalizedNumber, flag, network, poll, run, say } from './network.mjs';


async function main() {
  const { nodes } = network();
  const peerName = flag('--peer', 'alice');
  const verifier = flag('--verifier', 'Dave');
  const { api, keyring } = await connect();
  const peer = await connectTo(nodes[peerName]);
  const who = accounts(keyring);
  const target = await finalizedNumber(peer);
  const restartedAt = await bestNumber(api);
  say(restartedAt, `restarted node at best #${restartedAt}; ${peerName} has finalized #${target}`);
  const reached = await poll(`the restarted node finalizing ${peerName}'s #${target}`, 180,
    async () => {
      const finalized = await finalizedNumber(api);
      return finalized >= target ? finalized : undefined;
    });
  const health = await api.rpc.system.health();
  check(reached >= target, `the restarted node finalized #${reached} ≥ #${target} (${health.peers} peers)`);

  const account = who.pair(verifier).address;
  const since = await bestNumber(peer);
  const node = await poll(`${verifier}'s verifier heartbeating since #${since}`, 180, async () => {
    const record = (await peer.query.nodeRegistry.nodes(account)).unwrap();
    return record.lastHeartbeat.toNumber() >= since && record.status.isActive ? record : undefined;
  });
  check(node.status.isActive, `${verifier}'s Verifier node is back: heartbeat at #${node.lastHeartbeat}, ${node.status}`);
  await peer.disconnect();
  await api.disconnect();
}

run(async () => {
  await main();
  process.exit(0);
});
