// Each run gets a devnet of its own and knows it is talking to it: startDevnet picks a
// port from the OS, and accepts a devnet only when devnet_getConfig on that port reports
// the identity it was started with and the process it spawned is still running.
import { createServer, type Server } from "node:net";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DevnetStartError, hasIdentity, type RunningDevnet, reservePort, startDevnet } from "../../scripts/lib/devnet.ts";

const started: RunningDevnet[] = [];
async function start(...args: Parameters<typeof startDevnet>): Promise<RunningDevnet> {
  const devnet = await startDevnet(...args);
  started.push(devnet);
  return devnet;
}
afterAll(() => {
  for (const { devnet } of started) devnet.kill("SIGTERM");
});

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Address and STRK balance (FRI) of predeployed account #1. */
async function account1({ devnet }: RunningDevnet): Promise<{ address: string; balance: bigint }> {
  const [, account] = await devnet.provider.getPredeployedAccounts({ withBalance: true });
  const amount = account?.balance?.strk?.amount;
  if (!account || amount === undefined) throw new Error("devnet reports no predeployed account #1 with a STRK balance");
  return { address: account.address, balance: BigInt(amount) };
}

describe("devnet isolation", () => {
  it("the run's devnet reports the identity the global setup started it with", async () => {
    expect(await hasIdentity(inject("devnetUrl"), inject("devnetIdentity"))).toBe(true);
  });

  it("two devnets started at once get their own ports and chains", async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect(a.url).not.toBe(b.url);
    expect(a.url).not.toBe(inject("devnetUrl"));
    expect(await hasIdentity(a.url, a.identity)).toBe(true);
    expect(await hasIdentity(b.url, b.identity)).toBe(true);
    expect(await hasIdentity(a.url, b.identity)).toBe(false);

    // Same seed, so the same predeployed accounts; minting on one leaves the other alone.
    const before = await account1(b);
    expect((await account1(a)).address).toBe(before.address);
    const minted = await a.devnet.provider.mint(before.address, 12_345n, "FRI");
    expect(minted.new_balance).toBe(before.balance + 12_345n);
    expect((await account1(b)).balance).toBe(before.balance);
  });

  it("refuses a fixed port where another devnet answers instead of reporting it as ours", async () => {
    const taken = portOf(inject("devnetUrl"));
    await expect(startDevnet({ port: taken })).rejects.toThrow(DevnetStartError);
    await expect(startDevnet({ port: taken })).rejects.toThrow(`another devnet answers on port ${taken}`);
    // The run's devnet is untouched.
    expect(await hasIdentity(inject("devnetUrl"), inject("devnetIdentity"))).toBe(true);
  });

  it("moves on to a fresh port when the one it picked turns out to be another devnet's", async () => {
    const taken = portOf(inject("devnetUrl"));
    const tried: number[] = [];
    const devnet = await start({
      choosePort: async (host, attempt) => {
        const port = attempt === 0 ? taken : await reservePort(host);
        tried.push(port);
        return port;
      },
    });
    expect(tried).toHaveLength(2);
    expect(tried[0]).toBe(taken);
    expect(portOf(devnet.url)).toBe(tried[1]);
    expect(await hasIdentity(devnet.url, devnet.identity)).toBe(true);
  });

  it("notices a devnet that exits because something else holds its port", async () => {
    // A plain TCP listener: no devnet answers there, and ours cannot bind.
    const blocker: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      await expect(startDevnet({ port })).rejects.toThrow(/devnet exited \(code \d+\) before answering/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
