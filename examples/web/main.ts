// The example dApp: one owner approval, then session-signed moves with no prompt.
// It imports the SDK by its package name; Vite resolves it to the built package.
import {
  addSessionKeyToContract,
  createSessionKey,
  createSessionStore,
  executeTransactionWithSession,
  getSessionData,
  revokeSessionKey,
  SessionError,
  type UnlockedSession,
} from "@session-account/sdk";
import { Account, type Call, RpcProvider } from "starknet";

const SESSION_SECONDS = 3_600;

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`the page has no #${id}`);
  return found;
}

const inputs = {
  account: element("account", HTMLInputElement),
  ownerKey: element("owner-key", HTMLInputElement),
  counter: element("counter", HTMLInputElement),
  pin: element("pin", HTMLInputElement),
  allowWeak: element("allow-weak", HTMLInputElement),
  maxCalls: element("max-calls", HTMLInputElement),
};
const buttons = {
  create: element("create", HTMLButtonElement),
  unlock: element("unlock", HTMLButtonElement),
  play: element("play", HTMLButtonElement),
  forbidden: element("forbidden", HTMLButtonElement),
  logout: element("logout", HTMLButtonElement),
};
const view = {
  status: element("status", HTMLElement),
  remaining: element("remaining", HTMLElement),
  fee: element("fee", HTMLElement),
  counterValue: element("counter-value", HTMLElement),
  tx: element("tx", HTMLElement),
  errorCode: element("error-code", HTMLElement),
  unlocked: element("unlocked", HTMLElement),
  stored: element("stored", HTMLElement),
  log: element("log", HTMLOListElement),
};

// Same origin: the dev server proxies /rpc to the node (see vite.config.ts).
const provider = new RpcProvider({ nodeUrl: new URL("/rpc", window.location.href).href, transactionRetryIntervalFallback: 250 });

// Expiry is the chain's clock: validUntil is checked against block time, which on a devnet
// may run ahead of this machine's. The offset is measured whenever a session starts.
let chainOffsetSeconds = 0;
const chainNow = () => Math.floor(Date.now() / 1000) + chainOffsetSeconds;
async function syncChainClock(): Promise<number> {
  const { timestamp } = await provider.getBlockWithTxHashes("latest");
  chainOffsetSeconds = timestamp - Math.floor(Date.now() / 1000);
  return timestamp;
}

// The safe default: localStorage gets the encrypted envelope and public data only; the
// decrypted key lives in `unlocked`, in memory, until validUntil, lock or log out.
const store = createSessionStore({ storage: window.localStorage, keyPrefix: "session-game:", now: chainNow });
let unlocked: UnlockedSession | undefined;
let sessionPublicKey: string | undefined;
let loggedOut = false;

const params = new URLSearchParams(window.location.search);
for (const name of ["account", "counter"] as const) inputs[name].value = params.get(name) ?? "";

function log(message: string): void {
  const item = document.createElement("li");
  item.textContent = `${new Date().toLocaleTimeString()} ${message}`;
  view.log.append(item);
}

function formatStrk(fri: bigint): string {
  const fraction = (fri % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "") || "0";
  return `${fri / 10n ** 18n}.${fraction} STRK (${fri} FRI)`;
}

function accountAddress(): string {
  const address = inputs.account.value.trim();
  if (!address) throw new SessionError("INVALID_INPUT", "enter the SessionAccount address");
  return address;
}

/** The wallet stand-in: an Account signing with the owner key typed above. */
function ownerAccount(): Account {
  const signer = inputs.ownerKey.value.trim();
  if (!signer) throw new SessionError("INVALID_INPUT", "enter the owner private key (devnet only)");
  return new Account({ provider, address: accountAddress(), signer, cairoVersion: "1" });
}

function counterCall(entrypoint: "increase" | "decrease"): Call {
  const contractAddress = inputs.counter.value.trim();
  if (!contractAddress) throw new SessionError("INVALID_INPUT", "enter the counter contract address");
  return { contractAddress, entrypoint, calldata: [1] };
}

function showUnlocked(): void {
  const live = unlocked?.isUnlocked === true;
  view.unlocked.textContent = live && unlocked ? `yes, until ${new Date(unlocked.validUntil * 1000).toISOString()} (chain time)` : "no";
  buttons.play.disabled = !live;
  buttons.forbidden.disabled = !live;
  buttons.logout.disabled = sessionPublicKey === undefined || loggedOut;
}

async function showStored(): Promise<void> {
  const address = inputs.account.value.trim();
  const record = address ? await store.load(address).catch(() => undefined) : undefined;
  view.stored.textContent = record ? `encrypted envelope (scrypt + AES-GCM) + public key ${record.publicKey.slice(0, 10)}… + validUntil ${record.validUntil}` : "nothing";
}

async function refresh(): Promise<void> {
  showUnlocked();
  await showStored();
  if (sessionPublicKey === undefined) return;
  const [data, counter] = await Promise.all([
    getSessionData({ provider, accountAddress: accountAddress(), sessionPublicKey }),
    provider.callContract({ contractAddress: counterCall("increase").contractAddress, entrypoint: "get" }),
  ]);
  view.status.textContent = data.status;
  view.status.dataset.status = data.status;
  view.remaining.textContent = String(data.remainingCalls);
  view.counterValue.textContent = BigInt(counter[0] ?? 0).toString();
}

function onLock(reason: "expired" | "locked" | "removed"): void {
  log(`session key forgotten from memory (${reason})`);
  showUnlocked();
}

/** Runs one button's action: busy flag, error display, and a sequence number tests wait on. */
function action(button: HTMLButtonElement, run: () => Promise<void>): void {
  button.addEventListener("click", () => {
    if (document.body.dataset.busy === "true") return;
    document.body.dataset.busy = "true";
    view.errorCode.textContent = "";
    run()
      .then(() => (document.body.dataset.result = "ok"))
      .catch((error: unknown) => {
        document.body.dataset.result = "error";
        if (error instanceof SessionError) view.errorCode.textContent = error.code;
        log(`refused: ${error instanceof SessionError ? `${error.code}: ` : ""}${error instanceof Error ? error.message : String(error)}`);
      })
      .then(() => refresh().catch((error: unknown) => log(`could not read the session: ${String(error)}`)))
      .finally(() => {
        document.body.dataset.busy = "false";
        document.body.dataset.seq = String(Number(document.body.dataset.seq ?? "0") + 1);
      });
  });
}

action(buttons.create, async () => {
  const owner = ownerAccount();
  const pin = inputs.pin.value;
  const maxCalls = Number(inputs.maxCalls.value);
  const now = await syncChainClock();
  log(`creating a session key encrypted with the PIN (allowWeakSecret: ${inputs.allowWeak.checked})`);
  // Only `true` lets a 4-digit PIN through; unchecked, the SDK refuses it (INVALID_INPUT).
  const key = await createSessionKey({ encryptKey: pin, allowWeakSecret: inputs.allowWeak.checked, durationSeconds: SESSION_SECONDS, now });
  log("asking the owner to approve it once: increase only, " + `${maxCalls} moves, 1 hour`);
  const registered = await addSessionKeyToContract({ account: owner, sessionPublicKey: key.publicKey, validUntil: key.validUntil, maxCalls, allowedEntrypoints: ["increase"] });
  log(`approved in ${registered.transactionHash}, fee ${formatStrk(registered.fee)}`);
  await store.save({ accountAddress: owner.address, publicKey: key.publicKey, validUntil: key.validUntil, encryptedPrivateKey: key.encryptedPrivateKey });
  unlocked?.lock();
  unlocked = await store.unlock({ accountAddress: owner.address, encryptKey: pin, onLock });
  sessionPublicKey = key.publicKey;
  loggedOut = false;
  inputs.pin.value = "";
  log("session key stored encrypted, unlocked in memory");
});

action(buttons.unlock, async () => {
  await syncChainClock();
  unlocked?.lock();
  unlocked = await store.unlock({ accountAddress: accountAddress(), encryptKey: inputs.pin.value, onLock });
  sessionPublicKey = unlocked.publicKey;
  loggedOut = false;
  inputs.pin.value = "";
  log("stored session unlocked");
});

async function sendMove(entrypoint: "increase" | "decrease"): Promise<void> {
  if (!unlocked) throw new SessionError("INVALID_INPUT", "create or unlock a session first");
  const sent = await executeTransactionWithSession({ provider, accountAddress: accountAddress(), session: unlocked.sessionKey(), calls: [counterCall(entrypoint)] });
  view.fee.textContent = formatStrk(sent.fee);
  view.tx.textContent = sent.transactionHash;
  log(`${entrypoint}: ${sent.transactionHash}, fee ${formatStrk(sent.fee)}`);
}

action(buttons.play, () => sendMove("increase"));

action(buttons.forbidden, async () => {
  await sendMove("decrease");
  log("the forbidden move was NOT refused");
});

action(buttons.logout, async () => {
  const publicKey = sessionPublicKey;
  if (publicKey === undefined) throw new SessionError("INVALID_INPUT", "no session to log out of");
  // Forget locally first: even if the revocation fails, this page keeps no key.
  await store.remove(accountAddress());
  unlocked = undefined;
  loggedOut = true;
  log("stored envelope deleted, key forgotten; revoking on chain");
  const revoked = await revokeSessionKey({ account: ownerAccount(), sessionPublicKey: publicKey });
  log(`revoked in ${revoked.transactionHash}, fee ${formatStrk(revoked.fee)}`);
});

inputs.account.addEventListener("change", () => void showStored());
void showStored().finally(() => {
  showUnlocked();
  document.body.dataset.ready = "true";
});
