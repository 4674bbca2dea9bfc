// zombienet's bridge to the Cinder flows: a DSL line
//   alice: js-script ./flow.js with "settle,--jobs,6" within 300 seconds
// runs `node zombienet/js/settle.mjs <alice's ws> --jobs 6` and fails the line unless it exits 0
// (every check passed). (Not `return is equal to 0`: zombienet skips a comparison with 0.) Each flow gets the whole network in $CINDER_NETWORK (zombienet/js/network.mjs):
// every node's RPC endpoint and zombienet's directory, where the operators keep their state.
// The flows are plain polkadot.js scripts (ES modules with scripts/js's @polkadot/api), so they
// run in a process of their own rather than inside zombienet.
const { spawn } = require("child_process");
const path = require("path");

async function run(nodeName, networkInfo, args) {
  const [flow, ...rest] = args;
  const nodes = {};
  for (const [name, node] of Object.entries(networkInfo.nodesByName)) nodes[name] = node.wsUri;
  const env = { ...process.env, CINDER_NETWORK: JSON.stringify({ dir: networkInfo.tmpDir, nodes }) };
  const script = path.join(__dirname, "js", `${flow}.mjs`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, nodes[nodeName], ...rest], { env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve(0);
      else reject(new Error(`${flow} ${rest.join(" ")} failed (${signal ?? `exit ${code}`}): see its FAIL line above`));
    });
  });
}

module.exports = { run };
