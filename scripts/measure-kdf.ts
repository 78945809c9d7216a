// Measures, on this machine, what one guess of each session-key KDF costs: scrypt at a few
// work factors (noble, async, as the SDK runs it) beside the v1 PBKDF2-SHA256 600k
// (WebCrypto) and the legacy EVP_BytesToKey+AES-CBC check, then the SDK's own
// createSessionKey / decryptPrivateKey with the chosen parameters. Medians of several runs,
// so the README's numbers can be re-measured with `tsx scripts/measure-kdf.ts` (RUNS=n).
import { md5 } from "@noble/hashes/legacy.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { createSessionKey } from "../sdk/actions/createSessionKey.ts";
import { decryptPrivateKey, SCRYPT_MAX_N, SCRYPT_PARAMS } from "../sdk/crypto/encryption.ts";

const RUNS = Number(process.env.RUNS ?? 5);
const secret = new TextEncoder().encode("123456");
const salt = crypto.getRandomValues(new Uint8Array(16));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function measure(label: string, runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: JIT and WebCrypto initialisation are not part of a guess
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  const m = median(times);
  console.log(`${label.padEnd(44)} median ${m.toFixed(m < 1 ? 4 : 1)} ms  (runs: ${times.map((t) => t.toFixed(t < 1 ? 3 : 0)).join(", ")})`);
  return m;
}

console.log(`Node ${process.versions.node}, ${RUNS} runs per figure (after one warm-up), medians`);
for (const log2N of [14, 15, 16, 17, 18]) {
  const N = 2 ** log2N;
  await measure(`scrypt N=2^${log2N} r=8 p=1 (${(N * 8 * 128) / 2 ** 20} MiB)`, RUNS, () => scryptAsync(secret, salt, { N, r: 8, p: 1, dkLen: 32 }));
}

await measure("PBKDF2-SHA256 600,000 (WebCrypto)", RUNS, async () => {
  const material = await crypto.subtle.importKey("raw", secret, "PBKDF2", false, ["deriveBits"]);
  return crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 600_000 }, material, 256);
});

// One legacy guess: EVP_BytesToKey (3 MD5) + AES-256-CBC decrypt of a 96-byte blob body.
const body = crypto.getRandomValues(new Uint8Array(96));
const legacyGuess = async () => {
  let previous = new Uint8Array(0);
  const derived = new Uint8Array(48);
  for (let offset = 0; offset < 48; offset += 16) {
    previous = md5(new Uint8Array([...previous, ...secret, ...salt.slice(0, 8)]));
    derived.set(previous, offset);
  }
  const key = await crypto.subtle.importKey("raw", derived.slice(0, 32), "AES-CBC", false, ["decrypt"]);
  return crypto.subtle.decrypt({ name: "AES-CBC", iv: derived.slice(32) }, key, body).catch(() => undefined);
};
const batch = 1_000;
const perBatch = await measure(`legacy Salted__ guess x${batch}`, RUNS, async () => {
  for (let i = 0; i < batch; i++) await legacyGuess();
});
console.log(`legacy Salted__ per guess                    ~${((perBatch / batch) * 1000).toFixed(0)} µs`);

const PASSPHRASE = "correct horse battery";
let stored = "";
const createMs = await measure(`createSessionKey (scrypt N=${SCRYPT_PARAMS.N} r=${SCRYPT_PARAMS.r} p=${SCRYPT_PARAMS.p})`, RUNS, async () => {
  stored = (await createSessionKey({ encryptKey: PASSPHRASE })).encryptedPrivateKey;
});
const decryptMs = await measure("decryptPrivateKey (v2)", RUNS, () => decryptPrivateKey(stored, PASSPHRASE));
const guessSeconds = decryptMs / 1000;
const mib = (SCRYPT_PARAMS.N * SCRYPT_PARAMS.r * 128) / 2 ** 20;
console.log(`memory per guess: N*r*128 = ${mib} MiB; largest accepted N (${SCRYPT_MAX_N}) = ${(SCRYPT_MAX_N * SCRYPT_PARAMS.r * 128) / 2 ** 20} MiB`);
console.log(`create ${createMs.toFixed(0)} ms, decrypt ${decryptMs.toFixed(0)} ms`);
const years = (seconds: number) => seconds / (365.25 * 24 * 3600);
console.log(`at this rate, one core: 4-digit PIN (1e4) ${(1e4 * guessSeconds / 60).toFixed(0)} min worst case; 8 lowercase letters (26^8) ${years(26 ** 8 * guessSeconds).toFixed(0)} years worst case`);
