// Outside-execution nonces numbered consecutively from a random start. The account keeps
// 128 nonces to a storage cell (contracts/outside_execution/nonces.cairo): consecutive
// nonces share a cell, so only one execution in 128 pays for a new cell (402,000 L2 gas on
// devnet 0.10.1) where a random nonce pays every time.
import { stark } from "starknet";

const NONCES_PER_WORD = 128n;
/** Word indexes below 2^243: every nonce of a word stays below 2^250, a felt. */
const WORD_MASK = (1n << 243n) - 1n;
/** Streams remembered at most (a relayer serves many accounts); the least recent go first. */
const MAX_STREAMS = 10_000;

const cursors = new Map<string, { word: bigint; next: bigint }>();

/**
 * The next nonce of `stream` (who signs, for which account): consecutive within a word
 * picked at random, then a new word after 128. Kept in memory only: another process, or a
 * restart, starts from another random word, so streams do not meet in practice, and the
 * caller still checks the nonce unused on chain (`skipNonceWord` if it is not).
 */
export function nextOutsideExecutionNonce(stream: string): string {
  let cursor = cursors.get(stream);
  cursors.delete(stream);
  if (cursor === undefined || cursor.next === NONCES_PER_WORD) cursor = { word: BigInt(stark.randomAddress()) & WORD_MASK, next: 0n };
  cursors.set(stream, { word: cursor.word, next: cursor.next + 1n });
  if (cursors.size > MAX_STREAMS) cursors.delete(cursors.keys().next().value as string);
  return `0x${(cursor.word * NONCES_PER_WORD + cursor.next).toString(16)}`;
}

/** Moves `stream` to a fresh word: its nonce was found used (another holder of the key). */
export function skipNonceWord(stream: string): void {
  cursors.delete(stream);
}
