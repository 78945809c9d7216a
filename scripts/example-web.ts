// `npm run example:web`: the example dApp (examples/web) against the local devnet of
// `npm run devnet`. Builds the SDK package (the page imports the build, as a dApp would),
// deploys a Counter for the page to play with, and serves the page with Vite until Ctrl-C.
// Devnet only: the page asks for the owner key in place of a wallet.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { Account, CallData, logger, RpcProvider, stark } from "starknet";
import { DevnetProvider } from "starknet-devnet";
import { createServer } from "vite";
import { exampleConfig } from "../examples/web/vite.config.ts";
import { parseAddress } from "../sdk/utils/keys.ts";
import { PROJECT_ROOT } from "./lib/build-contracts.ts";
import { readBuiltContract } from "./lib/deploy-account.ts";
import { log } from "./lib/log.ts";

const say = (message: string) => log(message, "example:web");
logger.setLogLevel("ERROR");

const portArg = process.argv.indexOf("--devnet-port");
const devnetPort = portArg === -1 ? 5050 : Number(process.argv[portArg + 1]);
if (!Number.isInteger(devnetPort) || devnetPort <= 0 || devnetPort > 65535) {
  console.error(`[example:web] --devnet-port needs a port number, got ${process.argv[portArg + 1]}`);
  process.exit(1);
}
const devnetUrl = `http://127.0.0.1:${devnetPort}`;
const rpcUrl = `${devnetUrl}/rpc`;

say("building the SDK package (sdk/dist)");
execFileSync(join(PROJECT_ROOT, "node_modules", ".bin", "tsdown"), ["--config", join(PROJECT_ROOT, "sdk", "tsdown.config.ts"), "--log-level", "warn"], { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "inherit"] });

const provider = new RpcProvider({ nodeUrl: rpcUrl, transactionRetryIntervalFallback: 200 });
const [funded] = await new DevnetProvider({ url: devnetUrl })
  .getPredeployedAccounts()
  .catch(() => [] as { address: string; private_key: string }[]);
if (!funded) {
  console.error(`[example:web] no devnet at ${devnetUrl}: start one with \`npm run devnet\` in another terminal (or pass --devnet-port N).`);
  process.exit(1);
}
const deployer = new Account({ provider, address: funded.address, signer: funded.private_key });
const { sierra, casm } = readBuiltContract("Counter");
const declared = await deployer.declareIfNot({ contract: sierra, casm });
if (declared.transaction_hash) await provider.waitForTransaction(declared.transaction_hash);
const deployment = await deployer.deployContract({ classHash: declared.class_hash, constructorCalldata: CallData.compile({ initial: 0 }), salt: stark.randomAddress() });
await provider.waitForTransaction(deployment.transaction_hash);
say(`counter deployed at ${deployment.contract_address}`);

const server = await createServer(exampleConfig({ rpcUrl, port: 5173 }));
await server.listen();
const page = new URL(server.resolvedUrls?.local[0] ?? "http://127.0.0.1:5173/");
page.searchParams.set("counter", deployment.contract_address);
// `npm run deploy` prints `export ACCOUNT_ADDRESS=…`: prefill it. Never a key in a URL.
const account = process.env.ACCOUNT_ADDRESS?.trim();
if (account) page.searchParams.set("account", parseAddress(account, "ACCOUNT_ADDRESS"));
say(`open ${page.href}`);
say(
  account
    ? "paste the owner key of that account into the page (echo $OWNER_PRIVATE_KEY, or its target/accounts/<address>.json); Ctrl-C stops"
    : "enter a SessionAccount from `npm run deploy` and its owner key (saved in target/accounts/<address>.json); Ctrl-C stops",
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void server.close().then(() => process.exit(0)));
}
