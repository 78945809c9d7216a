// Scripts never print secrets: RPC URLs lose their path, query and credentials, key
// parse errors never repeat the input, and `npm run deploy` failing on a bad config
// prints neither.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { redactUrl, scrubSecrets } from "../../scripts/lib/redact.ts";
import { PROJECT_ROOT } from "../../scripts/lib/build-contracts.ts";
import { parseAddress, parsePrivateKey, parsePublicKey } from "../../sdk/utils/keys.ts";

const run = promisify(execFile);

describe("redactUrl", () => {
  it.each([
    ["https://starknet-mainnet.infura.io/v3/0123456789abcdef0123456789abcdef", "https://starknet-mainnet.infura.io/…"],
    ["https://starknet-mainnet.g.alchemy.com/starknet/version/rpc/v0_8/SECRETKEY", "https://starknet-mainnet.g.alchemy.com/…"],
    ["https://rpc.example.com/rpc?apikey=SECRETKEY", "https://rpc.example.com/…"],
    ["https://rpc.example.com?apikey=SECRETKEY", "https://rpc.example.com/…"],
    ["https://user:SECRETKEY@rpc.example.com:8443/", "https://rpc.example.com:8443/…"],
    ["https://rpc.example.com/#SECRETKEY", "https://rpc.example.com/…"],
    ["http://127.0.0.1:9/v3/SECRETKEY", "http://127.0.0.1:9/…"],
    ["  https://rpc.example.com:8443  ", "https://rpc.example.com:8443"],
    ["https://rpc.example.com/", "https://rpc.example.com"],
    ["wss://rpc.example.com/ws/SECRETKEY", "wss://rpc.example.com/…"],
  ])("%s -> %s", (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it("returns nothing of a string that is not a URL", () => {
    expect(redactUrl("SECRETKEY/not a url")).toBe("<not a valid URL>");
    expect(redactUrl("")).toBe("<not a valid URL>");
  });
});

describe("scrubSecrets", () => {
  it("replaces a configured URL and keys wherever a library quoted them", () => {
    const text = "request to https://rpc.example.com/v3/SECRETKEY failed; signer 0xSECRETnothex";
    const scrubbed = scrubSecrets(text, { urls: ["https://rpc.example.com/v3/SECRETKEY"], secrets: ["0xSECRETnothex", undefined] });
    expect(scrubbed).toBe("request to https://rpc.example.com/… failed; signer <redacted>");
  });
});

describe("key parse errors never contain the input", () => {
  const malformed = [
    "0xSECRETnothex",
    "SECRET1234567890abcdef",
    `0x${"a".repeat(65)}`,
    "0X1234567890abcdef",
    "0x",
    "",
    "0x1234 5678",
  ];

  function messageOf(parse: () => unknown): string {
    try {
      parse();
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("expected the parse to fail");
  }

  it.each(malformed)("private key %j", (value) => {
    const message = messageOf(() => parsePrivateKey(value, "DEPLOYER_PRIVATE_KEY"));
    expect(message).toMatch(/^DEPLOYER_PRIVATE_KEY must be a 0x-prefixed hex number: it /);
    if (value.trim() !== "" && value !== "0x") expect(message).not.toContain(value);
    expect(message).not.toContain("SECRET");
  });

  it("says what is wrong without the value", () => {
    expect(messageOf(() => parsePrivateKey("abc123"))).toBe("private key must be a 0x-prefixed hex number: it must start with 0x");
    expect(messageOf(() => parsePrivateKey("0xSECRET"))).toBe("private key must be a 0x-prefixed hex number: it contains characters that are not hex digits (0-9, a-f)");
    expect(messageOf(() => parsePrivateKey(`0x${"1".repeat(70)}`))).toBe("private key must be a 0x-prefixed hex number: it has 70 hex digits, more than the 64 allowed");
    expect(messageOf(() => parsePrivateKey("  "))).toBe("private key must be a 0x-prefixed hex number: it is empty");
  });

  it("an out-of-range private key is not echoed either", () => {
    const tooBig = `0x${"f".repeat(64)}`;
    const message = messageOf(() => parsePrivateKey(tooBig));
    expect(message).toMatch(/out of range/);
    expect(message).not.toContain(tooBig);
  });

  it("public keys and addresses use the same messages", () => {
    expect(messageOf(() => parsePublicKey("0xSECRET"))).not.toContain("0xSECRET");
    expect(messageOf(() => parseAddress("0xSECRET"))).not.toContain("0xSECRET");
    // The first small x that is no point's x coordinate.
    let x = 1n;
    while (true) {
      try {
        parsePublicKey(`0x${x.toString(16)}`);
        x++;
      } catch {
        break;
      }
    }
    const notOnCurve = `0x${x.toString(16)}`;
    expect(messageOf(() => parsePublicKey(notOnCurve))).toBe("public key is not the x coordinate of a point on the Stark curve");
  });

  it("valid keys still parse", () => {
    expect(parsePrivateKey(" 0x0001 ")).toBe("0x1");
    expect(parseAddress("0xabc")).toBe(`0x${"0".repeat(61)}abc`);
  });
});

describe("npm run deploy with a bad configuration", () => {
  const secretUrl = "http://127.0.0.1:9/v3/SECRETKEY123";

  /** Runs scripts/deploy.ts as `npm run deploy` does (no chain needed: port 9 is closed). */
  async function deploy(env: Record<string, string>): Promise<{ code: number | undefined; output: string }> {
    const tsx = join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
    return run(tsx, [join(PROJECT_ROOT, "scripts", "deploy.ts")], {
      cwd: PROJECT_ROOT,
      // Empty values count as unset: a developer's own .env or shell cannot leak in.
      env: { ...process.env, OWNER_PUBLIC_KEY: "", OWNER_PRIVATE_KEY: "", DEPLOY_SALT: "", ACCOUNT_FUNDING_STRK: "", ...env },
      timeout: 60_000,
    }).then(
      () => {
        throw new Error("deploy succeeded against a closed port");
      },
      (error: { code?: number; stdout: string; stderr: string }) => ({ code: error.code, output: `${error.stdout}\n${error.stderr}` }),
    );
  }

  it("rejects a malformed deployer key without printing it", async () => {
    const { code, output } = await deploy({ STARKNET_RPC_URL: secretUrl, DEPLOYER_ADDRESS: "0x1", DEPLOYER_PRIVATE_KEY: "0xSECRETnothex" });
    expect(code).toBe(1);
    expect(output).toContain("[deploy] DEPLOYER_PRIVATE_KEY: private key must be a 0x-prefixed hex number: it contains characters that are not hex digits");
    expect(output).not.toContain("SECRET");
  }, 60_000);

  it("reports an unreachable RPC URL without its path", async () => {
    const { code, output } = await deploy({ STARKNET_RPC_URL: secretUrl, DEPLOYER_ADDRESS: "0x1", DEPLOYER_PRIVATE_KEY: "0x5ec7e7" });
    expect(code).toBe(1);
    expect(output).toContain("[deploy] cannot reach STARKNET_RPC_URL (http://127.0.0.1:9/…)");
    expect(output).not.toContain("SECRETKEY123");
    expect(output).not.toContain("0x5ec7e7");
  }, 60_000);
});
