import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cachedBinary, cacheDir, corelibDir, TOOLS } from "../../scripts/lib/toolchain.ts";

describe("toolchain locations", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("caches outside the repository, under XDG_CACHE_HOME when set", () => {
    delete process.env.SESSION_ACCOUNT_CACHE;
    process.env.XDG_CACHE_HOME = "/tmp/xdg";
    expect(cacheDir()).toBe("/tmp/xdg/session-account");
    expect(cachedBinary(TOOLS.devnet)).toBe("/tmp/xdg/session-account/toolchain/starknet-devnet-0.10.1/bin/starknet-devnet");
  });

  it("puts the corelib next to the bin folder of starknet-compile and cairo-test", () => {
    process.env.SESSION_ACCOUNT_CACHE = "/tmp/cache";
    const binDir = join(cachedBinary(TOOLS.compile), "..");
    expect(join(binDir, "..", "corelib")).toBe(corelibDir());
    expect(join(cachedBinary(TOOLS.cairoTest), "..")).toBe(binDir);
  });
});
