// The example dApp (examples/web) in a real headless Chromium against the test devnet: the
// built SDK package (sdk/dist, built by the global setup) is what the page runs. One owner
// approval, two session-signed moves with no prompt, a refused move outside the
// whitelist, and log out (revocation). Meanwhile every request the page makes and all of
// its storage are recorded: the session private key must appear in none of them.
import chromium from "@sparticuz/chromium";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import puppeteer, { type Browser, type HTTPRequest, type Page } from "puppeteer-core";
import { ec, num } from "starknet";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleConfig } from "../../examples/web/vite.config.ts";
import { PROJECT_ROOT } from "../../scripts/lib/build-contracts.ts";
import { getSessionData } from "../../sdk/actions/getSessionData.ts";
import { decryptPrivateKey } from "../../sdk/crypto/encryption.ts";
import { deploySessionAccount, type DeployedSessionAccount } from "../helpers/account.ts";
import { devnetUrl, rpcProvider } from "../helpers/devnet.ts";
import { counterValue, deployCounter } from "../helpers/fixtures.ts";

const PIN = "4821";
const MAX_CALLS = 5;
const SCREENSHOT = join(PROJECT_ROOT, "target", "screenshots", "example-web.png");
/** An action on the page: a scrypt or two and a transaction on devnet take seconds, not this. */
const ACTION_TIMEOUT_MS = 45_000;
/**
 * chromium.args minus the two flags that switch web security off: the page must work with
 * the same-origin policy a user's browser enforces (it talks to /rpc on its own origin).
 */
const RELAXED_SECURITY_FLAGS = new Set(["--disable-web-security", "--allow-running-insecure-content"]);

interface RecordedRequest {
  method: string;
  url: string;
  body: string;
}

interface PageStorage {
  local: [string, string][];
  session: [string, string][];
  cookie: string;
  indexedDbs: string[];
}

let browser: Browser | undefined;
let server: ViteDevServer | undefined;
let page: Page;
let account: DeployedSessionAccount;
let counter: string;
const requests: RecordedRequest[] = [];
/** What the page sends on WebSockets (Vite's HMR socket): not requests, still a way out. */
const socketFrames: string[] = [];
const pendingBodies: Promise<void>[] = [];
const pageErrors: string[] = [];
const timings: Record<string, number> = {};

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = Math.round(performance.now() - start);
  }
}

function record(request: HTTPRequest): void {
  const entry: RecordedRequest = { method: request.method(), url: request.url(), body: request.postData() ?? "" };
  requests.push(entry);
  // CDP leaves large bodies out of the event; fetch them so none escapes the check.
  if (request.hasPostData() && request.postData() === undefined) {
    pendingBodies.push(
      request.fetchPostData().then(
        (body) => void (entry.body = body ?? ""),
        () => void (entry.body = "<body unavailable>"),
      ),
    );
  }
}

async function launchBrowser(): Promise<Browser> {
  const executablePath = await chromium.executablePath();
  return puppeteer.launch({ executablePath, args: chromium.args.filter((flag) => !RELAXED_SECURITY_FLAGS.has(flag)), headless: true });
}

async function startExample(): Promise<{ server: ViteDevServer; url: string }> {
  const vite = await createServer(exampleConfig({ rpcUrl: `${devnetUrl()}/rpc`, port: 0 }));
  await vite.listen();
  const url = vite.resolvedUrls?.local[0];
  if (!url) throw new Error("the example's dev server reports no local URL");
  return { server: vite, url };
}

const text = (selector: string) => page.$eval(selector, (node) => node.textContent?.trim() ?? "");

/**
 * Clicks a button and waits until its action finished; returns "ok", or "error" followed
 * by the page's last log line (its error code and message).
 */
async function click(selector: string): Promise<string> {
  const seq = await page.$eval("body", (body) => Number(body.dataset.seq));
  await page.click(selector);
  await page.waitForFunction((before: number) => Number(document.body.dataset.seq) > before, { timeout: ACTION_TIMEOUT_MS }, seq);
  const result = await page.$eval("body", (body) => body.dataset.result ?? "none");
  return result === "ok" ? result : `${result}: ${await text("#log li:last-child")}`;
}

async function pageStorage(): Promise<PageStorage> {
  return page.evaluate(async () => ({
    local: Object.entries(localStorage),
    session: Object.entries(sessionStorage),
    cookie: document.cookie,
    indexedDbs: (await indexedDB.databases()).map((db) => db.name ?? ""),
  }));
}

/** The "12.34 STRK (… FRI)" the page shows, as FRI. */
function shownFri(feeText: string): bigint {
  const match = feeText.match(/^\d+\.\d+ STRK \((\d+) FRI\)$/);
  if (!match?.[1]) throw new Error(`not a fee: ${JSON.stringify(feeText)}`);
  return BigInt(match[1]);
}

beforeAll(async () => {
  const [launched, example] = await Promise.all([
    timed("chromium launch", launchBrowser),
    timed("vite start", startExample),
    timed("deploy account + counter", async () => {
      account = await deploySessionAccount();
      counter = await deployCounter();
    }),
  ]);
  browser = launched;
  server = example.server;
  page = await browser.newPage();
  page.on("request", record);
  const cdp = await page.createCDPSession();
  await cdp.send("Network.enable");
  cdp.on("Network.webSocketFrameSent", (event) => socketFrames.push(event.response.payloadData));
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  page.setDefaultTimeout(ACTION_TIMEOUT_MS);
  await timed("page ready", async () => {
    // main.ts sets `ready` last: a page whose SDK import fails never gets there, and says
    // why in an uncaught error, which ends the wait at once.
    const crashed = new Promise<never>((_, reject) => page.once("pageerror", reject));
    crashed.catch(() => {});
    await page.goto(`${example.url}?account=${account.address}&counter=${counter}`);
    await Promise.race([page.waitForFunction(() => document.body.dataset.ready === "true", { timeout: 30_000 }), crashed]).catch((error: unknown) => {
      throw new Error(`the example page did not start: ${pageErrors.join(" | ") || String(error)}`);
    });
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  console.log(`browser test timings (ms): ${JSON.stringify(timings)}`);
});

describe("example dApp in Chromium", () => {
  it("runs in a secure context (WebCrypto) on the built package", async () => {
    expect(await page.evaluate(() => ({ secure: window.isSecureContext, subtle: typeof crypto.subtle?.importKey }))).toEqual({ secure: true, subtle: "function" });
    // The SDK module the page loaded is the build in sdk/dist, not the TypeScript sources.
    expect(requests.some((request) => /\/sdk\/dist\/index\.js(\?|$)/.test(request.url))).toBe(true);
    expect(requests.filter((request) => /\/sdk\/(?!dist\/).*\.ts(\?|$)/.test(request.url))).toEqual([]);
  });

  it("refuses a 4-digit PIN without the explicit opt-in, and registers nothing", async () => {
    await page.type("#owner-key", account.ownerPrivateKey);
    await page.type("#pin", PIN);
    await page.$eval("#max-calls", (input, value) => void ((input as HTMLInputElement).value = value), String(MAX_CALLS));
    expect(await click("#create")).toMatch(/^error: .*INVALID_INPUT: encryptKey must be at least 8 characters/);
    expect(await text("#error-code")).toBe("INVALID_INPUT");
    expect((await pageStorage()).local).toEqual([]);
    expect(requests.some((request) => request.body.includes("starknet_addInvokeTransaction"))).toBe(false);
  });

  it("creates a PIN-encrypted key with allowWeakSecret and registers it once with the owner", async () => {
    await page.click("#allow-weak");
    expect(await timed("create + register + unlock", () => click("#create"))).toBe("ok");
    expect(await text("#status")).toBe("active");
    expect(await text("#remaining")).toBe(String(MAX_CALLS));
    expect(await text("#unlocked")).toMatch(/^yes/);
    expect(await page.$eval("#pin", (input) => (input as HTMLInputElement).value)).toBe("");
  });

  it("plays twice with no prompt: the counter moves on chain, the page shows remaining calls and the fee", async () => {
    for (const move of [1, 2]) {
      expect(await timed(`play ${move}`, () => click("#play"))).toBe("ok");
      expect(await counterValue(counter)).toBe(BigInt(move));
      expect(await text("#counter-value")).toBe(String(move));
      expect(await text("#remaining")).toBe(String(MAX_CALLS - move));
      const receipt = await rpcProvider().getTransactionReceipt(await text("#tx"));
      const paid = BigInt((receipt.value as { actual_fee: { amount: string } }).actual_fee.amount);
      expect(paid).toBeGreaterThan(0n);
      expect(shownFri(await text("#fee"))).toBe(paid);
    }
  });

  it("shows SESSION_ENTRYPOINT_NOT_ALLOWED for a move outside the whitelist, and nothing changes", async () => {
    const txBefore = await text("#tx");
    expect(await click("#forbidden")).toMatch(/^error: .*SESSION_ENTRYPOINT_NOT_ALLOWED/);
    expect(await text("#error-code")).toBe("SESSION_ENTRYPOINT_NOT_ALLOWED");
    expect(await counterValue(counter)).toBe(2n);
    expect(await text("#remaining")).toBe(String(MAX_CALLS - 2));
    expect(await text("#tx")).toBe(txBefore);
  });

  it("keeps only the encrypted envelope in storage; neither the session key nor the owner key is in any request or storage", async () => {
    const storage = await pageStorage();
    expect(storage.session).toEqual([]);
    expect(storage.cookie).toBe("");
    expect(storage.indexedDbs).toEqual([]);
    expect(storage.local.map(([key]) => key)).toEqual([`session-game:${num.toHex64(account.address)}`]);
    const record = JSON.parse(storage.local[0]?.[1] ?? "") as Record<string, unknown>;
    expect(Object.keys(record).sort()).toEqual(["accountAddress", "encryptedPrivateKey", "publicKey", "v", "validUntil"]);
    const envelope = JSON.parse(String(record.encryptedPrivateKey)) as Record<string, unknown>;
    expect(Object.keys(envelope).sort()).toEqual(["N", "ciphertext", "iv", "kdf", "p", "r", "salt", "v"]);
    expect(envelope).toMatchObject({ v: 2, kdf: "scrypt" });

    // The key the page signed with, recovered here from what it stored and the known PIN.
    const privateKey = await decryptPrivateKey(String(record.encryptedPrivateKey), PIN);
    const publicKey = ec.starkCurve.getStarkKey(privateKey);
    expect(BigInt(publicKey)).toBe(BigInt(String(record.publicKey)));
    const onChain = await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: publicKey });
    expect(onChain).toMatchObject({ status: "active", callsUsed: 2 });

    await Promise.all(pendingBodies);
    const rpcCalls = requests.filter((request) => new URL(request.url).pathname === "/rpc");
    expect(rpcCalls.filter((request) => request.body.includes("starknet_addInvokeTransaction")).length).toBe(3);
    const dom = await page.evaluate(() => document.documentElement.outerHTML);
    const haystacks = [...requests.map((request) => `${request.url}\n${request.body}`), ...socketFrames, ...[...storage.local, ...storage.session].flat(), storage.cookie, dom];
    const hexValues = (haystack: string) => (haystack.match(/(0x)?[0-9a-fA-F]{32,}/g) ?? []).map((token) => BigInt(token.startsWith("0x") ? token : `0x${token}`));
    // The check can see a key: the session's public key is in every signature sent.
    expect(haystacks.some((haystack) => hexValues(haystack).includes(BigInt(publicKey)))).toBe(true);
    for (const [what, secret] of [["session private key", privateKey], ["owner private key", account.ownerPrivateKey]] as const) {
      const digits = BigInt(secret).toString(16);
      // Hex with and without 0x, padded or not, and decimal; compared in lower case.
      const forms = [digits, digits.padStart(64, "0"), BigInt(secret).toString(10)].flatMap((form) => [form, `0x${form}`]);
      for (const haystack of haystacks) {
        const lower = haystack.toLowerCase();
        for (const form of forms) expect(lower.includes(form), `${what} (${form.slice(0, 6)}…) in ${haystack.slice(0, 120)}`).toBe(false);
        expect(hexValues(haystack).includes(BigInt(secret)), `${what} as a hex number in ${haystack.slice(0, 120)}`).toBe(false);
      }
    }
  });

  it("logs out: revokes the session on chain, clears the stored key, shows the revoked state", async () => {
    const publicKey = await page.evaluate(() => JSON.parse(Object.values(localStorage)[0] ?? "{}").publicKey as string);
    expect(await timed("log out", () => click("#logout"))).toBe("ok");
    expect(await text("#status")).toBe("revoked");
    expect(await text("#unlocked")).toBe("no");
    expect(await text("#stored")).toBe("nothing");
    expect(await page.$$eval("#play, #forbidden, #logout", (buttons) => buttons.map((button) => (button as HTMLButtonElement).disabled))).toEqual([true, true, true]);
    expect((await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: publicKey })).status).toBe("revoked");
    const storage = await pageStorage();
    expect([storage.local, storage.session]).toEqual([[], []]);

    mkdirSync(join(PROJECT_ROOT, "target", "screenshots"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(0);
    expect(pageErrors.filter((error) => !/Failed to load resource/.test(error))).toEqual([]);
  });
});
