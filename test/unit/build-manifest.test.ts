// Scarb.toml is the single source of the build's package metadata and contract list.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { artifactPaths, PROJECT_ROOT, readManifest } from "../../scripts/lib/build-contracts.ts";

describe("build manifest", () => {
  it("reads package name, edition and contract list from Scarb.toml", () => {
    const manifest = readManifest();
    expect(manifest.name).toBe("session_account");
    expect(manifest.edition).toMatch(/^\d{4}_\d{2}$/);
    expect(manifest.sourceDir).toBe(join(PROJECT_ROOT, "contracts"));
    expect(manifest.contracts).toContain("mocks::counter::Counter");
  });

  it("names artifacts as scarb build does: target/dev/<package>_<Contract>", () => {
    expect(artifactPaths("Counter", "session_account")).toEqual({
      sierra: join(PROJECT_ROOT, "target/dev/session_account_Counter.contract_class.json"),
      casm: join(PROJECT_ROOT, "target/dev/session_account_Counter.compiled_contract_class.json"),
    });
  });

  it("lists only modules that exist and are Starknet contracts", () => {
    const manifest = readManifest();
    for (const modulePath of manifest.contracts) {
      const segments = modulePath.split("::");
      const contract = segments.pop();
      const file = join(manifest.sourceDir, ...segments) + ".cairo";
      const source = readFileSync(file, "utf8");
      expect(source, `${file} declares ${contract}`).toMatch(new RegExp(`#\\[starknet::contract(?:\\(account\\))?\\]\\s*pub mod ${contract}\\b`));
    }
  });
});
