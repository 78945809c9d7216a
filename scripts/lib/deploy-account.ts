// Declares the SessionAccount class if the network lacks it and deploys an account for
// an owner public key through the Universal Deployer, paid by a funded `deployer`.
// Used by scripts/deploy.ts, the demo, the benchmarks and the tests.
import { readFileSync } from "node:fs";
import { type Account, CallData, cairo, type CompiledSierra, type CompiledSierraCasm, hash, num, type ProviderInterface, stark } from "starknet";
import { STRK_TOKEN_ADDRESS } from "../../sdk/utils/fees.ts";
import { artifactPaths } from "./build-contracts.ts";

export { STRK_TOKEN_ADDRESS };

export class DeployError extends Error {
  override name = "DeployError";
}

export function readBuiltContract(name: string): { sierra: CompiledSierra; casm: CompiledSierraCasm } {
  const paths = artifactPaths(name);
  try {
    return {
      sierra: JSON.parse(readFileSync(paths.sierra, "utf8")) as CompiledSierra,
      casm: JSON.parse(readFileSync(paths.casm, "utf8")) as CompiledSierraCasm,
    };
  } catch {
    throw new DeployError(`${paths.sierra} is missing: run \`npm run build\` first.`);
  }
}

export interface TransactionCost {
  transactionHash: string;
  /** Fee actually paid, in FRI (1e-18 STRK). */
  fee: bigint;
}

export interface DeployedAccount {
  classHash: string;
  address: string;
  /** Absent when the class was already declared. */
  declare?: TransactionCost;
  deploy: TransactionCost;
  funding?: TransactionCost;
}

export interface DeploySessionAccountParameters {
  deployer: Account;
  ownerPublicKey: string;
  /** UDC salt; random by default. */
  salt?: string;
  /** STRK (in FRI) the deployer sends to the new account so it can pay its own fees. */
  fundAmount?: bigint;
  /** Progress lines for people. */
  onProgress?: (message: string) => void;
}

/** STRK balance of `address`, in FRI. */
export async function strkBalance(provider: ProviderInterface, address: string): Promise<bigint> {
  const result = await provider.callContract({ contractAddress: STRK_TOKEN_ADDRESS, entrypoint: "balance_of", calldata: [address] });
  return BigInt(result[0] ?? 0) + (BigInt(result[1] ?? 0) << 128n);
}

async function paid(account: Account, transactionHash: string): Promise<TransactionCost> {
  const receipt = await account.provider.waitForTransaction(transactionHash);
  if (!receipt.isSuccess()) throw new DeployError(`transaction ${transactionHash} failed: ${JSON.stringify(receipt.value)}`);
  const fee = (receipt.value as { actual_fee?: { amount: string } }).actual_fee?.amount;
  return { transactionHash, fee: BigInt(fee ?? 0) };
}

async function requireFunds(deployer: Account, needed: bigint, what: string): Promise<void> {
  const balance = await strkBalance(deployer.provider, deployer.address);
  if (balance < needed) {
    throw new DeployError(
      `the deployer ${deployer.address} has ${formatStrk(balance)} STRK but ${what} needs about ${formatStrk(needed)} STRK: fund it first.`,
    );
  }
}

export function formatStrk(fri: bigint): string {
  const whole = fri / 10n ** 18n;
  const fraction = (fri % 10n ** 18n).toString().padStart(18, "0").slice(0, 6);
  return `${whole}.${fraction}`;
}

export async function deploySessionAccount({ deployer, ownerPublicKey, salt, fundAmount = 0n, onProgress = () => {} }: DeploySessionAccountParameters): Promise<DeployedAccount> {
  const { sierra, casm } = readBuiltContract("SessionAccount");
  const classHash = hash.computeContractClassHash(sierra);
  let declare: TransactionCost | undefined;
  const declared = await deployer.provider.getClassByHash(classHash).then(
    () => true,
    () => false,
  );
  if (declared) {
    onProgress(`SessionAccount class ${classHash} is already declared`);
  } else {
    const estimate = await deployer.estimateDeclareFee({ contract: sierra, casm });
    await requireFunds(deployer, estimate.overall_fee, "declaring the SessionAccount class");
    onProgress(`declaring SessionAccount class ${classHash} ...`);
    const result = await deployer.declare({ contract: sierra, casm });
    declare = await paid(deployer, result.transaction_hash);
    onProgress(`declared in ${declare.transactionHash} (fee ${formatStrk(declare.fee)} STRK)`);
  }

  const payload = { classHash, constructorCalldata: CallData.compile({ public_key: ownerPublicKey }), salt: salt ?? stark.randomAddress(), unique: false };
  const estimate = await deployer.estimateDeployFee(payload);
  await requireFunds(deployer, estimate.overall_fee + fundAmount, fundAmount > 0n ? "deploying and funding the account" : "deploying the account");
  onProgress("deploying the account through the Universal Deployer ...");
  const result = await deployer.deployContract(payload);
  const deploy = await paid(deployer, result.transaction_hash);
  const address = num.toHex64(result.contract_address);
  onProgress(`deployed at ${address} in ${deploy.transactionHash} (fee ${formatStrk(deploy.fee)} STRK)`);

  let funding: TransactionCost | undefined;
  if (fundAmount > 0n) {
    const transfer = await deployer.execute({
      contractAddress: STRK_TOKEN_ADDRESS,
      entrypoint: "transfer",
      calldata: CallData.compile({ recipient: address, amount: cairo.uint256(fundAmount) }),
    });
    funding = await paid(deployer, transfer.transaction_hash);
    onProgress(`sent ${formatStrk(fundAmount)} STRK to the account in ${funding.transactionHash} (fee ${formatStrk(funding.fee)} STRK)`);
  }
  return { classHash, address, ...(declare ? { declare } : {}), deploy, ...(funding ? { funding } : {}) };
}
