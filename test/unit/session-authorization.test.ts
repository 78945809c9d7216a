// Sessions the owner authorizes off-chain: the SDK's typed data and hash against the shared
// vectors (which contracts/tests/test_authorization_vectors.cairo runs on the contract), the
// Cairo type strings against starknet.js, the signature layouts, and the JSON round trip.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ec, hash, num, selector, typedData, TypedDataRevision } from "starknet";
import { describe, expect, it } from "vitest";
import { CAIRO_TEST_PATH, FIXTURE_PATH, fixtureText, generateAuthorizationVectors, renderCairoTest } from "../../scripts/generate-session-authorization-vectors.ts";
import {
  encodeSessionAuthorization,
  normalizeSessionTerms,
  parseSessionAuthorization,
  POLICY_SIGNATURE_MAGIC,
  SESSION_AUTHORIZATION_MAGIC,
  SESSION_AUTHORIZATION_TYPES,
  type SessionAuthorization,
  sessionAuthorizationHash,
  sessionAuthorizationTypedData,
  SessionError,
  SessionSigner,
  sessionMessageHash,
  sessionSignatureLayout,
  serializeSessionAuthorization,
} from "../../sdk/index.ts";
import vectors from "../fixtures/session-authorization-vectors.json" with { type: "json" };

const root = join(import.meta.dirname, "..", "..");
const cairo = readFileSync(join(root, "contracts/session/authorization.cairo"), "utf8");

function cairoTypeString(name: string): string {
  const match = cairo.match(new RegExp(`${name}: felt252 = selector!\\(\\s*"((?:[^"\\\\]|\\\\.)*)"`));
  if (!match?.[1]) throw new Error(`${name} not found in contracts/session/authorization.cairo`);
  return match[1].replace(/\\"/g, '"');
}

const vector = vectors.vectors[1]!;
const authorization = (): SessionAuthorization => ({ accountAddress: num.toHex64(vector.accountAddress), chainId: vector.chainId, terms: structuredClone(vector.terms), ownerSignature: vector.ownerSignature as [string, string] });

describe("session authorization vectors", () => {
  it("regenerate to exactly the fixture and the Cairo test", () => {
    const generated = generateAuthorizationVectors();
    expect(fixtureText(generated)).toBe(readFileSync(FIXTURE_PATH, "utf8"));
    expect(renderCairoTest(generated)).toBe(readFileSync(CAIRO_TEST_PATH, "utf8"));
  });

  it("use starknet.js's type strings for Session, Spending Limit and u256", () => {
    const rev = TypedDataRevision.ACTIVE;
    const types = SESSION_AUTHORIZATION_TYPES;
    expect(num.toHex(selector.starknetKeccak(cairoTypeString("SESSION_TYPE_HASH")))).toBe(num.toHex(typedData.getTypeHash(types, "Session", rev)));
    expect(num.toHex(selector.starknetKeccak(cairoTypeString("SPENDING_LIMIT_TYPE_HASH")))).toBe(num.toHex(typedData.getTypeHash(types, "Spending Limit", rev)));
    expect(cairoTypeString("U256_TYPE_HASH")).toBe('"u256"("low":"u128","high":"u128")');
  });

  for (const item of vectors.vectors) {
    it(`hash as starknet.js does, and the owner signed it: ${item.name}`, () => {
      const data = sessionAuthorizationTypedData({ chainId: item.chainId, terms: item.terms });
      expect(num.toHex(typedData.getMessageHash(data, item.accountAddress))).toBe(item.messageHash);
      expect(sessionAuthorizationHash({ accountAddress: item.accountAddress, chainId: item.chainId, terms: item.terms })).toBe(item.messageHash);
      expect(ec.starkCurve.verify(new ec.starkCurve.Signature(BigInt(item.ownerSignature[0]!), BigInt(item.ownerSignature[1]!)), item.messageHash, ec.starkCurve.getPublicKey("0x1234"))).toBe(true);
      expect(BigInt(item.ownerPublicKey)).toBe(BigInt(ec.starkCurve.getStarkKey("0x1234")));
    });
  }

  it("change with every term, the account and the chain", () => {
    const base = authorization();
    const hashes = new Set([sessionAuthorizationHash(base)]);
    const variants: Partial<SessionAuthorization["terms"]>[] = [
      { sessionKey: ec.starkCurve.getStarkKey("0x9") },
      { validAfter: base.terms.validAfter + 1 },
      { validUntil: base.terms.validUntil + 1 },
      { maxCalls: 5 },
      { methodsRoot: "0x1" },
      { maxFeePerTx: "2000000000000000000" },
      { feeBudget: "0" },
      { maxTransactions: 4 },
      { periodSeconds: 7_200 },
      { spendingLimits: base.terms.spendingLimits.slice(1) },
      { spendingLimits: [{ ...base.terms.spendingLimits[0]!, maxPerCall: "101" }, base.terms.spendingLimits[1]!] },
      { epoch: 8 },
    ];
    for (const change of variants) hashes.add(sessionAuthorizationHash({ ...base, terms: { ...base.terms, ...change } }));
    hashes.add(sessionAuthorizationHash({ ...base, accountAddress: "0x7a11cf" }));
    hashes.add(sessionAuthorizationHash({ ...base, chainId: "0x534e5f5345504f4c4941" }));
    expect(hashes.size).toBe(variants.length + 3);
  });
});

describe("sessionSignatureLayout", () => {
  const key = ec.starkCurve.getStarkKey("0x5678");
  it("lays out the SNIP, policy and first-use formats", () => {
    expect(sessionSignatureLayout({ sessionPublicKey: key, r: 1n, s: 2n, validUntil: 100 })).toEqual([key, "0x1", "0x2", "0x64"]);
    expect(sessionSignatureLayout({ sessionPublicKey: key, r: 1n, s: 2n, validUntil: 100, proofs: ["0x0"] })).toEqual([POLICY_SIGNATURE_MAGIC, key, "0x1", "0x2", "0x64", "0x0"]);
    const first = authorization();
    expect(sessionSignatureLayout({ sessionPublicKey: key, r: "0x1", s: "0x2", validUntil: first.terms.validUntil, authorization: first })).toEqual(vector.signature);
    expect(vector.signature[0]).toBe(SESSION_AUTHORIZATION_MAGIC);
    expect(vector.signature.slice(1, 1 + encodeSessionAuthorization(first).length)).toEqual(encodeSessionAuthorization(first));
  });

  it("refuses an authorization of another key", () => {
    expect(() => sessionSignatureLayout({ sessionPublicKey: ec.starkCurve.getStarkKey("0x9"), r: 1n, s: 2n, validUntil: 100, authorization: authorization() })).toThrow(SessionError);
  });

  it("is what the SessionSigner sends on a first use, under generation 1", async () => {
    const first = authorization();
    const signer = new SessionSigner({ privateKey: "0x5678", validUntil: first.terms.validUntil, generation: 1, accountAddress: first.accountAddress, chainId: first.chainId, authorization: first, policy: { encodeCallProofs: () => ["0x0"] } });
    const signature = (await signer.signMessage(outsideExecution(first.chainId), first.accountAddress)) as string[];
    expect(signature.slice(0, -5)).toEqual(vector.signature.slice(0, -5));
    const [r, s] = signature.slice(-4, -2);
    const message = typedData.getMessageHash(outsideExecution(first.chainId), first.accountAddress);
    expect(ec.starkCurve.verify(new ec.starkCurve.Signature(BigInt(r!), BigInt(s!)), sessionMessageHash(message, 1), ec.starkCurve.getPublicKey("0x5678"))).toBe(true);
    for (const bad of [{ generation: 2 }, { validUntil: first.terms.validUntil + 1 }, { chainId: "0x1" }, { accountAddress: "0x1" }]) {
      expect(() => new SessionSigner({ privateKey: "0x5678", validUntil: first.terms.validUntil, generation: 1, accountAddress: first.accountAddress, chainId: first.chainId, authorization: first, ...bad })).toThrow(SessionError);
    }
  });
});

function outsideExecution(chainId: string) {
  return {
    types: {
      StarknetDomain: [
        { name: "name", type: "shortstring" },
        { name: "version", type: "shortstring" },
        { name: "chainId", type: "shortstring" },
        { name: "revision", type: "shortstring" },
      ],
      OutsideExecution: [
        { name: "Caller", type: "ContractAddress" },
        { name: "Nonce", type: "felt" },
        { name: "Execute After", type: "u128" },
        { name: "Execute Before", type: "u128" },
        { name: "Calls", type: "Call*" },
      ],
      Call: [
        { name: "To", type: "ContractAddress" },
        { name: "Selector", type: "selector" },
        { name: "Calldata", type: "felt*" },
      ],
    },
    primaryType: "OutsideExecution",
    domain: { name: "Account.execute_from_outside", version: "2", chainId, revision: "1" },
    message: { Caller: "0x414e595f43414c4c4552", Nonce: "0x1", "Execute After": "0x0", "Execute Before": "0x77359400", Calls: [{ To: "0x1", Selector: hash.getSelectorFromName("transfer"), Calldata: [] }] },
  };
}

describe("SessionAuthorization as JSON", () => {
  it("round-trips through serialize and parse", () => {
    const first = authorization();
    expect(parseSessionAuthorization(serializeSessionAuthorization(first))).toEqual(first);
    expect(JSON.parse(serializeSessionAuthorization(first))).toMatchObject({ version: 1 });
  });

  it("refuses terms the account could not store and malformed input", () => {
    const first = authorization();
    const broken: unknown[] = [
      "not json",
      JSON.stringify({ ...first, version: 2 }),
      { ...first, ownerSignature: ["0x1"] },
      { ...first, terms: { ...first.terms, maxCalls: 2 ** 32 } },
      { ...first, terms: { ...first.terms, maxCalls: 0 } },
      { ...first, terms: { ...first.terms, validAfter: first.terms.validUntil } },
      { ...first, terms: { ...first.terms, maxFeePerTx: "1" } },
      { ...first, terms: { ...first.terms, periodSeconds: 60 } },
      { ...first, terms: { ...first.terms, epoch: -1 } },
      { ...first, terms: { ...first.terms, spendingLimits: [first.terms.spendingLimits[0], first.terms.spendingLimits[0]] } },
      { ...first, terms: { ...first.terms, spendingLimits: [{ ...first.terms.spendingLimits[0]!, maxPerCall: "10", maxPerWindow: "9" }] } },
      { ...first, terms: { ...first.terms, spendingLimits: [{ ...first.terms.spendingLimits[0]!, windowSeconds: 0 }] } },
    ];
    for (const input of broken) expect(() => parseSessionAuthorization(input as SessionAuthorization)).toThrow(SessionError);
    expect(() => normalizeSessionTerms({ ...first.terms, sessionKey: "0x5" })).toThrow(expect.objectContaining({ code: "SESSION_INVALID_KEY" }));
  });
});
