// Who raised a failure. A node reports a failed execution or validation as a chain of
// frames, outermost first ("Error in contract (contract address: 0x…, …)"), then the
// innermost frame's panic data. Only a panic raised by the account itself says something
// about the session: a contract the session calls can panic with any text, including our
// reason codes, and even text that imitates the node's frames.
import { num, shortString } from "starknet";

export interface FailureOrigin {
  /** Whether the node reports a refused validation or a failed execution. */
  phase: "validation" | "execution";
  /** Contract addresses of the frames, outermost first (0x + 64 hex). */
  frames: string[];
  /** The innermost frame's contract, if any frame is named. */
  innermost: string | undefined;
  /** The innermost frame's first panic value, decoded when it is a short string. */
  reason: string | undefined;
}

/** Where the node's own account of a failure starts (execution, or validation). */
const CHAIN_START = /Transaction execution has failed:|entry point panicked with:/g;
const TEXT_FRAME = /contract address: (0x[0-9a-fA-F]{1,64})/g;
const JSON_FRAME = /"contract_address"\s*:\s*"(0x[0-9a-fA-F]{1,64})"/g;

/**
 * Reads the first frame chain the node wrote (the same chain may be repeated, e.g. in an
 * RPC error's message and data; anything after the next chain start is ignored).
 */
export function failureOrigin(text: string): FailureOrigin {
  const starts = [...text.matchAll(CHAIN_START)].map((match) => match.index ?? 0);
  let chain = text;
  let pattern = TEXT_FRAME;
  if (starts.length > 0) {
    chain = text.slice(starts[0], starts[1] ?? text.length);
  } else if (!TEXT_FRAME.test(text)) {
    pattern = JSON_FRAME;
  }
  const frames: string[] = [];
  let lastEnd = 0;
  for (const match of chain.matchAll(pattern)) {
    frames.push(num.toHex64(match[1] ?? "0x0"));
    lastEnd = (match.index ?? 0) + match[0].length;
  }
  const phase = /entry point panicked with:|Account validation failed/.test(starts.length > 0 ? chain : text) ? "validation" : "execution";
  return { phase, frames, innermost: frames.at(-1), reason: frames.length > 0 ? firstPanicValue(chain.slice(lastEnd)) : undefined };
}

/** The first panic value of a frame's error text: a quoted short string, else a hex felt decoded. */
function firstPanicValue(tail: string): string | undefined {
  // Skip the rest of the frame header "(…, class hash: 0x…, selector: 0x…):".
  const body = tail.slice(tail.indexOf("):") + 2);
  const quoted = /\('([^']*)'\)/.exec(body);
  if (quoted) return quoted[1];
  const hex = /0x[0-9a-fA-F]{1,62}\b/.exec(body);
  if (!hex) return undefined;
  try {
    return shortString.decodeShortString(hex[0]);
  } catch {
    return undefined;
  }
}

/**
 * True when the failure was raised in the account's own frame: some frame is the account
 * and every frame from the first of those on is the account too. Otherwise a contract the
 * account called (a frame inside the account's) raised it, whatever its text says — text
 * imitating a frame of the account can only come after that contract's own frame.
 */
export function raisedByAccount(origin: FailureOrigin, accountAddress: string): boolean {
  const account = num.toHex64(accountAddress);
  const first = origin.frames.indexOf(account);
  return first !== -1 && origin.frames.slice(first).every((frame) => frame === account);
}

/**
 * The contract the account called that failed: the first frame after the account's own.
 * (The innermost frame named in the text may be imitated by that contract's panic text.)
 */
export function failingCallee(origin: FailureOrigin, accountAddress: string): string | undefined {
  const account = num.toHex64(accountAddress);
  const first = origin.frames.indexOf(account);
  if (first === -1) return origin.innermost;
  return origin.frames.slice(first).find((frame) => frame !== account) ?? origin.innermost;
}
