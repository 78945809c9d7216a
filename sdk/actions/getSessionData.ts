import { CallData, num, type ProviderInterface } from "starknet";

export interface GetSessionDataParameters {
  provider: ProviderInterface;
  accountAddress: string;
  sessionPublicKey: string;
}

export type SessionStatus = "active" | "expired" | "exhausted" | "revoked" | "not_registered";

export interface GetSessionDataReturnType {
  isActive: boolean;
  status: SessionStatus;
  /** Unix seconds; 0 when revoked or never registered. */
  validUntil: number;
  maxCalls: number;
  callsUsed: number;
  remainingCalls: number;
  /** Selectors (hex); empty means any entrypoint that is not blocked. */
  allowedEntrypoints: string[];
  /** The key's registration number (grows on every registration, update and revocation); a `SessionSigner` signs under it. */
  generation: number;
  /** The account's cap on one session transaction's worst-case fee, in FRI (0 when not live). */
  maxFeePerTx: bigint;
}

const felt = (value: string | undefined) => BigInt(value ?? 0);

/** Reads a session from the account: the SNIP view, the whitelist, the revoked flag, the generation, and the time. */
export async function getSessionData({ provider, accountAddress, sessionPublicKey }: GetSessionDataParameters): Promise<GetSessionDataReturnType> {
  const key = CallData.compile([sessionPublicKey]);
  const [data, entrypoints, revoked, generation, maxFee, block] = await Promise.all([
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_data", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_allowed_entrypoints", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "is_session_revoked", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_generation", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_max_fee", calldata: key }),
    provider.getBlockWithTxHashes("latest"),
  ]);
  const [validUntil, maxCalls, callsUsed] = [felt(data[0]), felt(data[1]), felt(data[2])];
  // get_allowed_entrypoints returns a Cairo array: its length, then the items.
  const allowedEntrypoints = entrypoints.slice(1).map((selector) => num.toHex(selector));
  let status: SessionStatus;
  if (validUntil === 0n) status = felt(revoked[0]) === 1n ? "revoked" : "not_registered";
  else if (BigInt(block.timestamp) > validUntil) status = "expired";
  else if (callsUsed >= maxCalls) status = "exhausted";
  else status = "active";
  return {
    isActive: status === "active",
    status,
    validUntil: Number(validUntil),
    maxCalls: Number(maxCalls),
    callsUsed: Number(callsUsed),
    remainingCalls: Number(maxCalls > callsUsed ? maxCalls - callsUsed : 0n),
    allowedEntrypoints,
    generation: Number(felt(generation[0])),
    maxFeePerTx: felt(maxFee[0]),
  };
}
