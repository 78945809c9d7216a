// Gas tokens a user may pay the relayer in (default fee mode), at fixed configured prices.
import { num } from "starknet";
import type { GasToken } from "../config.ts";
import { paymasterError } from "../rpc/errors.ts";

export function findGasToken(tokens: GasToken[], address: string): GasToken {
  const token = tokens.find((candidate) => BigInt(candidate.address) === BigInt(address));
  if (!token) throw paymasterError("TOKEN_NOT_SUPPORTED");
  return token;
}

/** An amount of FRI in the token's smallest units, rounded up: the relayer is never short. */
export function friToToken(fri: bigint, token: GasToken): bigint {
  const scaled = fri * 10n ** BigInt(token.decimals);
  return (scaled + token.priceInStrk - 1n) / token.priceInStrk;
}

export function supportedTokens(tokens: GasToken[]): { token_address: string; decimals: number; price_in_strk: string }[] {
  return tokens.map((token) => ({ token_address: token.address, decimals: token.decimals, price_in_strk: num.toHex(token.priceInStrk) }));
}
