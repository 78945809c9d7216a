// `npm run deploy`: declare SessionAccount if needed and deploy an account for an owner
// key, on the local devnet (`npm run devnet`) by default or on any network from .env
// (see .env.example). Prints class hash, address, transaction hashes and fees, never a
// key or an RPC URL's secrets: an owner key generated for a devnet account goes to a
// file only its user can read, target/accounts/<address>.json.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { ec, encode, logger, RpcError } from "starknet";
import { parseAddress, parsePrivateKey, parsePublicKey } from "../sdk/utils/keys.ts";
import { PROJECT_ROOT } from "./lib/build-contracts.ts";
import { DeployError, deploySessionAccount, formatStrk } from "./lib/deploy-account.ts";
import { checked, ConfigError, connectNetwork, env, parseStrk } from "./lib/network.ts";
import { scrubSecrets } from "./lib/redact.ts";

const LOCAL_DEVNET = "http://127.0.0.1:5050";
// starknet.js warns about tip statistics on young chains; this script reports for itself.
logger.setLogLevel("ERROR");

interface GeneratedAccount {
  address: string;
  ownerPrivateKey: string;
  ownerPublicKey: string;
  network: string;
}

/**
 * Writes a generated owner key next to the build output, readable by this user only
 * (0600 in a 0700 folder), and returns the path. Never overwrites: `wx` fails if it exists.
 */
function saveGeneratedAccount(account: GeneratedAccount): string {
  const folder = join(PROJECT_ROOT, "target", "accounts");
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const file = join(folder, `${account.address}.json`);
  const fd = openSync(file, "wx", 0o600);
  try {
    writeSync(fd, `${JSON.stringify(account, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Library errors may quote their input: never let them print a key or an RPC URL's path. */
function safe(message: string): string {
  return scrubSecrets(message, {
    urls: [env("STARKNET_RPC_URL")],
    secrets: [env("DEPLOYER_PRIVATE_KEY"), env("OWNER_PRIVATE_KEY")],
  });
}

async function configure() {
  const network = await connectNetwork({
    localDevnetUrl: LOCAL_DEVNET,
    localHint: "start one with `npm run devnet` in another terminal, or set STARKNET_RPC_URL in .env (see .env.example).",
  });
  const { local, deployer } = network;
  let ownerPublicKey: string;
  let generatedOwnerKey: string | undefined;
  const ownerPublic = env("OWNER_PUBLIC_KEY");
  const ownerPrivate = env("OWNER_PRIVATE_KEY");
  if (ownerPublic && ownerPrivate) {
    const derived = ec.starkCurve.getStarkKey(checked("OWNER_PRIVATE_KEY", () => parsePrivateKey(ownerPrivate)));
    if (BigInt(derived) !== BigInt(checked("OWNER_PUBLIC_KEY", () => parsePublicKey(ownerPublic)))) {
      throw new ConfigError("OWNER_PUBLIC_KEY is not the public key of OWNER_PRIVATE_KEY: set only one of them.");
    }
    ownerPublicKey = derived;
  } else if (ownerPublic) {
    ownerPublicKey = checked("OWNER_PUBLIC_KEY", () => parsePublicKey(ownerPublic));
  } else if (ownerPrivate) {
    ownerPublicKey = ec.starkCurve.getStarkKey(checked("OWNER_PRIVATE_KEY", () => parsePrivateKey(ownerPrivate)));
  } else if (local) {
    generatedOwnerKey = parsePrivateKey(`0x${encode.buf2hex(ec.starkCurve.utils.randomPrivateKey())}`);
    ownerPublicKey = ec.starkCurve.getStarkKey(generatedOwnerKey);
  } else {
    throw new ConfigError("OWNER_PUBLIC_KEY (or OWNER_PRIVATE_KEY) is required with STARKNET_RPC_URL (see .env.example).");
  }

  const funding = env("ACCOUNT_FUNDING_STRK");
  const fundAmount = funding ? parseStrk("ACCOUNT_FUNDING_STRK", funding) : local ? 100n * 10n ** 18n : 0n;
  const salt = env("DEPLOY_SALT");
  return { network: network.name, deployer, ownerPublicKey, generatedOwnerKey, fundAmount, salt: salt ? checked("DEPLOY_SALT", () => parseAddress(salt)) : undefined };
}

try {
  const config = await configure();
  console.log(`[deploy] network:  ${config.network}`);
  console.log(`[deploy] deployer: ${config.deployer.address}`);
  console.log(`[deploy] owner public key: ${config.ownerPublicKey}`);
  const deployed = await deploySessionAccount({
    deployer: config.deployer,
    ownerPublicKey: config.ownerPublicKey,
    fundAmount: config.fundAmount,
    ...(config.salt ? { salt: config.salt } : {}),
    onProgress: (message) => console.log(`[deploy] ${message}`),
  });
  console.log("");
  console.log(`class hash:  ${deployed.classHash}`);
  console.log(`address:     ${deployed.address}`);
  if (deployed.declare) console.log(`declare tx:  ${deployed.declare.transactionHash}  fee ${formatStrk(deployed.declare.fee)} STRK`);
  console.log(`deploy tx:   ${deployed.deploy.transactionHash}  fee ${formatStrk(deployed.deploy.fee)} STRK`);
  if (deployed.funding) console.log(`funding tx:  ${deployed.funding.transactionHash}  fee ${formatStrk(deployed.funding.fee)} STRK`);
  if (config.generatedOwnerKey) {
    const file = relative(process.cwd(), saveGeneratedAccount({
      address: deployed.address,
      ownerPrivateKey: config.generatedOwnerKey,
      ownerPublicKey: config.ownerPublicKey,
      network: config.network,
    }));
    console.log(`owner key:   generated for this devnet account and saved to ${file} (readable by you only; not printed)`);
    console.log("");
    console.log("To use the account (e.g. the README's SDK quick start):");
    console.log(`  export ACCOUNT_ADDRESS=${deployed.address}`);
    const requirePath = isAbsolute(file) || file.startsWith(".") ? file : `./${file}`;
    console.log(`  export OWNER_PRIVATE_KEY=$(node -p "require('${requirePath}').ownerPrivateKey")`);
  }
} catch (error) {
  if (error instanceof ConfigError || error instanceof DeployError) {
    console.error(`[deploy] ${safe(error.message)}`);
    process.exit(1);
  }
  if (error instanceof RpcError && error.isType("VALIDATION_FAILURE")) {
    console.error(`[deploy] the network refused the deployer's signature: is DEPLOYER_PRIVATE_KEY the key of DEPLOYER_ADDRESS? (node: ${safe(JSON.stringify(error.baseError.data))})`);
    process.exit(1);
  }
  const message = error instanceof RpcError ? `${error.baseError.message}: ${JSON.stringify(error.baseError.data)}` : error instanceof Error ? error.message : String(error);
  console.error(`[deploy] failed: ${safe(message)}`);
  process.exit(1);
}
