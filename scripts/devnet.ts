// `npm run devnet`: a local devnet with predictable funded accounts, until Ctrl-C.
import { createServer } from "node:net";
import { startDevnet } from "./lib/devnet.ts";
import { ToolchainError } from "./lib/toolchain.ts";

const portArg = process.argv.indexOf("--port");
const port = portArg === -1 ? 5050 : Number(process.argv[portArg + 1]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`[devnet] --port needs a port number, got ${process.argv[portArg + 1]}`);
  process.exit(1);
}

/** True when nothing listens on the port: a friendlier message than startDevnet's refusal of a busy port. */
function portIsFree(candidate: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once("error", () => resolve(false))
      .once("listening", () => server.close(() => resolve(true)))
      .listen(candidate, "127.0.0.1");
  });
}

if (!(await portIsFree(port))) {
  console.error(`[devnet] port ${port} is in use (another devnet?). Stop it, or pick another port: \`npm run devnet -- --port 5051\`.`);
  process.exit(1);
}

try {
  const { devnet, url, rpcUrl } = await startDevnet({ port, output: "ignore" });
  const accounts = await devnet.provider.getPredeployedAccounts({ withBalance: true });
  console.log(`[devnet] starknet-devnet running at ${url}`);
  console.log(`[devnet] JSON-RPC: ${rpcUrl}`);
  console.log(`[devnet] predeployed accounts (seed 0, OpenZeppelin accounts; same on every run):`);
  for (const [i, account] of accounts.entries()) {
    const strk = account.balance?.strk?.amount;
    console.log(`  #${i} address     ${account.address}`);
    console.log(`     private key ${account.private_key}`);
    if (strk !== undefined) console.log(`     balance     ${BigInt(strk) / 10n ** 18n} STRK`);
  }
  console.log("[devnet] Ctrl-C to stop");
  const stop = () => {
    devnet.kill("SIGTERM");
    console.log("\n[devnet] stopped");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // The package unrefs devnet's process, so nothing else keeps this one running. Check on
  // devnet every few seconds instead, and say so if it stops on its own.
  setInterval(async () => {
    if (!(await devnet.provider.isAlive())) {
      console.error("[devnet] devnet stopped unexpectedly");
      process.exit(1);
    }
  }, 3_000);
} catch (error) {
  if (error instanceof ToolchainError) {
    console.error(`[devnet] ${error.message}`);
    process.exit(1);
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[devnet] could not start devnet on port ${port}: ${message}\n[devnet] Is the port in use? Try \`npm run devnet -- --port 5051\`.`);
  process.exit(1);
}
