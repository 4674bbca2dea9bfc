// A restarted validator catches up: run against its node, it checks that the node imports and
// finalizes up to where the rest of the network (--peer's node) had finalized when this began,
// and that its Verifier node is back (a heartbeat recorded after the restart).
//
//   node caught_up.mjs <restarted node's ws> --peer alice --verifier Dave
import { accounts, check, connect, connectTo, flag, network, run, say } from './network.mjs';


async function main() {
  const { nodes } = network();
  const peerName = flag('--peer', 'alice');
  const verifier = flag('--verifier', 'Dave');
  const { api, keyring } = await connect();
  const peer = await connectTo(nodes[peerName]);
  const who = accounts(keyring);
  const finalized = async (on) => (await on.rpc.chain.getHeader(await on.rpc.chain.getFinalizedHead())).number.toNumber();

  const target = await finalized(peer);
  const restartedAt = (await api.rpc.chain.getHeader()).number.toNumber();
  say(restartedAt, `restarted node at best #${restartedAt}; ${peerName} has finalized #${target}`);
  for (let waited = 0; (await finalized(api)) < target; waited++) {
    if (waited > 60) throw new Error(`not caught up with ${peerName}'s finalized #${target} after 3 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  const health = await api.rpc.system.health();
  check(true, `the restarted node finalized #${await finalized(api)} ≥ #${target} (${health.peers} peers)`);

  const account = who.pair(verifier).address;
  const since = (await peer.rpc.chain.getHeader()).number.toNumber();
  for (let waited = 0; ; waited++) {
    const node = (await peer.query.nodeRegistry.nodes(account)).unwrap();
    if (node.lastHeartbeat.toNumber() >= since && node.status.isActive) {
      check(true, `${verifier}'s Verifier node is back: heartbeat at #${node.lastHeartbeat}, ${node.status}`);
      break;
    }
    if (waited > 60) throw new Error(`${verifier}'s verifier sent no heartbeat since #${since} (status ${node.status})`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  await peer.disconnect();
  await api.disconnect();
}

run(async () => {
  await main();
  process.exit(0);
});
