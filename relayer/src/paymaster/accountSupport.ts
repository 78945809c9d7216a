// A user account the relayer can serve: deployed, and SNIP-9 V2 by SRC-5 discovery.
import type { RelayerContext } from "../context.ts";
import { paymasterError } from "../rpc/errors.ts";

/** SNIP-9 V2's SRC-5 interface id. */
export const SNIP9_V2_INTERFACE_ID = "0x1d1144bb2138366ff28d8e9ab57456b1d332ac42196230c3a602003c89872";

export async function checkUserAccount(context: RelayerContext, userAddress: string): Promise<void> {
  const classHash = await context.provider.getClassHashAt(userAddress, "pre_confirmed").catch(() => undefined);
  if (classHash === undefined) throw paymasterError("INVALID_ADDRESS", `no contract is deployed at ${userAddress}`);
  const allowed = context.config.accountClassHashes;
  if (allowed && !allowed.some((hash) => BigInt(hash) === BigInt(classHash))) {
    throw paymasterError("CLASS_HASH_NOT_SUPPORTED", `this relayer serves accounts of ${allowed.length} known class(es); ${userAddress} is of class ${classHash}`);
  }
  const supports = await context.provider
    .callContract({ contractAddress: userAddress, entrypoint: "supports_interface", calldata: [SNIP9_V2_INTERFACE_ID] }, "pre_confirmed")
    .then(([answer]) => BigInt(answer ?? 0) === 1n)
    .catch(() => false);
  if (!supports) throw paymasterError("CLASS_HASH_NOT_SUPPORTED", `${userAddress} does not declare SNIP-9 V2 outside execution through SRC-5`);
}
